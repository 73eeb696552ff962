// Character sets: MSH-18 says how a message's bytes encode text; to_utf8 turns them into the UTF-8 the
// rest of the library hands out (JSON must be UTF-8). Bytes the declared set does not allow follow a
// policy: U+FFFD (default), a strict error with the byte's offset, or read as Latin-1 (the usual truth
// behind a wrong label).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "hl7v2/detail/iso8859.hpp"
#include "hl7v2/detail/utf8.hpp"
#include "hl7v2/error.hpp"

namespace hl7v2 {

enum class charset : std::uint8_t {
  ascii,       // "ASCII", "ISO IR6": bytes >= 0x80 are invalid
  utf8,        // "UNICODE UTF-8" (also "UTF-8", and "UNICODE", which feeds use for UTF-8)
  latin1,      // "8859/1"
  iso8859_2,   // "8859/2" Central European
  iso8859_3,   // "8859/3" South European
  iso8859_4,   // "8859/4" North European
  iso8859_5,   // "8859/5" Cyrillic
  iso8859_6,   // "8859/6" Arabic
  iso8859_7,   // "8859/7" Greek
  iso8859_8,   // "8859/8" Hebrew
  iso8859_9,   // "8859/9" Turkish
  iso8859_15,  // "8859/15" Latin-9 (Latin-1 with €)
  unknown,     // anything else (JIS, GB 18030, UTF-16, ...): callers treat the bytes as UTF-8
};

enum class invalid_bytes : std::uint8_t {
  replace,  // each invalid byte (or maximal invalid UTF-8 subpart) becomes U+FFFD
  strict,   // errc::invalid_byte with the offset of the first invalid byte; nothing is written
  latin1,   // each invalid byte is read as a Latin-1 character
};

// The HL7 table 0211 spelling of a character set ("8859/1"), or "unknown".
constexpr std::string_view charset_name(charset cs) noexcept {
  switch (cs) {
    case charset::ascii:
      return "ASCII";
    case charset::utf8:
      return "UNICODE UTF-8";
    case charset::latin1:
      return "8859/1";
    case charset::iso8859_2:
      return "8859/2";
    case charset::iso8859_3:
      return "8859/3";
    case charset::iso8859_4:
      return "8859/4";
    case charset::iso8859_5:
      return "8859/5";
    case charset::iso8859_6:
      return "8859/6";
    case charset::iso8859_7:
      return "8859/7";
    case charset::iso8859_8:
      return "8859/8";
    case charset::iso8859_9:
      return "8859/9";
    case charset::iso8859_15:
      return "8859/15";
    case charset::unknown:
      return "unknown";
  }
  return "unknown";
}

// Maps MSH-18 to a charset. Pass MSH-18 (its first repetition is the message's default set; reading
// stops at the first character that cannot belong to a name, such as a repetition separator). Case,
// spaces, '-', '_' and '/' are ignored, so common misspellings ("UTF8", "ISO-8859-1", "iso_8859-15")
// are understood. Empty (or only spaces) gives `if_empty`.
constexpr charset charset_from_msh18(std::string_view msh18, charset if_empty = charset::utf8) noexcept {
  char key[24] = {};
  std::size_t n = 0;
  for (char c : msh18) {
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !digit && c != ' ' && c != '-' && c != '_' && c != '/' && c != '.') break;
    if (!letter && !digit) continue;
    if (n == sizeof key) return charset::unknown;
    key[n++] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const std::string_view k(key, n);
  if (k.empty()) return if_empty;
  if (k == "ASCII" || k == "USASCII" || k == "ISOIR6") return charset::ascii;
  if (k == "UNICODEUTF8" || k == "UTF8" || k == "UNICODE") return charset::utf8;
  if (k == "ISOIR100" || k == "LATIN1") return charset::latin1;
  if (k == "LATIN9") return charset::iso8859_15;
  std::string_view part = k;
  if (part.starts_with("ISO")) part.remove_prefix(3);
  if (!part.starts_with("8859")) return charset::unknown;
  part.remove_prefix(4);
  if (part == "1") return charset::latin1;
  if (part == "2") return charset::iso8859_2;
  if (part == "3") return charset::iso8859_3;
  if (part == "4") return charset::iso8859_4;
  if (part == "5") return charset::iso8859_5;
  if (part == "6") return charset::iso8859_6;
  if (part == "7") return charset::iso8859_7;
  if (part == "8") return charset::iso8859_8;
  if (part == "9") return charset::iso8859_9;
  if (part == "15") return charset::iso8859_15;
  return charset::unknown;
}

// Whole-buffer UTF-8 validation: well-formed per the Unicode standard (no overlongs, no surrogates).
inline bool is_valid_utf8(std::string_view bytes) noexcept {
  return detail::validate_utf8(bytes.data(), bytes.size());
}

namespace detail {

// No byte >= 0x80? Eight bytes at a time: the high bits of all words OR-ed together.
inline bool is_ascii(std::string_view s) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t any = 0;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    any |= w;
  }
  for (; n != 0; ++p, --n) any |= static_cast<unsigned char>(*p);
  return (any & 0x8080808080808080u) == 0;
}

