#pragma once
// The shapes of HL7 v2 definitions: data types, segments, message structures, tables and the
// version that holds them, with their lookups.
//
// The generated headers (v2_1.hpp .. v2_8.hpp) fill these structs as constexpr data, and a
// runtime profile (profile.hpp) fills the very same structs from JSON, so code that walks a
// message treats built-in and site-specific definitions alike.
//
// Why plain pointers + counts instead of std::span members: structure_node refers to an array
// of its own type, which std::span of an incomplete type does not allow, and a pointer plus a
// 16-bit count is smaller. Accessors hand out std::span.
//
// Members are ordered largest first so that no struct carries padding: all versions hold ~25k
// structure nodes and ~17k fields, and every padding byte there is a byte of every user's binary
// (structure_node 48 → 32 bytes, field_def 64 → 32, component_def 56 → 32).
//
// Every lookup is constexpr, never throws, and is O(log n) (binary search over arrays the
// generator sorts) or O(1) (position → array index).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

// Header-only (the default): each version header defines its version_def and every table it reaches as
// inline constexpr data. Compiled mode (HL7V2_DEFINITIONS_COMPILED, set by the hl7v2::definitions
// target and its pkg-config file): the version headers only declare `extern const version_def v2_x`, and
// the library's translation units (src/definitions/, HL7V2_DEFINITIONS_IMPLEMENTATION) define them; a
// user's build then parses no tables. The version_defs are then not usable in constant expressions.
#if defined(HL7V2_DEFINITIONS_IMPLEMENTATION)
#define HL7V2_DEFS_VERSION constexpr  // after `extern const version_def v2_x;`: one external definition
#else
#define HL7V2_DEFS_VERSION inline constexpr
#endif

namespace hl7v2::defs {

/// R, O, C, X, B, W in the standard's tables; unspecified where the source gives none. A withdrawn
/// field (W, from 2.7 on) keeps the type under which it last carried data, so old senders' values
/// keep their shape.
enum class optionality : std::uint8_t {
  required,
  optional,
  conditional,
  not_used,
  backward,
  unspecified,
  withdrawn,
};

struct type_def;

/// One component (or subcomponent) of a composite data type.
///
/// Its name and JSON key live in one text: the name, then the key as the JSON member token the emitters
/// write, `Family Name"family_name":`. One pointer instead of two string_views: the tables hold ~25k
/// fields and components, and under PIE every pointer is also a 24-byte relocation record.
struct component_def {
  const char* text;          ///< name, then `"key":`
  const type_def* type;      ///< its own type; a composite type here means subcomponents
  std::uint32_t max_length;  ///< 0 = not given
  std::uint16_t table;       ///< HL7 table number, 0 = none
  std::uint16_t name_size;
  std::uint16_t key_size;
  optionality opt;

  /// Description from the standard, e.g. "Family Name".
  constexpr std::string_view name() const noexcept { return {text, name_size}; }
  /// JSON key, e.g. "family_name" (see keys.hpp).
  constexpr std::string_view key() const noexcept { return {text + name_size + 1, key_size}; }
  /// The key as a JSON member name with its colon: `"family_name":`.
  constexpr std::string_view key_token() const noexcept { return {text + name_size, key_size + 3u}; }
};

/// A data type: primitive (ST, NM, ...) or composite (XPN, CX, ...).
struct type_def {
  std::string_view id;    ///< "XPN"
  std::string_view name;  ///< "Extended Person Name"
  const component_def* component_data;
  std::uint16_t component_count;

  constexpr std::span<const component_def> components() const noexcept {
    return {component_data, component_count};
  }
  constexpr bool is_primitive() const noexcept { return component_count == 0; }
  /// 1-based, as in HL7 ("XPN.1"); nullptr when out of range.
  constexpr const component_def* component(std::size_t pos1) const noexcept {
    return pos1 >= 1 && pos1 <= component_count ? &component_data[pos1 - 1] : nullptr;
  }
};

/// One field of a segment.
struct field_def {
  const char* text;  ///< name, then `"key":`, as component_def's
  const type_def* type;
  std::uint32_t max_length;   ///< 0 = not given
  std::uint16_t position;     ///< 1-based
  std::uint16_t max_repeats;  ///< 1 = does not repeat, 0 = unbounded, n = at most n
  std::uint16_t table;        ///< HL7 table number, 0 = none
  std::uint16_t name_size;
  std::uint16_t key_size;
  optionality opt;

