// Message-structure matching: which segment of the message belongs to which group instance of its
// structure (ORU_R01: PATIENT_RESULT / ORDER_OBSERVATION / OBSERVATION ...).
//
// A structure is a regular grammar over segment ids: sequences (the message, groups), alternatives
// (choices: exactly one alternative per occurrence) and occurrence bounds. The matcher is exact:
//
//  - Whenever the message fits the structure (every required part present, nothing out of place), the
//    segments are assigned to group instances so that it does, with no finding.
//  - Where several assignments fit, it picks the one HAPI's rule of thumb prefers: a segment goes to the
//    nearest place at or after the current position (again at the current node if it may repeat, a
//    later sibling in the current group, a new instance of the current group if it repeats and can start
//    with the segment, then the same one level out), and a later, farther place only when the nearer one
//    leaves the rest of the message no fit. So the ORC that starts the next order of an OML^O21 opens a
//    new ORDER rather than the optional ORC of the previous order's PRIOR_RESULT, because the segments
//    after it fit only that way; when both fit to the end, the nearer place wins.
//  - When the message does not fit, the assignment is the one with the fewest structure findings (a
//    required segment or group missing, a segment with no place), ties broken by the same preference,
//    and a place is always preferred to no place. A segment with no place is attached to the current
//    group instance and reported: too_many (its node is the current one and is full), out_of_order (the
//    structure has it elsewhere) or unexpected (the structure does not have it). Z-segments are attached
//    silently and, like segments the structure does not have, take no part in the matching. Nothing is
//    fatal and nothing is dropped.
//
// How: the structure is compiled once into an automaton whose states are its segment nodes (a state
// fixes the open group instances and the position in each) and whose moves, per state and segment id,
// are listed in preference order with the number of findings each implies (required nodes skipped or
// left unfinished). Per message, one backward pass over the segment ids marks the states from which the
// rest of the message still fits (a bitset per segment); the forward pass then takes, at each segment,
// the first finding-free move into such a state. If the message does not fit at all, the backward pass
// instead computes the fewest findings from each state (one small row per segment) and the forward pass
// takes the first move that achieves it. Work and memory are linear in the number of segments: at most
// (segments + 1) x (states + moves per segment id) steps, and a buffer of (segments + 1) x states bits or
// 16-bit counts, reused from message to message (no allocation once warm); beyond fixed budgets (far above
// any real message) the matcher falls back to the preferred move at each segment, exact only where the
// message fits. Compiled structures are cached per matcher, keyed by address and checked against the
// structure on every use, so a structure built at run time may be changed or freed between messages.
//
// Occurrence bounds other than 0/1 minimum and 1/unbounded maximum (none in the HL7 definitions) are
// matched as "required" and "may repeat", and the count is then checked: too_many / missing findings.
// A structure beyond the compiled form's limits (more than 512 segment nodes, 64 levels or 16384 nodes;
// HL7's largest has 59 segment nodes and 9 levels) is not matched: matchable() is false.
//
// structure_matcher is the core (used by validation: findings in message order); structure_map records
// the result for a whole message in flat reusable arrays (used by the grouped JSON layout). A choice is
// no group instance: its chosen segment or group belongs to the enclosing group instance.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
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

// A structure problem found while matching. `node` is the segment, group or choice concerned (nullptr for
// a segment without a place); `context` names the group (or structure) it concerns.
struct structure_finding {
  validate::code code;
  const defs::structure_node* node;
  std::string_view context;
  std::uint32_t number;  // the maximum for too_many_segments, the minimum for missing_segment
};

namespace detail {

// The segment that stands for a node in a finding: itself, or its group's first required segment (the
// first segment when none is required), e.g. OBR for ORDER_OBSERVATION; a choice's first alternative's.
constexpr std::string_view first_segment(const defs::structure_node& node) noexcept {
  const defs::structure_node* n = &node;
  for (std::size_t guard = 0; !n->is_segment() && n->child_count != 0 && guard < 64; ++guard) {
    const defs::structure_node* pick = &n->child_data[0];
    if (n->is_group()) {
      for (const defs::structure_node& c : n->children()) {
        if (c.required()) {
          pick = &c;
          break;
        }
      }
    }
    n = pick;
  }
  return n->is_segment() ? n->id : std::string_view{};
}

// Whether `node` is satisfied with no segment at all: optional, or a group whose every child is (HL7
// 2.2-2.4 ORU_R01's OBSERVATION `{[OBX] {[NTE]}}` is required, yet an order with no OBX breaks nothing),
// or a choice with such an alternative. Only a node that is not is reported missing.
constexpr bool can_be_empty(const defs::structure_node& node, std::size_t depth = 0) noexcept {
  if (node.min == 0) return true;
  if (node.is_segment() || depth >= 64) return false;
  if (node.is_choice()) {
    for (const defs::structure_node& c : node.children()) {
      if (can_be_empty(c, depth + 1)) return true;
    }
    return false;
  }
  for (const defs::structure_node& c : node.children()) {
    if (!can_be_empty(c, depth + 1)) return false;
  }
  return true;
}

inline constexpr std::uint16_t no_symbol = 0xFFFF;         // a segment id the structure does not have
inline constexpr std::uint16_t z_symbol = 0xFFFE;          // a Z-segment: not matched
inline constexpr std::string_view any_segment_id = "Hxx";  // HL7's placeholder for any HL7 segment

// Saturating arithmetic for the 16-bit finding counts of the fewest-findings pass.
constexpr std::uint16_t sat16(std::uint32_t v) noexcept {
  return v > 0xFFFFu ? std::uint16_t{0xFFFF} : static_cast<std::uint16_t>(v);
}

// The compiled form of one structure (see the top of this file). States: 0 is the start (before the
// first segment), 1..L the segment nodes in definition order.
class structure_automaton {
 public:
  static constexpr std::size_t max_nodes = 1u << 14;
  static constexpr std::size_t max_states = 513;  // 512 segment nodes and the start
  static constexpr std::size_t max_depth = 64;

