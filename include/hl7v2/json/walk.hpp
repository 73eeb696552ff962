// The walk: traverses a parsed message beside its version's definitions and drives an emitter
// (emitter.hpp) with each part and the definition it matched.
//
// Definitions are chosen once per message and once per segment, never per value, by defs::resolver
// (defs/resolver.hpp) over the registry the walker is given (every built-in version by default):
//  - version: MSH-12 within the registry; empty or naming no version → the default;
//  - segment: the version's definition, else the nearest LATER registered version's, else none;
//  - message structure: MSH-9.3 ("ADT_A01"), else from MSH-9.1 + MSH-9.2;
//  - a field whose type is "varies" (OBX-5) takes the type OBX-2 names; unknown there → no type.
//
// "May this segment repeat?" (segment_order::by_id), from the message structure: yes when the
// segment occurs more than once in the structure tree or when it, or any group above it, has a
// maximum other than 1. Segments the structure does not list, and every segment when the structure is
// unknown, follow the fallback rule: the header-like segments MSH, EVN, PID, PD1, PV1, PV2, MSA, QAK,
// QRD, QPD and RCP do not repeat, all others may.
// Answers are cached per structure (the first message of each structure pays for it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "hl7v2/defs/registry.hpp"
#include "hl7v2/defs/resolver.hpp"
#include "hl7v2/json/emitter.hpp"
#include "hl7v2/message.hpp"

namespace hl7v2::json {

struct walk_options {
  const defs::version_def* default_version =
      nullptr;  // for an empty or unknown MSH-12; null → the registry's
  // When set, every message is read with these definitions whatever its MSH-12 says: a site profile's
  // version() (defs/profile.hpp), which lays the site's segments over one base version.
  const defs::version_def* definitions = nullptr;
};

namespace detail {

inline constexpr std::uint32_t key_of(std::string_view id) noexcept { return hl7v2::detail::segment_key(id); }

// The fallback rule for segments a known structure does not list, or when the structure is unknown.
constexpr bool repeats_without_structure(std::string_view id) noexcept {
  constexpr std::string_view singles[] = {"MSH", "EVN", "PID", "PD1", "PV1", "PV2",
                                          "MSA", "QAK", "QRD", "QPD", "RCP"};
  for (std::string_view s : singles) {
    if (s == id) return false;
  }
  return true;
}

// An emitter that declares `static constexpr bool uses_definitions = false` is walked without
// looking definitions up (every def pointer null).
template <class E>
constexpr bool wants_definitions() noexcept {
  if constexpr (requires { E::uses_definitions; }) {
    return static_cast<bool>(E::uses_definitions);
  } else {
    return true;
  }
}

// An emitter that declares `static constexpr bool skips_empty_fields = true` does nothing for an empty
// field (begin_field returns false, end_field writes nothing): the walk then does not call it for one.
template <class E>
constexpr bool skips_empty_fields() noexcept {
  if constexpr (requires { E::skips_empty_fields; }) {
    return static_cast<bool>(E::skips_empty_fields);
  } else {
    return false;
  }
}

}  // namespace detail

class walker {
 public:
  // Reads with the versions of `versions`.
  explicit walker(const defs::registry& versions, walk_options options = {})
      : options_(options), resolver_(versions, options.default_version, options.definitions) {}
  // Reads with every built-in version (needs defs/all.hpp).
  template <class All = defs::all_versions_t>
  explicit walker(walk_options options = {}) : walker(defs::builtin_registry<All>::value, options) {}

  const walk_options& options() const noexcept { return options_; }
  const defs::resolver& resolver() const noexcept { return resolver_; }

