// The named layout: one JSON object per message, keyed by the definitions. The definitions decide
// every key's JSON type, never the data, so the messages read with one version's definitions and one
// message structure fit one schema (README.md, "JSON layouts", has the contract with examples):
//
//  - segments: key = lower-case id ("pid"; "PID" with upper_keys). A segment that may repeat in the
//    message structure (walk.hpp has the rule) is an array of objects, in message order; one that may not
//    is an object, and the 2nd, 3rd ... occurrence the data holds go under "pid(2)", "pid(3)".
//  - fields: key = the definition's key ("patient_name"; upper-case with upper_keys), holding the first
//    repetition; the others, when there are any, are an array under "<key>_more" ("patient_name_more"),
//    whether the definition lets the field repeat or not. Empty fields are left out.
//  - a repetition or component whose type is composite is an object of its components by key; one whose
//    type is primitive is a string (number, ISO text under typed) of its decoded text. Empty components
//    and subcomponents are left out of objects, like parts holding nothing but delimiters; an empty
//    repetition inside "_more" is {} for a composite type and "" otherwise, so positions are kept.
//  - more structure in the data than the type has (delimiters in a primitive part, HL7's "send a
//    composite where a primitive is expected"): the key holds the part's first component (or
//    subcomponent) as a receiver that expects the primitive reads it, and "<key>_er7" beside it holds
//    the part's complete ER7 text, escapes not decoded (for a field: the whole field, every repetition).
//    The way back (reader.hpp) writes "<key>_er7" verbatim. 2.7 `PID|1|1234567^4^M11` with PID-2 an ST:
//    "patient_id":"1234567","patient_id_er7":"1234567^4^M11".
//  - parts the definitions do not know (Z-segment fields, fields past the definition, components past
//    the type) are read as that: primitives of no particular type, under positional keys ("1", "2", ...),
//    with the same rule ("2":"PREFERRED","2_er7":"PREFERRED^Owie"). A field without a definition is one
//    value, its first repetition's first component; "<position>_er7" has the whole field as soon as it
//    holds any delimiter.
//  - "varies" fields (OBX-5, typed by OBX-2): the text always under the field's key, read as a primitive
//    (above, so "<key>_er7" when it holds delimiters), and when OBX-2 names a composite type a second
//    reading under "<key>_<type>" ("observation_value_ce", an object of CE's components; its other
//    repetitions under "<key>_<type>_more"). Under typed, a primitive type with a typed form (NM, SI, DT,
//    DTM, TS) gets that second reading too ("observation_value_nm": 7.5).
//  - values: escapes decoded (escape.hpp, formatting option), bytes → UTF-8 per MSH-18 (charset.hpp,
//    invalid-byte policy); HL7 null `""` → JSON null; MSH-1 and MSH-2 as their literal text. A part
//    whose text decodes to nothing (only \H\ \N\ and the like) counts as empty.
//  - typed: NM → number, SI → integer, DT/DTM/TS (and TS.1) → ISO 8601 string. A value that does not
//    parse is null under its key, and its text is under "<key>_er7", so a typed key never changes JSON
//    type. MSH-12 (NM in 2.1/2.2) stays text: "2.0" is a name. Untyped, a date whose text reads as ISO
//    8601 gets "<key>_er7" too (the way back turns ISO into HL7 text).
// "_er7" text: the raw ER7 bytes of the part, converted to UTF-8 like every value. A CR in it (text in
// an LF-terminated message) is written as the escape \X0D\ (and escape characters around it as \E\ where
// the pairing needs it), so that the message rebuilt from the JSON, whose segments end with CR, decodes
// to the same text.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "hl7v2/charset.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/json/emitter.hpp"
#include "hl7v2/json/typed_values.hpp"
#include "hl7v2/json/writer.hpp"

