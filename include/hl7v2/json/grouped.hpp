// The grouped layout: the named layout (named.hpp), but with segments nested under the groups of the
// message structure, so the OBX of each OBR stay together:
//
//   {"msh":{...},"patient_result":[{"patient":{"pid":{...},"visit":{"pv1":{...}}},
//     "order_observation":[{"orc":{...},"obr":{...},"observation":[{"obx":{...},"nte":[...]}]}]}]}
//
//  - group key: the group name in lower case ("order_observation"; as is with upper_keys). A group that
//    may repeat in the structure is always an array of objects, one that may not is an object: the
//    shape comes from the structure, never from the data.
//  - segment key and shape as in the named layout, but decided by the segment's node in its group: an
//    array when the node may repeat, else an object. Segment content is exactly the named layout's.
//  - a choice adds no level: the chosen segment or group is a member of the enclosing group like any
//    other, an array when it or the choice may repeat; alternatives met interleaved (ROL PRD ROL) are
//    still one key each, in the order of their first occurrence.
//  - segments the structure has no place for (Z-segments, unexpected or out-of-order ones, one too many:
//    see validate/structure.hpp) are kept in the group instance they were met in, after its structured
//    members, each id as an array of segments; when the group itself has a segment with that id (a
//    choice's alternatives included), the key gets the suffix "_unplaced" ("pid_unplaced").
//  - a message whose structure is unknown (or beyond the matcher's limits) is written in the named layout.
//
// Use it as json::converter with `.layout = json::layout::grouped` (convert.hpp); this header is that
// converter's internals.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hl7v2/error.hpp"
#include "hl7v2/json/emit_buffer.hpp"
#include "hl7v2/json/named.hpp"
#include "hl7v2/json/walk.hpp"
#include "hl7v2/json/writer.hpp"
#include "hl7v2/message.hpp"
#include "hl7v2/validate/structure.hpp"

namespace hl7v2::json {

namespace detail {

// Drives the named emitter in message order and records where each segment's object landed in its
// buffer, so the grouped writer can place the objects under their groups.
template <class Inner>
struct segment_capture {
  static constexpr segment_order order = segment_order::as_received;
  static constexpr bool skips_empty_fields = json::detail::skips_empty_fields<Inner>();
  Inner& inner;
  const emit_buffer& buffer;
  std::vector<std::pair<std::size_t, std::size_t>>& ranges;

  void begin_message(const message_info& m) { inner.begin_message(m); }
  void end_message(const message_info& m) { inner.end_message(m); }
  void begin_group(const group_info&) {}
  void end_group(const group_info&) {}
  bool begin_segment(const segment_info& s) {
    segment_info as_value = s;
    as_value.repeats = true;  // no key: the grouped writer writes it
    as_value.occurrence = 0;
    const bool descend = inner.begin_segment(as_value);
    ranges.emplace_back(buffer.size() - 1, buffer.size());  // starts at its '{'
    return descend;
  }
  void end_segment(const segment_info& s) {
    inner.end_segment(s);
    ranges.back().second = buffer.size();
  }
  bool begin_field(const field_info& f) { return inner.begin_field(f); }
  void end_field(const field_info& f) { inner.end_field(f); }
  bool begin_repetition(const repetition_info& r) { return inner.begin_repetition(r); }
  void end_repetition(const repetition_info& r) { inner.end_repetition(r); }
  bool begin_component(const component_info& c) { return inner.begin_component(c); }
  void end_component(const component_info& c) { inner.end_component(c); }
  void subcomponent(const subcomponent_info& s) { inner.subcomponent(s); }
};

// The grouped layout's part of json::converter (convert.hpp, layout::grouped): the segments written by
// the named emitter into a buffer of their own, the structure matched, then the objects placed under
// their groups. Owns its buffers and the structure map: no allocation per message once warm.
class grouped_writer {
 public:
  // Writes msg's object to `out` and returns true; false when the structure does not match msg (the
  // caller then writes the named layout), with `err` set when the named emitter failed.
  template <class Buffer>
  bool render(walker& walk, const hl7v2::message& msg, const defs::structure_def& structure,
              const named_options& named_opts, named_scratch& scratch, Buffer& out,
              std::string_view extra_members, hl7v2::error& err) {
    upper_keys_ = named_opts.upper_keys;
    segments_.clear();
    ranges_.clear();
    named_emitter<emit_buffer> named{segments_, named_opts, scratch};
    segment_capture<named_emitter<emit_buffer>> capture{named, segments_, ranges_};
    walk.walk(msg, capture);
    if (named.error().code != errc::ok) {
      err = named.error();
      return true;
    }
    map_.build(msg, structure);
    if (!map_.matched()) return false;
    msg_ids_.clear();
    for (const segment seg : msg.segments()) msg_ids_.push_back(seg.id());

    json_writer<Buffer> w{out};
    w.begin_object();
    if (!extra_members.empty()) w.raw(extra_members);
    write_instance(w, 0);
    w.end_object();
    return true;
  }

  const validate::structure_map& structure() const noexcept { return map_; }

 private:
  using map_t = validate::structure_map;

