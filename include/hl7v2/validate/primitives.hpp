// Format checks for the HL7 primitive data types whose text has a grammar: NM, SI, DT, TM, DTM (and
// the date/time part of TS). Each takes the raw (escaped) value of one primitive and says whether it
// is well formed; none of them allocates, throws or looks past the view.
//
// Grammars (HL7 v2.5 chapter 2A, accepted in every version):
//   NM   [+|-] digits [. digits]   at least one digit on either side of the point ("5.", ".5", "+007")
//   SI   digits                    a non-negative integer
//   DT   YYYY[MM[DD]]              reduced precision allowed; month 01-12, day valid for the month
//   TM   HH[MM[SS[.S[S[S[S]]]]]][+/-ZZZZ]
//   DTM  YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]
// A time-zone offset is +/-HHMM with HH 00-23 and MM 00-59.
#pragma once

#include <cstddef>
#include <string_view>

namespace hl7v2::validate {

enum class primitive : unsigned char { none, nm, si, dt, tm, dtm };

// What validation does with a data type, from its id. Compares characters, not strings: this runs for
// every value checked.
enum class type_class : unsigned char { other, nm, si, dt, tm, dtm, id, is, varies };

constexpr type_class classify(std::string_view t) noexcept {
  switch (t.size()) {
    case 1:
      return t[0] == '*' ? type_class::varies : type_class::other;
    case 2: {
      const char a = t[0], b = t[1];
      if (a == 'N' && b == 'M') return type_class::nm;
      if (a == 'S' && b == 'I') return type_class::si;
      if (a == 'D' && b == 'T') return type_class::dt;
      if (a == 'T' && b == 'M') return type_class::tm;
      if (a == 'T' && b == 'S')
        return type_class::dtm;  // primitive TS (before 2.5); composite TS: TS.1 is DTM
      if (a == 'I' && b == 'D') return type_class::id;
      if (a == 'I' && b == 'S') return type_class::is;
      return type_class::other;
    }
    case 3:
      return t[0] == 'D' && t[1] == 'T' && t[2] == 'M' ? type_class::dtm : type_class::other;
    case 6:
      return t == "VARIES" || t == "varies" ? type_class::varies : type_class::other;
    default:
      return type_class::other;
  }
}

// The checkable primitive behind a data-type id ("NM", "DTM", "TS" ...); none for anything else.
constexpr primitive primitive_of(std::string_view type_id) noexcept {
  switch (classify(type_id)) {
    case type_class::nm:
      return primitive::nm;
    case type_class::si:
      return primitive::si;
    case type_class::dt:
      return primitive::dt;
    case type_class::tm:
      return primitive::tm;
    case type_class::dtm:
      return primitive::dtm;
    default:
      return primitive::none;
  }
}

namespace detail {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool all_digits(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

constexpr unsigned two_digits(std::string_view s, std::size_t at) noexcept {
  return static_cast<unsigned>(s[at] - '0') * 10u + static_cast<unsigned>(s[at + 1] - '0');
}

constexpr unsigned days_in_month(unsigned year, unsigned month) noexcept {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return days[month - 1];
}

// "+HHMM" / "-HHMM".
constexpr bool is_offset(std::string_view s) noexcept {
  if (s.size() != 5 || (s[0] != '+' && s[0] != '-') || !all_digits(s.substr(1))) return false;
  return two_digits(s, 1) <= 23 && two_digits(s, 3) <= 59;
}

// Splits "body+ZZZZ" into body and offset; false when an offset is present but malformed.
constexpr bool split_offset(std::string_view s, std::string_view& body) noexcept {
  const std::size_t sign = s.find_first_of("+-");
  if (sign == std::string_view::npos) {
    body = s;
    return true;
  }
  body = s.substr(0, sign);
  return is_offset(s.substr(sign));
}

// HH[MM[SS[.S[S[S[S]]]]]] without an offset.
constexpr bool is_time_body(std::string_view s) noexcept {
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  if (whole.size() != 2 && whole.size() != 4 && whole.size() != 6) return false;
  if (!all_digits(whole) || two_digits(whole, 0) > 23) return false;
  if (whole.size() >= 4 && two_digits(whole, 2) > 59) return false;
  if (whole.size() == 6 && two_digits(whole, 4) > 59) return false;
  if (dot == std::string_view::npos) return true;
  const std::string_view fraction = s.substr(dot + 1);
  return whole.size() == 6 && !fraction.empty() && fraction.size() <= 4 && all_digits(fraction);
}

}  // namespace detail

constexpr bool is_valid_nm(std::string_view s) noexcept {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  bool digit = false, point = false;
  for (char c : s) {
    if (detail::is_digit(c)) {
      digit = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digit;
}

constexpr bool is_valid_si(std::string_view s) noexcept { return !s.empty() && detail::all_digits(s); }

constexpr bool is_valid_dt(std::string_view s) noexcept {
  if ((s.size() != 4 && s.size() != 6 && s.size() != 8) || !detail::all_digits(s)) return false;
  if (s.size() == 4) return true;
  const unsigned year = detail::two_digits(s, 0) * 100u + detail::two_digits(s, 2);
  const unsigned month = detail::two_digits(s, 4);
  if (month < 1 || month > 12) return false;
  if (s.size() == 6) return true;
  const unsigned day = detail::two_digits(s, 6);
  return day >= 1 && day <= detail::days_in_month(year, month);
}

constexpr bool is_valid_tm(std::string_view s) noexcept {
  std::string_view body;
  return detail::split_offset(s, body) && detail::is_time_body(body);
}

constexpr bool is_valid_dtm(std::string_view s) noexcept {
  std::string_view body;
  if (!detail::split_offset(s, body)) return false;
  const std::size_t digits = body.find('.') == std::string_view::npos ? body.size() : body.find('.');
  if (digits < 4) return false;
  const std::size_t date_len = digits < 8 ? digits : 8;
  if (!is_valid_dt(body.substr(0, date_len))) return false;
  if (body.size() == date_len) return true;
  if (date_len != 8) return false;  // a time needs a full date before it
  return detail::is_time_body(body.substr(8));
}

// The check for `p`; true for primitive::none (nothing to check).
constexpr bool is_valid(primitive p, std::string_view s) noexcept {
  switch (p) {
    case primitive::none:
      return true;
    case primitive::nm:
      return is_valid_nm(s);
    case primitive::si:
      return is_valid_si(s);
    case primitive::dt:
      return is_valid_dt(s);
    case primitive::tm:
      return is_valid_tm(s);
    case primitive::dtm:
      return is_valid_dtm(s);
  }
  return true;
}

}  // namespace hl7v2::validate