  // The definitions a message is read with (see the header comment); never null. MSH-12 is read as the
  // named layout shows it (escapes decoded), so JSON that goes back to ER7 resolves alike.
  const defs::version_def* version_of(const message& msg) const noexcept {
    return &resolver_.version_or_default(msg);
  }
  // The same, remembering the last answer: a feed sends one MSH-12 text over and over. The answer
  // depends on the delimiters too: under MSH-2 `^~\.` the text "2.4" reads as "2".
  const defs::version_def* cached_version_of(const message& msg) {
    const std::string_view text = msg.version_id();
    if (last_version_ != nullptr && msg.delims() == last_version_delims_ &&
        text.size() == last_version_len_ && text.size() <= sizeof last_version_text_ &&
        text == std::string_view{last_version_text_, last_version_len_})
      return last_version_;
    last_version_ = version_of(msg);
    last_version_delims_ = msg.delims();
    last_version_len_ =
        text.size() <= sizeof last_version_text_ ? text.size() : sizeof last_version_text_ + 1;
    if (!text.empty() && text.size() <= sizeof last_version_text_)
      std::memcpy(last_version_text_, text.data(), text.size());
    return last_version_;
  }
  static const defs::structure_def* structure_of(const message& msg, const defs::version_def& v) noexcept {
    return defs::resolver::structure(v, msg);
  }
  // The same, remembering the last few answers by MSH-9's text (a feed mixes a handful of types), the
  // version and the delimiters: the lookup decodes and searches three texts.
  const defs::structure_def* cached_structure_of(const message& msg, const defs::version_def& v) {
    const std::string_view text = msg.header()[9].raw();
    if (text.size() > sizeof(msh9_entry::text)) return structure_of(msg, v);
    const hl7v2::delimiters& d = msg.delims();
    for (const msh9_entry& e : msh9_structures_) {
      if (e.version == &v && e.len == text.size() && e.delims == d &&
          (text.empty() || std::memcmp(e.text, text.data(), text.size()) == 0))
        return e.structure;
    }
    msh9_entry& e = msh9_structures_[msh9_next_++ % std::size(msh9_structures_)];
    e.version = &v;
    e.delims = d;
    e.len = static_cast<std::uint8_t>(text.size());
    if (!text.empty()) std::memcpy(e.text, text.data(), text.size());
    e.structure = structure_of(msg, v);
    return e.structure;
  }

  // May a segment with this id repeat in messages of this structure (null: unknown structure)?
  bool segment_repeats(const defs::structure_def* structure, std::string_view id) {
    if (structure == nullptr) return detail::repeats_without_structure(id);
    const structure_entry& e = entry_for(structure);
    const std::uint32_t key = detail::key_of(id);
    for (const auto& [k, repeats] : e.ids) {
      if (k == key) return repeats;
    }
    return detail::repeats_without_structure(id);
  }

  template <class E>
  requires emitter<E>
  void walk(const message& msg, E& out) {
    const defs::version_def* version = cached_version_of(msg);
    const message_info info{&msg, version,
                            detail::wants_definitions<E>() ? cached_structure_of(msg, *version) : nullptr};
    build_classes(msg.delims());
    bits_ = msg.split_bits();
    out.begin_message(info);
    if (segment_order{out.order} == segment_order::as_received) {
      for (const segment seg : msg.segments()) {
        const defs::segment_def* def =
            detail::wants_definitions<E>() ? resolver_.segment(*version, seg.id()) : nullptr;
        walk_segment(info, segment_info{seg, def, 0, false}, out);
      }
    } else {
      walk_by_id(info, out);
    }
    out.end_message(info);
  }

 private:
  struct structure_entry {
    const defs::structure_def* structure;
    std::vector<std::pair<std::uint32_t, bool>> ids;  // segment key → may repeat
  };

  const structure_entry& entry_for(const defs::structure_def* s) {
    for (const structure_entry& e : cache_) {
      if (e.structure == s) return e;
    }
    structure_entry& e = cache_.emplace_back();
    e.structure = s;
    for (const defs::structure_node& n : s->children()) collect(n, false, e.ids);
    return e;
  }

  static void collect(const defs::structure_node& n, bool inside_repeating,
                      std::vector<std::pair<std::uint32_t, bool>>& ids) {
    const bool repeats = inside_repeating || n.repeats();
    if (!n.is_segment()) {  // a group or a choice: its segments
      for (const defs::structure_node& c : n.children()) collect(c, repeats, ids);
      return;
    }
    const std::uint32_t key = detail::key_of(n.id);
    for (auto& [k, r] : ids) {
      if (k == key) {
        r = true;  // listed twice: two of them can be in one message
        return;
      }
    }
    ids.emplace_back(key, repeats);
  }

  template <class E>
  void walk_by_id(const message_info& info, E& out) {
    const message& msg = *info.msg;
    keys_.clear();
    firsts_.clear();
    for (const segment seg : msg.segments()) {
      const std::uint32_t key = detail::key_of(seg.id());
      keys_.push_back(key);
      bool seen = false;
      for (std::size_t f : firsts_) {
        if (keys_[f] == key) {
          seen = true;
          break;
        }
      }
      if (!seen) firsts_.push_back(keys_.size() - 1);
    }
    for (std::size_t first : firsts_) {
      const std::uint32_t key = keys_[first];
      const segment head = msg[first + 1];
      std::size_t count = 0;
      for (std::size_t i = first; i < keys_.size(); ++i) count += keys_[i] == key;
      const group_info g{head.id(), resolver_.segment(*info.version, head.id()), count,
                         segment_repeats(info.structure, head.id())};
      out.begin_group(g);
      std::size_t occurrence = 0;
      for (std::size_t i = first; i < keys_.size(); ++i) {
        if (keys_[i] != key) continue;
        walk_segment(info, segment_info{msg[i + 1], g.def, ++occurrence, g.repeats}, out);
      }
      out.end_group(g);
    }
  }