namespace hl7v2::json {

struct named_options {
  bool typed = false;
  bool upper_keys = false;
  hl7v2::formatting format = hl7v2::formatting::map;
  hl7v2::invalid_bytes bytes = hl7v2::invalid_bytes::replace;
};

// Buffers the named emitter decodes into; owned by the caller so they stay warm across messages.
struct named_scratch {
  std::string decoded;
  std::string utf8;
  std::string key;
  std::string second_key;  // a varies field's "<key>_<type>"
};

// The suffixes of the sibling keys: a part's ER7 text, a field's repetitions after the first.
inline constexpr std::string_view er7_suffix = "_er7";
inline constexpr std::string_view more_suffix = "_more";

namespace detail {

// "12" for a position; "12(3)" for repetition 3 of it. Returns the length written into buf[24].
inline std::size_t positional_key(std::size_t pos, std::size_t rep, char* buf) noexcept {
  std::size_t n = static_cast<std::size_t>(std::to_chars(buf, buf + 10, pos).ptr - buf);
  if (rep != 0) {
    buf[n++] = '(';
    n = static_cast<std::size_t>(std::to_chars(buf + n, buf + n + 10, rep).ptr - buf);
    buf[n++] = ')';
  }
  return n;
}

// The text before the first of up to three delimiters ('\0' = none): a primitive reading of `raw`.
inline std::string_view first_part(std::string_view raw, char a, char b, char c = '\0') noexcept {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char ch = raw[i];
    if (ch == a || ch == b || (c != '\0' && ch == c)) return raw.substr(0, i);
  }
  return raw;
}

}  // namespace detail

template <class Sink>
class named_emitter {
 public:
  static constexpr segment_order order = segment_order::by_id;
  static constexpr bool skips_empty_fields = true;  // begin_field: an empty field writes nothing

  named_emitter(Sink& out, const named_options& options, named_scratch& scratch,
                std::string_view extra_members = {})
      : w_(out), opt_(options), scratch_(&scratch), extra_(extra_members) {}

  // The first error met (invalid_byte under the strict policy); errc::ok otherwise.
  const hl7v2::error& error() const noexcept { return err_; }

  void begin_message(const message_info& m) {
    delims_ = m.msg->delims();
    char buf[32];
    // MSH-18 read as the layout shows it: its first repetition's first component (a primitive reading).
    charset_ = hl7v2::charset_from_msh18(
        hl7v2::detail::decoded_header_text(m.msg->header()[18][1][1].raw(), delims_, buf));
    base_ = m.msg->raw().data();
    message_size_ = m.msg->raw().size();
    bits_ = m.msg->split_bits();
    w_.begin_object();
    if (!extra_.empty()) w_.raw(extra_);
  }
  void end_message(const message_info&) { w_.end_object(); }

  void begin_group(const group_info& g) {
    if (!g.repeats) return;
    segment_key(g.id, 0);
    w_.begin_array();
  }
  void end_group(const group_info& g) {
    if (g.repeats) w_.end_array();
  }

  bool begin_segment(const segment_info& s) {
    if (!s.repeats) segment_key(s.seg.id(), s.occurrence > 1 ? s.occurrence : 0);
    w_.begin_object();
    header_ = s.seg.is_header();
    segment_index_ = s.seg.index();
    return true;
  }
  void end_segment(const segment_info&) { w_.end_object(); }

  bool begin_field(const field_info& f) {
    bytes_ = f.bytes;
    // MSH-12 is NM in 2.1/2.2, but "2.0" is a version name, not a quantity: never typed.
    typed_ = opt_.typed && !(header_ && f.position == 12);
    more_open_ = false;
    field_er7_ = false;
    if (f.f.empty()) return false;
    field_ = &f;
    if (header_ && f.position <= 2) {  // MSH-1, MSH-2: the delimiters themselves, never decoded
      field_key(f);
      text(f.f.raw());
      return false;
    }
    if (says_nothing(f.f.raw(), 3)) return false;
    if (f.f.is_null()) {
      field_key(f);
      w_.null();
      return false;
    }
    if (f.def == nullptr) {
      unknown_field(f);
      return false;
    }
    reading_key_ = f.def->key();
    reading_token_ = f.def->key_token();
    if (f.varies) return varies_field(f);
    // Most fields have nothing to decode or escape: written here in one pass, with no walk below
    // (simple_field writes what the walk's events would).
    constexpr std::uint8_t work = bytes_class::escape | bytes_class::high | bytes_class::json_special;
    if (!(f.bytes & work)) {
      simple_field(f);
      return false;
    }
    return true;
  }
  void end_field(const field_info& f) {
    if (more_open_) w_.end_array();
    more_open_ = false;
    if (field_er7_) {
      write_key(field_base_key(f), er7_suffix);
      er7_text(f.f.raw());
    }
  }

