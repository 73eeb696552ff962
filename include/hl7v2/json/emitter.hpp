// The emitter interface: what walk.hpp tells an output format about a message, part by part, together
// with the definition each part matched (nullptr when there is none: Z-segments, fields past the
// definition, components past the data type).
//
// An emitter is a plain class satisfying the `emitter` concept; the walk is a template over it, so the
// hot path has no virtual calls. Each begin_* returns whether the walk should descend into the part's
// children: an emitter that handles a whole field itself (writes its raw text, say) returns false and
// pays for nothing below. Plugins that must be chosen at run time derive from `dynamic_emitter`
// (virtual functions) and are walked through the same template.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hl7v2/defs/types.hpp"
#include "hl7v2/detail/header_text.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/json/sink.hpp"
#include "hl7v2/json/writer.hpp"
#include "hl7v2/message.hpp"

namespace hl7v2::json {

// In which order the walk visits segments.
enum class segment_order : unsigned char {
  as_received,  // message order; no group events
  by_id,        // grouped by id in order of first appearance (what a JSON object keyed by id needs):
                // begin_group, the segments with that id in message order, end_group
};

struct message_info {
  const hl7v2::message* msg;
  const defs::version_def* version;      // from MSH-12, else the default; never null
  const defs::structure_def* structure;  // from MSH-9; null when unknown
};

// All segments with one id (segment_order::by_id only).
struct group_info {
  std::string_view id;           // "PID"
  const defs::segment_def* def;  // null: unknown segment
  std::size_t count;             // how many the message holds
  bool repeats;                  // may repeat in the message structure (see walk.hpp for the rule)
};

struct segment_info {
  hl7v2::segment seg;
  const defs::segment_def* def;  // null: unknown segment (Z-segments)
  std::size_t occurrence;        // 1-based among the segments with this id (by_id order only; else 0)
  bool repeats;                  // as group_info::repeats (by_id order only; else false)
};

// What a field's bytes hold (field_info::bytes): one table-driven pass per field tells emitters which
// work they can skip (no escapes to decode, nothing to transcode or to escape for JSON).
namespace bytes_class {
inline constexpr std::uint8_t repetition = 1, component = 2, subcomponent = 4;  // the delimiters
inline constexpr std::uint8_t escape = 8;                                       // the escape character
inline constexpr std::uint8_t high = 16;                                        // a byte >= 0x80
inline constexpr std::uint8_t json_special = 32;  // '"', '\\' or a control character
}  // namespace bytes_class

struct field_info {
  hl7v2::field f;
  std::size_t position;        // 1-based
  const defs::field_def* def;  // null: past the definition or unknown segment
  const defs::type_def* type;  // the def's type; for a "varies" field the type OBX-2 names; null: unknown
  bool repeats;                // def says the field may repeat (false without a def)
  bool varies;                 // the def's type is "varies" (OBX-5): `type` was read from the data
  std::uint8_t bytes;          // bytes_class bits found in the field (MSH-1/MSH-2: all bits set)
};

struct repetition_info {
  hl7v2::repetition rep;
  std::size_t index;           // 1-based
  const field_info* field;     // its field
  const defs::type_def* type;  // == field->type
  bool split;                  // holds a component or subcomponent delimiter
};

struct component_info {
  hl7v2::component comp;
  std::size_t position;            // 1-based
  const defs::type_def* parent;    // the composite it belongs to; null: unknown
  const defs::component_def* def;  // null: past the data type's components or unknown parent
  const defs::type_def* type;      // def->type or null
  bool split;                      // holds a subcomponent delimiter
};

struct subcomponent_info {
  hl7v2::subcomponent sub;
  std::size_t position;            // 1-based
  const defs::type_def* parent;    // the component's type, when composite
  const defs::component_def* def;  // null: past the type's components or unknown
  const defs::type_def* type;
};

template <class E>
concept emitter = requires(E& e, const message_info& m, const group_info& g, const segment_info& s,
                           const field_info& f, const repetition_info& r, const component_info& c,
                           const subcomponent_info& sc) {
  { e.order } -> std::convertible_to<segment_order>;  // a static constexpr member or a data member
  e.begin_message(m);
  e.end_message(m);
  e.begin_group(g);
  e.end_group(g);
  { e.begin_segment(s) } -> std::convertible_to<bool>;
  e.end_segment(s);
  { e.begin_field(f) } -> std::convertible_to<bool>;
  e.end_field(f);
  { e.begin_repetition(r) } -> std::convertible_to<bool>;
  e.end_repetition(r);
  { e.begin_component(c) } -> std::convertible_to<bool>;
  e.end_component(c);
  e.subcomponent(sc);
};

// Base for emitters picked at run time (plugins). Override what you need; the defaults descend
// everywhere and ignore every event. Walk it like any emitter: walker.walk(msg, my_plugin).
class dynamic_emitter {
 public:
  segment_order order = segment_order::as_received;  // read by the walk for each message

  virtual ~dynamic_emitter() = default;
  virtual void begin_message(const message_info&) {}
  virtual void end_message(const message_info&) {}
  virtual void begin_group(const group_info&) {}
  virtual void end_group(const group_info&) {}
  virtual bool begin_segment(const segment_info&) { return true; }
  virtual void end_segment(const segment_info&) {}
  virtual bool begin_field(const field_info&) { return true; }
  virtual void end_field(const field_info&) {}
  virtual bool begin_repetition(const repetition_info&) { return true; }
  virtual void end_repetition(const repetition_info&) {}
  virtual bool begin_component(const component_info&) { return true; }
  virtual void end_component(const component_info&) {}
  virtual void subcomponent(const subcomponent_info&) {}

 protected:
  dynamic_emitter() = default;
  dynamic_emitter(const dynamic_emitter&) = default;
  dynamic_emitter& operator=(const dynamic_emitter&) = default;
};

}  // namespace hl7v2::json