  // The type a "varies" field takes (defs/resolver.hpp: OBX-5 typed by OBX-2). A feed sends a handful
  // of OBX-2 texts over and over: the answers are remembered by that field's raw text, the version and
  // the delimiters, so each OBX-5 does not look its type up again.
  const defs::type_def* varies_field_type(const message_info& info, const segment& seg, std::size_t pos,
                                          const defs::field_def* fd) noexcept {
    const std::size_t from = defs::varies_type_field(seg.id(), pos);
    if (from == 0) return defs::resolver::field_type(*info.version, seg, info.msg->delims(), pos, fd);
    const std::string_view text = seg[from].raw();
    const hl7v2::delimiters& d = info.msg->delims();
    if (text.size() > sizeof(varies_entry::text))
      return defs::resolver::field_type(*info.version, seg, d, pos, fd);
    for (const varies_entry& e : varies_types_) {
      if (e.version == info.version && e.len == text.size() && e.delims == d &&
          std::memcmp(e.text, text.data(), text.size()) == 0)
        return e.type;
    }
    varies_entry& e = varies_types_[varies_next_++ % std::size(varies_types_)];
    e.version = info.version;
    e.delims = d;
    e.len = static_cast<std::uint8_t>(text.size());
    if (!text.empty()) std::memcpy(e.text, text.data(), text.size());
    e.type = defs::resolver::field_type(*info.version, seg, d, pos, fd);
    return e.type;
  }

  // Which fields of a segment definition have a "varies" type: bit p-1 for position p <= 64; `beyond`
  // when one past 64 does (then those positions are checked one by one). Remembered per definition, so
  // the walk does not test every field's type name.
  struct segment_plan {
    const defs::segment_def* def = nullptr;
    std::uint64_t varies = 0;
    bool beyond = false;
  };
  const segment_plan& plan_of(const defs::segment_def* def) noexcept {
    // A multiplicative hash of the address: the compiler aligns the definitions to 32 bytes and more,
    // so the low bits alone would use a few slots and collide (a quarter of the lookups missed).
    static_assert(sizeof plans_ / sizeof plans_[0] == 256);
    const auto a = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(def));
    segment_plan& p = plans_[(a * 0x9E3779B97F4A7C15ull) >> 56];
    if (p.def == def) return p;
    p.def = def;
    p.varies = 0;
    p.beyond = false;
    for (std::size_t i = 0; i < def->field_count; ++i) {
      const defs::type_def* t = def->field_data[i].type;
      if (t == nullptr || !defs::is_varies(t->id)) continue;
      if (i < 64) {
        p.varies |= std::uint64_t{1} << i;
      } else {
        p.beyond = true;
      }
    }
    return p;
  }

  // One bit set per byte class (bytes_class) for this message's delimiters.
  void build_classes(const delimiters& d) noexcept {
    if (classes_built_ && d == classes_for_) return;  // feeds rarely change delimiters: keep the table
    classes_built_ = true;
    classes_for_ = d;
    for (std::size_t b = 0; b < 256; ++b) {
      std::uint8_t c = b >= 0x80 ? bytes_class::high : 0;
      if (b < 0x20 || b == '"' || b == '\\') c |= bytes_class::json_special;
      classes_[b] = c;
    }
    const auto mark = [&](char ch, std::uint8_t bit) {
      if (ch != '\0') classes_[static_cast<unsigned char>(ch)] |= bit;
    };
    mark(d.repetition, bytes_class::repetition);
    mark(d.component, bytes_class::component);
    mark(d.subcomponent, bytes_class::subcomponent);
    mark(d.escape, bytes_class::escape);
    seps_ = hl7v2::detail::part_seps{d.repetition, d.component, d.subcomponent};
    // A '\0' delimiter is none: the bitmaps' NUL bytes do not count as one.
    bit_classes_ =
        static_cast<std::uint8_t>((d.repetition != '\0' ? bytes_class::repetition : 0) |
                                  (d.component != '\0' ? bytes_class::component : 0) |
                                  (d.subcomponent != '\0' ? bytes_class::subcomponent : 0) |
                                  bytes_class::escape | bytes_class::high | bytes_class::json_special);
  }