// Length of the valid UTF-8 sequence starting at p[0] (1..4), or 0 with `bad` set to the length of
// its maximal invalid subpart (Unicode's recommended unit for U+FFFD substitution, >= 1).
constexpr std::size_t utf8_sequence(const unsigned char* p, std::size_t n, std::size_t& bad) noexcept {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t trail = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    trail = 1;
  } else if (c == 0xE0) {
    trail = 2;
    lo = 0xA0;  // no overlong forms
  } else if (c == 0xED) {
    trail = 2;
    hi = 0x9F;  // no surrogates
  } else if (c >= 0xE1 && c <= 0xEF) {
    trail = 2;
  } else if (c == 0xF0) {
    trail = 3;
    lo = 0x90;  // no overlong forms
  } else if (c >= 0xF1 && c <= 0xF3) {
    trail = 3;
  } else if (c == 0xF4) {
    trail = 3;
    hi = 0x8F;  // nothing above U+10FFFF
  } else {
    bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k <= trail; ++k) {
    const bool ok = k < n && p[k] >= (k == 1 ? lo : 0x80) && p[k] <= (k == 1 ? hi : 0xBF);
    if (!ok) {
      bad = k;
      return 0;
    }
  }
  return trail + 1;
}

// Offset of the first byte that is not valid UTF-8, or n.
inline std::size_t first_invalid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  std::size_t bad = 0;
  while (i < s.size()) {
    const std::size_t len = utf8_sequence(p + i, s.size() - i, bad);
    if (len == 0) return i;
    i += len;
  }
  return s.size();
}

// Writes one code point (< 0x10000 here: single-byte sets and U+FFFD) as UTF-8; returns bytes written.
constexpr std::size_t put_utf8(char* out, std::uint32_t cp) noexcept {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  out[0] = static_cast<char>(0xE0 | (cp >> 12));
  out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[2] = static_cast<char>(0x80 | (cp & 0x3F));
  return 3;
}

inline constexpr std::uint32_t replacement_character = 0xFFFD;

// Code point of byte b (>= 0x80) in a single-byte set, or 0 when the set leaves it unassigned.
constexpr std::uint32_t single_byte_code_point(charset cs, unsigned char b) noexcept {
  if (cs < charset::latin1 || cs > charset::iso8859_15) return 0;  // ascii (and not a single-byte set)
  if (cs == charset::latin1 || b < 0xA0) return b;  // 0x80..0x9F: C1 controls in every ISO 8859 part
  const auto table = static_cast<std::size_t>(cs) - static_cast<std::size_t>(charset::iso8859_2);
  return iso8859_high[table][b - 0xA0];
}

// Collects short converted pieces and appends them in chunks, so a text with a few accents costs a few
// appends, not one per character.
template <class Sink>
class utf8_out {
 public:
  explicit utf8_out(Sink& sink) noexcept : sink_(&sink) {}

  void run(const char* p, std::size_t n) {
    if (n == 0) return;
    if (n <= sizeof buf_ - used_) {
      std::memcpy(buf_ + used_, p, n);
      used_ += n;
    } else {
      flush();
      sink_->append(p, n);
    }
    written_ += n;
  }
  void code_point(std::uint32_t cp) {
    if (sizeof buf_ - used_ < 4) flush();
    const std::size_t k = put_utf8(buf_ + used_, cp);
    used_ += k;
    written_ += k;
  }
  void flush() {
    if (used_ != 0) sink_->append(buf_, used_);
    used_ = 0;
  }
  std::size_t written() const noexcept { return written_; }

