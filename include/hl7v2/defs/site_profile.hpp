#pragma once
// The profile type: a built-in version with a site's definitions (Z-segments, renamed or retyped
// fields, local data types) laid over it; why loading one fails is profile_error.hpp. What uses a
// loaded profile (the converters, through their options) includes this header; loading one from JSON
// is profile.hpp, which alone needs simdjson.
//
// A profile hands out the same structs as the built-in versions (segment_def, field_def,
// type_def, ... with string_views into storage the profile owns), and its version() is an
// ordinary version_def, so code that walks messages treats both alike.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/defs/profile_error.hpp"
#include "hl7v2/defs/types.hpp"
#include "hl7v2/detail/compiled.hpp"
#include "hl7v2/error.hpp"

namespace hl7v2::defs {

namespace detail {
class profile_loader;
}

/// Definitions of a base version plus a profile's additions and overrides. Movable, not
/// copyable (the definitions point into storage the profile owns).
class profile {
 public:
  /// Reads a profile from JSON text and lays it over `base`, which must outlive the profile. Defined in
  /// defs/profile.hpp (it reads JSON with simdjson): include that header to call it (in compiled mode,
  /// detail/compiled.hpp, the library defines it).
  static HL7V2_COMPILED_INLINE result<profile, profile_error> load(std::string_view json_text,
                                                                   const version_def& base);

  profile(profile&&) = default;
  profile& operator=(profile&&) = default;
  profile(const profile&) = delete;
  profile& operator=(const profile&) = delete;
  ~profile() = default;

  /// The combined definitions, usable wherever a built-in version_def is.
  const version_def& version() const noexcept { return version_; }
  const version_def& base() const noexcept { return *base_; }
  std::string_view name() const noexcept { return name_; }

  const segment_def* segment(std::string_view id) const noexcept { return version_.segment(id); }
  const type_def* type(std::string_view id) const noexcept { return version_.type(id); }
  const structure_def* structure(std::string_view id) const noexcept { return version_.structure(id); }
  const structure_def* structure_for(std::string_view msg_type, std::string_view trigger) const noexcept {
    return version_.structure_for(msg_type, trigger);
  }
  const table_def* table(std::uint16_t number) const noexcept { return version_.table(number); }

 private:
  friend class detail::profile_loader;
  template <class, class>
  friend class hl7v2::result;  // holds an empty profile when loading failed
  profile() = default;

  // Storage with stable addresses: the structs below point into it, and moving the profile
  // moves only the owning handles.
  const version_def* base_ = nullptr;
  std::string name_;
  std::vector<std::unique_ptr<char[]>> strings_;
  std::vector<std::unique_ptr<type_def>> types_;
  std::vector<std::vector<component_def>> component_lists_;
  std::vector<std::unique_ptr<segment_def>> segments_;
  std::vector<std::vector<field_def>> field_lists_;
  std::vector<detail::segment_entry> segment_index_;
  std::vector<const type_def*> type_index_;
  version_def version_{};
};

}  // namespace hl7v2::defs
