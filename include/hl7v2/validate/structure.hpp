// Message-structure matching: which segment of the message belongs to which group instance of its
// structure (ORU_R01: PATIENT_RESULT / ORDER_OBSERVATION / OBSERVATION ...).
//
// The matcher works the way interface engines do: one pass, greedy, no backtracking. For each segment
// it looks, from the innermost open group outwards, for the first place at or after the current
// position where the segment may stand (again at the current node if it may repeat, a later sibling,
// or a new instance of a repeating group that can start with it). If that fails it looks further ahead
// and enters a group at any position (a group whose leading required segment is missing), reporting the
// segments it skipped. A segment that still has no place is attached to the current group and reported
// (out of order, too many, or not in the structure); Z-segments are attached silently. Nothing is fatal.
//
// structure_matcher is the streaming core (no allocation, used by validation); structure_map records the
// result for a whole message in flat reusable arrays (used by the grouped JSON layout).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/defs/types.hpp"
#include "hl7v2/message.hpp"
#include "hl7v2/validate/diagnostic.hpp"

namespace hl7v2::validate {

enum class placement : std::uint8_t {
  matched,       // at its node in the structure
  z_segment,     // site-specific, attached to the current group
  unexpected,    // not in the structure, attached to the current group
  out_of_order,  // in the structure but not here, attached to the current group
  too_many,      // its node is full, attached to the current group
};

constexpr bool is_z_segment(std::string_view id) noexcept { return !id.empty() && id.front() == 'Z'; }

// A structure problem found while matching. `node` is the segment or group concerned (nullptr for a
// segment the structure does not have); `context` names the group (or structure) it concerns.
struct structure_finding {
  validate::code code;
  const defs::structure_node* node;
  std::string_view context;
  std::uint32_t number;  // the maximum, for too_many_segments
};

namespace detail {

// This matcher does not read choice nodes (<OBR|RQD|...>) yet: it treats one as an optional segment
// that never matches, as it treated the fake segment ids the definitions held before.
constexpr bool must_occur(const defs::structure_node& n) noexcept { return n.required() && !n.is_choice(); }

// Can `group` begin with `id` (its leading optional children skipped)?
constexpr bool starts_with(const defs::structure_node& group, std::string_view id) noexcept {
  for (const defs::structure_node& child : group.children()) {
    if (child.is_group() ? starts_with(child, id) : child.id == id) return true;
    if (must_occur(child)) return false;
  }
  return false;
}

// Does `group` hold `id` anywhere?
constexpr bool contains(const defs::structure_node& group, std::string_view id) noexcept {
  for (const defs::structure_node& child : group.children()) {
    if (child.is_group() ? contains(child, id) : child.id == id) return true;
  }
  return false;
}

// The segment that stands for a node in a finding: itself, or its group's first required segment (the
// first segment when none is required), e.g. OBR for ORDER_OBSERVATION.
constexpr std::string_view first_segment(const defs::structure_node& node) noexcept {
  const defs::structure_node* n = &node;
  while (n->is_group() && n->child_count != 0) {
    const defs::structure_node* pick = &n->child_data[0];
    for (const defs::structure_node& c : n->children()) {
      if (c.required()) {
        pick = &c;
        break;
      }
    }
    n = pick;
  }
  return n->is_group() ? std::string_view{} : n->id;
}

}  // namespace detail

class structure_matcher {
 public:
  static constexpr std::size_t max_depth = 16;  // deeper structures (hostile profiles) are matched flat below

  // One open group instance; frame 0 is the message itself.
  struct frame {
    const defs::structure_node* children = nullptr;
    std::uint16_t count = 0;
    const defs::structure_node* group = nullptr;  // nullptr for the message
    std::int32_t pos = -1;                        // current child, -1 before the first
    std::uint32_t reps = 0;                       // occurrences of the current child in this instance
    std::uint32_t instance = 1;                   // 1-based instance of `group` within its parent instance
    std::uint32_t serial = 0;                     // unique per opened instance within one message
  };

