// A reference structure matcher for tests and fuzzing, written independently of the compiled automaton of
// include/hl7v2/validate/structure.hpp: it searches every assignment depth first, trying each segment's
// places in preference order on the structure tree itself (the open instances as a stack of frames), and
// keeps the first assignment with the fewest findings. Exponential: for short messages only, and it gives
// up (complete == false) past `budget` search steps. matcher_trace() renders the matcher's result the
// same way, so the two can be compared step by step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hl7v2/message.hpp"
#include "hl7v2/validate/structure.hpp"

namespace hl7v2::test {

using defs::structure_node;
using validate::code;
using validate::placement;
using validate::structure_finding;
using validate::structure_matcher;

struct ref_frame {
  const structure_node* node;  // nullptr: the message
  std::span<const structure_node> children;
  std::string_view context;
  int pos = -1;
  std::uint32_t serial = 0;
  bool choice() const { return node != nullptr && node->is_choice(); }
};

struct ref_trace {
  std::vector<std::string> steps;  // per segment: placement, node, open instances
  std::vector<std::string> findings;
};

inline std::string finding_text(code c, const structure_node* node, std::string_view context) {
  std::ostringstream os;
  os << name(c) << ":" << static_cast<const void*>(node) << ":" << context;
  return os.str();
}

template <class Frames>
std::string step_text(placement p, const structure_node* node, const Frames& frames) {
  std::ostringstream os;
  os << static_cast<int>(p) << ":" << static_cast<const void*>(node);
  for (const auto& [group, serial] : frames) os << "/" << static_cast<const void*>(group) << "#" << serial;
  return os.str();
}

struct ref_matcher {
  const defs::structure_def& s;
  std::vector<std::string_view> ids;
  std::size_t best = std::numeric_limits<std::size_t>::max();
  ref_trace best_trace;
  std::size_t budget = std::size_t{1} << 20;  // search steps before giving up
  bool complete = true;

  struct move {
    std::size_t level;
    std::vector<std::size_t> path;  // the child at `level`, then down to the segment
  };

  static void leaves(const structure_node& n, std::string_view id, std::vector<std::size_t>& path,
                     std::size_t level, std::vector<move>& out) {
    if (n.is_segment()) {
      if (n.id == id) out.push_back({level, path});
      return;
    }
    for (std::size_t k = 0; k < n.child_count; ++k) {
      path.push_back(k);
      leaves(n.child_data[k], id, path, level, out);
      path.pop_back();
    }
  }
  static std::vector<move> moves(const std::vector<ref_frame>& frames, std::string_view id) {
    std::vector<move> out;
    std::vector<std::size_t> path;
    for (std::size_t lvl = frames.size(); lvl-- > 0;) {
      const ref_frame& f = frames[lvl];
      if (f.pos >= 0 && f.children[f.pos].repeats()) {
        path = {static_cast<std::size_t>(f.pos)};
        leaves(f.children[f.pos], id, path, lvl, out);
      }
      if (f.choice()) continue;
      for (std::size_t j = static_cast<std::size_t>(f.pos + 1); j < f.children.size(); ++j) {
        path = {j};
        leaves(f.children[j], id, path, lvl, out);
      }
    }
    return out;
  }
  // A node that needs a segment: required, and not a group of optional parts only (nor a choice with an
  // alternative that needs none).
  static bool needs_segment(const structure_node& n) {
    if (!n.required()) return false;
    if (n.is_segment()) return true;
    bool any = false, all = true;
    for (const structure_node& c : n.children()) {
      const bool needs = needs_segment(c);
      any = any || needs;
      all = all && needs;
    }
    return n.is_choice() ? all : any;
  }
  static void missing(const ref_frame& f, std::size_t from, std::size_t to, ref_trace& t) {
    if (f.choice()) return;
    for (std::size_t k = from; k < to; ++k) {
      if (needs_segment(f.children[k]))
        t.findings.push_back(finding_text(code::missing_segment, &f.children[k], f.context));
    }
  }
  static void close_to(std::vector<ref_frame>& frames, std::size_t level, ref_trace& t) {
    while (frames.size() > level + 1) {
      missing(frames.back(), static_cast<std::size_t>(frames.back().pos + 1), frames.back().children.size(),
              t);
      frames.pop_back();
    }
  }
  static std::string frames_text(placement p, const structure_node* node,
                                 const std::vector<ref_frame>& frames) {
    std::vector<std::pair<const structure_node*, std::uint32_t>> open;
    for (std::size_t d = 1; d < frames.size(); ++d) open.emplace_back(frames[d].node, frames[d].serial);
    return step_text(p, node, open);
  }
  bool in_structure(std::span<const structure_node> children, std::string_view id) const {
    for (const structure_node& n : children) {
      if (n.is_segment() ? n.id == id : in_structure(n.children(), id)) return true;
    }
    return false;
  }

