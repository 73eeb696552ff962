// HL7 escape sequences: decoding raw ER7 text into the characters it stands for, and encoding text for
// writing ER7. The escape character is the message's own (MSH-2's third character): with a backtick
// escape, '\' is plain text; with none declared ('\0'), nothing is an escape.
//
// Decoding (unescape), E being the escape character:
//   EFE ESE ETE ERE EEE   the field, component, subcomponent, repetition and escape characters
//   EPE                   the truncation character (2.7+), when MSH-2 declares one
//   EXhh...E              the bytes given in hex (any even number of digits, either case); they are
//                         bytes of the message's character set, so charset.hpp's to_utf8 comes after
//   E.brE E.spE E.ceE     formatting commands. formatting::map turns .br, .sp (with or without a
//                         count) and .ce into "\n", .sk into one space, and drops .fi .nf .in .ti (fill
//                         and indent have no plain-text form); formatting::keep copies them verbatim
//   EHE ENE               highlight on/off: dropped under map, verbatim under keep
//   ECxxyyE EMxxyyzzE     character set switches: always verbatim (no charset state is tracked)
// Anything else between two escape characters (unknown codes, odd or non-hex \X digits, a
// subcomponent or truncation code the message does not declare) is copied literally, both escape
// characters included, and decoding goes on after it. An escape character with no partner is literal
// too. Decoding never fails and never reads outside `raw`.
//
// Encoding (escape) is the exact inverse: the six delimiters become EFE ESE ETE ERE EEE EPE and CR / LF
// become EX0DE / EX0AE (not E.brE, which could not tell CR from LF): unescape(escape(t)) == t for any
// bytes t, under either formatting option. With no escape character declared, text is copied as is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "hl7v2/delimiters.hpp"