  constexpr bool repeats() const noexcept { return max_repeats != 1; }
  /// "Patient Name".
  constexpr std::string_view name() const noexcept { return {text, name_size}; }
  /// "patient_name".
  constexpr std::string_view key() const noexcept { return {text + name_size + 1, key_size}; }
  /// `"patient_name":`.
  constexpr std::string_view key_token() const noexcept { return {text + name_size, key_size + 3u}; }
};

/// A segment: id and its fields in position order (fields[i].position == i + 1).
struct segment_def {
  std::string_view id;    ///< "PID"
  std::string_view name;  ///< "Patient Identification"
  const field_def* field_data;
  std::uint16_t field_count;

  constexpr std::span<const field_def> fields() const noexcept { return {field_data, field_count}; }
  /// 1-based ("PID-5" → field(5)); nullptr when the segment defines no such field.
  constexpr const field_def* field(std::size_t pos1) const noexcept {
    return pos1 >= 1 && pos1 <= field_count ? &field_data[pos1 - 1] : nullptr;
  }
};

/// segment: one segment; group: its children in order; choice: exactly one of its children (the
/// alternatives) per occurrence, as ORM_O01's <OBR | RQD | RQ1 | RXO | ODS | ODT>.
enum class node_kind : std::uint8_t { segment, group, choice };

/// A segment, a group or a choice in a message structure, with its occurrence bounds.
struct structure_node {
  std::string_view id;  ///< segment id ("PID"; "Hxx": HL7's "any segment"), group name ("PATIENT_RESULT");
                        ///< empty for a choice
  const structure_node* child_data = nullptr;  ///< groups and choices only
  std::uint16_t min = 0;                       ///< 0 = optional
  std::uint16_t max = 0;                       ///< 0 = unbounded
  std::uint16_t child_count = 0;
  node_kind kind = node_kind::segment;

  constexpr std::span<const structure_node> children() const noexcept { return {child_data, child_count}; }
  constexpr bool is_segment() const noexcept { return kind == node_kind::segment; }
  constexpr bool is_group() const noexcept { return kind == node_kind::group; }
  constexpr bool is_choice() const noexcept { return kind == node_kind::choice; }
  constexpr bool repeats() const noexcept { return max != 1; }
  constexpr bool required() const noexcept { return min > 0; }
};

// The orders above are what keeps the tables small; a reordering that brings padding back fails here.
static_assert(sizeof(void*) != 8 || sizeof(std::string_view) != 16 ||
              (sizeof(component_def) == 32 && sizeof(field_def) == 32 && sizeof(structure_node) == 32));

/// A message structure ("ADT_A01"): the ordered top-level nodes of the message.
struct structure_def {
  std::string_view id;
  std::string_view name;
  const structure_node* child_data;
  std::uint16_t child_count;

  constexpr std::span<const structure_node> children() const noexcept { return {child_data, child_count}; }
};

/// One coded value of an HL7 table.
struct table_value {
  std::string_view code;
  std::string_view name;
};

/// An HL7 table of coded values (e.g. 0001 Administrative Sex); values sorted by code.
///
/// The values are not an array of table_value: all versions hold ~14k of them, and two string_views
/// each would be four pointers, every one a relocation the dynamic loader applies at start (24 bytes
/// of the binary each, besides the 8 of the pointer). One text holds every code and name back to
/// back, and `ends` says where each ends: 8 bytes a value, two relocations a table.
struct table_def {
  std::uint16_t number;
  std::uint16_t value_count;
  std::string_view name;
  const char* text;  ///< value i's code, then its name, then value i + 1's code, ...
  const std::uint32_t*
      ends;  ///< 2 × value_count offsets into text: code i ends at ends[2i], name i at ends[2i + 1]

  constexpr std::size_t size() const noexcept { return value_count; }
  constexpr std::string_view code(std::size_t i) const noexcept {
    const std::uint32_t begin = i == 0 ? 0 : ends[2 * i - 1];
    return {text + begin, ends[2 * i] - begin};
  }
  /// Value i (0-based, in code order); i must be below size().
  constexpr table_value value(std::size_t i) const noexcept {
    return {code(i), {text + ends[2 * i], ends[2 * i + 1] - ends[2 * i]}};
  }
  /// The position of the value with this code, or size() when the table has none.
  constexpr std::size_t index_of(std::string_view c) const noexcept {
    std::size_t lo = 0, hi = value_count;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      const int cmp = code(mid).compare(c);
      if (cmp == 0) return mid;
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    return value_count;
  }
  constexpr bool contains(std::string_view c) const noexcept { return index_of(c) != value_count; }
  /// The description of the value with this code; empty when the table has none (or gives none).
  constexpr std::string_view name_of(std::string_view c) const noexcept {
    const std::size_t i = index_of(c);
    return i == value_count ? std::string_view{} : value(i).name;
  }
};

namespace detail {

/// The generated headers spell every string as str("text", length). Braced {"text", n} would
/// make the compiler run overload resolution over all string_view constructors, constrained
/// C++20 templates included, for each of ~20k strings: 3.4 s instead of 0.9 s per version.
consteval std::string_view str(const char* text, std::size_t length) noexcept { return {text, length}; }

/// Segment ids are at most 4 bytes in practice (3 in the standard); packing them into an
/// integer makes the binary search compare integers. Returns 0 for ids that do not fit.
constexpr std::uint32_t pack_segment_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 4) return 0;
  std::uint32_t key = 0;
  for (std::size_t i = 0; i < 4; ++i)
    key = (key << 8) | (i < id.size() ? static_cast<unsigned char>(id[i]) : 0u);
  return key;
}

