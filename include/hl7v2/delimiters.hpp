// Encoding characters, read from the header segment (MSH, FHS or BHS) that defines them.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "hl7v2/error.hpp"

namespace hl7v2 {

// The six characters that structure ER7 text. '\0' means "not declared": a message whose MSH-2 has
// only "^~" has no escape and no subcomponent character, so '\' and '&' are plain text there.
struct delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  char truncation = '\0';  // HL7 2.7+: a fifth MSH-2 character, e.g. '#'

  constexpr bool is_structural(char c) const noexcept {
    return c != '\0' && (c == field || c == component || c == repetition || c == subcomponent);
  }
  // MSH-2 as it would be written: the declared characters in order.
  constexpr std::string_view encoding_characters(std::array<char, 5>& storage) const noexcept {
    std::size_t n = 0;
    for (char c : {component, repetition, escape, subcomponent, truncation}) {
      if (c == '\0') break;
      storage[n++] = c;
    }
    return {storage.data(), n};
  }
  friend constexpr bool operator==(const delimiters&, const delimiters&) = default;
};

namespace detail {
constexpr bool is_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
// A delimiter may be any character except letters, digits and the characters that end segments.
constexpr bool can_delimit(char c) noexcept { return c != '\0' && c != '\r' && c != '\n' && !is_alnum(c); }
}  // namespace detail

// Reads the delimiters from a header segment ("MSH|^~\&|...", "FHS|...", "BHS|..."): MSH-1 is the
// character right after the id, MSH-2 runs to the next field separator or the end of the segment.
// Offsets in errors are relative to `header`.
constexpr result<delimiters> read_delimiters(std::string_view header) noexcept {
  if (header.size() < 4) return error{errc::bare_header, header.size(), 1, 1};
  delimiters d{};
  d.field = header[3];
  if (!detail::can_delimit(d.field)) return error{errc::bad_field_separator, 3, 1, 1};
  std::size_t end = 4;
  while (end < header.size() && header[end] != d.field && header[end] != '\r' && header[end] != '\n') ++end;
  const std::string_view enc = header.substr(4, end - 4);
  if (enc.size() < 2) return error{errc::encoding_too_short, 4, 1, 2};
  if (enc.size() > 5) return error{errc::encoding_too_long, 4, 1, 2};
  char* roles[] = {&d.component, &d.repetition, &d.escape, &d.subcomponent, &d.truncation};
  for (auto* r : roles) *r = '\0';
  for (std::size_t i = 0; i < enc.size(); ++i) {
    const char c = enc[i];
    if (!detail::can_delimit(c)) return error{errc::bad_delimiter, 4 + i, 1, 2};
    if (c == d.field) return error{errc::duplicate_delimiter, 4 + i, 1, 2};
    for (std::size_t j = 0; j < i; ++j) {
      if (enc[j] == c) return error{errc::duplicate_delimiter, 4 + i, 1, 2};
    }
    *roles[i] = c;
  }
  return d;
}

}  // namespace hl7v2