  // Repetition 1 under the field's key, the others in an array under "<key>_more".
  bool begin_repetition(const repetition_info& r) {
    rep_object_ = false;
    const std::string_view raw = r.rep.raw();
    const defs::type_def* type = r.type;
    const bool composite = type != nullptr && !type->is_primitive();
    if (r.index == 1) {
      if (says_nothing(raw, 2)) return false;
      if (!composite && r.split && says_nothing(primitive_reading(raw))) {
        field_er7_ = true;  // only the ER7 text says something
        return false;
      }
      reading_key();
    } else if (!more_open_) {
      write_key(reading_key_, more_suffix);
      w_.begin_array();
      more_open_ = true;
    }
    if (r.rep.is_null()) {
      w_.null();
      return false;
    }
    if (composite) {
      w_.begin_object();
      rep_object_ = true;
      return !r.rep.empty();
    }
    std::string_view part = raw;
    if (r.split) {
      part = primitive_reading(raw);
      field_er7_ = true;
      if (is_null_text(part)) {
        w_.null();
        return false;
      }
    }
    if (!value(part, type != nullptr ? type->id : std::string_view{}, false)) field_er7_ = true;
    return false;
  }
  void end_repetition(const repetition_info&) {
    if (rep_object_) w_.end_object();
  }

  bool begin_component(const component_info& c) {
    comp_object_ = false;
    if (!rep_object_) return false;
    const std::string_view raw = c.comp.raw();
    if (says_nothing(raw, 1)) return false;
    if (c.comp.is_null()) {
      component_key(c);
      w_.null();
      return false;
    }
    if (c.type != nullptr && !c.type->is_primitive()) {
      component_key(c);
      w_.begin_object();
      comp_object_ = true;
      return true;
    }
    std::string_view part = raw;
    bool exact = true;
    if (c.split) {
      part = detail::first_part(raw, delims_.subcomponent, delims_.subcomponent);
      exact = false;
    }
    if (!exact && is_null_text(part)) {
      component_key(c);
      w_.null();
    } else if (!says_nothing(part)) {
      component_key(c);
      // TS.1 is the time itself (typed as ST in older versions).
      const bool is_time = c.position == 1 && c.parent != nullptr && is_ts(c.parent->id);
      if (!value(part, c.type != nullptr ? c.type->id : std::string_view{}, is_time)) exact = false;
    }
    if (!exact) {
      write_key(component_base_key(c.def, c.position), er7_suffix);
      er7_text(raw);
    }
    return false;
  }
  void end_component(const component_info&) {
    if (comp_object_) w_.end_object();
  }

  void subcomponent(const subcomponent_info& s) {
    if (!comp_object_) return;
    const std::string_view raw = s.sub.raw();
    if (s.sub.empty() || decodes_to_nothing(raw)) return;
    component_key(s.def, s.position);
    if (s.sub.is_null()) {
      w_.null();
      return;
    }
    const bool is_time = s.position == 1 && s.parent != nullptr && is_ts(s.parent->id);
    if (!value(raw, s.type != nullptr ? s.type->id : std::string_view{}, is_time)) {
      write_key(component_base_key(s.def, s.position), er7_suffix);
      er7_text(raw);
    }
  }

 private:
  // A field with no definition: one primitive value, the whole field as ER7 text beside it when it
  // holds any delimiter.
  void unknown_field(const field_info& f) {
    constexpr std::uint8_t delimiters =
        bytes_class::repetition | bytes_class::component | bytes_class::subcomponent;
    const std::string_view raw = f.f.raw();
    if (!(f.bytes & delimiters)) {
      field_key(f);
      value(raw, {}, false);
      return;
    }
    const std::string_view part =
        detail::first_part(raw, delims_.repetition, delims_.component, delims_.subcomponent);
    if (!says_nothing(part)) {
      field_key(f);
      if (is_null_text(part)) {
        w_.null();
      } else {
        value(part, {}, false);
      }
    }
    write_key(field_base_key(f), er7_suffix);
    er7_text(raw);
  }

  // A defined field with no byte to decode or escape (begin_field checked its bytes_class bits): what
  // begin_repetition, begin_component and subcomponent would write for it, in one pass over its parts.
  // No piece can be null ('"' is a JSON special) or start with the escape character, so a piece says
  // nothing exactly when it is empty or holds only delimiters.
  void simple_field(const field_info& f) {
    if (f.bytes & bytes_class::subcomponent) {
      simple_repetitions<true>(f);
    } else {
      simple_repetitions<false>(f);  // most fields: the checks for subcomponents compiled out
    }
  }
  template <bool Subs>
  HL7V2_JSON_INLINE void simple_repetitions(const field_info& f) {
    const std::string_view raw = f.f.raw();
    if (!(f.bytes & bytes_class::repetition)) {
      simple_repetition<Subs>(f.type, raw, 1);
      return;
    }
    std::size_t index = 0;
    each_piece(raw, hl7v2::detail::simd::bits_repetition, delims_.repetition,
               [&](std::string_view rep) { simple_repetition<Subs>(f.type, rep, ++index); });
  }