  struct step {
    validate::placement placement;
    const defs::structure_node* node;  // the segment node matched; nullptr unless matched
  };

  void reset(const defs::structure_def& s) noexcept {
    structure_ = &s;
    depth_ = 1;
    serial_ = 0;
    frames_[0] = frame{s.child_data, s.child_count, nullptr, -1, 0, 1, 0};
  }

  std::size_t depth() const noexcept { return depth_; }
  const frame& at(std::size_t level) const noexcept { return frames_[level]; }
  const defs::structure_def* structure() const noexcept { return structure_; }

  // Places the next segment; findings go to `on_finding(const structure_finding&)`.
  template <class OnFinding>
  step next(std::string_view id, OnFinding&& on_finding) {
    if (is_z_segment(id)) return {placement::z_segment, nullptr};
    // Strict: current node again, a later sibling, or a new group instance that starts with the id.
    for (std::size_t lvl = depth_; lvl-- > 0;) {
      frame& f = frames_[lvl];
      if (f.pos >= 0) {
        const defs::structure_node& cur = f.children[f.pos];
        if (has_room(cur, f.reps) && (cur.is_group() ? detail::starts_with(cur, id) : cur.id == id)) {
          close_to(lvl, on_finding);
          ++f.reps;
          return enter(lvl, cur, id, false, on_finding);
        }
      }
      for (std::size_t i = static_cast<std::size_t>(f.pos + 1); i < f.count; ++i) {
        const defs::structure_node& n = f.children[i];
        if (n.is_group() ? detail::starts_with(n, id) : n.id == id)
          return advance(lvl, i, id, false, on_finding);
      }
    }
    // Tolerant: a later node or new instance whose group holds the id anywhere.
    for (std::size_t lvl = depth_; lvl-- > 0;) {
      frame& f = frames_[lvl];
      for (std::size_t i = static_cast<std::size_t>(f.pos + 1); i < f.count; ++i) {
        const defs::structure_node& n = f.children[i];
        if (n.is_group() && detail::contains(n, id)) return advance(lvl, i, id, true, on_finding);
      }
      if (f.pos >= 0) {
        const defs::structure_node& cur = f.children[f.pos];
        if (cur.is_group() && has_room(cur, f.reps) && detail::contains(cur, id)) {
          close_to(lvl, on_finding);
          ++f.reps;
          return enter(lvl, cur, id, true, on_finding);
        }
      }
    }
    // No place: attach to the current group and say why.
    const frame& inner = frames_[depth_ - 1];
    for (std::size_t lvl = depth_; lvl-- > 0;) {
      const frame& f = frames_[lvl];
      if (f.pos < 0) continue;
      const defs::structure_node& cur = f.children[f.pos];
      if (!cur.is_group() && cur.id == id) {
        on_finding(structure_finding{code::too_many_segments, &cur, context_of(f), cur.max});
        return {placement::too_many, nullptr};
      }
    }
    bool known = false;
    for (const defs::structure_node& n : structure_->children()) {
      if (n.is_group() ? detail::contains(n, id) : n.id == id) known = true;
    }
    if (known) {
      on_finding(structure_finding{code::out_of_order, nullptr, context_of(inner), 0});
      return {placement::out_of_order, nullptr};
    }
    on_finding(structure_finding{code::unexpected_segment, nullptr, structure_->id, 0});
    return {placement::unexpected, nullptr};
  }

  // End of message: reports the required nodes never seen in the open instances.
  template <class OnFinding>
  void finish(OnFinding&& on_finding) {
    close_to(0, on_finding);
    report_tail(frames_[0], on_finding);
  }

 private:
  static constexpr bool has_room(const defs::structure_node& n, std::uint32_t reps) noexcept {
    return n.max == 0 || reps < n.max;
  }
  std::string_view context_of(const frame& f) const noexcept {
    return f.group ? f.group->id : structure_->id;
  }

