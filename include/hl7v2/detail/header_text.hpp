#pragma once
// The text of a header field that picks definitions (MSH-9, MSH-12, MSH-18, OBX-2), read as the named
// layout shows it: up to the first subcomponent ("2.4&x" names 2.4; under MSH-2 "^~\." the text "2.4"
// reads "2"), escapes decoded (with '.' as the escape character "2.1" is an unterminated, so literal,
// escape, and the way back writes it "2.E.1": both must name the same version). The resolver, the JSON
// walk and validation all read it here, so they always agree on the definitions.

#include <cstddef>
#include <cstring>
#include <string_view>

#include "hl7v2/delimiters.hpp"
#include "hl7v2/escape.hpp"

namespace hl7v2::detail {

// Appends into a fixed buffer; remembers when something did not fit.
class bounded_text {
 public:
  bounded_text(char* buf, std::size_t cap) noexcept : buf_(buf), cap_(cap) {}
  void append(const char* data, std::size_t n) noexcept {
    if (n > cap_ - size_) {
      overflow_ = true;
      return;
    }
    if (n != 0) std::memcpy(buf_ + size_, data, n);
    size_ += n;
  }
  void push_back(char c) noexcept { append(&c, 1); }
  // Empty when the text did not fit: such text is no id the definitions know.
  std::string_view view() const noexcept {
    return overflow_ ? std::string_view{} : std::string_view{buf_, size_};
  }

 private:
  char* buf_;
  std::size_t cap_, size_ = 0;
  bool overflow_ = false;
};

template <std::size_t N>
std::string_view decoded_header_text(std::string_view raw, const delimiters& d, char (&buf)[N]) {
  if (d.subcomponent != '\0') raw = raw.substr(0, raw.find(d.subcomponent));
  if (d.escape == '\0' || raw.find(d.escape) == std::string_view::npos) return raw;
  bounded_text out{buf, N};
  hl7v2::unescape(raw, d, out);
  return out.view();
}

}  // namespace hl7v2::detail