  // Repetition `index` of a simple field: as begin_repetition, with its components. `Subs`: the field
  // holds a subcomponent delimiter.
  template <bool Subs>
  HL7V2_JSON_INLINE void simple_repetition(const defs::type_def* type, std::string_view rep,
                                           std::size_t index) {
    const bool composite = type != nullptr && !type->is_primitive();
    // A primitive reads the text before the first delimiter.
    const std::string_view part =
        composite || !(Subs || (bytes_ & bytes_class::component))
            ? rep
            : detail::first_part(rep, delims_.component, Subs ? delims_.subcomponent : delims_.component);
    const bool cut = part.size() != rep.size();  // a primitive holding delimiters
    if (index == 1) {
      if (rep.empty()) return;
      const char c = rep[0];  // usually literal text
      if ((c == delims_.component || (Subs && c == delims_.subcomponent)) &&
          only_delimiters(rep, delims_.component))
        return;
      if (cut && part.empty()) {
        field_er7_ = true;  // only the ER7 text says something
        return;
      }
      reading_key();
    } else if (!more_open_) {
      write_key(reading_key_, more_suffix);
      w_.begin_array();
      more_open_ = true;
    }
    if (!composite) {
      if (cut) field_er7_ = true;
      if (!value(part, type != nullptr ? type->id : std::string_view{}, false)) field_er7_ = true;
      return;
    }
    w_.begin_object();
    std::size_t pos = 0;
    const auto component = [&](std::string_view craw) {
      ++pos;
      if (craw.empty()) return;
      const defs::component_def* cd = type->component(pos);
      const defs::type_def* ctype = cd != nullptr ? cd->type : nullptr;
      const bool subs = Subs && holds_subcomponent(craw);
      if (subs && only_delimiters(craw, delims_.subcomponent)) return;
      if (ctype != nullptr && !ctype->is_primitive()) {  // an object of its subcomponents
        def_key(cd);
        w_.begin_object();
        std::size_t spos = 0;
        const bool is_time = is_ts(ctype->id);
        const auto sub = [&](std::string_view sraw) {
          ++spos;
          if (sraw.empty()) return;
          const defs::component_def* sd = ctype->component(spos);
          component_key(sd, spos);
          const defs::type_def* stype = sd != nullptr ? sd->type : nullptr;
          if (!value(sraw, stype != nullptr ? stype->id : std::string_view{}, spos == 1 && is_time)) {
            write_key(component_base_key(sd, spos), er7_suffix);
            er7_text(sraw);
          }
        };
        if (subs) {
          each_piece(craw, hl7v2::detail::simd::bits_subcomponent, delims_.subcomponent, sub);
        } else {
          sub(craw);
        }
        w_.end_object();
        return;
      }
      // A primitive: its first subcomponent, and the ER7 text beside it when there are more.
      const std::string_view first =
          subs ? detail::first_part(craw, delims_.subcomponent, delims_.subcomponent) : craw;
      bool exact = !subs;
      if (!first.empty()) {
        component_key(cd, pos);
        if (!value(first, ctype != nullptr ? ctype->id : std::string_view{}, pos == 1 && is_ts(type->id)))
          exact = false;
      }
      if (!exact) {
        write_key(component_base_key(cd, pos), er7_suffix);
        er7_text(craw);
      }
    };
    if (bytes_ & bytes_class::component) {
      each_piece(rep, hl7v2::detail::simd::bits_component, delims_.component, component);
    } else {
      component(rep);
    }
    w_.end_object();
  }

  // Calls each(piece) for the pieces of `s` split at `sep` (bitmap `kind`), found in the message's
  // bitmaps when it has them. Empty text is one empty piece.
  template <class Each>
  HL7V2_JSON_INLINE void each_piece(std::string_view s, std::size_t kind, char sep, Each&& each) {
    hl7v2::detail::for_each_piece(bits_, kind, sep, s, each);
  }

  // Whether the text (not empty) holds a subcomponent delimiter.
  HL7V2_JSON_INLINE bool holds_subcomponent(std::string_view s) const noexcept {
    if (bits_ != nullptr) return hl7v2::detail::holds_sep(*bits_, hl7v2::detail::simd::bits_subcomponent, s);
    return s.find(delims_.subcomponent) != std::string_view::npos;
  }