  struct node_info {
    const defs::structure_node* node = nullptr;  // nullptr: the structure itself
    std::uint32_t parent = 0;
    std::uint32_t first_child = 0;  // into children_
    std::uint32_t child_count = 0;
    std::uint32_t index = 0;       // among its parent's children
    std::uint32_t req_before = 0;  // required siblings before it (0 under a choice)
    std::uint32_t req_total = 0;   // required children (0 for a choice)
    std::uint32_t enter = 0;       // sum of req_before from the root down to it
    std::uint32_t state = 0;       // a segment node's state
    std::uint16_t depth = 0;       // the structure is 0
    bool choice = false;
    bool required = false;          // min > 0 and it cannot be empty (can_be_empty)
    bool repeats = false;           // max != 1
    bool repeats_in_group = false;  // repeats, or an enclosing choice below the nearest group does
    std::string_view context;       // the group or structure that findings inside this node name
  };

  // A move from a state on a segment id: into `target`, implying `cost` findings; `level` is the depth of
  // the open instance whose position moves (deeper instances close first).
  struct edge {
    std::uint16_t target;
    std::uint16_t cost;
    std::uint16_t level;
    std::uint16_t child;  // the child of that instance that the target lies in
  };

  explicit structure_automaton(const defs::structure_def& s) {
    snapshot_root(s);
    node_info root;
    root.context = s.id;
    nodes_.push_back(root);
    state_node_.push_back(0);
    ok_ = add_children(s.child_data, s.child_count, 0) && state_node_.size() <= max_states;
    if (ok_) compile();
  }

  bool ok() const noexcept { return ok_; }

  // Whether `s` still is the structure this was compiled from (same nodes at the same addresses, same
  // ids, bounds and kinds). Walks the live structure in step with the snapshot, so it reads nothing
  // through a pointer the live structure does not hold.
  bool describes(const defs::structure_def& s) const noexcept {
    if (s.child_data != root_.children || s.child_count != root_.count || !same_text(root_, s.id))
      return false;
    std::size_t k = 0;
    return same_children(s.child_data, s.child_count, k);
  }

  std::size_t states() const noexcept { return state_node_.size(); }
  std::size_t words() const noexcept { return words_; }
  std::size_t symbols() const noexcept { return symbol_count_; }

  std::uint16_t symbol(std::string_view id) const noexcept {
    if (id.size() >= 1 && id.size() <= 4) {
      const std::uint64_t key = id.size() == 3
                                    ? (std::uint64_t{3} << 32) | static_cast<unsigned char>(id[0]) |
                                          (std::uint64_t{static_cast<unsigned char>(id[1])} << 8) |
                                          (std::uint64_t{static_cast<unsigned char>(id[2])} << 16)
                                    : pack(id);
      const std::size_t mask = table_keys_.size() - 1;
      for (std::size_t h = hash(key) & mask;; h = (h + 1) & mask) {
        if (table_keys_[h] == key) return table_values_[h];
        if (table_keys_[h] == 0) return any_symbol_;
      }
    }
    for (const std::uint16_t x : long_symbols_) {
      if (symbol_text_[x] == id) return x;
    }
    return any_symbol_;
  }

  std::span<const edge> edges(std::size_t state, std::uint16_t sym) const noexcept {
    const std::size_t at = state * symbol_count_ + sym;
    return {edges_.data() + edge_begin_[at], edges_.data() + edge_begin_[at + 1]};
  }
  const edge* edge_data() const noexcept { return edges_.data(); }
  // The preferred finding-free move from `state` on `sym` (an index into edge_data()), or none, and its
  // target: the transition table of the fast path.
  static constexpr std::uint32_t no_edge = 0xFFFFFFFFu;
  std::uint32_t free_edge(std::size_t state, std::uint16_t sym) const noexcept {
    return free_edge_[state * symbol_count_ + sym];
  }
  std::uint16_t free_target(std::size_t state, std::uint16_t sym) const noexcept {
    return free_target_[state * symbol_count_ + sym];
  }
  std::size_t edges_for_symbol(std::uint16_t sym) const noexcept { return symbol_edges_[sym]; }
  std::size_t max_edges() const noexcept { return max_edges_; }

  // Bitsets of `words()` words: states with a finding-free move into state q; states whose symbol is x;
  // states from which the message may end without a finding.
  const std::uint64_t* pred0(std::size_t q) const noexcept { return pred0_.data() + q * words_; }
  const std::uint64_t* symbol_mask(std::uint16_t x) const noexcept {
    return symbol_mask_.data() + x * words_;
  }
  const std::uint64_t* accept() const noexcept { return accept_.data(); }
  std::uint32_t end_cost(std::size_t state) const noexcept { return end_cost_[state]; }

  const node_info& node(std::uint32_t i) const noexcept { return nodes_[i]; }
  const node_info& child(const node_info& n, std::uint32_t k) const noexcept {
    return nodes_[children_[n.first_child + k]];
  }
  const node_info& state_node(std::size_t state) const noexcept { return nodes_[state_node_[state]]; }
  // What a move into a state needs at once: its segment node, depth, and whether it may repeat in its group.
  struct state_info {
    const defs::structure_node* node;
    std::uint16_t depth;
    bool repeats_in_group;
  };
  const state_info& state(std::size_t q) const noexcept { return state_info_[q]; }
  // Whether some node has a minimum or maximum other than 0/1 and 1/unbounded (counted when left).
  bool counted() const noexcept { return counted_; }
  std::uint16_t state_symbol(std::size_t state) const noexcept { return state_symbol_[state]; }
  // Node indexes from the structure (depth 0) down to the state's segment node.
  const std::uint32_t* path(std::size_t state) const noexcept { return paths_.data() + path_begin_[state]; }