  // The byte classes of `s`: from the parser's bitmaps when the message has them (a few word loads,
  // whatever the length), else byte by byte. The bitmaps' special bytes (escape character, '"', '\\',
  // controls, bytes >= 0x80) set escape, high and json_special together: each of those only sends a
  // value down the path that checks its bytes again.
  HL7V2_HOT std::uint8_t classify(std::string_view s) const noexcept {
    if (bits_ != nullptr) return classify_bits(s);
    return classify_bytes(s);
  }

  HL7V2_HOT std::uint8_t classify_bits(std::string_view s) const noexcept {
    namespace simd = hl7v2::detail::simd;
    if (s.empty()) return 0;
    const unsigned b = hl7v2::detail::bitmap_classes(*bits_, s);
    static_assert(bytes_class::repetition == 1u << simd::bits_repetition &&
                  bytes_class::component == 1u << simd::bits_component &&
                  bytes_class::subcomponent == 1u << simd::bits_subcomponent);
    constexpr unsigned delims = bytes_class::repetition | bytes_class::component | bytes_class::subcomponent;
    constexpr unsigned special = bytes_class::escape | bytes_class::high | bytes_class::json_special;
    const auto cls = static_cast<std::uint8_t>((b & delims) | ((b >> simd::bits_special) & 1u) * special);
    return static_cast<std::uint8_t>(cls & bit_classes_);
  }

  std::uint8_t classify_bytes(std::string_view s) const noexcept {
    // Four independent accumulators: the lookups overlap instead of waiting on one OR chain.
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t n = s.size();
    std::uint8_t a = 0, b = 0, c = 0, d = 0;
    for (; n >= 4; p += 4, n -= 4) {
      a |= classes_[p[0]];
      b |= classes_[p[1]];
      c |= classes_[p[2]];
      d |= classes_[p[3]];
    }
    for (; n > 0; ++p, --n) a |= classes_[*p];
    return static_cast<std::uint8_t>(a | b | c | d);
  }

  using simd_kind = hl7v2::detail::simd::bitmap_kind;

  // Calls each(piece) for the pieces of `s` split at `sep`, found in the parser's bitmaps (bitmap
  // `kind`) when the message has them: the index already delimits every part.
  template <class Each>
  HL7V2_HOT void pieces(std::string_view s, std::size_t kind, char sep, Each&& each) const {
    hl7v2::detail::for_each_piece(bits_, kind, sep, s, each);
  }

  // Whether `s` holds a separator of bitmap `kind` (`sep`).
  HL7V2_HOT bool holds(std::string_view s, std::size_t kind, char sep) const noexcept {
    if (s.empty()) return false;
    if (bits_ == nullptr) return s.find(sep) != std::string_view::npos;
    return hl7v2::detail::holds_sep(*bits_, kind, s);
  }

  template <class E>
  void walk_segment(const message_info& info, const segment_info& s, E& out) {
    if (!out.begin_segment(s)) {
      out.end_segment(s);
      return;
    }
    const std::size_t n = s.seg.size();
    const bool header = s.seg.is_header();
    // The definitions, resolved once for the segment and walked as an array.
    const defs::field_def* const fdefs = s.def != nullptr ? s.def->field_data : nullptr;
    const std::size_t defined = s.def != nullptr ? s.def->field_count : 0;
    std::uint64_t varies_bits = 0;
    bool varies_beyond = false;
    if (s.def != nullptr) {
      const segment_plan& plan = plan_of(s.def);
      varies_bits = plan.varies;
      varies_beyond = plan.beyond;
    }
    for (std::size_t pos = 1; pos <= n; ++pos) {
      const defs::field_def* fd = pos <= defined ? fdefs + (pos - 1) : nullptr;
      // Built in place: copying a field view into it stalls on store forwarding.
      field_info fi{s.seg[pos], pos, fd, fd != nullptr ? fd->type : nullptr, fd != nullptr && fd->repeats(),
                    false,      0xFF};
      const hl7v2::field& f = fi.f;
      if constexpr (detail::skips_empty_fields<E>()) {
        if (f.empty()) continue;  // about half the fields of a message
      }
      if (fd != nullptr &&
          (pos <= 64 ? ((varies_bits >> (pos - 1)) & 1) != 0
                     : varies_beyond && fi.type != nullptr && defs::is_varies(fi.type->id))) {
        fi.varies = true;
        fi.type = varies_field_type(info, s.seg, pos, fd);
      }
      const bool delimiter_field = header && pos <= 2;  // MSH-1, MSH-2: never split
      if (!delimiter_field) fi.bytes = classify(f.raw());
      const std::uint8_t bytes = fi.bytes;
      if (out.begin_field(fi)) {
        if (delimiter_field || !(bytes & bytes_class::repetition)) {
          if (!f.empty()) walk_repetition(fi, f.raw(), 1, out, bytes);
        } else {
          std::size_t index = 0;
          pieces(f.raw(), simd_kind::bits_repetition, seps_.repetition,
                 [&](std::string_view rep) { walk_repetition(fi, rep, ++index, out); });
        }
      }
      out.end_field(fi);
    }
    out.end_segment(s);
  }