  // Whether every byte of `s` is `sep` or the subcomponent delimiter (text of a simple field, so no
  // byte is '\0'). Usually the first byte says no.
  bool only_delimiters(std::string_view s, char sep) const noexcept {
    for (const char c : s) {
      if (c != sep && c != delims_.subcomponent) return false;
    }
    return true;
  }

  // OBX-5: the text reading under the field's key (a primitive reading of each repetition), then the
  // reading in the type OBX-2 names under "<key>_<type>" when that type has more to say.
  bool varies_field(const field_info& f) {
    constexpr std::uint8_t below = bytes_class::component | bytes_class::subcomponent;
    const defs::type_def* type = f.type;
    const bool composite = type != nullptr && !type->is_primitive();
    const bool typed_primitive =
        typed_ && type != nullptr && !composite && kind_of_type(type->id) != value_kind::text;
    // Repetition 1 whose first component says nothing is left out, as for any primitive field.
    const auto text_says = [&](std::string_view rep) {
      const std::string_view part = primitive_reading(rep);
      return is_null_text(part) || !says_nothing(part);
    };
    each_repetition_reading(f, text_says, [&](std::string_view rep) {
      const std::string_view part = primitive_reading(rep);
      if (is_null_text(rep) || is_null_text(part)) {
        w_.null();
      } else if (says_nothing(part)) {
        w_.plain_string({});
      } else {
        text_value(part);
      }
    });
    if (!composite && (f.bytes & below)) {
      write_key(reading_key_, er7_suffix);
      er7_text(f.f.raw());
    }
    if (!composite && !typed_primitive) return false;
    reading_key_ = suffixed(f.def->key(), type->id);
    reading_token_ = {};
    if (typed_primitive) {
      const value_kind kind = kind_of_type(type->id);
      each_repetition_reading(
          f, [&](std::string_view rep) { return !says_nothing(rep, 2); },
          [&](std::string_view rep) {
            const std::string_view part = primitive_reading(rep);
            if (is_null_text(rep) || says_nothing(part) || !typed_leaf(part, kind)) w_.null();
          });
      return false;
    }
    return true;  // the walk gives the repetitions in that type
  }

  // Writes `each(repetition)` for repetition 1 under reading_key_ (when `says(repetition)`) and for
  // the others in an array under "<reading_key_>_more".
  template <class Says, class Each>
  void each_repetition_reading(const field_info& f, Says&& says, Each&& each) {
    const std::string_view raw = f.f.raw();
    if (!(f.bytes & bytes_class::repetition)) {  // one repetition: no byte loop
      if (says(raw)) {
        reading_key();
        each(raw);
      }
      return;
    }
    std::size_t index = 0, start = 0;
    for (std::size_t i = 0; i <= raw.size(); ++i) {
      if (i != raw.size() && raw[i] != delims_.repetition) continue;
      const std::string_view rep = raw.substr(start, i - start);
      start = i + 1;
      if (++index == 1) {
        if (!says(rep)) continue;
        reading_key();
      } else if (index == 2) {
        write_key(reading_key_, more_suffix);
        w_.begin_array();
      }
      each(rep);
    }
    if (index >= 2) w_.end_array();
  }

  static bool is_ts(std::string_view id) noexcept { return id.size() == 2 && id[0] == 'T' && id[1] == 'S'; }

  static bool is_null_text(std::string_view raw) noexcept {
    return raw.size() == 2 && raw[0] == '"' && raw[1] == '"';
  }

  // A repetition read as a primitive: its first component's first subcomponent.
  std::string_view primitive_reading(std::string_view rep) const noexcept {
    if (!(bytes_ & (bytes_class::component | bytes_class::subcomponent))) return rep;  // nothing to cut
    return detail::first_part(rep, delims_.component, delims_.subcomponent);
  }

  // Text whose first byte is not the escape character has literal text to show.
  HL7V2_JSON_INLINE bool says_nothing(std::string_view raw) {
    return raw.empty() || (raw[0] == delims_.escape && decodes_to_nothing(raw));
  }

