#pragma once
// Which definitions apply to a message: one place for the decision, used by the walk (JSON), the
// reader (JSON → ER7), validation and ACKs.
//
//  - version: a profile's (or any fixed version_def given as `definitions`) for every message when set;
//    else MSH-12 within the registry (registry.hpp: nearest not newer, "2.9" → the newest listed);
//    empty MSH-12 → the default (the resolver's, else the registry's). MSH-12 text that names no HL7 v2
//    version: version_for() says nullptr (validation and ACKs reject it), version_or_default() reads
//    the message with the default (JSON output keeps the message).
//  - structure: MSH-9.3 ("ADT_A01") when the version defines it, else derived from MSH-9.1 + MSH-9.2
//    (structure_for: an unknown trigger falls back to the structure the message type names alone, as
//    "ACK"); nullptr when neither is known.
//  - segment: the version's definition, else the nearest LATER version's in the registry, else none.
//  - a "varies" field (OBX-5): the type its type field names (OBX-2.1), looked up in the same version;
//    unknown or empty → none.

#include <cstddef>
#include <string_view>

#include "hl7v2/defs/registry.hpp"
#include "hl7v2/defs/types.hpp"
#include "hl7v2/detail/header_text.hpp"
#include "hl7v2/message.hpp"

namespace hl7v2::defs {

namespace detail {

/// Stands in where there is no version at all (an empty registry without a default): nothing is
/// defined, so messages are read without names, never with a null version.
inline constexpr version_def no_definitions{};

}  // namespace detail

/// "varies" (OBX-5) in every spelling the sources use.
constexpr bool is_varies(std::string_view type_id) noexcept {
  // Checked for every field: the first byte rules out all other types.
  if (type_id.empty() || (type_id[0] != 'v' && type_id[0] != 'V' && type_id[0] != '*')) return false;
  return type_id == "varies" || type_id == "VARIES" || type_id == "*";
}

/// The field whose text types a "varies" field of this segment: OBX-5 ← OBX-2; 0 when none does.
constexpr std::size_t varies_type_field(std::string_view segment_id, std::size_t position) noexcept {
  return position == 5 && segment_id == "OBX" ? 2 : 0;
}

/// The type a "varies" field takes, from the text of its type field (its first component).
constexpr const type_def* varies_type(const version_def& v, std::string_view type_text) noexcept {
  return type_text.empty() ? nullptr : v.type(type_text);
}

class resolver {
 public:
  /// `default_version`: for an empty MSH-12 (null: the registry's default). `definitions`: when set,
  /// every message is read with it whatever its MSH-12 says (a profile's version()).
  constexpr explicit resolver(const registry& versions, const version_def* default_version = nullptr,
                              const version_def* definitions = nullptr) noexcept
      : versions_(default_version != nullptr ? versions.with_default(default_version) : versions),
        definitions_(definitions) {}

  constexpr const registry& versions() const noexcept { return versions_; }
  constexpr const version_def* definitions() const noexcept { return definitions_; }
  /// For an empty MSH-12 (and, in version_or_default, one that names no version); may be null.
  constexpr const version_def* default_version() const noexcept {
    return definitions_ != nullptr ? definitions_ : versions_.default_version();
  }

  /// The version for an MSH-12 text; nullptr when it names no HL7 v2 version (or MSH-12 is empty and
  /// there is no default).
  constexpr const version_def* version_for(std::string_view msh12) const noexcept {
    return definitions_ != nullptr ? definitions_ : versions_.find(msh12);
  }
  /// MSH-12 read as detail/header_text.hpp says (escapes decoded, up to a subcomponent).
  const version_def* version_for(const message& msg) const noexcept {
    char buf[32];
    return version_for(hl7v2::detail::decoded_header_text(msg.version_id(), msg.delims(), buf));
  }

  /// The same, but a text that names no version gets the default; never null (an empty registry
  /// without a default gives a version that defines nothing).
  constexpr const version_def& version_or_default(std::string_view msh12) const noexcept {
    if (const version_def* v = version_for(msh12)) return *v;
    if (const version_def* d = default_version()) return *d;
    return detail::no_definitions;
  }
  const version_def& version_or_default(const message& msg) const noexcept {
    char buf[32];
    return version_or_default(hl7v2::detail::decoded_header_text(msg.version_id(), msg.delims(), buf));
  }

  /// The structure MSH-9 names in `v`.
  static constexpr const structure_def* structure(const version_def& v, std::string_view msh9_1,
                                                  std::string_view msh9_2, std::string_view msh9_3) noexcept {
    if (!msh9_3.empty()) {
      if (const structure_def* s = v.structure(msh9_3)) return s;
    }
    return msh9_1.empty() ? nullptr : v.structure_for(msh9_1, msh9_2);
  }
  static const structure_def* structure(const version_def& v, const hl7v2::message& msg) noexcept {
    char type_buf[32], trigger_buf[32], id_buf[32];
    const hl7v2::delimiters& d = msg.delims();
    return structure(v, hl7v2::detail::decoded_header_text(msg.message_type(), d, type_buf),
                     hl7v2::detail::decoded_header_text(msg.trigger_event(), d, trigger_buf),
                     hl7v2::detail::decoded_header_text(msg.structure_id(), d, id_buf));
  }

  /// v's definition of a segment, else the nearest later version's in the registry.
  constexpr const segment_def* segment(const version_def& v, std::string_view id) const noexcept {
    return versions_.segment(v, id);
  }

  /// The type of field `position` of `seg` (of a message with delimiters `d`) read with definition `fd`
  /// in version `v`: fd's type, or for a "varies" field the type its type field names (its first
  /// component, read as detail/header_text.hpp says).
  static const type_def* field_type(const version_def& v, const hl7v2::segment& seg,
                                    const hl7v2::delimiters& d, std::size_t position,
                                    const field_def* fd) noexcept {
    const type_def* t = fd != nullptr ? fd->type : nullptr;
    if (t == nullptr || !is_varies(t->id)) return t;
    const std::size_t from = varies_type_field(seg.id(), position);
    if (from == 0) return nullptr;
    char buf[16];
    return varies_type(v, hl7v2::detail::decoded_header_text(seg[from][1][1].raw(), d, buf));
  }

 private:
  registry versions_;
  const version_def* definitions_ = nullptr;
};

}  // namespace hl7v2::defs