  template <class E>
  // `known`: the repetition's byte classes when the caller has them (a field of one repetition).
  void walk_repetition(const field_info& f, std::string_view raw, std::size_t index, E& out,
                       std::uint8_t known = 0xFF) {
    constexpr std::uint8_t below = bytes_class::component | bytes_class::subcomponent;
    std::uint8_t rep_bits = 0;
    if ((f.bytes & below) != 0 && f.bytes != 0xFF) rep_bits = known != 0xFF ? known : classify(raw);
    const bool split_rep = (rep_bits & below) != 0;
    const repetition_info r{hl7v2::repetition{raw, seps_}, index, &f, f.type, split_rep};
    if (out.begin_repetition(r) && !raw.empty()) {
      const defs::type_def* parent = r.type;
      std::size_t pos = 0;
      const auto component = [&](std::string_view craw) {
        ++pos;
        const bool split_comp = (rep_bits & bytes_class::subcomponent) != 0 &&
                                holds(craw, simd_kind::bits_subcomponent, seps_.subcomponent);
        const defs::component_def* cd = parent ? parent->component(pos) : nullptr;
        const component_info c{hl7v2::component{craw, seps_}, pos,       parent, cd,
                               cd ? cd->type : nullptr,       split_comp};
        if (out.begin_component(c) && !craw.empty()) {
          const defs::type_def* ctype = c.type;
          std::size_t spos = 0;
          const auto sub = [&](std::string_view sraw) {
            ++spos;
            const defs::component_def* sd = ctype ? ctype->component(spos) : nullptr;
            out.subcomponent(
                subcomponent_info{hl7v2::subcomponent{sraw}, spos, ctype, sd, sd ? sd->type : nullptr});
          };
          if (split_comp) {
            pieces(craw, simd_kind::bits_subcomponent, seps_.subcomponent, sub);
          } else {
            sub(craw);
          }
        }
        out.end_component(c);
      };
      if (rep_bits & bytes_class::component) {
        pieces(raw, simd_kind::bits_component, seps_.component, component);
      } else {
        component(raw);
      }
    }
    out.end_repetition(r);
  }

  walk_options options_;
  defs::resolver resolver_;
  const defs::version_def* last_version_ = nullptr;
  hl7v2::delimiters last_version_delims_{};
  char last_version_text_[16] = {};
  std::size_t last_version_len_ = 0;
  struct msh9_entry {
    const defs::version_def* version = nullptr;  // null: unused
    hl7v2::delimiters delims{};
    char text[31] = {};
    std::uint8_t len = 0;
    const defs::structure_def* structure = nullptr;
  };
  msh9_entry msh9_structures_[16] = {};  // MSH-9 text → structure, the last few seen
  std::size_t msh9_next_ = 0;
  std::uint8_t classes_[256] = {};
  hl7v2::delimiters classes_for_{};
  bool classes_built_ = false;
  std::uint8_t bit_classes_ = 0;  // the classes classify_bits may report for these delimiters
  const hl7v2::detail::split_index* bits_ = nullptr;  // the walked message's bitmaps, if any
  hl7v2::detail::part_seps seps_{};
  std::vector<structure_entry> cache_;
  std::vector<std::uint32_t> keys_;  // per segment, reused
  std::vector<std::size_t> firsts_;  // index of the first segment of each id, reused
  segment_plan plans_[256] = {};     // per segment definition, direct-mapped by address
  struct varies_entry {
    const defs::version_def* version = nullptr;
    hl7v2::delimiters delims{};
    char text[15] = {};
    std::uint8_t len = 0;
    const defs::type_def* type = nullptr;
  };
  varies_entry varies_types_[8] = {};  // OBX-2 text → OBX-5's type, the last few seen
  std::size_t varies_next_ = 0;
};

}  // namespace hl7v2::json