  // Whether a part holds nothing any value would show: only delimiters, between pieces that are empty
  // or decode to nothing. `levels`: the delimiters that split it (3 a field, 2 a repetition, 1 a
  // component). Such a part is left out like an empty one, so the JSON read back gives the same JSON.
  HL7V2_JSON_INLINE bool says_nothing(std::string_view raw, int levels) {
    if (raw.empty()) return true;
    // Usually the first byte says something: neither a delimiter nor the escape character, it is
    // literal text of the first piece.
    const char c = raw[0];
    if (c != delims_.repetition && c != delims_.component && c != delims_.subcomponent && c != delims_.escape)
      return false;
    return says_nothing_slow(raw, levels);
  }
  bool says_nothing_slow(std::string_view raw, int levels) {
    constexpr std::uint8_t delimiters =
        bytes_class::repetition | bytes_class::component | bytes_class::subcomponent;
    if (!(bytes_ & delimiters)) return says_nothing(raw);
    const char a = levels >= 3 ? delims_.repetition : delims_.subcomponent;
    const char b = levels >= 2 ? delims_.component : delims_.subcomponent;
    const char c = delims_.subcomponent;
    const auto sep = [&](char ch) { return ch != '\0' && (ch == a || ch == b || ch == c); };
    if (!(bytes_ & bytes_class::escape)) {
      for (const char ch : raw) {
        if (!sep(ch)) return false;  // usually the first byte
      }
      return true;
    }
    std::size_t start = 0;
    for (std::size_t i = 0; i <= raw.size(); ++i) {
      if (i < raw.size() && !sep(raw[i])) continue;
      const std::string_view piece = raw.substr(start, i - start);
      if (!piece.empty() && (is_null_text(piece) || !decodes_to_nothing(piece))) return false;
      start = i + 1;
    }
    return true;
  }

  // Text made only of escapes that decode to nothing (\H\, \N\, \.fi\ ...) is as empty as "".
  bool decodes_to_nothing(std::string_view raw) {
    if (!(bytes_ & bytes_class::escape) || !hl7v2::needs_unescape(raw, delims_)) return false;
    scratch_->decoded.clear();
    hl7v2::unescape(raw, delims_, scratch_->decoded, hl7v2::decode_options{opt_.format});
    return scratch_->decoded.empty();
  }

  void segment_key(std::string_view id, std::size_t occurrence) {
    char buf[32];
    std::size_t n = 0;
    for (char c : id.substr(0, 8))
      buf[n++] = opt_.upper_keys || c < 'A' || c > 'Z' ? c : static_cast<char>(c - 'A' + 'a');
    if (occurrence != 0) {
      buf[n++] = '(';
      n = static_cast<std::size_t>(std::to_chars(buf + n, buf + n + 10, occurrence).ptr - buf);
      buf[n++] = ')';
    }
    w_.plain_key({buf, n});
  }

  void field_key(const field_info& f) {
    if (f.def != nullptr) {
      def_key(f.def);
    } else {
      number_key(f.position);
    }
  }

  void component_key(const component_info& c) { component_key(c.def, c.position); }
  HL7V2_JSON_INLINE void component_key(const defs::component_def* def, std::size_t position) {
    if (def != nullptr) {
      def_key(def);
    } else {
      number_key(position);
    }
  }

  // The key the "_er7" sibling of a field or component is named after ("patient_id", "40").
  std::string_view field_base_key(const field_info& f) {
    if (f.def != nullptr) return f.def->key();
    return {base_buf_, detail::positional_key(f.position, 0, base_buf_)};
  }
  std::string_view component_base_key(const defs::component_def* def, std::size_t position) {
    if (def != nullptr) return def->key();
    return {base_buf_, detail::positional_key(position, 0, base_buf_)};
  }

  [[gnu::noinline]] void number_key(std::size_t pos) {
    char buf[32];
    w_.plain_key({buf, detail::positional_key(pos, 0, buf)});
  }

  // A definition's key: its member token as it is (one copy), or in upper case.
  template <class Def>
  HL7V2_JSON_INLINE void def_key(const Def* def) {
    if (!opt_.upper_keys) {
      w_.key_token(def->key_token());
      return;
    }
    write_key(def->key(), std::string_view{});
  }
  // The current field's reading key (reading_key_).
  HL7V2_JSON_INLINE void reading_key() {
    if (!opt_.upper_keys && !reading_token_.empty()) {
      w_.key_token(reading_token_);
      return;
    }
    write_key(reading_key_);
  }