  template <class OnFinding>
  void report_range(const frame& f, std::size_t from, std::size_t to, OnFinding& on_finding) const {
    for (std::size_t i = from; i < to; ++i) {
      const defs::structure_node& n = f.children[i];
      if (detail::must_occur(n))
        on_finding(structure_finding{code::missing_segment, &n, context_of(f), n.min});
    }
  }
  template <class OnFinding>
  void report_tail(const frame& f, OnFinding& on_finding) const {
    report_range(f, static_cast<std::size_t>(f.pos + 1), f.count, on_finding);
  }

  // Leaves the instances deeper than `level`, reporting what each still lacked.
  template <class OnFinding>
  void close_to(std::size_t level, OnFinding& on_finding) {
    while (depth_ > level + 1) {
      report_tail(frames_[depth_ - 1], on_finding);
      --depth_;
    }
  }

  // Moves frame `lvl` to its child `i` (skipping the children between) and enters it.
  template <class OnFinding>
  step advance(std::size_t lvl, std::size_t i, std::string_view id, bool anywhere, OnFinding& on_finding) {
    close_to(lvl, on_finding);
    frame& f = frames_[lvl];
    report_range(f, static_cast<std::size_t>(f.pos + 1), i, on_finding);
    f.pos = static_cast<std::int32_t>(i);
    f.reps = 1;
    return enter(lvl, f.children[i], id, anywhere, on_finding);
  }

  // `node` is frame lvl's current child, just counted: a segment is the match; a group opens a new
  // instance and the id is placed inside it (at its start, or anywhere when `anywhere`).
  template <class OnFinding>
  step enter(std::size_t lvl, const defs::structure_node& node, std::string_view id, bool anywhere,
             OnFinding& on_finding) {
    if (!node.is_group()) return {placement::matched, &node};
    if (depth_ == max_depth) return {placement::out_of_order, nullptr};
    const std::uint32_t instance = frames_[lvl].reps;
    frame& g = frames_[depth_++];
    g = frame{node.child_data, node.child_count, &node, -1, 0, instance, ++serial_};
    for (std::size_t i = 0; i < g.count; ++i) {
      const defs::structure_node& n = g.children[i];
      const bool here =
          n.is_group() ? (anywhere ? detail::contains(n, id) : detail::starts_with(n, id)) : n.id == id;
      if (here) {
        if (anywhere) report_range(g, 0, i, on_finding);
        g.pos = static_cast<std::int32_t>(i);
        g.reps = 1;
        return enter(depth_ - 1, n, id, anywhere, on_finding);
      }
    }
    return {placement::out_of_order, nullptr};  // unreachable: callers checked the group holds the id
  }

  const defs::structure_def* structure_ = nullptr;
  std::array<frame, max_depth> frames_{};
  std::size_t depth_ = 0;
  std::uint32_t serial_ = 0;
};

// The matching of a whole message, kept in flat arrays that are reused from message to message.
// Group instances form a tree (group 0 is the message); each instance lists its items (matched segments
// and child instances, in message order, which is structure order) and, separately, its extras (segments
// attached to it without a place: Z-segments, unexpected, out of order, too many).
class structure_map {
 public:
  static constexpr std::uint32_t none = 0xFFFFFFFFu;
  static constexpr std::uint32_t group_bit = 0x80000000u;  // an item that is a group instance

  struct group_instance {
    const defs::structure_node* node = nullptr;  // nullptr for the message
    std::uint32_t parent = none;
    std::uint32_t instance = 1;  // 1-based among the instances of `node` in the parent instance
    std::uint32_t first_item = none, last_item = none;  // items: segment index (0-based) or group_bit | group
    std::uint32_t first_extra = none, last_extra = none;  // 0-based segment indexes
    std::uint32_t next = none;                            // next item of the parent
  };
  struct segment_place {
    validate::placement placement = placement::matched;
    const defs::structure_node* node = nullptr;  // nullptr unless matched
    std::uint32_t group = 0;                     // the instance it belongs (or is attached) to
    std::uint32_t next = none;                   // next item or extra of that instance
  };