 private:
  struct snap {
    const defs::structure_node* children = nullptr;
    std::uint32_t count = 0;
    std::uint32_t text_at = 0;  // the id's bytes in text_
    std::uint32_t text_size = 0;
    std::uint16_t min = 0, max = 0;
    defs::node_kind kind = defs::node_kind::segment;
  };

  static std::uint64_t pack(std::string_view id) noexcept {
    std::uint64_t key = static_cast<std::uint64_t>(id.size()) << 32;
    for (std::size_t i = 0; i < id.size(); ++i)
      key |= static_cast<std::uint64_t>(static_cast<unsigned char>(id[i])) << (8 * i);
    return key;
  }
  static std::size_t hash(std::uint64_t key) noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 40);
  }

  void keep_text(snap& e, std::string_view id) {
    e.text_at = static_cast<std::uint32_t>(text_.size());
    e.text_size = static_cast<std::uint32_t>(id.size());
    text_.append(id);
  }
  void snapshot_root(const defs::structure_def& s) {
    root_.children = s.child_data;
    root_.count = s.child_count;
    keep_text(root_, s.id);
  }
  bool same_text(const snap& e, std::string_view id) const noexcept {
    return id.size() == e.text_size &&
           (id.empty() || std::memcmp(id.data(), text_.data() + e.text_at, id.size()) == 0);
  }
  bool same_children(const defs::structure_node* data, std::size_t count, std::size_t& k) const noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      if (k == snaps_.size()) return true;  // compilation stopped here (limits): it read no further
      const defs::structure_node& n = data[i];
      const snap& e = snaps_[k++];
      if (n.kind != e.kind || n.min != e.min || n.max != e.max || !same_text(e, n.id)) return false;
      if (n.is_segment()) continue;
      if (n.child_data != e.children || n.child_count != e.count) return false;
      if (!same_children(n.child_data, n.child_count, k)) return false;
    }
    return true;
  }

  // Appends the children of node `parent` (depth-first, definition order); false beyond the limits.
  bool add_children(const defs::structure_node* data, std::size_t count, std::uint32_t parent) {
    const bool under_choice = nodes_[parent].choice;
    const std::uint32_t depth = nodes_[parent].depth + 1u;
    if (depth > max_depth) return false;
    const std::uint32_t first = static_cast<std::uint32_t>(children_.size());
    nodes_[parent].first_child = first;
    nodes_[parent].child_count = static_cast<std::uint32_t>(count);
    children_.resize(children_.size() + count);
    std::uint32_t required = 0;
    for (std::size_t k = 0; k < count; ++k) {
      if (nodes_.size() >= max_nodes) return false;
      const defs::structure_node& n = data[k];
      snap e;
      e.kind = n.kind;
      e.min = n.min;
      e.max = n.max;
      if (!n.is_segment()) {
        e.children = n.child_data;
        e.count = n.child_count;
      }
      keep_text(e, n.id);
      snaps_.push_back(e);

      const node_info& p = nodes_[parent];
      node_info info;
      info.node = &n;
      info.parent = parent;
      info.index = static_cast<std::uint32_t>(k);
      info.depth = static_cast<std::uint16_t>(depth);
      info.choice = n.is_choice();
      info.required = !can_be_empty(n);
      info.repeats = n.max != 1;
      info.repeats_in_group = info.repeats || (under_choice && p.repeats_in_group);
      info.req_before = under_choice ? 0 : required;
      info.enter = p.enter + info.req_before;
      info.context = n.is_group() ? n.id : p.context;
      if (!under_choice && info.required) ++required;
      const std::uint32_t index = static_cast<std::uint32_t>(nodes_.size());
      children_[first + k] = index;
      if (n.is_segment()) {
        info.state = static_cast<std::uint32_t>(state_node_.size());
        state_node_.push_back(index);
        if (state_node_.size() > max_states) return false;
        nodes_.push_back(info);
      } else {
        nodes_.push_back(info);
        if (!add_children(n.child_data, n.child_count, index)) return false;
      }
    }
    nodes_[parent].req_total = under_choice ? 0 : required;
    return true;
  }

  struct candidate {
    std::uint32_t target;
    std::uint32_t cost;
    std::uint32_t level;
  };

  // Every move from `state`, in preference order, with its cost; returns the cost of ending there.
  std::uint32_t moves(std::size_t state, std::vector<candidate>& out) const {
    out.clear();
    auto enter_all = [&](const node_info& c, std::uint32_t base, std::uint32_t level) {
      // c's segment nodes, entered as a fresh occurrence of c, are the states in c's subtree.
      for_each_state(c, [&](std::uint32_t q) {
        out.push_back({q, base + state_node(q).enter - c.enter, level});
      });
    };
    const node_info& root = nodes_[0];
    if (state == 0) {
      for (std::uint32_t j = 0; j < root.child_count; ++j) {
        const node_info& c = child(root, j);
        enter_all(c, c.req_before, 0);
      }
      return root.req_total;
    }
    std::uint32_t exit = 0;
    const node_info* cur = &state_node(state);
    while (cur->node != nullptr) {
      const node_info& par = nodes_[cur->parent];
      const std::uint32_t level = par.depth;
      if (cur->repeats) enter_all(*cur, exit, level);
      if (!par.choice) {
        const std::uint32_t done = cur->req_before + (cur->required ? 1u : 0u);
        for (std::uint32_t j = cur->index + 1; j < par.child_count; ++j) {
          const node_info& c = child(par, j);
          enter_all(c, exit + c.req_before - done, level);
        }
        exit += par.req_total - done;
      }
      cur = &par;
    }
    return exit;
  }

  template <class F>
  void for_each_state(const node_info& n, F&& f) const {
    if (n.node != nullptr && n.node->is_segment()) {
      f(n.state);
      return;
    }
    for (std::uint32_t j = 0; j < n.child_count; ++j) for_each_state(child(n, j), f);
  }

  void compile() {
    const std::size_t S = state_node_.size();
    words_ = (S + 63) / 64;
    // Symbols: the distinct segment ids, in order of first appearance.
    state_symbol_.assign(S, no_symbol);
    std::vector<std::string_view> ids;
    for (std::size_t q = 1; q < S; ++q) {
      const std::string_view id = state_node(q).node->id;
      std::size_t x = 0;
      while (x < ids.size() && ids[x] != id) ++x;
      if (x == ids.size()) ids.push_back(id);
      state_symbol_[q] = static_cast<std::uint16_t>(x);
    }
    symbol_count_ = ids.size();
    // HL7's "Hxx" (any HL7 segment, e.g. MFN_M01's master file segment) takes every id the structure
    // does not name itself; Z-segments stay outside the matching (the caller sorts them out first).
    any_symbol_ = no_symbol;
    for (std::size_t x = 0; x < ids.size(); ++x) {
      if (ids[x] == any_segment_id) any_symbol_ = static_cast<std::uint16_t>(x);
    }
    std::size_t table = 16;
    while (table < 2 * ids.size()) table *= 2;
    table_keys_.assign(table, 0);
    table_values_.assign(table, no_symbol);
    symbol_text_.assign(ids.begin(), ids.end());
    for (std::size_t x = 0; x < ids.size(); ++x) {
      if (ids[x].size() >= 1 && ids[x].size() <= 4) {
        const std::uint64_t key = pack(ids[x]);
        std::size_t h = hash(key) & (table - 1);
        while (table_keys_[h] != 0) h = (h + 1) & (table - 1);
        table_keys_[h] = key;
        table_values_[h] = static_cast<std::uint16_t>(x);
      } else {
        long_symbols_.push_back(static_cast<std::uint16_t>(x));  // empty or longer than 4: compared as text
      }
    }

    state_info_.resize(S);
    for (std::size_t q = 0; q < S; ++q) {
      const node_info& n = state_node(q);
      state_info_[q] = state_info{n.node, n.depth, n.repeats_in_group};
    }
    for (const node_info& n : nodes_) counted_ |= n.node != nullptr && (n.node->min > 1 || n.node->max > 1);
    // Paths from the structure down to each state.
    path_begin_.assign(S, 0);
    for (std::size_t q = 0; q < S; ++q) {
      path_begin_[q] = static_cast<std::uint32_t>(paths_.size());
      const node_info& leaf = state_node(q);
      paths_.resize(paths_.size() + leaf.depth + 1u);
      std::uint32_t at = state_node_[q];
      for (std::size_t d = leaf.depth + 1u; d-- > 0;) {
        paths_[path_begin_[q] + d] = at;
        at = nodes_[at].parent;
      }
    }

    // Moves per state: the cheapest (then most preferred) to each target, in preference order, bucketed
    // by the target's symbol.
    const std::size_t X = symbol_count_;
    edge_begin_.assign(S * X + 1, 0);
    symbol_edges_.assign(X, 0);
    pred0_.assign(S * words_, 0);
    symbol_mask_.assign(X * words_, 0);
    accept_.assign(words_, 0);
    end_cost_.assign(S, 0);
    for (std::size_t q = 1; q < S; ++q) symbol_mask_[state_symbol_[q] * words_ + q / 64] |= 1ull << (q % 64);
    std::vector<candidate> all;
    std::vector<std::uint32_t> best_cost(S), best_at(S), per_symbol(X + 1);
    std::vector<candidate> kept;
    for (std::size_t p = 0; p < S; ++p) {
      end_cost_[p] = moves(p, all);
      if (end_cost_[p] == 0) accept_[p / 64] |= 1ull << (p % 64);
      std::fill(best_cost.begin(), best_cost.end(), std::numeric_limits<std::uint32_t>::max());
      for (std::uint32_t r = 0; r < all.size(); ++r) {
        if (all[r].cost < best_cost[all[r].target]) {
          best_cost[all[r].target] = all[r].cost;
          best_at[all[r].target] = r;
        }
      }
      kept.clear();
      for (std::uint32_t r = 0; r < all.size(); ++r) {
        if (best_at[all[r].target] == r) kept.push_back(all[r]);
      }
      std::fill(per_symbol.begin(), per_symbol.end(), 0);
      for (const candidate& c : kept) ++per_symbol[state_symbol_[c.target] + 1u];
      const std::size_t base = edges_.size();
      for (std::size_t x = 0; x < X; ++x) {
        per_symbol[x + 1] += per_symbol[x];
        edge_begin_[p * X + x] = static_cast<std::uint32_t>(base + per_symbol[x]);
        symbol_edges_[x] += per_symbol[x + 1] - per_symbol[x];
        max_edges_ = std::max<std::size_t>(max_edges_, per_symbol[x + 1] - per_symbol[x]);
      }
      edges_.resize(base + kept.size());
      for (const candidate& c : kept) {
        const std::uint32_t child = nodes_[paths_[path_begin_[c.target] + c.level + 1]].index;
        edges_[base + per_symbol[state_symbol_[c.target]]++] =
            edge{static_cast<std::uint16_t>(c.target), sat16(c.cost), static_cast<std::uint16_t>(c.level),
                 static_cast<std::uint16_t>(child)};
        if (c.cost == 0) pred0_[c.target * words_ + p / 64] |= 1ull << (p % 64);
      }
    }
    edge_begin_[S * X] = static_cast<std::uint32_t>(edges_.size());
    free_edge_.assign(S * X, no_edge);
    free_target_.assign(S * X, 0xFFFF);
    for (std::size_t at = 0; at < S * X; ++at) {
      for (std::uint32_t k = edge_begin_[at]; k < edge_begin_[at + 1]; ++k) {
        if (edges_[k].cost == 0) {
          free_edge_[at] = k;
          free_target_[at] = edges_[k].target;
          break;
        }
      }
    }
  }

  bool ok_ = false;
  snap root_;
  std::vector<snap> snaps_;  // every node as compiled, depth-first
  std::string text_;         // the ids of the snapshot
  std::vector<node_info> nodes_;
  std::vector<std::uint32_t> children_;
  std::vector<std::uint32_t> state_node_;
  std::vector<std::uint16_t> state_symbol_;
  std::vector<state_info> state_info_;
  bool counted_ = false;
  std::vector<std::uint32_t> path_begin_, paths_;
  std::size_t words_ = 1, symbol_count_ = 0, max_edges_ = 0;
  std::uint16_t any_symbol_ = no_symbol;  // the "Hxx" symbol, if the structure has one
  std::vector<std::uint64_t> table_keys_;
  std::vector<std::uint16_t> table_values_;
  std::vector<std::string> symbol_text_;
  std::vector<std::uint16_t> long_symbols_;
  std::vector<std::uint32_t> edge_begin_;
  std::vector<edge> edges_;
  std::vector<std::uint32_t> free_edge_;
  std::vector<std::uint16_t> free_target_;
  std::vector<std::size_t> symbol_edges_;
  std::vector<std::uint64_t> pred0_, symbol_mask_, accept_;
  std::vector<std::uint32_t> end_cost_;
};

}  // namespace detail

