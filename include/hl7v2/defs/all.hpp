#pragma once
// Every built-in HL7 version (2.1 … 2.8) and the registry over them, which the walker, the converters,
// er7_from_json and validation use when they are not given one (registry.hpp says the rules).
//
// Include this when any version may arrive. A program that knows its versions includes just their
// headers (e.g. hl7v2/defs/v2_5_1.hpp), passes a defs::registry of them, and pays for nothing else.

#include <cstddef>
#include <iterator>
#include <span>
#include <string_view>

#include "hl7v2/defs/registry.hpp"
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

/// Oldest first, with their numbers (so the registry below is a constant even in compiled mode, where
/// the version_defs are only declared).
inline constexpr const version_def* all_versions[] = {
    &v2_1, &v2_2, &v2_3, &v2_3_1, &v2_4, &v2_5, &v2_5_1, &v2_6, &v2_7, &v2_7_1, &v2_8,
};
inline constexpr version_number all_version_numbers[] = {
    {{2, 1, 0}, true}, {{2, 2, 0}, true}, {{2, 3, 0}, true}, {{2, 3, 1}, true},
    {{2, 4, 0}, true}, {{2, 5, 0}, true}, {{2, 5, 1}, true}, {{2, 6, 0}, true},
    {{2, 7, 0}, true}, {{2, 7, 1}, true}, {{2, 8, 0}, true},
};
static_assert(std::size(all_versions) == std::size(all_version_numbers));

}  // namespace detail

/// Every built-in version; an empty MSH-12 reads as 2.5.1 (the most widely deployed).
inline constexpr registry all_versions_registry{detail::presorted, detail::all_versions,
                                                detail::all_version_numbers, &v2_5_1};

#if !defined(HL7V2_DEFINITIONS_COMPILED) || defined(HL7V2_DEFINITIONS_IMPLEMENTATION)
static_assert(
    [] {
      for (std::size_t i = 0; i < std::size(detail::all_versions); ++i) {
        const detail::version_number n = detail::parse_version_number(detail::all_versions[i]->id);
        const detail::version_number& listed = detail::all_version_numbers[i];
        if (!(n <= listed && listed <= n)) return false;
      }
      return true;
    }(),
    "all_version_numbers must be the ids of all_versions, oldest first");
#endif

template <>
struct builtin_registry<all_versions_t> {
  static constexpr const registry& value = all_versions_registry;
};

/// The built-in versions, oldest first.
constexpr std::span<const version_def* const> all_versions() noexcept { return detail::all_versions; }

/// all_versions_registry.find with another default: the version for an MSH-12 text (registry.hpp).
constexpr const version_def* find_version(std::string_view msh12,
                                          const version_def* default_if_empty) noexcept {
  return all_versions_registry.with_default(default_if_empty).find(msh12);
}

/// v's definition of the segment, else the nearest later built-in version's (registry.hpp).
constexpr const segment_def* find_segment_with_fallback(const version_def& v,
                                                        std::string_view seg_id) noexcept {
  return all_versions_registry.segment(v, seg_id);
}

}  // namespace hl7v2::defs
