// Typed values for the named layout's `typed` option: HL7 text → JSON number / ISO 8601 text, and back
// (for JSON → ER7). Pure functions over caller buffers: no allocation, no exceptions.
//
// NM  "+5" "007" "5." ".5" "-0.50" → 5 7 5 0.5 -0.50   (sign, digits, one optional '.'; surrounding
//     spaces allowed; anything else, an exponent included, is not an NM and stays a string; so do
//     numbers with more than 15 integer digits, which a double cannot hold)
// SI  "0012" → 12                                      (digits only, at most 18 so any int64 reader copes)
// DT, DTM, TS: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]
//     "2026" → "2026", "202601" → "2026-01", "20260126" → "2026-01-26", "202601261530" → "2026-01-26T15:30",
//     "20260126153045.1234-0500" → "2026-01-26T15:30:45.1234-05:00". Precision and offset are kept as given;
//     an offset needs a time of day (ISO 8601 has none for dates); out-of-range parts stay strings.
#pragma once

#include <cstddef>
#include <string_view>

namespace hl7v2::json {

// How a primitive value is written under `typed`.
enum class value_kind : unsigned char { text, number /* NM */, integer /* SI */, datetime /* DT, DTM, TS */ };

// The kind of a primitive type id. A TS composite's first component is a date-time too: callers pass
// "DTM" for it (see named.hpp).
// Asked for every value: compares bytes, not strings, and is always inlined.
#if defined(__GNUC__) || defined(__clang__)
[[gnu::always_inline]]
#endif
constexpr value_kind
kind_of_type(std::string_view type_id) noexcept {
  if (type_id.size() == 2) {
    const char a = type_id[0], b = type_id[1];
    if (a == 'N' && b == 'M') return value_kind::number;
    if (a == 'S' && b == 'I') return value_kind::integer;
    if ((a == 'D' && b == 'T') || (a == 'T' && b == 'S')) return value_kind::datetime;
    return value_kind::text;
  }
  if (type_id.size() == 3 && type_id[0] == 'D' && type_id[1] == 'T' && type_id[2] == 'M')
    return value_kind::datetime;
  return value_kind::text;
}

// Longest output of the conversions below for an input of n bytes.
constexpr std::size_t typed_capacity(std::size_t n) noexcept { return n + 8; }

namespace detail {
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr std::string_view trim_spaces(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}
constexpr int two_digits(std::string_view s, std::size_t at) noexcept {
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}
}  // namespace detail

// NM → JSON number text in out[0..typed_capacity(in.size())). Returns its length, 0 when `in` is not an NM.
constexpr std::size_t nm_to_json(std::string_view in, char* out) noexcept {
  in = detail::trim_spaces(in);
  std::size_t n = 0;
  if (!in.empty() && (in.front() == '+' || in.front() == '-')) {
    if (in.front() == '-') out[n++] = '-';
    in.remove_prefix(1);
  }
  const std::size_t dot = in.find('.');
  std::string_view whole = in.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : in.substr(dot + 1);
  if (whole.empty() && frac.empty()) return 0;
  for (char c : whole)
    if (!detail::is_digit(c)) return 0;
  for (char c : frac)
    if (!detail::is_digit(c)) return 0;
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);  // JSON forbids leading zeros
  // Beyond 15 integer digits a double (what most JSON readers use) no longer holds the value, and
  // some readers refuse such numbers outright: keep those as strings, as well as absurdly long ones.
  if (whole.size() > 15 || whole.size() + frac.size() > 40) return 0;
  if (whole.empty()) {
    out[n++] = '0';
  } else {
    for (char c : whole) out[n++] = c;
  }
  if (!frac.empty()) {
    out[n++] = '.';
    for (char c : frac) out[n++] = c;
  }
  return n;
}

// SI → JSON integer text. Returns its length, 0 when `in` is not an SI.
constexpr std::size_t si_to_json(std::string_view in, char* out) noexcept {
  in = detail::trim_spaces(in);
  if (in.empty()) return 0;
  for (char c : in)
    if (!detail::is_digit(c)) return 0;
  while (in.size() > 1 && in.front() == '0') in.remove_prefix(1);
  if (in.size() > 18) return 0;
  std::size_t n = 0;
  for (char c : in) out[n++] = c;
  return n;
}