class structure_matcher {
 public:
  static constexpr std::size_t max_depth = detail::structure_automaton::max_depth;

  // Budgets (see the top of this file): the fits-from-here bitsets, and the fewest-findings rows and steps.
  static constexpr std::size_t live_budget_words = std::size_t{1} << 21;    // 16 MB
  static constexpr std::size_t repair_budget_cells = std::size_t{1} << 22;  // 8 MB
  static constexpr std::size_t repair_budget_steps = std::size_t{1} << 25;

  // How the last message was matched.
  enum class mode : std::uint8_t {
    exact,            // it fits: no structure finding
    fewest_findings,  // it does not fit: the assignment with the fewest findings
    preferred,        // over the budgets: the preferred move at each segment
    unmatched,        // the structure is beyond the compiled form's limits: nothing matched
  };

  // One open instance; frame 0 is the message itself. A choice has a frame of its own (its chosen
  // alternative is its current child) but is no group instance.
  struct frame {
    const defs::structure_node* group = nullptr;  // the group or choice; nullptr for the message
    std::uint32_t node = 0;                       // in the compiled structure
    std::int32_t pos = -1;                        // current child, -1 before the first
    std::uint32_t reps = 0;                       // occurrences of the current child in this instance
    std::uint32_t serial = 0;                     // unique per opened instance within one message
    bool choice = false;
    bool repeats = false;  // the group may occur more than once in its parent group instance
  };

