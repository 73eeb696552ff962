// Why a profile (site_profile.hpp, loaded by profile.hpp) was rejected: a code from the profile
// vocabulary, the JSON path and what the code refers to. Apart, so that code reporting these errors
// (hl7v2/fmt.hpp) needs neither the definitions types nor a JSON reader.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "hl7v2/vocabulary.hpp"

namespace hl7v2::defs {

/// Why a profile is rejected. Each code has its row in profile_errc_table, in the same order.
enum class profile_errc : std::uint8_t {
  invalid_json,
  not_an_object,
  not_a_string,
  not_an_array,
  out_of_range,
  unknown_member,
  wrong_base,
  bad_type_id,
  bad_segment_id,
  defined_twice,
  bad_position,
  too_many_fields,
  missing_member,
  unknown_type,
  bad_key,
  bad_optionality,
  bad_repeats,
  duplicate_key,
  load_failed,
};

inline constexpr auto profile_errc_table = std::to_array<code_info<profile_errc>>({
    {profile_errc::invalid_json, "invalid_json", "invalid JSON"},
    {profile_errc::not_an_object, "not_an_object", "must be an object"},
    {profile_errc::not_a_string, "not_a_string", "must be a string"},
    {profile_errc::not_an_array, "not_an_array", "must be an array"},
    {profile_errc::out_of_range, "out_of_range", "must be an integer in range"},
    {profile_errc::unknown_member, "unknown_member", "unknown member"},
    {profile_errc::wrong_base, "wrong_base", "profile is for another HL7 version"},
    {profile_errc::bad_type_id, "bad_type_id", "a data type id is 1-32 letters, digits or '_'"},
    {profile_errc::bad_segment_id, "bad_segment_id", "a segment id is 3 upper-case letters or digits"},
    {profile_errc::defined_twice, "defined_twice", "defined twice"},
    {profile_errc::bad_position, "bad_position", "position out of range"},
    {profile_errc::too_many_fields, "too_many_fields", "more than 65535 fields or components"},
    {profile_errc::missing_member, "missing_member", "required for a new field or component"},
    {profile_errc::unknown_type, "unknown_type", "unknown data type"},
    {profile_errc::bad_key, "bad_key", "not a JSON key by the key rule (lower snake_case ASCII)"},
    {profile_errc::bad_optionality, "bad_optionality", "must be one of R, O, C, X, B, W"},
    {profile_errc::bad_repeats, "bad_repeats",
     "must be 0..65535 (1 = does not repeat, 0 = unbounded) or \"unbounded\""},
    {profile_errc::duplicate_key, "duplicate_key", "key used twice"},
    {profile_errc::load_failed, "load_failed", "could not load the profile"},
});
static_assert(hl7v2::detail::is_complete_table<profile_errc_table>(),
              "every profile_errc needs its row in profile_errc_table, in order");

constexpr std::string_view name(profile_errc code) noexcept {
  return hl7v2::detail::name_of(profile_errc_table, code);
}
constexpr std::string_view describe(profile_errc code) noexcept {
  return hl7v2::detail::description_of(profile_errc_table, code, "unknown profile error");
}

/// Why a profile was rejected: what (a code), where (a JSON path) and what the code refers to. A
/// profile is configuration, not a message: its path and detail may quote the profile's own text.
struct profile_error {
  profile_errc code = profile_errc::invalid_json;
  std::string path;    ///< "segments.ZPI.fields[2].type"; empty for the document as a whole
  std::string detail;  ///< "XYZ" (the unknown type), "1..3" (the allowed range); may be empty

  /// "segments.ZPI.fields[2].type: unknown data type: XYZ" ("profile: ..." for the whole document).
  std::string to_string() const {
    std::string s = path.empty() ? std::string("profile") : path;
    s += ": ";
    s += describe(code);
    if (!detail.empty()) s += ": " + detail;
    return s;
  }
};

}  // namespace hl7v2::defs
