// A vocabulary of codes (error codes, validation codes, profile errors) is one table: each code with
// its stable machine name and a short description. The functions that name or describe a code are
// derived from the table, so a code cannot get a name without a description or the other way round.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace hl7v2 {

template <class Code>
struct code_info {
  Code code;
  std::string_view name;         // stable: JSON records, logs, tests ("bad_segment_id")
  std::string_view description;  // short static text for people; never data from a message
};

namespace detail {

// True when row i describes the code whose value is i: lookups can then index the table.
template <class Row, std::size_t N>
constexpr bool rows_follow_codes(const std::array<Row, N>& rows) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(rows[i].code) != i) return false;
  }
  return true;
}

// True when no two rows share a name.
template <class Row, std::size_t N>
constexpr bool names_unique(const std::array<Row, N>& rows) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (rows[i].name.empty() || rows[i].description.empty()) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (rows[i].name == rows[j].name) return false;
    }
  }
  return true;
}

// Whether V is a named value of its enumeration, from the compiler's spelling of the template argument:
// a value without a name is spelt as a cast, "(hl7v2::errc)27", a named one as its name. g++ and
// clang spell it so; with another compiler the answer is false, and the completeness check below
// then checks only the order.
template <auto V>
constexpr bool names_an_enumerator() noexcept {
#if defined(__GNUC__) || defined(__clang__)
  constexpr std::string_view f = __PRETTY_FUNCTION__;
  constexpr std::size_t from = f.find("V = ");
  constexpr std::size_t to = f.rfind(']');
  if (from == std::string_view::npos || to == std::string_view::npos || to <= from + 4) return false;
  std::string_view v = f.substr(from + 4, to - from - 4);  // "hl7v2::errc::ok" or "(hl7v2::errc)27"
  while (!v.empty() && v.back() >= '0' && v.back() <= '9') v.remove_suffix(1);
  if (!v.empty() && v.back() == '-') v.remove_suffix(1);
  return !v.empty() && v.back() != ')';
#else
  return false;
#endif
}

// A vocabulary's table is complete when row i is code i, names are unique, and the value after the
// last row names no code: every code has exactly one row, so a code added without a row fails to
// compile.
template <const auto& Rows>
constexpr bool is_complete_table() noexcept {
  using code_type = decltype(Rows[0].code);
  return rows_follow_codes(Rows) && names_unique(Rows) &&
         !names_an_enumerator<static_cast<code_type>(Rows.size())>();
}

// The row of `c` in a table that follows the codes; nullptr for a value outside the enumeration.
template <class Row, std::size_t N, class Code>
constexpr const Row* row_of(const std::array<Row, N>& rows, Code c) noexcept {
  const auto i = static_cast<std::size_t>(c);
  return i < N ? &rows[i] : nullptr;
}

// A code's name or description from its table; `fallback` for a value outside the enumeration.
template <class Row, std::size_t N, class Code>
constexpr std::string_view name_of(const std::array<Row, N>& rows, Code c,
                                   std::string_view fallback = "unknown") noexcept {
  const Row* row = row_of(rows, c);
  return row != nullptr ? row->name : fallback;
}
template <class Row, std::size_t N, class Code>
constexpr std::string_view description_of(const std::array<Row, N>& rows, Code c,
                                          std::string_view fallback = "unknown") noexcept {
  const Row* row = row_of(rows, c);
  return row != nullptr ? row->description : fallback;
}

}  // namespace detail
}  // namespace hl7v2
