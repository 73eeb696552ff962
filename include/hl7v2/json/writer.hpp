// JSON text: quoted strings with the escapes RFC 8259 requires, numbers from already-parsed text, and
// the one structural writer (json_writer) every JSON producer here uses: the emitters, the grouped
// layout and the command line's records.
// Input strings must be UTF-8 (charset.hpp's to_utf8 makes them so); they are passed through unchanged
// except for '"', '\\' and the control characters below 0x20.
#pragma once

#include <array>
#include <bit>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define HL7V2_JSON_SSE2 1
#endif

#include "hl7v2/json/sink.hpp"

// Writers and emitters call their output for every token: keep those calls inlined whatever the
// optimizer thinks.
#if defined(__GNUC__) || defined(__clang__)
#define HL7V2_JSON_INLINE __attribute__((always_inline)) inline
#else
#define HL7V2_JSON_INLINE inline
#endif

namespace hl7v2 {

namespace detail {

// For each byte: 0 when it goes into a JSON string as is, else the character that follows the
// backslash in its escape ('u' for the \u00XX form).
inline constexpr std::array<char, 256> json_escape_table = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 'u';
  t['\b'] = 'b';
  t['\f'] = 'f';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}();

constexpr bool json_needs_escape(char c) noexcept {
  return json_escape_table[static_cast<unsigned char>(c)] != 0;
}

// Index of the first byte that needs escaping, or n. Three versions with identical results (tested
// against each other): a byte loop, 8 bytes at a time in a 64-bit word, 16 at a time with SSE2.
inline std::size_t find_json_special_scalar(const char* p, std::size_t n) noexcept {
  std::size_t i = 0;
  while (i < n && !json_needs_escape(p[i])) ++i;
  return i;
}

// Non-zero when one of the bytes of x needs escaping. The classic "has a byte below k" and "has a zero
// byte" word tests: exact about whether the word holds a hit, not about where.
template <class Word>
constexpr Word json_special_bits(Word x) noexcept {
  constexpr Word ones = static_cast<Word>(~Word{0}) / 0xFF;
  constexpr Word high = ones * 0x80;
  const Word q = x ^ (ones * '"');
  const Word b = x ^ (ones * '\\');
  return ((x - ones * 0x20) & ~x & high) | ((q - ones) & ~q & high) | ((b - ones) & ~b & high);
}

template <class Word>
inline Word load_word(const char* p) noexcept {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

inline std::size_t find_json_special_swar(const char* p, std::size_t n) noexcept {
  if (n < 8) {
    // Two overlapping 4-byte words cover 4..7 bytes without a byte loop.
    if (n >= 4 && (json_special_bits(load_word<std::uint32_t>(p)) |
                   json_special_bits(load_word<std::uint32_t>(p + n - 4))) == 0) {
      return n;
    }
    return find_json_special_scalar(p, n);
  }
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (json_special_bits(load_word<std::uint64_t>(p + i)) != 0)
      return i + find_json_special_scalar(p + i, 8);
  }
  if (i == n) return n;
  // The tail as one word overlapping what was already checked.
  if (json_special_bits(load_word<std::uint64_t>(p + n - 8)) == 0) return n;
  return i + find_json_special_scalar(p + i, n - i);
}

#ifdef HL7V2_JSON_SSE2
inline std::size_t find_json_special_sse2(const char* p, std::size_t n) noexcept {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i max_control = _mm_set1_epi8(0x1F);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Unsigned v <= 0x1F exactly when max(v, 0x1F) == 0x1F.
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, max_control), max_control);
    const __m128i hit =
        _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
  }
  return i + find_json_special_swar(p + i, n - i);
}
#endif

inline std::size_t find_json_special(const char* p, std::size_t n) noexcept {
#ifdef HL7V2_JSON_SSE2
  return find_json_special_sse2(p, n);
#else
  return find_json_special_swar(p, n);
#endif
}