  // Matches `msg` against `s`; structure findings go to `on_finding(const structure_finding&, std::size_t
  // segment_index)` (1-based; 0 for findings at the end of the message).
  template <class OnFinding>
  void build(const message& msg, const defs::structure_def& s, OnFinding&& on_finding) {
    structure_ = &s;
    groups_.clear();
    segments_.clear();
    groups_.push_back(group_instance{});
    matcher_.reset(s);
    std::array<std::uint32_t, structure_matcher::max_depth> serials{};
    std::array<std::uint32_t, structure_matcher::max_depth> group_at{};
    std::size_t known = 1;  // frames of the matcher mirrored in group_at
    std::size_t index = 0;
    for (const segment seg : msg.segments()) {
      ++index;
      const auto step = matcher_.next(seg.id(), [&](const structure_finding& f) { on_finding(f, index); });
      const std::size_t depth = matcher_.depth();
      std::size_t same = 1;
      while (same < depth && same < known && serials[same] == matcher_.at(same).serial) ++same;
      for (std::size_t d = same; d < depth; ++d) {
        const auto& fr = matcher_.at(d);
        const std::uint32_t g = static_cast<std::uint32_t>(groups_.size());
        groups_.push_back(group_instance{fr.group, group_at[d - 1], fr.instance});
        link_item(group_at[d - 1], group_bit | g);
        serials[d] = fr.serial;
        group_at[d] = g;
      }
      known = depth;
      const std::uint32_t owner = group_at[depth - 1];
      const std::uint32_t si = static_cast<std::uint32_t>(segments_.size());
      segments_.push_back(segment_place{step.placement, step.node, owner, none});
      if (step.placement == placement::matched) {
        link_item(owner, si);
      } else {
        group_instance& g = groups_[owner];
        if (g.last_extra == none)
          g.first_extra = si;
        else
          segments_[g.last_extra].next = si;
        g.last_extra = si;
      }
    }
    matcher_.finish([&](const structure_finding& f) { on_finding(f, std::size_t{0}); });
  }
  void build(const message& msg, const defs::structure_def& s) {
    build(msg, s, [](const structure_finding&, std::size_t) {});
  }

  const defs::structure_def* structure() const noexcept { return structure_; }
  const std::vector<group_instance>& groups() const noexcept { return groups_; }
  const std::vector<segment_place>& segments() const noexcept { return segments_; }
  // The place of the n-th segment (1-based, as message::operator[]).
  const segment_place& place(std::size_t n) const noexcept { return segments_[n - 1]; }

  // "PATIENT_RESULT(1)/ORDER_OBSERVATION(2)/OBSERVATION(1)" for the n-th segment (1-based); empty at
  // the top level. For logs and tests.
  std::string group_path(std::size_t n) const {
    std::string out;
    append_group_path(segments_[n - 1].group, out);
    return out;
  }

 private:
  void link_item(std::uint32_t owner, std::uint32_t item) {
    group_instance& g = groups_[owner];
    if (g.last_item == none) {
      g.first_item = item;
    } else if (g.last_item & group_bit) {
      groups_[g.last_item & ~group_bit].next = item;
    } else {
      segments_[g.last_item].next = item;
    }
    g.last_item = item;
  }
  void append_group_path(std::uint32_t g, std::string& out) const {
    if (g == 0) return;
    append_group_path(groups_[g].parent, out);
    if (!out.empty()) out += '/';
    out += groups_[g].node->id;
    out += '(';
    out += std::to_string(groups_[g].instance);
    out += ')';
  }

  const defs::structure_def* structure_ = nullptr;
  structure_matcher matcher_;
  std::vector<group_instance> groups_;
  std::vector<segment_place> segments_;
};

}  // namespace hl7v2::validate
