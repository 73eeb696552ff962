#pragma once
// All built-in HL7 versions and the registry over them: which version a message's MSH-12 names,
// and where to find a segment its own version does not define.
//
// Include this when the version is only known at run time. A program that knows its version
// includes just that header (e.g. hl7v2/defs/v2_5_1.hpp) and pays for nothing else.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "hl7v2/defs/types.hpp"
#include "hl7v2/defs/v2_1.hpp"
#include "hl7v2/defs/v2_2.hpp"
#include "hl7v2/defs/v2_3.hpp"
#include "hl7v2/defs/v2_3_1.hpp"
#include "hl7v2/defs/v2_4.hpp"
#include "hl7v2/defs/v2_5.hpp"
#include "hl7v2/defs/v2_5_1.hpp"
#include "hl7v2/defs/v2_6.hpp"
#include "hl7v2/defs/v2_7.hpp"
#include "hl7v2/defs/v2_7_1.hpp"
#include "hl7v2/defs/v2_8.hpp"

namespace hl7v2::defs {

namespace detail {

/// Oldest first: the order find_version and find_segment_with_fallback rely on.
inline constexpr const version_def* all_versions[] = {
    &v2_1, &v2_2, &v2_3, &v2_3_1, &v2_4, &v2_5, &v2_5_1, &v2_6, &v2_7, &v2_7_1, &v2_8,
};

/// "2.5.1" → {2, 5, 1}; at most three numbers. ok == false for anything else.
struct version_number {
  std::uint32_t part[3] = {0, 0, 0};
  bool ok = false;

  constexpr bool operator<=(const version_number& other) const noexcept {
    for (int i = 0; i < 3; ++i) {
      if (part[i] != other.part[i]) return part[i] < other.part[i];
    }
    return true;
  }
};

constexpr version_number parse_version_number(std::string_view text) noexcept {
  version_number v;
  std::size_t count = 0;
  bool in_number = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      if (count == 3) return {};
      const std::uint32_t digit = static_cast<std::uint32_t>(c - '0');
      if (v.part[count] > 99999) return {};  // keeps the arithmetic far from overflow
      v.part[count] = v.part[count] * 10 + digit;
      in_number = true;
    } else if (c == '.' && in_number) {
      ++count;
      in_number = false;
    } else {
      return {};
    }
  }
  if (!in_number || count == 0) return {};  // needs "major.minor" at least, no trailing '.'
  v.ok = true;
  return v;
}

constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace detail

/// The built-in versions, oldest first.
constexpr std::span<const version_def* const> all_versions() noexcept { return detail::all_versions; }

/// The version to read a message with, from its MSH-12 text (MSH-12.1; anything from the first
/// '^' on is ignored, as are surrounding blanks).
///
/// Rule: an empty MSH-12 gives `default_if_empty`. Otherwise the text must be 2-3 dot-separated
/// numbers with major version 2, else nullptr. The result is the newest built-in version that
/// is not newer than the text: "2.5.1" → 2.5.1, "2.5.2" → 2.5.1, "2.3.2" → 2.3.1,
/// "2.6.1" → 2.6, "2.8.2" → 2.8, "2.9" → 2.8. A text older than 2.1 ("2.0") gives 2.1.
constexpr const version_def* find_version(std::string_view msh12,
                                          const version_def* default_if_empty) noexcept {
  msh12 = detail::trim(msh12.substr(0, msh12.find('^')));
  if (msh12.empty()) return default_if_empty;
  const detail::version_number wanted = detail::parse_version_number(msh12);
  if (!wanted.ok || wanted.part[0] != 2) return nullptr;
  const version_def* best = detail::all_versions[0];
  for (const version_def* v : detail::all_versions) {
    if (detail::parse_version_number(v->id) <= wanted) best = v;
  }
  return best;
}

/// v's definition of the segment, else the definition in the nearest later built-in version
/// that has it (a 2.3 message carrying a segment introduced in 2.5), else nullptr (Z-segments,
/// unknown ids). Versions older than v are never used.
constexpr const segment_def* find_segment_with_fallback(const version_def& v,
                                                        std::string_view seg_id) noexcept {
  if (const segment_def* own = v.segment(seg_id)) return own;
  const detail::version_number from = detail::parse_version_number(v.id);
  for (const version_def* later : detail::all_versions) {
    const detail::version_number n = detail::parse_version_number(later->id);
    if (n <= from) continue;
    if (const segment_def* s = later->segment(seg_id)) return s;
  }
  return nullptr;
}

}  // namespace hl7v2::defs
