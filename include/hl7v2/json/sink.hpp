// Output sinks: where JSON (and ER7, and decoded text) goes. A sink is anything with
// append(const char*, std::size_t) and push_back(char); std::string qualifies. The sinks here add what
// a string cannot do: write into a caller's fixed buffer without ever passing its end, or stream to a
// FILE* / std::ostream in large chunks. None allocates per value: string_sink grows its string (no
// allocation once its capacity is warm), the buffered sinks allocate their buffer once, at construction.
//
// Errors are sticky and reported by status(): once a fixed buffer overflows or a write fails, later
// appends are ignored, so a caller checks once, after the whole message, not after every value.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "hl7v2/error.hpp"

namespace hl7v2 {

// Appends to a std::string the caller owns (and reuses: clear() keeps the capacity).
class string_sink {
 public:
  explicit string_sink(std::string& target) noexcept : s_(&target) {}

  void append(const char* data, std::size_t n) { s_->append(data, n); }
  void append(std::string_view text) { s_->append(text.data(), text.size()); }
  void push_back(char c) { s_->push_back(c); }

  std::string& str() noexcept { return *s_; }
  std::string_view view() const noexcept { return *s_; }
  std::size_t size() const noexcept { return s_->size(); }
  errc status() const noexcept { return errc::ok; }

 private:
  std::string* s_;
};

// Writes into a caller's buffer. An append that does not fit writes nothing, sets the overflow flag
// and makes every later append a no-op, so the buffer always holds a prefix of the intended output
// and nothing is written past capacity.
class fixed_sink {
 public:
  fixed_sink(char* buffer, std::size_t capacity) noexcept : buf_(buffer), cap_(capacity), limit_(capacity) {}
  template <std::size_t N>
  explicit fixed_sink(char (&buffer)[N]) noexcept : fixed_sink(buffer, N) {}

  void append(const char* data, std::size_t n) noexcept {
    // limit_ drops to size_ on overflow: one comparison covers "full" and "already failed".
    if (n > limit_ - size_) {
      fail();
      return;
    }
    if (n != 0) std::memcpy(buf_ + size_, data, n);
    size_ += n;
  }
  void append(std::string_view text) noexcept { append(text.data(), text.size()); }
  void push_back(char c) noexcept {
    if (size_ == limit_) {
      fail();
      return;
    }
    buf_[size_++] = c;
  }

  bool overflowed() const noexcept { return overflow_; }
  errc status() const noexcept { return overflow_ ? errc::buffer_overflow : errc::ok; }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return cap_; }
  const char* data() const noexcept { return buf_; }
  std::string_view view() const noexcept { return {buf_, size_}; }
  // Starts over on the same buffer (and forgets an overflow).
  void clear() noexcept {
    size_ = 0;
    limit_ = cap_;
    overflow_ = false;
  }

 private:
  char* buf_;
  std::size_t cap_;
  std::size_t limit_;
  std::size_t size_ = 0;
  bool overflow_ = false;

  void fail() noexcept {
    limit_ = size_;
    overflow_ = true;
  }
};

namespace detail {

// Chunked buffering shared by file_sink and ostream_sink. Derived supplies
// bool write_out(const char*, std::size_t) and bool flush_out(); a failure sets errc::io_error for good.
template <class Derived>
class buffered_sink {
 public:
  void append(const char* data, std::size_t n) {
    if (n <= cap_ - used_) {
      if (n != 0) std::memcpy(buf_.get() + used_, data, n);
      used_ += n;
      return;
    }
    drain();
    if (n < cap_) {
      std::memcpy(buf_.get(), data, n);
      used_ = n;
    } else {
      write(data, n);  // a chunk at least as large as the buffer: no point copying it first
    }
  }
  void append(std::string_view text) { append(text.data(), text.size()); }
  void push_back(char c) {
    if (used_ == cap_) drain();
    buf_[used_++] = c;
  }

  // Hands everything buffered to the file or stream and flushes it there.
  errc flush() {
    drain();
    if (status_ == errc::ok && !static_cast<Derived*>(this)->flush_out()) status_ = errc::io_error;
    return status_;
  }
  errc status() const noexcept { return status_; }
  // Bytes accepted so far (buffered or written).
  std::size_t size() const noexcept { return written_ + used_; }

 protected:
  explicit buffered_sink(std::size_t buffer_size)
      : buf_(new char[buffer_size < 16 ? 16 : buffer_size]), cap_(buffer_size < 16 ? 16 : buffer_size) {}
  ~buffered_sink() = default;
  buffered_sink(const buffered_sink&) = delete;
  buffered_sink& operator=(const buffered_sink&) = delete;

  void drain() {
    write(buf_.get(), used_);
    used_ = 0;
  }

 private:
  void write(const char* data, std::size_t n) {
    if (n == 0) return;
    if (status_ == errc::ok && !static_cast<Derived*>(this)->write_out(data, n)) status_ = errc::io_error;
    written_ += n;
  }

  std::unique_ptr<char[]> buf_;
  std::size_t cap_;
  std::size_t used_ = 0;
  std::size_t written_ = 0;
  errc status_ = errc::ok;
};

}  // namespace detail

// Buffered writer to a FILE* the caller opened (and closes). The destructor writes what is still
// buffered but cannot report a failure: call flush() and check it to know the output is complete.
class file_sink : public detail::buffered_sink<file_sink> {
 public:
  explicit file_sink(std::FILE* file, std::size_t buffer_size = 64 * 1024)
      : buffered_sink(buffer_size), file_(file) {}
  ~file_sink() { drain(); }

 private:
  friend class detail::buffered_sink<file_sink>;
  bool write_out(const char* data, std::size_t n) { return std::fwrite(data, 1, n, file_) == n; }
  bool flush_out() { return std::fflush(file_) == 0; }

  std::FILE* file_;
};

// The same over a std::ostream (std::cout, an ofstream, a stringstream).
class ostream_sink : public detail::buffered_sink<ostream_sink> {
 public:
  explicit ostream_sink(std::ostream& os, std::size_t buffer_size = 64 * 1024)
      : buffered_sink(buffer_size), os_(&os) {}
  ~ostream_sink() { drain(); }

 private:
  friend class detail::buffered_sink<ostream_sink>;
  bool write_out(const char* data, std::size_t n) {
    os_->write(data, static_cast<std::streamsize>(n));
    return static_cast<bool>(*os_);
  }
  bool flush_out() {
    os_->flush();
    return static_cast<bool>(*os_);
  }

  std::ostream* os_;
};

}  // namespace hl7v2