  struct step {
    validate::placement placement;
    const defs::structure_node* node;  // the segment node matched; nullptr unless matched
    bool repeats;                      // that node may occur more than once in its group instance
  };

  structure_matcher() = default;
  structure_matcher(const structure_matcher&) = delete;
  structure_matcher& operator=(const structure_matcher&) = delete;

  // Reads the segment ids of `msg` and decides where each goes; next() then reports them in order.
  void reset(const message& msg, const defs::structure_def& s) {
    structure_ = &s;
    automaton_ = &compile_or_reuse(s);
    work_ = 0;
    planned_ = false;
    next_segment_ = 0;
    next_symbol_ = 0;
    state_ = 0;
    serial_ = 0;
    depth_ = 1;
    frames_[0] = frame{};
    const detail::structure_automaton& a = *automaton_;
    fit(symbols_, msg.size());
    std::size_t matchable = 0;
    std::size_t repair_steps = 0;
    std::size_t i = 0;
    // The preferred finding-free move at each segment, tried on the way: when it reaches the end with no
    // finding it is the answer (any other fitting assignment first differs by a less preferred move).
    std::size_t state = 0;
    bool clean = a.ok();
    for (const segment seg : msg.segments()) {
      const std::string_view id = seg.id();
      const std::uint16_t x = is_z_segment(id) ? detail::z_symbol : a.ok() ? a.symbol(id) : detail::no_symbol;
      symbols_[i++] = x;
      if (x >= detail::z_symbol) continue;
      ++matchable;
      repair_steps += a.states() + a.edges_for_symbol(x);
      if (clean) {
        const std::uint16_t to = a.free_target(state, x);
        clean = to != 0xFFFF;
        state = to;
        ++work_;
      }
    }
    if (!a.ok()) {
      mode_ = mode::unmatched;
      return;
    }
    has_live_ = false;
    planned_ = clean && a.end_cost(state) == 0;  // next() takes free_edge() at each segment
    if (planned_) {
      mode_ = mode::exact;
      return;
    }
    const std::size_t W = a.words();
    has_live_ = (matchable + 1) <= live_budget_words / W;
    if (has_live_) {
      compute_live(matchable);
      if (live_bit(0, 0)) {
        mode_ = mode::exact;
        return;
      }
    }
    if ((matchable + 1) <= repair_budget_cells / a.states() && repair_steps <= repair_budget_steps) {
      compute_fewest(matchable);
      mode_ = mode::fewest_findings;
      return;
    }
    mode_ = mode::preferred;
  }