// n <= 32 bytes as two overlapping loads and stores of the widest size that fits: keys and most
// values, with no call into memcpy.
HL7V2_JSON_INLINE void copy_short(char* d, const char* s, std::size_t n) noexcept {
  const auto pair = [&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
    char head[W];
    char tail[W];
    std::memcpy(head, s, W);
    std::memcpy(tail, s + n - W, W);
    std::memcpy(d, head, W);
    std::memcpy(d + n - W, tail, W);
  };
  if (n >= 16) {
    pair(std::integral_constant<std::size_t, 16>{});
  } else if (n >= 8) {
    pair(std::integral_constant<std::size_t, 8>{});
  } else if (n >= 4) {
    pair(std::integral_constant<std::size_t, 4>{});
  } else if (n != 0) {
    d[0] = s[0];
    d[n / 2] = s[n / 2];
    d[n - 1] = s[n - 1];
  }
}
// Out of line, which also keeps g++ from judging callers' short buffers by this branch.
[[gnu::noinline]] inline void copy_long(char* d, const char* s, std::size_t n) noexcept {
  std::memcpy(d, s, n);
}
HL7V2_JSON_INLINE void copy_bytes(char* d, const char* s, std::size_t n) noexcept {
  if (n <= 32) {
    copy_short(d, s, n);
  } else {
    copy_long(d, s, n);
  }
}

// A sink that hands out room to write into (convert.hpp's emit_buffer): reserve(n) returns where the
// next n bytes go, commit(end) says where the written bytes end.
template <class Sink>
concept reserving_sink = requires(Sink& s, char* p) {
  { s.reserve(std::size_t{}) } -> std::same_as<char*>;
  s.commit(p);
};

}  // namespace detail

// The body of a JSON string (no quotes): runs that need no escaping are appended in one call.
template <class Sink>
void write_json_escaped(std::string_view utf8, Sink& out) {
  const char* p = utf8.data();
  const std::size_t n = utf8.size();
  std::size_t i = 0;
  for (;;) {
    const std::size_t run = detail::find_json_special(p + i, n - i);
    if (run != 0) out.append(p + i, run);
    i += run;
    if (i == n) return;
    const auto c = static_cast<unsigned char>(p[i++]);
    const char kind = detail::json_escape_table[c];
    if (kind != 'u') {
      const char pair[2] = {'\\', kind};
      out.append(pair, 2);
    } else {
      constexpr char hex[] = "0123456789abcdef";
      const char seq[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
      out.append(seq, 6);
    }
  }
}

// A quoted JSON string.
template <class Sink>
void write_json_string(std::string_view utf8, Sink& out) {
  out.push_back('"');
  write_json_escaped(utf8, out);
  out.push_back('"');
}

// Is `text` an HL7 NM value: optional sign, digits, optional '.' and digits, at least one digit?
constexpr bool is_hl7_number(std::string_view text) noexcept {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  }
  return digits != 0 && i == text.size();
}

// Writes an HL7 NM value as a JSON number, keeping every significant digit: drops a '+' and redundant
// leading zeros, adds the zero JSON needs before a bare point (".5" -> 0.5) and drops a trailing
// point ("1." -> 1). Returns false, writing nothing, when `text` is not an HL7 number.
template <class Sink>
bool write_json_number(std::string_view text, Sink& out) {
  if (!is_hl7_number(text)) return false;
  std::size_t i = 0;
  if (text[0] == '-') {
    out.push_back('-');
    i = 1;
  } else if (text[0] == '+') {
    i = 1;
  }
  const std::size_t point = text.find('.', i);
  std::string_view whole = text.substr(i, (point == std::string_view::npos ? text.size() : point) - i);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
  if (whole.empty()) {
    out.push_back('0');
  } else {
    out.append(whole.data(), whole.size());
  }
  if (!fraction.empty()) {
    out.push_back('.');
    out.append(fraction.data(), fraction.size());
  }
  return true;
}

// The one structural JSON writer: it places commas and colons so callers (the emitters, the grouped
// layout, the command line's records) only say what comes next. It keeps one flag, not a stack: after
// a value or a closed container the next item needs a comma, after an opening bracket or a key it does
// not. Nesting is the caller's responsibility (depth() helps assert it). No allocation; every call is
// forced inline, since emitters make one per token.
//
//   json_writer w{sink};
//   w.begin_object(); w.key("pid"); w.begin_object(); w.key("set_id"); w.string("1");
//   w.end_object(); w.end_object();                                   // {"pid":{"set_id":"1"}}
template <class Sink>
class json_writer {
 public:
  explicit json_writer(Sink& out) noexcept : out_(&out) {}

  HL7V2_JSON_INLINE void begin_object() { open('{'); }
  HL7V2_JSON_INLINE void end_object() { close('}'); }
  HL7V2_JSON_INLINE void begin_array() { open('['); }
  HL7V2_JSON_INLINE void end_array() { close(']'); }

