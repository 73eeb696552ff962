// Validation of a parsed message against the definitions of its HL7 version.
//
//   hl7v2::validate::report rep;  // reuse it: no allocation per message once warm
//   // all_versions_registry, or a defs::registry of the versions you include:
//   hl7v2::defs::resolver r{hl7v2::defs::all_versions_registry};
//   const auto* version = hl7v2::validate::validate(msg, r, {}, rep);  // MSH-12's; null: none named
//   hl7v2::validate::validate(msg, hl7v2::defs::v2_5_1, {}, rep);      // or one version you choose
//   for (const auto& d : rep) log(name(d.severity), name(d.code), d.where.path(), d.expectation_text());
//
// Checks, each with its own level (off / info / warning / error) in `options`:
//   required       required fields missing, and required components of a present value ("" is present)
//   repetitions    more repetitions than the field allows (not for a "varies" placeholder such as QPD-3,
//                  whose repetitions the query profile defines)
//   length         a repetition, component or subcomponent longer than its maximum (raw, escaped text);
//                  a coded value its own table lists is never too long (v2.5/2.5.1 give OBX-2 length 2,
//                  yet table 0125 holds CWE, DTM, XAD...: the table wins)
//   formats        NM, SI, DT, TM, DTM/TS text (primitives.hpp); OBX-5 is checked as the type OBX-2 names
//   tables         ID values against their HL7 table, where the definitions list its values; table 0396
//                  (coding systems) also admits the families it defines by pattern: HL7nnnn (an HL7
//                  table), IBTnnnn and 99zzz (local)
//   user_tables    IS values likewise (user-defined tables: sites extend them, so off by default)
//   unknown        segment ids the version does not define; their fields are checked with the nearest
//                  later version's definition when the registry (the resolver's, or the one passed
//                  with a version) has one
//   z_segments     site-specific Z-segments (not checked further)
//   extra_fields   non-empty fields past the last one the segment defines
//   structure      segment order and cardinality against the message structure (MSH-9.3, else derived
//                  from MSH-9.1 + MSH-9.2), matched as structure.hpp describes
// Diagnostics never contain message text: positions, codes and definition strings only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "hl7v2/defs/registry.hpp"
#include "hl7v2/defs/resolver.hpp"
#include "hl7v2/defs/types.hpp"
#include "hl7v2/message.hpp"
#include "hl7v2/validate/diagnostic.hpp"
#include "hl7v2/validate/primitives.hpp"
#include "hl7v2/validate/structure.hpp"

namespace hl7v2::validate {

enum class level : std::uint8_t { off, info, warning, error };

struct options {
  level required = level::error;
  level repetitions = level::error;
  level length = level::warning;
  level formats = level::error;
  level tables = level::warning;
  level user_tables = level::off;
  level unknown = level::warning;
  level z_segments = level::info;
  level extra_fields = level::info;
  level structure = level::error;
  level withdrawn = level::info;  // a withdrawn field that holds data (senders on older versions do)
};

namespace detail {

// Counts segments per id as they pass, for the "(occurrence)" of a path. A fixed table: a message with
// more than `slots` distinct ids (never seen in practice) gets occurrence 0 ("unknown") for the rest.
class occurrence_counter {
 public:
  std::uint32_t next(std::string_view id) noexcept {
    const std::uint32_t key = hl7v2::detail::segment_key(id);
    std::uint32_t h = (key * 2654435761u) >> 26;  // 6 bits
    for (std::size_t probe = 0; probe < slots; ++probe, h = (h + 1) & (slots - 1)) {
      if (keys_[h] == key) return ++counts_[h];
      if (counts_[h] == 0) {
        keys_[h] = key;
        return counts_[h] = 1;
      }
    }
    return 0;
  }