  // False when the structure is beyond the compiled form's limits: then nothing is matched (every step
  // is `unexpected`, without findings) and the caller treats the structure as unknown.
  bool matchable() const noexcept { return mode_ != mode::unmatched; }
  mode how() const noexcept { return mode_; }
  // Elementary steps spent on the last message (passes over the automaton): linear in its segments.
  std::uint64_t work() const noexcept { return work_; }

  std::size_t depth() const noexcept { return depth_; }
  const frame& at(std::size_t level) const noexcept { return frames_[level]; }
  const defs::structure_def* structure() const noexcept { return structure_; }

  // Places the next segment of the message given to reset(); findings go to
  // `on_finding(const structure_finding&)`.
  template <class OnFinding>
  step next(OnFinding&& on_finding) {
    const std::uint16_t x = symbols_[next_segment_++];
    if (x == detail::z_symbol) return {placement::z_segment, nullptr, false};
    if (mode_ == mode::unmatched) return {placement::unexpected, nullptr, false};
    if (x == detail::no_symbol) {
      on_finding(structure_finding{code::unexpected_segment, nullptr, structure_->id, 0});
      return {placement::unexpected, nullptr, false};
    }
    const edge* e = planned_ ? automaton_->edge_data() + automaton_->free_edge(state_, x) : choose(x);
    ++next_symbol_;
    if (e == nullptr) return no_place(x, on_finding);
    return apply(*e, on_finding);
  }

  // End of message: reports the required nodes never seen in the open instances.
  template <class OnFinding>
  void finish(OnFinding&& on_finding) {
    if (mode_ == mode::unmatched) return;
    close_to(0, on_finding);
    leave_child(frames_[0], on_finding);
    report_range(frames_[0], static_cast<std::uint32_t>(frames_[0].pos + 1), automaton_->node(0).child_count,
                 on_finding);
  }

 private:
  using automaton = detail::structure_automaton;
  using edge = automaton::edge;
  using node_info = automaton::node_info;

  // Resizes a reused buffer; gives back the memory of an outsized message once it is done with.
  template <class T>
  static void fit(std::vector<T>& v, std::size_t n) {
    constexpr std::size_t keep = (std::size_t{1} << 20) / sizeof(T);
    if (v.capacity() > keep && n < v.capacity() / 4) {
      std::vector<T> smaller;
      v.swap(smaller);
    }
    v.resize(n);
  }

  const automaton& compile_or_reuse(const defs::structure_def& s) {
    ++clock_;
    if (last_ != nullptr && last_->structure == &s && last_->compiled->describes(s)) {
      last_->used = clock_;
      return *last_->compiled;
    }
    for (cached& c : cache_) {
      if (c.structure == &s) {
        if (!c.compiled->describes(s)) c.compiled = std::make_unique<automaton>(s);
        c.used = clock_;
        last_ = &c;
        return *c.compiled;
      }
    }
    constexpr std::size_t cache_size = 64;
    cached fresh{&s, std::make_unique<automaton>(s), clock_};
    if (cache_.size() == cache_size) {
      last_ = &*std::min_element(cache_.begin(), cache_.end(),
                                 [](const cached& a, const cached& b) { return a.used < b.used; });
      *last_ = std::move(fresh);
    } else {
      cache_.reserve(cache_size);  // last_ stays valid
      cache_.push_back(std::move(fresh));
      last_ = &cache_.back();
    }
    return *last_->compiled;
  }

  bool live_bit(std::size_t row, std::size_t state) const noexcept {
    return (live_[row * automaton_->words() + state / 64] >> (state % 64)) & 1u;
  }

  // live row m: the states from which matchable segments m.. fit to the end without a finding.
  void compute_live(std::size_t matchable) {
    const automaton& a = *automaton_;
    const std::size_t W = a.words();
    fit(live_, (matchable + 1) * W);
    std::copy(a.accept(), a.accept() + W, live_.begin() + static_cast<std::ptrdiff_t>(matchable * W));
    std::size_t m = matchable;
    if (W == 1) {  // every HL7 structure: one word, kept in a register
      std::uint64_t fits = *a.accept();
      for (std::size_t i = symbols_.size(); i-- > 0;) {
        const std::uint16_t x = symbols_[i];
        if (x >= detail::z_symbol) continue;
        std::uint64_t row = 0;
        for (std::uint64_t bits = fits & *a.symbol_mask(x); bits != 0; bits &= bits - 1) {
          row |= *a.pred0(static_cast<std::size_t>(std::countr_zero(bits)));
          ++work_;
        }
        live_[--m] = fits = row;
        ++work_;
      }
      return;
    }
    for (std::size_t i = symbols_.size(); i-- > 0;) {
      const std::uint16_t x = symbols_[i];
      if (x >= detail::z_symbol) continue;
      --m;
      std::uint64_t* row = live_.data() + m * W;
      const std::uint64_t* next = row + W;
      const std::uint64_t* mask = a.symbol_mask(x);
      std::fill(row, row + W, 0);
      work_ += W;
      for (std::size_t w = 0; w < W; ++w) {
        for (std::uint64_t bits = next[w] & mask[w]; bits != 0; bits &= bits - 1) {
          const std::size_t q = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          const std::uint64_t* pred = a.pred0(q);
          for (std::size_t v = 0; v < W; ++v) row[v] |= pred[v];
          work_ += W;
        }
      }
    }
  }