  // An object key, escaped as needed.
  void key(std::string_view name) {
    separate();
    write_json_string(name, *out_);
    out_->push_back(':');
    comma_ = false;
  }
  // A key known to need no escaping (definition keys, segment ids, positions): one copy, no scan.
  HL7V2_JSON_INLINE void plain_key(std::string_view name) {
    if constexpr (detail::reserving_sink<Sink>) {
      // ,"name": written in place
      char* p = out_->reserve(name.size() + 4);
      *p = ',';
      p += comma_;
      *p++ = '"';
      detail::copy_bytes(p, name.data(), name.size());
      p += name.size();
      p[0] = '"';
      p[1] = ':';
      out_->commit(p + 2);
    } else {
      separate();
      out_->push_back('"');
      out_->append(name.data(), name.size());
      out_->append("\":", 2);
    }
    comma_ = false;
  }

  // A key given as its whole member token, quotes and colon included (`"name":`, a definition's
  // key_token()): the comma, if due, and one copy.
  HL7V2_JSON_INLINE void key_token(std::string_view token) {
    if constexpr (detail::reserving_sink<Sink>) {
      char* p = out_->reserve(token.size() + 1);
      *p = ',';
      p += comma_;
      detail::copy_bytes(p, token.data(), token.size());
      out_->commit(p + token.size());
    } else {
      separate();
      out_->append(token.data(), token.size());
    }
    comma_ = false;
  }

  // A string value (UTF-8), escaped as JSON requires.
  void string(std::string_view utf8) {
    separate();
    write_json_string(utf8, *out_);
    comma_ = true;
  }
  // Text known to need no JSON escaping (ASCII without '"', '\\' or control characters): one copy.
  HL7V2_JSON_INLINE void plain_string(std::string_view text) {
    if constexpr (detail::reserving_sink<Sink>) {
      char* p = out_->reserve(text.size() + 3);
      *p = ',';
      p += comma_;
      *p++ = '"';
      detail::copy_bytes(p, text.data(), text.size());
      p += text.size();
      *p++ = '"';
      out_->commit(p);
    } else {
      separate();
      out_->push_back('"');
      out_->append(text.data(), text.size());
      out_->push_back('"');
    }
    comma_ = true;
  }
  // A string value written in pieces: begin_string(), any number of string_part(), end_string().
  HL7V2_JSON_INLINE void begin_string() {
    separate();
    out_->push_back('"');
  }
  void string_part(std::string_view utf8) { write_json_escaped(utf8, *out_); }
  HL7V2_JSON_INLINE void end_string() {
    out_->push_back('"');
    comma_ = true;
  }

  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) void number(T value) {
    separate();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    out_->append(buf, static_cast<std::size_t>(r.ptr - buf));
    comma_ = true;
  }
  // An HL7 NM value as a JSON number (see write_json_number); false, writing nothing, if it is not one.
  bool number(std::string_view hl7_number) {
    if (!is_hl7_number(hl7_number)) return false;
    separate();
    write_json_number(hl7_number, *out_);
    comma_ = true;
    return true;
  }
  void boolean(bool value) { raw(value ? std::string_view{"true"} : std::string_view{"false"}); }
  HL7V2_JSON_INLINE void null() { raw("null"); }
  // Text that is already valid JSON (a number, members, a nested document): copied as is.
  HL7V2_JSON_INLINE void raw(std::string_view json) {
    separate();
    out_->append(json.data(), json.size());
    comma_ = true;
  }

  // Ends a line of NDJSON: the next value starts a new top-level document.
  void newline() {
    out_->push_back('\n');
    comma_ = false;
  }
  // Forgets the state, e.g. after an abandoned document.
  void reset() noexcept {
    comma_ = false;
    depth_ = 0;
  }

  std::size_t depth() const noexcept { return depth_; }
  Sink& sink() noexcept { return *out_; }

 private:
  HL7V2_JSON_INLINE void separate() {
    if (comma_) out_->push_back(',');
  }
  HL7V2_JSON_INLINE void open(char bracket) {
    separate();
    out_->push_back(bracket);
    comma_ = false;
    ++depth_;
  }
  HL7V2_JSON_INLINE void close(char bracket) {
    out_->push_back(bracket);
    comma_ = true;
    --depth_;
  }

  Sink* out_;
  std::size_t depth_ = 0;
  bool comma_ = false;
};

}  // namespace hl7v2