 private:
  static constexpr std::size_t slots = 64;
  std::array<std::uint32_t, slots> keys_{};
  std::array<std::uint32_t, slots> counts_{};
};

inline std::array<char, 4> id_chars(std::string_view id, std::uint8_t& size) noexcept {
  std::array<char, 4> out{};
  size = static_cast<std::uint8_t>(id.size() < 4 ? id.size() : 4);
  for (std::size_t i = 0; i < size; ++i) out[i] = id[i];
  return out;
}

constexpr severity to_severity(level l) noexcept {
  return l == level::error ? severity::error : l == level::warning ? severity::warning : severity::info;
}

constexpr bool is_alnum(char c) noexcept {
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Table 0396 (coding systems) defines some entries as families rather than codes: "HL7nnnn" (the HL7
// table nnnn, e.g. HL70063), "IBTnnnn" (IBT product codes) and "99zzz" (a local system). The value
// lists cannot enumerate them, so they are matched here.
constexpr bool coding_system_family(std::string_view v) noexcept {
  auto prefixed_digits = [&](std::string_view prefix) {
    if (v.size() != prefix.size() + 4 || v.substr(0, prefix.size()) != prefix) return false;
    for (std::size_t i = prefix.size(); i < v.size(); ++i) {
      if (!is_digit(v[i])) return false;
    }
    return true;
  };
  if (prefixed_digits("HL7") || prefixed_digits("IBT")) return true;
  if (v.size() < 3 || v[0] != '9' || v[1] != '9') return false;
  for (std::size_t i = 2; i < v.size(); ++i) {
    if (!is_alnum(v[i])) return false;
  }
  return true;
}

inline constexpr std::uint16_t coding_system_table = 396;

constexpr code format_code(primitive p) noexcept {
  switch (p) {
    case primitive::nm:
      return code::bad_number;
    case primitive::si:
      return code::bad_sequence_id;
    case primitive::dt:
      return code::bad_date;
    case primitive::tm:
      return code::bad_time;
    default:
      return code::bad_datetime;
  }
}

// The matcher validate() uses on this thread: it keeps its buffers and compiled structures from message to
// message, so validating allocates nothing once warm. A validate() nested in a sink gets its own.
struct thread_matcher {
  structure_matcher matcher;
  bool busy = false;

  static thread_matcher& get() {
    thread_local thread_matcher slot;
    return slot;
  }
};

template <class Sink>
class segment_checker {
 public:
  segment_checker(const defs::version_def& v, const hl7v2::delimiters& d, const options& o,
                  Sink& sink) noexcept
      : v_(v), d_(d), o_(o), sink_(sink) {}

  void emit(level l, code c, const location& where, expectation e, std::uint32_t number,
            std::string_view text) {
    if (l == level::off) return;
    diagnostic d;
    d.severity = to_severity(l);
    d.code = c;
    d.where = where;
    d.expect = e;
    d.number = number;
    d.text = text;
    sink_(d);
  }

  void check(const segment& seg, const defs::segment_def& def, location where) {
    const std::size_t first = seg.is_header() ? 3 : 1;  // MSH-1/MSH-2 are the delimiters themselves
    const std::size_t present = seg.size();
    const std::size_t last = present > def.field_count ? present : def.field_count;
    for (std::size_t pos = first; pos <= last; ++pos) {
      where.field = static_cast<std::uint16_t>(pos);
      where.repetition = where.component = where.subcomponent = 0;
      const field f = seg[pos];
      const defs::field_def* fd = def.field(pos);
      if (fd == nullptr) {
        if (!f.empty())
          emit(o_.extra_fields, code::extra_field, where, expectation::no_field, def.field_count, {});
        continue;
      }
      if (f.empty()) {
        if (fd->opt == defs::optionality::required)
          emit(o_.required, code::required_missing, where, expectation::required, 0, {});
        continue;
      }
      if (fd->opt == defs::optionality::withdrawn) {  // nothing to check it against in this version
        emit(o_.withdrawn, code::withdrawn_field, where, expectation::not_withdrawn, 0, v_.id);
        continue;
      }
      if (f.is_null()) continue;
      lenient_component_ = seg.id() == "MSH" && pos == 9 && derives_structure(f) ? 3 : 0;
      const defs::type_def* type = fd->type;
      if (type != nullptr && classify(type->id) == type_class::varies)
        type = defs::resolver::field_type(v_, seg, d_, pos, fd);  // OBX-2 types OBX-5
      std::uint16_t n = 0;
      for (const repetition r : f) {
        ++n;
        where.repetition = n;
        if (r.empty() || r.is_null()) continue;
        if (fd->max_length != 0 && r.raw().size() > fd->max_length && !listed(type, fd->table, r.raw())) {
          emit(o_.length, code::too_long, where, expectation::max_length, fd->max_length, {});
        }
        check_repetition(r, type, fd->table, where);
      }
      if (fd->max_repeats != 0 && n > fd->max_repeats && !profile_defined(seg, pos, fd)) {
        where.repetition = static_cast<std::uint16_t>(fd->max_repeats + 1u);
        emit(o_.repetitions, code::too_many_repetitions, where, expectation::max_repetitions, fd->max_repeats,
             {});
      }
    }
  }

 private:
  // A "varies" field that no field of the message types (QPD-3 "user parameters (in successive fields)",
  // RDT-1 "column value"): a placeholder whose shape, repetition included, the query's conformance
  // statement defines (HL7 v2.5 ch. 5.5.4), not the segment's one-repetition entry.
  static bool profile_defined(const segment& seg, std::size_t pos, const defs::field_def* fd) noexcept {
    return fd->type != nullptr && classify(fd->type->id) == type_class::varies &&
           defs::varies_type_field(seg.id(), pos) == 0;
  }

  // Whether `value` is a code that the table of a coded (ID/IS) primitive lists.
  bool listed(const defs::type_def* type, std::uint16_t table, std::string_view value) const noexcept {
    if (type == nullptr || table == 0 || !type->is_primitive()) return false;
    const type_class k = classify(type->id);
    if (k != type_class::id && k != type_class::is) return false;
    const defs::table_def* t = v_.table(table);
    return t != nullptr && t->contains(value);
  }

  void check_primitive(const defs::type_def& type, std::uint16_t table, std::string_view value,
                       const location& where) {
    const type_class k = classify(type.id);
    if (k == type_class::other || k == type_class::varies) return;
    if (k == type_class::id || k == type_class::is) {
      const level l = k == type_class::id ? o_.tables : o_.user_tables;
      if (table == 0 || l == level::off) return;
      const defs::table_def* t = v_.table(table);
      if (t == nullptr || t->value_count == 0 || t->contains(value)) return;
      if (table == coding_system_table && coding_system_family(value)) return;
      emit(l, code::not_in_table, where, expectation::table, table, {});
      return;
    }
    const primitive p = primitive_of(type.id);
    if (!is_valid(p, value)) emit(o_.formats, format_code(p), where, expectation::data_type, 0, type.id);
  }

  void check_repetition(const repetition& r, const defs::type_def* type, std::uint16_t table,
                        location where) {
    if (type == nullptr) return;
    if (type->is_primitive()) {
      check_primitive(*type, table, r[1].raw(), where);
      return;
    }
    const std::size_t count = type->component_count;
    std::uint16_t i = 0;
    for (const component c : r) {
      if (++i > count) break;
      where.component = i;
      check_component(c, *type->component(i), where);
    }
    for (std::size_t k = static_cast<std::size_t>(i) + 1; k <= count;
         ++k) {  // components after the last present
      if (type->component(k)->opt != defs::optionality::required) continue;
      where.component = static_cast<std::uint16_t>(k);
      emit(required_level(where), code::required_missing, where, expectation::required, 0, {});
    }
  }

  void check_component(const component& c, const defs::component_def& cd, location where) {
    if (c.empty()) {
      if (cd.opt == defs::optionality::required)
        emit(required_level(where), code::required_missing, where, expectation::required, 0, {});
      return;
    }
    if (c.is_null()) return;
    if (cd.max_length != 0 && c.raw().size() > cd.max_length && !listed(cd.type, cd.table, c.raw())) {
      emit(o_.length, code::too_long, where, expectation::max_length, cd.max_length, {});
    }
    const defs::type_def* type = cd.type;
    if (type == nullptr) return;
    if (type->is_primitive()) {
      check_primitive(*type, cd.table, c[1].raw(), where);
      return;
    }
    const std::size_t count = type->component_count;
    std::uint16_t j = 0;
    for (const subcomponent s : c) {
      if (++j > count) break;
      where.subcomponent = j;
      const defs::component_def& sd = *type->component(j);
      if (s.empty()) {
        if (sd.opt == defs::optionality::required)
          emit(o_.required, code::required_missing, where, expectation::required, 0, {});
        continue;
      }
      if (s.is_null()) continue;
      if (sd.max_length != 0 && s.raw().size() > sd.max_length) {
        emit(o_.length, code::too_long, where, expectation::max_length, sd.max_length, {});
      }
      if (sd.type != nullptr && sd.type->is_primitive()) check_primitive(*sd.type, sd.table, s.raw(), where);
    }
    for (std::size_t k = static_cast<std::size_t>(j) + 1; k <= count; ++k) {
      if (type->component(k)->opt != defs::optionality::required) continue;
      where.subcomponent = static_cast<std::uint16_t>(k);
      emit(o_.required, code::required_missing, where, expectation::required, 0, {});
    }
  }

  // MSH-9.3 is R from 2.6 on, yet senders (and HAPI) leave it out, and the structure follows from
  // MSH-9.1 + MSH-9.2 through the event table: a warning then, not an error a receiver rejects on.
  bool derives_structure(const field& msh9) const noexcept {
    const repetition r = msh9[1];
    return r[3].empty() && defs::resolver::structure(v_, r[1][1].raw(), r[2][1].raw(), {}) != nullptr;
  }
  level required_level(const location& where) const noexcept {
    const bool lenient = lenient_component_ != 0 && where.component == lenient_component_ &&
                         where.subcomponent == 0 && o_.required == level::error;
    return lenient ? level::warning : o_.required;
  }

  const defs::version_def& v_;
  const hl7v2::delimiters& d_;
  const options& o_;
  Sink& sink_;
  std::uint16_t lenient_component_ = 0;  // 3 in MSH-9 when the structure is derived from 9.1 + 9.2
};

}  // namespace detail

// The structure MSH-9 names in `version` (defs::resolver::structure); nullptr when neither MSH-9.3 nor
// MSH-9.1 + MSH-9.2 name one.
inline const defs::structure_def* structure_of(const message& msg,
                                               const defs::version_def& version) noexcept {
  return defs::resolver::structure(version, msg);
}

// Validates `msg` against `version`, calling `sink(const diagnostic&)` for each finding, in message order
// (structure findings at the segment where they are detected; missing segments at the end come last).
// A segment `version` does not define is checked with the nearest later version of `later` that has it
// (none when `later` is empty).
template <class Sink>
void validate(const message& msg, const defs::version_def& version, const options& opts, Sink& sink,
              const defs::registry& later = {}) {
  detail::segment_checker<Sink> checker(version, msg.delims(), opts, sink);
  const defs::structure_def* structure = opts.structure == level::off ? nullptr : structure_of(msg, version);
  structure_matcher* matcher = nullptr;
  std::unique_ptr<structure_matcher> nested;
  struct release {
    bool* busy;
    ~release() {
      if (busy != nullptr) *busy = false;
    }
  } guard{nullptr};
  if (structure != nullptr) {
    detail::thread_matcher& slot = detail::thread_matcher::get();
    if (slot.busy) {
      nested = std::make_unique<structure_matcher>();
      matcher = nested.get();
    } else {
      slot.busy = true;
      guard.busy = &slot.busy;
      matcher = &slot.matcher;
    }
    matcher->reset(msg, *structure);
    if (!matcher->matchable()) structure = nullptr;  // beyond the matcher's limits: as if unknown
  }
  if (structure == nullptr && opts.structure != level::off && msg.size() != 0) {
    location where;
    where.segment_id = detail::id_chars("MSH", where.segment_id_size);
    where.segment_index = 1;
    where.occurrence = 1;
    where.field = 9;
    checker.emit(level::warning, code::unknown_structure, where, expectation::none, 0, {});
  }
  detail::occurrence_counter occurrences;
  location here;
  auto on_finding = [&](const structure_finding& f) {
    location where = here;
    expectation e = expectation::none;
    std::uint32_t number = f.number;
    std::string_view text = f.context;
    switch (f.code) {
      case code::missing_segment:
        where = location{};
        where.segment_id = detail::id_chars(detail::first_segment(*f.node), where.segment_id_size);
        if (f.node->is_group()) {
          e = expectation::group_required;
          text = f.node->id;
        } else if (f.node->is_choice()) {
          e = expectation::choice_required;
        } else {
          e = expectation::present;
        }
        break;
      case code::too_many_segments:
        e = expectation::max_occurrences;
        break;
      case code::out_of_order:
        e = expectation::position;
        break;
      default:
        e = expectation::in_structure;
        break;
    }
    checker.emit(opts.structure, f.code, where, e, number, text);
  };
  for (const segment seg : msg.segments()) {
    const std::string_view id = seg.id();
    here = location{};
    here.segment_id = detail::id_chars(id, here.segment_id_size);
    here.segment_index = static_cast<std::uint32_t>(seg.index());
    here.occurrence = occurrences.next(id);
    here.offset = seg.offset();
    if (structure != nullptr) matcher->next(on_finding);
    if (is_z_segment(id)) {
      checker.emit(opts.z_segments, code::z_segment, here, expectation::none, 0, {});
      continue;
    }
    const defs::segment_def* def = version.segment(id);
    if (def == nullptr) {
      checker.emit(opts.unknown, code::unknown_segment, here, expectation::defined_segment, 0, version.id);
      def = later.segment(version, id);
      if (def == nullptr) continue;
    }
    checker.check(seg, *def, here);
  }
  if (structure != nullptr) {
    here = location{};
    matcher->finish(on_finding);
  }
}

// Same, into a report that is cleared first.
inline void validate(const message& msg, const defs::version_def& version, const options& opts, report& out,
                     const defs::registry& later = {}) {
  out.clear();
  validate<report>(msg, version, opts, out, later);
}

// Validates `msg` against the version the resolver chooses from its MSH-12 (a profile's when it has
// one), later versions from its registry; returns that version, or nullptr when MSH-12 names no HL7 v2
// version (nothing is validated: the caller rejects the message).
template <class Sink>
const defs::version_def* validate(const message& msg, const defs::resolver& definitions, const options& opts,
                                  Sink& sink) {
  const defs::version_def* version = definitions.version_for(msg);
  if (version != nullptr) validate<Sink>(msg, *version, opts, sink, definitions.versions());
  return version;
}

// Same, into a report that is cleared first.
inline const defs::version_def* validate(const message& msg, const defs::resolver& definitions,
                                         const options& opts, report& out) {
  out.clear();
  return validate<report>(msg, definitions, opts, out);
}

}  // namespace hl7v2::validate