  // cost row m: the fewest findings with which matchable segments m.. can be placed from each state.
  void compute_fewest(std::size_t matchable) {
    const automaton& a = *automaton_;
    const std::size_t S = a.states();
    fit(cost_, (matchable + 1) * S);
    for (std::size_t p = 0; p < S; ++p) cost_[matchable * S + p] = detail::sat16(a.end_cost(p));
    std::size_t m = matchable;
    for (std::size_t i = symbols_.size(); i-- > 0;) {
      const std::uint16_t x = symbols_[i];
      if (x >= detail::z_symbol) continue;
      --m;
      std::uint16_t* row = cost_.data() + m * S;
      const std::uint16_t* next = row + S;
      for (std::size_t p = 0; p < S; ++p) {
        std::uint32_t best = next[p] + 1u;  // no place for it
        for (const edge& e : a.edges(p, x)) best = std::min<std::uint32_t>(best, e.cost + next[e.target]);
        row[p] = detail::sat16(best);
      }
      work_ += S + a.edges_for_symbol(x);
    }
  }

  // The move for the next matchable segment, or nullptr for none (the segment gets no place).
  const edge* choose(std::uint16_t x) {
    const automaton& a = *automaton_;
    const std::span<const edge> moves = a.edges(state_, x);
    work_ += moves.size();
    const std::size_t next = next_symbol_ + 1;
    if (mode_ == mode::exact) {
      for (const edge& e : moves) {
        if (e.cost == 0 && (!has_live_ || live_bit(next, e.target))) return &e;
      }
    } else if (mode_ == mode::fewest_findings) {
      const std::uint16_t* row = cost_.data() + next * a.states();
      const edge* best = nullptr;
      std::uint32_t best_cost = std::numeric_limits<std::uint32_t>::max();
      for (const edge& e : moves) {
        const std::uint32_t c = e.cost + std::uint32_t{row[e.target]};
        if (c < best_cost) {
          best = &e;
          best_cost = c;
        }
      }
      return best != nullptr && best_cost <= row[state_] + 1u ? best : nullptr;
    }
    // preferred (and, defensively, exact): finding-free into a state that fits, finding-free, cheapest.
    if (has_live_) {
      for (const edge& e : moves) {
        if (e.cost == 0 && live_bit(next, e.target)) return &e;
      }
    }
    const edge* best = nullptr;
    for (const edge& e : moves) {
      if (best == nullptr || e.cost < best->cost) best = &e;
    }
    return best;
  }

  template <class OnFinding>
  void report_range(const frame& f, std::uint32_t from, std::uint32_t to, OnFinding& on_finding) const {
    if (f.choice || from >= to) return;
    const node_info& g = automaton_->node(f.node);
    if (g.req_total == 0) return;
    for (std::uint32_t k = from; k < to; ++k) {
      const node_info& c = automaton_->child(g, k);
      if (c.required) on_finding(structure_finding{code::missing_segment, c.node, g.context, c.node->min});
    }
  }
  // Leaving the current child of `f`: fewer occurrences than a minimum above 1 is a finding.
  template <class OnFinding>
  void leave_child(const frame& f, OnFinding& on_finding) const {
    if (!automaton_->counted() || f.pos < 0) return;
    const node_info& c = automaton_->child(automaton_->node(f.node), static_cast<std::uint32_t>(f.pos));
    if (c.node->min > 1 && f.reps < c.node->min)
      on_finding(
          structure_finding{code::missing_segment, c.node, automaton_->node(f.node).context, c.node->min});
  }
  template <class OnFinding>
  void close_to(std::size_t level, OnFinding& on_finding) {
    while (depth_ > level + 1) {
      const frame& f = frames_[depth_ - 1];
      leave_child(f, on_finding);
      report_range(f, static_cast<std::uint32_t>(f.pos + 1), automaton_->node(f.node).child_count,
                   on_finding);
      --depth_;
    }
  }

  template <class OnFinding>
  step apply(const edge& e, OnFinding& on_finding) {
    const automaton& a = *automaton_;
    close_to(e.level, on_finding);
    frame& f = frames_[e.level];
    if (f.pos == static_cast<std::int32_t>(e.child)) {  // another occurrence of the current child
      if (a.counted()) {
        const node_info& c = a.child(a.node(f.node), e.child);
        if (c.node->max > 1 && f.reps >= c.node->max)
          on_finding(structure_finding{code::too_many_segments, c.node, a.node(f.node).context, c.node->max});
      }
      ++f.reps;
    } else {
      leave_child(f, on_finding);
      report_range(f, static_cast<std::uint32_t>(f.pos + 1), e.child, on_finding);
      f.pos = e.child;
      f.reps = 1;
    }
    const automaton::state_info& leaf = a.state(e.target);
    const std::uint32_t* path = a.path(e.target);
    const std::size_t leaf_depth = leaf.depth;
    for (std::size_t d = e.level + 1u; d < leaf_depth; ++d) {
      const node_info& g = a.node(path[d]);
      const std::uint32_t k = a.node(path[d + 1]).index;
      frame& nf = frames_[depth_++];
      nf = frame{g.node, path[d], static_cast<std::int32_t>(k), 1, ++serial_, g.choice, g.repeats_in_group};
      report_range(nf, 0, k, on_finding);
    }
    state_ = e.target;
    return {placement::matched, leaf.node, leaf.repeats_in_group};
  }