namespace hl7v2 {

enum class formatting : std::uint8_t {
  map,   // formatting commands become plain-text line breaks/spaces (see above); highlighting is dropped
  keep,  // formatting and highlighting escapes are copied verbatim
};

struct decode_options {
  formatting format = formatting::map;
};

// Whether decoding could change `raw`: does it contain the escape character? (memchr, so SIMD-fast.)
inline bool needs_unescape(std::string_view raw, const delimiters& d) noexcept {
  return d.escape != '\0' && !raw.empty() && std::memchr(raw.data(), d.escape, raw.size()) != nullptr;
}

namespace detail {

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

constexpr bool all_digits(std::string_view s) noexcept {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Writes the bytes of "Xhh..." (body without the escape characters); false if it is not valid hex.
template <class Sink>
bool decode_hex_escape(std::string_view hex, Sink& out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  for (char c : hex) {
    if (hex_value(c) < 0) return false;
  }
  char buf[128];
  std::size_t used = 0;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    buf[used++] = static_cast<char>((hex_value(hex[i]) << 4) | hex_value(hex[i + 1]));
    if (used == sizeof buf) {
      out.append(buf, used);
      used = 0;
    }
  }
  if (used != 0) out.append(buf, used);
  return true;
}

// A formatting command under formatting::map (body after the '.'); false if it is not one we know.
template <class Sink>
bool map_formatting(std::string_view cmd, Sink& out) {
  if (cmd.size() < 2) return false;
  const std::string_view name = cmd.substr(0, 2);
  std::string_view arg = cmd.substr(2);
  if (!arg.empty() && arg[0] == ' ') arg.remove_prefix(1);  // the standard writes "\.sp <number>\"
  if (name == "br" || name == "ce" || name == "fi" || name == "nf") {
    if (cmd.size() != 2) return false;
  } else if (name == "sp" || name == "sk") {
    if (!all_digits(arg)) return false;
  } else if (name == "in" || name == "ti") {
    if (!arg.empty() && (arg[0] == '+' || arg[0] == '-')) {
      arg.remove_prefix(1);
      if (arg.empty()) return false;  // a sign with no number
    }
    if (!all_digits(arg)) return false;
  } else {
    return false;
  }
  if (name == "br" || name == "sp" || name == "ce") {
    out.push_back('\n');
  } else if (name == "sk") {
    out.push_back(' ');
  }
  return true;  // .fi .nf .in .ti: nothing to write
}

// One escape sequence's body (between the escape characters). False: not decodable, copy it literally.
template <class Sink>
bool decode_escape(std::string_view body, const delimiters& d, formatting format, Sink& out) {
  if (body.empty()) return false;
  if (body.size() == 1) {
    char c = '\0';
    switch (body[0]) {
      case 'F':
        c = d.field;
        break;
      case 'S':
        c = d.component;
        break;
      case 'T':
        c = d.subcomponent;
        break;
      case 'R':
        c = d.repetition;
        break;
      case 'E':
        c = d.escape;
        break;
      case 'P':
        c = d.truncation;
        break;
      case 'H':
      case 'N':
        return format == formatting::map;  // highlighting has no plain-text form: dropped
      default:
        return false;
    }
    if (c == '\0') return false;  // a role the message does not declare
    out.push_back(c);
    return true;
  }
  switch (body[0]) {
    case 'X':
      return decode_hex_escape(body.substr(1), out);
    case '.':
      return format == formatting::map && map_formatting(body.substr(1), out);
    default:
      return false;  // \C..\ \M..\ (charset switches) and unknown codes stay verbatim
  }
}

}  // namespace detail

// Decodes raw ER7 text into `out` (any sink: append(const char*, size_t) and push_back(char)).
// Text between escapes is appended in whole runs; a value with no escape character is one append.
template <class Sink>
void unescape(std::string_view raw, const delimiters& d, Sink& out, decode_options options = {}) {
  const char esc = d.escape;
  const char* p = raw.data();
  const std::size_t n = raw.size();
  if (esc == '\0' || n == 0) {
    if (n != 0) out.append(p, n);
    return;
  }
  std::size_t i = 0;
  while (i < n) {
    const auto* open_at = static_cast<const char*>(std::memchr(p + i, esc, n - i));
    if (open_at == nullptr) {
      out.append(p + i, n - i);
      return;
    }
    const auto open = static_cast<std::size_t>(open_at - p);
    if (open != i) out.append(p + i, open - i);
    const auto* close_at =
        open + 1 < n ? static_cast<const char*>(std::memchr(p + open + 1, esc, n - open - 1)) : nullptr;
    if (close_at == nullptr) {  // unterminated: the rest is literal
      out.append(p + open, n - open);
      return;
    }
    const auto close = static_cast<std::size_t>(close_at - p);
    const std::string_view body(p + open + 1, close - open - 1);
    if (!detail::decode_escape(body, d, options.format, out)) out.append(p + open, close - open + 1);
    i = close + 1;
  }
}

namespace detail {

// The escape code for one character of text, or '\0' when it is written as is. 'x' = CR, 'y' = LF.
constexpr char escape_code(char c, const delimiters& d) noexcept {
  if (c == '\0') return '\0';  // NUL is never a delimiter ('\0' in delimiters means "not declared")
  if (c == d.field) return 'F';
  if (c == d.component) return 'S';
  if (c == d.subcomponent) return 'T';
  if (c == d.repetition) return 'R';
  if (c == d.escape) return 'E';
  if (c == d.truncation) return 'P';
  if (c == '\r') return 'x';
  if (c == '\n') return 'y';
  return '\0';
}

}  // namespace detail

// Whether escape() would change `text`.
constexpr bool needs_escape(std::string_view text, const delimiters& d) noexcept {
  if (d.escape == '\0') return false;
  for (char c : text) {
    if (detail::escape_code(c, d) != '\0') return true;
  }
  return false;
}

// Encodes text for writing into ER7 (see the top of this file). Runs of plain text go out in one append.
template <class Sink>
void escape(std::string_view text, const delimiters& d, Sink& out) {
  const char* p = text.data();
  const std::size_t n = text.size();
  if (d.escape == '\0') {
    if (n != 0) out.append(p, n);
    return;
  }
  const char e = d.escape;
  std::size_t run = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char code = detail::escape_code(p[i], d);
    if (code == '\0') continue;
    if (i != run) out.append(p + run, i - run);
    run = i + 1;
    if (code == 'x' || code == 'y') {
      const char seq[5] = {e, 'X', '0', code == 'x' ? 'D' : 'A', e};
      out.append(seq, 5);
    } else {
      const char seq[3] = {e, code, e};
      out.append(seq, 3);
    }
  }
  if (run != n) out.append(p + run, n - run);
}

}  // namespace hl7v2
