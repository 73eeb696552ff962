// The byte buffer the JSON converter builds each object in (detail): the converter's own, and the
// grouped layout's buffer of segment objects, so both drive one instantiation of the named emitter.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <utility>

#include "hl7v2/json/writer.hpp"

namespace hl7v2::json {

namespace detail {

// Where the converter builds each object: a growable byte buffer whose push_back and append inline to a
// bounds check and a store (std::string's do not, and emitters call them for every token). Grows by
// doubling, never shrinks: no allocation once warm.
class emit_buffer {
 public:
  void clear() noexcept { size_ = 0; }
  HL7V2_JSON_INLINE void push_back(char c) {
    if (size_ == cap_) grow(1);
    data_[size_++] = c;
  }
  HL7V2_JSON_INLINE void append(const char* p, std::size_t n) {
    if (n > cap_ - size_) grow(n);
    char* const d = data_ + size_;
    size_ += n;
    if (n <= 32) {
      copy_short(d, p, n);  // keys and most values: no call into memcpy
    } else {
      copy_long(d, p, n);
    }
  }
  // Room for n more bytes, written through the pointer returned; commit(end) then sets the size to
  // end - data() (end within that room). So a token of several pieces costs one bounds check.
  HL7V2_JSON_INLINE char* reserve(std::size_t n) {
    if (n > cap_ - size_) grow(n);
    return data_ + size_;
  }
  HL7V2_JSON_INLINE void commit(char* end) noexcept { size_ = static_cast<std::size_t>(end - data_); }
  const char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }

 private:
  HL7V2_JSON_INLINE static void copy_short(char* d, const char* s, std::size_t n) noexcept {
    hl7v2::detail::copy_short(d, s, n);
  }
  HL7V2_JSON_INLINE static void copy_long(char* d, const char* s, std::size_t n) noexcept {
    hl7v2::detail::copy_long(d, s, n);
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    std::size_t cap = cap_ == 0 ? 4096 : cap_ * 2;
    while (cap - size_ < n) cap *= 2;
    std::unique_ptr<char[]> bigger(new char[cap]);
    if (size_ != 0) std::memcpy(bigger.get(), data_, size_);
    buf_ = std::move(bigger);
    data_ = buf_.get();
    cap_ = cap;
  }
  std::unique_ptr<char[]> buf_;
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
};

}  // namespace detail

}  // namespace hl7v2::json