  // A segment the structure has, with no place here: its node is the current one and full, or elsewhere.
  template <class OnFinding>
  step no_place(std::uint16_t x, OnFinding& on_finding) const {
    const automaton& a = *automaton_;
    for (std::size_t lvl = depth_; lvl-- > 0;) {
      const frame& f = frames_[lvl];
      if (f.pos < 0) continue;
      const node_info& c = a.child(a.node(f.node), static_cast<std::uint32_t>(f.pos));
      if (c.node->is_segment() && a.state_symbol(c.state) == x) {
        on_finding(structure_finding{code::too_many_segments, c.node, a.node(f.node).context, c.node->max});
        return {placement::too_many, nullptr, false};
      }
    }
    on_finding(structure_finding{code::out_of_order, nullptr, a.node(frames_[depth_ - 1].node).context, 0});
    return {placement::out_of_order, nullptr, false};
  }

  struct cached {
    const defs::structure_def* structure;
    std::unique_ptr<automaton> compiled;
    std::uint64_t used;
  };

  const defs::structure_def* structure_ = nullptr;
  const automaton* automaton_ = nullptr;
  std::vector<cached> cache_;
  cached* last_ = nullptr;
  std::uint64_t clock_ = 0;
  mode mode_ = mode::unmatched;
  bool has_live_ = false;
  std::vector<std::uint16_t> symbols_;  // per segment: its symbol, z_symbol or no_symbol
  bool planned_ = false;                // the fast path fits: each move is free_edge()
  std::vector<std::uint64_t> live_;     // (matchable + 1) rows of words()
  std::vector<std::uint16_t> cost_;     // (matchable + 1) rows of states()
  std::size_t next_segment_ = 0, next_symbol_ = 0;
  std::size_t state_ = 0;
  std::uint64_t work_ = 0;
  std::array<frame, max_depth> frames_{};
  std::size_t depth_ = 1;
  std::uint32_t serial_ = 0;
};

// The matching of a whole message, kept in flat arrays that are reused from message to message.
// Group instances form a tree (group 0 is the message); each instance lists its items (matched segments
// and child instances, in message order) and, separately, its extras (segments attached to it without a
// place: Z-segments, unexpected, out of order, too many). Choices add no instance: the chosen segment or
// group is an item of the enclosing group instance.
class structure_map {
 public:
  static constexpr std::uint32_t none = 0xFFFFFFFFu;
  static constexpr std::uint32_t group_bit = 0x80000000u;  // an item that is a group instance

  struct group_instance {
    const defs::structure_node* node = nullptr;  // nullptr for the message
    std::uint32_t parent = none;
    std::uint32_t instance = 1;  // 1-based among consecutive instances of `node` in the parent instance
    std::uint32_t first_item = none, last_item = none;  // items: segment index (0-based) or group_bit | group
    std::uint32_t first_extra = none, last_extra = none;  // 0-based segment indexes
    std::uint32_t next = none;                            // next item of the parent
    bool repeats = false;  // `node` may occur more than once in the parent instance
  };
  struct segment_place {
    validate::placement placement = placement::matched;
    const defs::structure_node* node = nullptr;  // nullptr unless matched
    std::uint32_t group = 0;                     // the instance it belongs (or is attached) to
    std::uint32_t next = none;                   // next item or extra of that instance
    bool repeats = false;                        // `node` may occur more than once in that instance
  };

  // Matches `msg` against `s`; structure findings go to `on_finding(const structure_finding&, std::size_t
  // segment_index)` (1-based; 0 for findings at the end of the message).
  template <class OnFinding>
  void build(const message& msg, const defs::structure_def& s, OnFinding&& on_finding) {
    structure_ = &s;
    groups_.clear();
    segments_.clear();
    groups_.push_back(group_instance{});
    matcher_.reset(msg, s);
    std::array<std::uint32_t, structure_matcher::max_depth> serials;  // entries below `known` are set
    std::array<std::uint32_t, structure_matcher::max_depth> group_at;
    serials[0] = 0;
    group_at[0] = 0;
    std::size_t known = 1;  // frames of the matcher mirrored in group_at
    std::size_t index = 0;
    for (std::size_t k = 0; k < msg.size(); ++k) {
      ++index;
      const auto step = matcher_.next([&](const structure_finding& f) { on_finding(f, index); });
      const std::size_t depth = matcher_.depth();
      std::size_t same = 1;
      while (same < depth && same < known && serials[same] == matcher_.at(same).serial) ++same;
      for (std::size_t d = same; d < depth; ++d) {
        const auto& fr = matcher_.at(d);
        serials[d] = fr.serial;
        if (fr.choice) {  // no instance of its own
          group_at[d] = group_at[d - 1];
          continue;
        }
        const std::uint32_t parent = group_at[d - 1];
        const std::uint32_t last = groups_[parent].last_item;
        const std::uint32_t instance =
            last != none && (last & group_bit) && groups_[last & ~group_bit].node == fr.group
                ? groups_[last & ~group_bit].instance + 1
                : 1;
        const std::uint32_t g = static_cast<std::uint32_t>(groups_.size());
        group_instance gi;
        gi.node = fr.group;
        gi.parent = parent;
        gi.instance = instance;
        gi.repeats = fr.repeats;
        groups_.push_back(gi);
        link_item(parent, group_bit | g);
        group_at[d] = g;
      }
      known = depth;
      const std::uint32_t owner = group_at[depth - 1];
      const std::uint32_t si = static_cast<std::uint32_t>(segments_.size());
      segments_.push_back(segment_place{step.placement, step.node, owner, none, step.repeats});
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
  // False when the structure is beyond the matcher's limits: every segment is then an extra of the message.
  bool matched() const noexcept { return matcher_.matchable(); }
  const structure_matcher& matcher() const noexcept { return matcher_; }
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