// DT/DTM/TS → ISO 8601 text (no quotes). Returns its length, 0 when `in` does not parse.
constexpr std::size_t dtm_to_iso(std::string_view in, char* out) noexcept {
  in = detail::trim_spaces(in);
  std::string_view offset;
  if (const std::size_t sign = in.find_first_of("+-"); sign != std::string_view::npos) {
    offset = in.substr(sign);
    in = in.substr(0, sign);
    if (offset.size() != 5 || !detail::is_digit(offset[1]) || !detail::is_digit(offset[2]) ||
        !detail::is_digit(offset[3]) || !detail::is_digit(offset[4]))
      return 0;
    if (detail::two_digits(offset, 1) > 23 || detail::two_digits(offset, 3) > 59) return 0;
  }
  const std::size_t dot = in.find('.');
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : in.substr(dot + 1);
  std::string_view digits = in.substr(0, dot);
  if (dot != std::string_view::npos && (digits.size() != 14 || frac.empty() || frac.size() > 4)) return 0;
  for (char c : digits)
    if (!detail::is_digit(c)) return 0;
  for (char c : frac)
    if (!detail::is_digit(c)) return 0;
  const std::size_t len = digits.size();
  if (len != 4 && len != 6 && len != 8 && len != 10 && len != 12 && len != 14) return 0;
  if (!offset.empty() && len < 10) return 0;
  // Range checks, part by part.
  if (len >= 6) {
    const int month = detail::two_digits(digits, 4);
    if (month < 1 || month > 12) return 0;
  }
  if (len >= 8) {
    const int day = detail::two_digits(digits, 6);
    if (day < 1 || day > 31) return 0;
  }
  if (len >= 10 && detail::two_digits(digits, 8) > 23) return 0;
  if (len >= 12 && detail::two_digits(digits, 10) > 59) return 0;
  if (len >= 14 && detail::two_digits(digits, 12) > 60) return 0;  // 60: a leap second
  std::size_t n = 0;
  constexpr char separators[] = {'\0', '\0', '-', '-', 'T', ':', ':'};  // before each 2-digit part
  for (std::size_t i = 0; i < 4; ++i) out[n++] = digits[i];
  for (std::size_t part = 2; part * 2 < len; ++part) {
    out[n++] = separators[part];
    out[n++] = digits[part * 2];
    out[n++] = digits[part * 2 + 1];
  }
  if (!frac.empty()) {
    out[n++] = '.';
    for (char c : frac) out[n++] = c;
  }
  if (!offset.empty()) {
    out[n++] = offset[0];
    out[n++] = offset[1];
    out[n++] = offset[2];
    out[n++] = ':';
    out[n++] = offset[3];
    out[n++] = offset[4];
  }
  return n;
}

// ISO 8601 text as dtm_to_iso writes it → HL7 DTM. Returns its length (≤ in.size()), 0 when `in` is not
// in that form (the caller then keeps the text as it is).
constexpr std::size_t iso_to_dtm(std::string_view in, char* out) noexcept {
  // The expected character at each position of "YYYY-MM-DDTHH:MM:SS": 'd' = digit.
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  std::size_t i = 0, n = 0;
  while (i < in.size() && i < shape.size()) {
    const char want = shape[i];
    const char c = in[i];
    if (want == 'd') {
      if (!detail::is_digit(c)) return 0;
      out[n++] = c;
    } else if (c != want) {
      break;
    }
    ++i;
  }
  // Must stop right after a complete part: 4, 7, 10, 13, 16 or 19 characters.
  if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && i != 19) return 0;
  std::string_view rest = in.substr(i);
  if (!rest.empty() && rest.front() == '.') {
    if (i != 19) return 0;
    std::size_t k = 1;
    while (k < rest.size() && detail::is_digit(rest[k])) ++k;
    if (k == 1 || k > 5) return 0;
    for (std::size_t j = 0; j < k; ++j) out[n++] = rest[j];
    rest.remove_prefix(k);
  }
  if (!rest.empty()) {
    if (i < 13 || rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return 0;
    if (!detail::is_digit(rest[1]) || !detail::is_digit(rest[2]) || !detail::is_digit(rest[4]) ||
        !detail::is_digit(rest[5]))
      return 0;
    out[n++] = rest[0];
    out[n++] = rest[1];
    out[n++] = rest[2];
    out[n++] = rest[4];
    out[n++] = rest[5];
  }
  return n;
}

}  // namespace hl7v2::json