struct segment_entry {
  std::uint32_t key;  ///< pack_segment_id(def->id)
  const segment_def* def;
};

/// Trigger event ("ADT_A04") → the structure it uses ("ADT_A01").
struct event_entry {
  std::string_view event;
  const structure_def* structure;
};

/// Binary search over a sorted array of T by the projection `key_of`.
template <class T, class Key, class KeyOf>
constexpr const T* find_sorted(std::span<const T> items, const Key& key, KeyOf key_of) noexcept {
  std::size_t lo = 0, hi = items.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const auto k = key_of(items[mid]);
    if (k == key) return &items[mid];
    if (k < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return nullptr;
}

/// Compares "ADT_A04" with msg_type + '_' + trigger without building the string.
constexpr int compare_event(std::string_view event, std::string_view msg_type,
                            std::string_view trigger) noexcept {
  if (int c = event.substr(0, msg_type.size()).compare(msg_type); c != 0) return c;
  std::string_view rest = event.substr(msg_type.size());
  if (trigger.empty()) return rest.empty() ? 0 : 1;
  if (rest.empty()) return -1;
  if (rest[0] != '_') return rest[0] < '_' ? -1 : 1;
  return rest.substr(1).compare(trigger);
}

}  // namespace detail

/// Everything one HL7 version defines. The arrays are sorted by the generator (or by
/// profile.hpp) for binary search.
struct version_def {
  std::string_view id;                                    ///< "2.5.1"
  std::span<const detail::segment_entry> segment_index;   ///< by packed id
  std::span<const type_def* const> type_index;            ///< by id
  std::span<const structure_def* const> structure_index;  ///< by id
  std::span<const detail::event_entry> event_index;       ///< by event
  std::span<const table_def* const> table_index;          ///< by number

  /// The segment's definition, or nullptr (Z-segments, segments of other versions).
  constexpr const segment_def* segment(std::string_view seg_id) const noexcept {
    const std::uint32_t key = detail::pack_segment_id(seg_id);
    if (key == 0) return nullptr;
    const auto* e =
        detail::find_sorted(segment_index, key, [](const detail::segment_entry& x) { return x.key; });
    return e ? e->def : nullptr;
  }

  constexpr const type_def* type(std::string_view type_id) const noexcept {
    const auto* e = detail::find_sorted(type_index, type_id, [](const type_def* t) { return t->id; });
    return e ? *e : nullptr;
  }

  /// By structure id, as MSH-9.3 names it ("ADT_A01").
  constexpr const structure_def* structure(std::string_view structure_id) const noexcept {
    const auto* e =
        detail::find_sorted(structure_index, structure_id, [](const structure_def* s) { return s->id; });
    return e ? *e : nullptr;
  }

  /// By message type and trigger event (MSH-9.1, MSH-9.2): ("ADT", "A04") → ADT_A01.
  /// When the event is unknown, the structure named by the message type alone ("ACK" for
  /// ACK^A01, "ORU" where a version defines one), else nullptr.
  constexpr const structure_def* structure_for(std::string_view msg_type,
                                               std::string_view trigger) const noexcept {
    std::size_t lo = 0, hi = event_index.size();
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      const int c = detail::compare_event(event_index[mid].event, msg_type, trigger);
      if (c == 0) return event_index[mid].structure;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    return trigger.empty() ? nullptr : structure_for(msg_type, {});
  }

  /// HL7 table by number; the built-in versions hold the tables their fields and components
  /// refer to, where the source has them.
  constexpr const table_def* table(std::uint16_t number) const noexcept {
    const auto* e = detail::find_sorted(table_index, number, [](const table_def* t) { return t->number; });
    return e ? *e : nullptr;
  }

  constexpr std::span<const detail::segment_entry> segments() const noexcept { return segment_index; }
  constexpr std::span<const type_def* const> types() const noexcept { return type_index; }
  constexpr std::span<const structure_def* const> structures() const noexcept { return structure_index; }
  constexpr std::span<const table_def* const> tables() const noexcept { return table_index; }
};

}  // namespace hl7v2::defs