  // HL7's "Hxx" place takes a segment whose id the structure does not name (not a Z-segment).
  std::string_view as_matched(std::string_view id) const {
    const std::string_view any = validate::detail::any_segment_id;
    if (validate::is_z_segment(id) || in_structure(s.children(), id) || !in_structure(s.children(), any))
      return id;
    return any;
  }

  void search(std::size_t i, std::vector<ref_frame> frames, std::uint32_t serial, ref_trace t) {
    if (budget == 0) {
      complete = false;
      return;
    }
    --budget;
    if (t.findings.size() >= best) return;  // an equal count found later is not preferred
    if (i == ids.size()) {
      close_to(frames, 0, t);
      missing(frames[0], static_cast<std::size_t>(frames[0].pos + 1), frames[0].children.size(), t);
      if (t.findings.size() < best) {
        best = t.findings.size();
        best_trace = t;
      }
      return;
    }
    const std::string_view id = as_matched(ids[i]);
    if (validate::is_z_segment(id) || !in_structure(s.children(), id)) {
      if (!validate::is_z_segment(id))
        t.findings.push_back(finding_text(code::unexpected_segment, nullptr, s.id));
      t.steps.push_back(frames_text(validate::is_z_segment(id) ? placement::z_segment : placement::unexpected,
                                    nullptr, frames));
      search(i + 1, std::move(frames), serial, std::move(t));
      return;
    }
    for (const move& m : moves(frames, id)) {
      std::vector<ref_frame> f2 = frames;
      ref_trace t2 = t;
      std::uint32_t s2 = serial;
      close_to(f2, m.level, t2);
      ref_frame& at = f2[m.level];
      if (at.pos != static_cast<int>(m.path[0])) {
        missing(at, static_cast<std::size_t>(at.pos + 1), m.path[0], t2);
        at.pos = static_cast<int>(m.path[0]);
      }
      const structure_node* node = &at.children[m.path[0]];
      std::string_view context = at.context;
      for (std::size_t k = 1; k < m.path.size(); ++k) {
        ref_frame nf{node, node->children(), node->is_group() ? node->id : context,
                     static_cast<int>(m.path[k]), ++s2};
        missing(nf, 0, m.path[k], t2);
        context = nf.context;
        f2.push_back(nf);
        node = &node->child_data[m.path[k]];
      }
      t2.steps.push_back(frames_text(placement::matched, node, f2));
      search(i + 1, std::move(f2), s2, std::move(t2));
    }
    // No place: too many if its node is the current one at some level, else out of order.
    ref_trace t3 = t;
    placement p = placement::out_of_order;
    for (std::size_t lvl = frames.size(); lvl-- > 0;) {
      const ref_frame& f = frames[lvl];
      if (f.pos >= 0 && f.children[f.pos].is_segment() && f.children[f.pos].id == id) {
        t3.findings.push_back(finding_text(code::too_many_segments, &f.children[f.pos], f.context));
        p = placement::too_many;
        break;
      }
    }
    if (p == placement::out_of_order)
      t3.findings.push_back(finding_text(code::out_of_order, nullptr, frames.back().context));
    t3.steps.push_back(frames_text(p, nullptr, frames));
    search(i + 1, std::move(frames), serial, std::move(t3));
  }

  ref_trace run() {
    std::vector<ref_frame> frames{ref_frame{nullptr, s.children(), s.id}};
    search(0, std::move(frames), 0, ref_trace{});
    return best_trace;
  }
};

inline ref_trace matcher_trace(structure_matcher& m, const message& msg, const defs::structure_def& s) {
  ref_trace t;
  auto on = [&](const structure_finding& f) {
    t.findings.push_back(finding_text(f.code, f.node, f.context));
  };
  m.reset(msg, s);
  for (std::size_t i = 1; i <= msg.size(); ++i) {
    const auto step = m.next(on);
    std::vector<std::pair<const structure_node*, std::uint32_t>> open;
    for (std::size_t d = 1; d < m.depth(); ++d) open.emplace_back(m.at(d).group, m.at(d).serial);
    t.steps.push_back(step_text(step.placement, step.node, open));
  }
  m.finish(on);
  return t;
}

}  // namespace hl7v2::test