 private:
  Sink* sink_;
  char buf_[256];
  std::size_t used_ = 0;
  std::size_t written_ = 0;
};

template <class Sink>
void put_invalid(utf8_out<Sink>& out, const unsigned char* p, std::size_t n, invalid_bytes policy) {
  if (policy == invalid_bytes::latin1) {
    for (std::size_t k = 0; k < n; ++k) out.code_point(p[k]);
  } else {
    out.code_point(replacement_character);
  }
}

}  // namespace detail

// Converts `bytes` in charset `cs` to UTF-8 appended to `out`; returns the number of bytes appended.
// Text that is already valid (ASCII, or valid UTF-8 for utf8/unknown) is appended in one call. Under
// invalid_bytes::strict an invalid byte gives errc::invalid_byte with its offset in `bytes`, and
// nothing is appended. U+FFFD replaces one byte in the single-byte sets, and one maximal invalid
// subpart (e.g. a truncated sequence) in UTF-8, as Unicode recommends.
template <class Sink>
result<std::size_t> to_utf8(std::string_view bytes, charset cs, invalid_bytes policy, Sink& out) {
  const std::size_t n = bytes.size();
  if (n == 0) return std::size_t{0};
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());

  if (cs == charset::utf8 || cs == charset::unknown) {
    if ((n <= 64 && detail::is_ascii(bytes)) || is_valid_utf8(bytes)) {
      out.append(bytes.data(), n);
      return n;
    }
    if (policy == invalid_bytes::strict) return error{errc::invalid_byte, detail::first_invalid_utf8(bytes)};
    detail::utf8_out<Sink> w(out);
    std::size_t run = 0;  // start of the pending valid run
    std::size_t i = 0;
    std::size_t bad = 0;
    while (i < n) {
      if (p[i] < 0x80) {
        ++i;
        continue;
      }
      const std::size_t len = detail::utf8_sequence(p + i, n - i, bad);
      if (len != 0) {
        i += len;
        continue;
      }
      w.run(bytes.data() + run, i - run);
      detail::put_invalid(w, p + i, bad, policy);
      i += bad;
      run = i;
    }
    w.run(bytes.data() + run, n - run);
    w.flush();
    return w.written();
  }

  // Single-byte sets: ASCII runs are copied, the rest goes through the code point of each byte.
  if (detail::is_ascii(bytes)) {
    out.append(bytes.data(), n);
    return n;
  }
  if (policy == invalid_bytes::strict) {
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] >= 0x80 && detail::single_byte_code_point(cs, p[i]) == 0) return error{errc::invalid_byte, i};
    }
  }
  detail::utf8_out<Sink> w(out);
  std::size_t run = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] < 0x80) continue;
    w.run(bytes.data() + run, i - run);
    run = i + 1;
    const std::uint32_t cp = detail::single_byte_code_point(cs, p[i]);
    if (cp != 0) {
      w.code_point(cp);
    } else {
      detail::put_invalid(w, p + i, 1, policy);
    }
  }
  w.run(bytes.data() + run, n - run);
  w.flush();
  return w.written();
}

// The text as UTF-8 without copying when it already is: returns `bytes` itself when it is ASCII (or
// valid UTF-8 in a utf8/unknown message), else the conversion, written into `scratch` (cleared first;
// keep it across messages so its capacity stays warm). Errors as for to_utf8.
inline result<std::string_view> to_utf8_view(std::string_view bytes, charset cs, invalid_bytes policy,
                                             std::string& scratch) {
  if (detail::is_ascii(bytes)) return bytes;
  if ((cs == charset::utf8 || cs == charset::unknown) && is_valid_utf8(bytes)) return bytes;
  scratch.clear();
  auto r = to_utf8(bytes, cs, policy, scratch);
  if (!r) return r.error();
  return std::string_view{scratch};
}

// The same with the default policy (U+FFFD).
template <class Sink>
result<std::size_t> to_utf8(std::string_view bytes, charset cs, Sink& out) {
  return to_utf8(bytes, cs, invalid_bytes::replace, out);
}

}  // namespace hl7v2
