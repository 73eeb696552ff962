// Terser-style paths that address one part of a message.
//
// Grammar (1-based numbers, no spaces, upper-case segment ids):
//
//   path       = segment-id [ "(" occurrence ")" ]
//                [ sep field [ "(" repetition ")" ] [ sep component [ sep subcomponent ] ] ]
//   segment-id = 3 characters, each A-Z or 0-9          ("PID", "OBX", "ZPD", "Z01")
//   sep        = "-" | "."                               (either one, at every level)
//   number     = one or more digits, value 1 .. 99999999
//
// Examples:
//   "PID"            the first PID segment, whole (raw, without its terminator)
//   "OBX(3)-5"       field 5 of the third OBX, all its repetitions
//   "PID-5"          field 5 of the first PID, all repetitions
//   "PID-5-1"        component 1 of the first repetition of PID-5
//   "PID-3(2)-1"     component 1 of the second repetition of PID-3
//   "PID-3(1).1"     the same with '.' (the HAPI/Mirth spelling)
//   "PID-11(2)-3-1"  subcomponent 1 of component 3 of the second repetition of PID-11
//   "MSH-1", "MSH-2" the field separator and the encoding characters (MSH counts MSH-1, as HL7 does)
//
// Without "(n)", the occurrence and (below field level) the repetition are the first one; a field path
// without "(n)" and without a component addresses the whole field. Malformed paths are errc::bad_path
// with error::offset = the position in the path string where reading failed.
#pragma once

#include <cstddef>
#include <string_view>

#include "hl7v2/error.hpp"

namespace hl7v2 {

struct path {
  std::string_view segment_id;   // 3 characters, a view into the parsed path string
  std::size_t occurrence = 1;    // which segment with that id (1 = first)
  std::size_t field = 0;         // 0 = the whole segment
  std::size_t repetition = 0;    // 0 = not given: the whole field, or the first repetition below it
  std::size_t component = 0;     // 0 = not given
  std::size_t subcomponent = 0;  // 0 = not given
  friend constexpr bool operator==(const path&, const path&) = default;
};

namespace detail {
constexpr bool is_segment_id_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
}  // namespace detail

constexpr result<path> parse_path(std::string_view text) noexcept {
  constexpr std::size_t max_number = 99999999;
  path p;
  std::size_t i = 0;
  const auto fail = [&](std::size_t at) { return result<path>{error{errc::bad_path, at, 0, 0}}; };
  // Reads a positive decimal number at i; 0 means "none there or out of range" (i left where it failed).
  const auto number = [&]() -> std::size_t {
    std::size_t v = 0;
    const std::size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      v = v * 10 + static_cast<std::size_t>(text[i] - '0');
      if (v > max_number) {
        i = from;
        return 0;
      }
      ++i;
    }
    if (v == 0) i = from;
    return v;
  };
  const auto in_parens = [&](std::size_t& out) -> bool {  // "(n)" at i, if any; false on a malformed one
    if (i >= text.size() || text[i] != '(') return true;
    ++i;
    out = number();
    if (out == 0) return false;
    if (i >= text.size() || text[i] != ')') return false;
    ++i;
    return true;
  };
  const auto separator = [&]() -> bool {
    if (i < text.size() && (text[i] == '-' || text[i] == '.')) {
      ++i;
      return true;
    }
    return false;
  };

  if (text.size() < 3) return fail(text.size() < 1 || !detail::is_segment_id_char(text[0]) ? 0 : text.size());
  for (; i < 3; ++i) {
    if (!detail::is_segment_id_char(text[i])) return fail(i);
  }
  p.segment_id = text.substr(0, 3);
  if (!in_parens(p.occurrence)) return fail(i);
  if (i == text.size()) return p;
  if (!separator()) return fail(i);
  if ((p.field = number()) == 0) return fail(i);
  if (!in_parens(p.repetition)) return fail(i);
  if (i == text.size()) return p;
  if (!separator()) return fail(i);
  if ((p.component = number()) == 0) return fail(i);
  if (i == text.size()) return p;
  if (!separator()) return fail(i);
  if ((p.subcomponent = number()) == 0) return fail(i);
  if (i == text.size()) return p;
  return fail(i);
}

}  // namespace hl7v2