  // A key: `base` (definition keys are [a-z0-9_], positions digits: no escaping needed) and a suffix,
  // in the key case chosen. The common case, a definition key as it is, is one copy.
  HL7V2_JSON_INLINE void write_key(std::string_view base) {
    if (!opt_.upper_keys) {
      w_.plain_key(base);
      return;
    }
    write_key(base, std::string_view{});
  }
  void write_key(std::string_view base, std::string_view suffix) {
    if (suffix.empty() && !opt_.upper_keys) {
      w_.plain_key(base);
      return;
    }
    char buf[128];
    const std::size_t n = base.size() + suffix.size();
    char* p = buf;
    if (n > sizeof buf) {
      scratch_->key.resize(n);
      p = scratch_->key.data();
    }
    std::memcpy(p, base.data(), base.size());
    if (!suffix.empty()) std::memcpy(p + base.size(), suffix.data(), suffix.size());
    if (opt_.upper_keys) {
      for (std::size_t i = 0; i < n; ++i) {
        if (p[i] >= 'a' && p[i] <= 'z') p[i] = static_cast<char>(p[i] - 'a' + 'A');
      }
    }
    w_.plain_key({p, n});
  }

  // "<base>_<type id>" (lower case, [a-z0-9_]), kept in scratch_->second_key.
  std::string_view suffixed(std::string_view base, std::string_view type_id) {
    std::string& buf = scratch_->second_key;
    buf.assign(base);
    buf.push_back('_');
    for (char c : type_id) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      buf.push_back((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return buf;
  }

  // An "_er7" member's value: the part's ER7 text as it is (see the top of this file).
  void er7_text(std::string_view raw) {
    const char esc = delims_.escape;
    if (esc == '\0' || std::memchr(raw.data(), '\r', raw.size()) == nullptr) {
      text(raw);
      return;
    }
    // Piece by piece, as the walk decodes them: the text between delimiters.
    std::string& t = scratch_->decoded;
    t.clear();
    std::size_t start = 0;
    for (std::size_t i = 0; i <= raw.size(); ++i) {
      const char c = i < raw.size() ? raw[i] : '\0';
      if (i < raw.size() &&
          (c == '\0' || (c != delims_.repetition && c != delims_.component && c != delims_.subcomponent)))
        continue;
      piece_without_cr(raw.substr(start, i - start), t);
      if (i < raw.size()) t.push_back(c);
      start = i + 1;
    }
    text(t, raw);
  }

  // Appends `piece` rewritten to decode to the same text with every CR as the escape \X0D\: a CR in
  // plain text becomes the escape; an escape character it would pair with, or a pair around a CR
  // (literal text then), become \E\ so the pairing of the rest stays as it was.
  void piece_without_cr(std::string_view piece, std::string& out) const {
    const char e = delims_.escape;
    const char escaped_e[3] = {e, 'E', e};
    const auto literal = [&](std::string_view text) {
      for (const char c : text) {
        if (c == '\r') {
          const char seq[5] = {e, 'X', '0', 'D', e};
          out.append(seq, 5);
        } else {
          out.push_back(c);
        }
      }
    };
    std::size_t i = 0;
    while (i < piece.size()) {
      const std::size_t open = piece.find(e, i);
      if (open == std::string_view::npos) {
        literal(piece.substr(i));
        return;
      }
      literal(piece.substr(i, open - i));
      const std::size_t close = piece.find(e, open + 1);
      if (close == std::string_view::npos) {  // unpaired: the rest is literal text
        out.append(escaped_e, 3);
        literal(piece.substr(open + 1));
        return;
      }
      const std::string_view body = piece.substr(open + 1, close - open - 1);
      if (body.find('\r') == std::string_view::npos) {
        out.append(piece.substr(open, close - open + 1));
      } else {  // no escape holds a CR: the pair is literal text
        out.append(escaped_e, 3);
        literal(body);
        out.append(escaped_e, 3);
      }
      i = close + 1;
    }
  }

  // A leaf value: decode escapes, convert under `typed`, else a UTF-8 string. Returns false when the
  // JSON does not say all the text does (a typed value that did not parse: null was written).
  HL7V2_JSON_INLINE bool value(std::string_view raw, std::string_view type_id, bool is_time) {
    value_kind kind = value_kind::text;
    if (typed_) kind = is_time ? value_kind::datetime : kind_of_type(type_id);
    if (kind != value_kind::text) {
      if (typed_leaf(raw, kind)) return true;
      w_.null();
      return false;
    }
    constexpr std::uint8_t work = bytes_class::escape | bytes_class::high | bytes_class::json_special;
    // Untyped, a date that reads as ISO 8601 ("2026-01-26") would go back to ER7 as HL7 text
    // ("20260126"): its ER7 text keeps it as it was. (The parser's bitmaps do not track '-': look.)
    const bool may_read_as_iso = !typed_ && (is_time || kind_of_type(type_id) == value_kind::datetime) &&
                                 raw.find('-') != std::string_view::npos;
    if (!(bytes_ & work) && !may_read_as_iso) {
      // The common case: plain ASCII text with nothing to decode or escape.
      w_.plain_string(raw);
      return true;
    }
    return text_leaf(raw, may_read_as_iso);
  }
  bool text_leaf(std::string_view raw, bool may_read_as_iso) {
    text_value(raw);
    return !(may_read_as_iso && reads_as_iso(decode(raw)));
  }

  static bool reads_as_iso(std::string_view t) noexcept {
    char buf[64];
    if (t.size() >= sizeof buf) return false;
    const std::size_t n = iso_to_dtm(t, buf);
    return n != 0 && std::string_view{buf, n} != t;
  }

  // Decoded text as a JSON string.
  void text_value(std::string_view raw) {
    constexpr std::uint8_t work = bytes_class::escape | bytes_class::high | bytes_class::json_special;
    if (!(bytes_ & work)) {
      w_.plain_string(raw);
      return;
    }
    text(decode(raw), raw);
  }

  std::string_view decode(std::string_view raw) {
    if (!(bytes_ & bytes_class::escape) || !hl7v2::needs_unescape(raw, delims_)) return raw;
    scratch_->decoded.clear();
    hl7v2::unescape(raw, delims_, scratch_->decoded, hl7v2::decode_options{opt_.format});
    return scratch_->decoded;
  }

  // A typed value from raw text; false, writing nothing, when it does not parse.
  bool typed_leaf(std::string_view raw, value_kind kind) {
    const std::string_view t = decode(raw);
    char buf[64];
    if (t.size() + 8 > sizeof buf) return false;
    std::size_t n = 0;
    switch (kind) {
      case value_kind::number:
        n = nm_to_json(t, buf);
        break;
      case value_kind::integer:
        n = si_to_json(t, buf);
        break;
      case value_kind::datetime:
        n = dtm_to_iso(t, buf);
        break;
      case value_kind::text:
        break;
    }
    if (n == 0) return false;
    if (kind == value_kind::datetime) {
      w_.plain_string({buf, n});  // ISO text: digits and -:T.+ only
    } else {
      w_.raw({buf, n});
    }
    return true;
  }

  // Text as a JSON string, converted to UTF-8 unless it is ASCII already. `at` locates errors.
  void text(std::string_view t, std::string_view at = {}) {
    if (hl7v2::detail::is_ascii(t)) {
      w_.string(t);
      return;
    }
    scratch_->utf8.clear();
    const auto r = hl7v2::to_utf8(t, charset_, opt_.bytes, scratch_->utf8);
    if (!r && err_.code == errc::ok) {
      std::string_view where = at.empty() ? t : at;
      // `where` must lie in the message to give an offset (a decoded copy does not).
      if (where.data() < base_ || where.data() > base_ + message_size_) where = {};
      err_ = hl7v2::error{r.error().code,
                          where.empty() ? std::size_t{0} : static_cast<std::size_t>(where.data() - base_),
                          static_cast<std::uint32_t>(segment_index_),
                          static_cast<std::uint16_t>(field_ ? field_->position : 0)};
    }
    w_.string(scratch_->utf8);
  }

  json_writer<Sink> w_;
  named_options opt_;
  named_scratch* scratch_;
  std::string_view extra_;
  hl7v2::delimiters delims_{};
  hl7v2::charset charset_ = hl7v2::charset::utf8;
  const char* base_ = nullptr;
  std::size_t message_size_ = 0;
  const field_info* field_ = nullptr;
  std::size_t segment_index_ = 0;
  hl7v2::error err_{};
  std::string_view reading_key_;    // the current field's key: its own, or a varies field's "<key>_<type>"
  std::string_view reading_token_;  // reading_key_ as its member token; empty for "<key>_<type>"
  const hl7v2::detail::split_index* bits_ = nullptr;  // the message's separator bitmaps, if any
  char base_buf_[24] = {};
  bool header_ = false;
  bool typed_ = false;         // opt_.typed, except for fields that are never typed
  std::uint8_t bytes_ = 0xFF;  // bytes_class bits of the current field
  bool more_open_ = false;     // inside the "<key>_more" array
  bool field_er7_ = false;     // the field's "_er7" member is due at end_field
  bool rep_object_ = false;
  bool comp_object_ = false;
};

}  // namespace hl7v2::json