  template <class W>
  void key(W& w, std::string_view name, std::string_view suffix = {}) {
    key_.clear();
    for (char c : name) key_ += upper_keys_ || c < 'A' || c > 'Z' ? c : static_cast<char>(c - 'A' + 'a');
    key_ += suffix;
    w.plain_key(key_);
  }
  template <class W>
  void segment_json(W& w, std::uint32_t index) {
    const auto [b, e] = ranges_[index];
    w.raw(std::string_view{segments_.data() + b, e - b});
  }
  static const defs::structure_node* item_node(const map_t& m, std::uint32_t item) noexcept {
    return (item & map_t::group_bit) ? m.groups()[item & ~map_t::group_bit].node : m.segments()[item].node;
  }
  static std::uint32_t next_item(const map_t& m, std::uint32_t item) noexcept {
    return (item & map_t::group_bit) ? m.groups()[item & ~map_t::group_bit].next : m.segments()[item].next;
  }
  static bool item_repeats(const map_t& m, std::uint32_t item) noexcept {
    return (item & map_t::group_bit) ? m.groups()[item & ~map_t::group_bit].repeats
                                     : m.segments()[item].repeats;
  }

  // The members of one group instance (the message for 0): one key per node, in the order of its first
  // item, then the extras. A node's items are consecutive except for a repeating choice's alternatives.
  template <class W>
  void write_instance(W& w, std::uint32_t g) {
    const map_t& m = map_;
    const std::size_t mark = written_.size();  // nodes of this instance already written
    for (std::uint32_t item = m.groups()[g].first_item; item != map_t::none; item = next_item(m, item)) {
      const defs::structure_node* node = item_node(m, item);
      if (std::find(written_.begin() + static_cast<std::ptrdiff_t>(mark), written_.end(), node) !=
          written_.end())
        continue;
      written_.push_back(node);
      // A node that may not repeat has one item: once full, the matcher sends segments to the extras.
      const bool repeats = item_repeats(m, item);
      // HL7's "Hxx" node stands for whichever segment is there: the key names that segment.
      const bool any = !(item & map_t::group_bit) && node->id == validate::detail::any_segment_id;
      key(w, any ? segment_id(item) : std::string_view{node->id});
      if (repeats) w.begin_array();
      for (std::uint32_t it = item; it != map_t::none; it = next_item(m, it)) {
        if (item_node(m, it) != node) continue;
        if (it & map_t::group_bit) {
          w.begin_object();
          write_instance(w, it & ~map_t::group_bit);
          w.end_object();
        } else {
          segment_json(w, it);
        }
        if (!repeats) break;
      }
      if (repeats) w.end_array();
    }
    written_.resize(mark);
    write_extras(w, g);
  }

  // Does the group have a segment with this id, directly or as an alternative of a choice?
  static bool has_segment(std::span<const defs::structure_node> children, std::string_view id) noexcept {
    for (const defs::structure_node& c : children) {
      if (c.is_segment() ? c.id == id : c.is_choice() && has_segment(c.children(), id)) return true;
    }
    return false;
  }

  // The extras of one instance, one key per segment id in the order of its first occurrence (sorted by
  // id, then grouped: n log n, since a hostile message may have many).
  template <class W>
  void write_extras(W& w, std::uint32_t g) {
    const map_t& m = map_;
    if (m.groups()[g].first_extra == map_t::none) return;
    const defs::structure_node* group = m.groups()[g].node;
    const auto children = group != nullptr ? group->children() : m.structure()->children();
    extras_.clear();
    for (std::uint32_t e = m.groups()[g].first_extra; e != map_t::none; e = m.segments()[e].next)
      extras_.push_back(e);
    std::sort(extras_.begin(), extras_.end(), [this](std::uint32_t a, std::uint32_t b) {
      const int c = segment_id(a).compare(segment_id(b));
      return c != 0 ? c < 0 : a < b;
    });
    runs_.clear();  // (first segment, begin, end) of each id in extras_
    for (std::size_t b = 0, e = 0; b < extras_.size(); b = e) {
      for (e = b + 1; e < extras_.size() && segment_id(extras_[e]) == segment_id(extras_[b]);) ++e;
      runs_.push_back({extras_[b], b, e});
    }
    std::sort(runs_.begin(), runs_.end(), [](const run& a, const run& b) { return a.first < b.first; });
    for (const run& r : runs_) {
      const std::string_view id = segment_id(r.first);
      key(w, id, has_segment(children, id) ? std::string_view{"_unplaced"} : std::string_view{});
      w.begin_array();
      for (std::size_t k = r.begin; k < r.end; ++k) segment_json(w, extras_[k]);
      w.end_array();
    }
  }
  // ranges_, msg_ids_ and the map's segments share 0-based indexes.
  std::string_view segment_id(std::uint32_t index) const noexcept { return msg_ids_[index]; }

  bool upper_keys_ = false;
  emit_buffer segments_;  // the named emitter's buffer type: one instantiation for both layouts
  std::string key_;
  std::vector<std::pair<std::size_t, std::size_t>> ranges_;
  std::vector<std::string_view> msg_ids_;
  struct run {
    std::uint32_t first;
    std::size_t begin, end;
  };
  std::vector<const defs::structure_node*> written_;
  std::vector<std::uint32_t> extras_;
  std::vector<run> runs_;
  map_t map_;
};

}  // namespace detail

}  // namespace hl7v2::json
