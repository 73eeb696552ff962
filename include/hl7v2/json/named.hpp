// The named layout: one JSON object per message, keyed by the definitions. The definitions decide the
// shape, never the data, so one version's messages all fit one schema:
//
//  - segments: key = lower-case id ("pid"; "PID" with upper_keys). A segment that may repeat in the
//    message structure (walk.hpp has the rule) is an array of objects, in message order; one that may not
//    is an object. Should the data hold more occurrences than that allows, the 2nd, 3rd ... go under
//    "pid(2)", "pid(3)" (nothing is dropped).
//  - fields: key = the definition's key ("patient_name"; upper-case with upper_keys). A field that may
//    repeat is always an array of its repetitions; one that may not is a single value, and any extra
//    repetitions in the data go under "<position>(<n>)", e.g. "5(2)". Empty fields are left out.
//  - a repetition or component whose type is composite is an object of its components by key, one whose
//    type is primitive is a string holding the whole (decoded) text, delimiters included. Empty
//    components and subcomponents are left out of objects; an empty repetition inside an array is {} for
//    a composite type and "" otherwise, so positions are kept.
//  - parts the definitions do not know (Z-segments, fields past the definition, components past the
//    type, OBX-5 whose OBX-2 names no known type) keep their data under positional keys ("1", "2", ...),
//    with the positional sub-shape: a string when the part holds no delimiter below it, else an array
//    of repetitions (fields only), each a string or an array of components, each a string or an array
//    of subcomponents. Inside such arrays empty parts are "" so positions are kept.
//  - values: escapes decoded (escape.hpp, formatting option), bytes → UTF-8 per MSH-18 (charset.hpp,
//    invalid-byte policy); HL7 null `""` → JSON null; MSH-1 and MSH-2 as their literal text. A part
//    whose text decodes to nothing (only \H\ \N\ and the like) counts as empty.
//  - typed: NM → number, SI → integer, DT/DTM/TS (and TS.1) → ISO 8601 string, where they parse
//    (typed_values.hpp); otherwise the text. MSH-12 (NM in 2.1/2.2) stays text: "2.0" is a name.
#pragma once

#include <cstddef>
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
};

namespace detail {

inline bool is_ascii(std::string_view s) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t acc = 0;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
  }
  for (; n > 0; ++p, --n) acc |= static_cast<unsigned char>(*p);
  return (acc & 0x8080808080808080u) == 0;
}

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

}  // namespace detail

template <class Sink>
class named_emitter {
 public:
  static constexpr segment_order order = segment_order::by_id;

  named_emitter(Sink& out, const named_options& options, named_scratch& scratch,
                std::string_view extra_members = {})
      : w_(out), opt_(options), scratch_(&scratch), extra_(extra_members) {}

  // The first error met (invalid_byte under the strict policy); errc::ok otherwise.
  const hl7v2::error& error() const noexcept { return err_; }

  void begin_message(const message_info& m) {
    delims_ = m.msg->delims();
    charset_ = hl7v2::charset_from_msh18(m.msg->charset_name());
    base_ = m.msg->raw().data();
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
    if (f.f.empty() || decodes_to_nothing(f.f.raw())) return false;
    field_ = &f;
    if (f.f.is_null()) {
      field_key(f, 0);
      w_.null();
      return false;
    }
    if (header_ && f.position <= 2) {  // MSH-1, MSH-2: the delimiters themselves, never decoded
      field_key(f, 0);
      text(f.f.raw());
      return false;
    }
    // Unknown fields: the positional sub-shape, an array of repetitions as soon as there is a delimiter.
    constexpr std::uint8_t delimiters =
        bytes_class::repetition | bytes_class::component | bytes_class::subcomponent;
    field_array_ = f.def ? f.repeats : (f.bytes & delimiters) != 0;
    if (field_array_) {
      field_key(f, 0);
      w_.begin_array();
    }
    return true;
  }
  void end_field(const field_info&) {
    if (field_array_) w_.end_array();
    field_array_ = false;
  }

  bool begin_repetition(const repetition_info& r) {
    rep_open_ = open::none;
    if (!field_array_) {
      // "~x" in a field that may not repeat: nothing to say for repetition 1.
      if (r.rep.empty() || decodes_to_nothing(r.rep.raw())) return false;
      field_key(*r.field, r.index == 1 ? 0 : r.index);
    }
    if (r.rep.is_null()) {
      w_.null();
      return false;
    }
    const defs::type_def* type = r.type;
    if (type != nullptr && !type->is_primitive()) {
      w_.begin_object();
      rep_open_ = open::object;
      return !r.rep.empty();
    }
    if (type != nullptr || !r.split) {
      value(r.rep.raw(), type != nullptr ? type->id : std::string_view{}, false);
      return false;
    }
    w_.begin_array();
    rep_open_ = open::array;
    return true;
  }
  void end_repetition(const repetition_info&) { close(rep_open_); }

  bool begin_component(const component_info& c) {
    comp_open_ = open::none;
    const bool in_object = rep_open_ == open::object;
    if (in_object) {
      if (c.comp.empty() || decodes_to_nothing(c.comp.raw())) return false;
      if (c.def != nullptr) {
        key(c.def->key);
      } else {
        number_key(c.position, 0);
      }
    }
    if (c.comp.is_null()) {
      w_.null();
      return false;
    }
    if (c.type != nullptr && !c.type->is_primitive()) {
      w_.begin_object();
      comp_open_ = open::object;
      return !c.comp.empty();
    }
    if (c.type != nullptr || !c.split) {
      // TS.1 is the time itself (typed as ST in older versions).
      const bool is_time = typed_ && c.position == 1 && c.parent != nullptr && c.parent->id == "TS";
      value(c.comp.raw(), c.type != nullptr ? c.type->id : std::string_view{}, is_time);
      return false;
    }
    w_.begin_array();
    comp_open_ = open::array;
    return true;
  }
  void end_component(const component_info&) { close(comp_open_); }

  void subcomponent(const subcomponent_info& s) {
    if (comp_open_ == open::object) {
      if (s.sub.empty() || decodes_to_nothing(s.sub.raw())) return;
      if (s.def != nullptr) {
        key(s.def->key);
      } else {
        number_key(s.position, 0);
      }
    }
    if (s.sub.is_null()) {
      w_.null();
      return;
    }
    const bool is_time = typed_ && s.position == 1 && s.parent != nullptr && s.parent->id == "TS";
    value(s.sub.raw(), s.type != nullptr ? s.type->id : std::string_view{}, is_time);
  }

 private:
  enum class open : unsigned char { none, object, array };

  void close(open o) {
    if (o == open::object) w_.end_object();
    if (o == open::array) w_.end_array();
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

  void field_key(const field_info& f, std::size_t rep) {
    if (f.def != nullptr && rep == 0) {
      key(f.def->key);
    } else {
      number_key(f.position, rep);
    }
  }

  void number_key(std::size_t pos, std::size_t rep) {
    char buf[32];
    w_.plain_key({buf, detail::positional_key(pos, rep, buf)});
  }

  // Definition keys are [a-z0-9_]: no escaping needed.
  void key(std::string_view k) {
    if (!opt_.upper_keys) {
      w_.plain_key(k);
      return;
    }
    std::string& buf = scratch_->key;
    buf.assign(k);
    for (char& c : buf) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    w_.plain_key(buf);
  }

  // A leaf value: decode escapes, convert under `typed`, else a UTF-8 string.
  void value(std::string_view raw, std::string_view type_id, bool is_time) {
    value_kind kind = value_kind::text;
    if (typed_) kind = is_time ? value_kind::datetime : kind_of_type(type_id);
    constexpr std::uint8_t work = bytes_class::escape | bytes_class::high | bytes_class::json_special;
    if (!(bytes_ & work) && kind == value_kind::text) {
      // The common case: plain ASCII text with nothing to decode or escape.
      w_.plain_string(raw);
      return;
    }
    std::string_view t = raw;
    if ((bytes_ & bytes_class::escape) && hl7v2::needs_unescape(raw, delims_)) {
      scratch_->decoded.clear();
      hl7v2::unescape(raw, delims_, scratch_->decoded, hl7v2::decode_options{opt_.format});
      t = scratch_->decoded;
    }
    if (kind != value_kind::text && typed_value(t, kind)) return;
    text(t, raw);
  }

  bool typed_value(std::string_view t, value_kind kind) {
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
    if (detail::is_ascii(t)) {
      w_.string(t);
      return;
    }
    scratch_->utf8.clear();
    const auto r = hl7v2::to_utf8(t, charset_, opt_.bytes, scratch_->utf8);
    if (!r && err_.code == errc::ok) {
      const std::string_view where = at.empty() ? t : at;
      err_ = hl7v2::error{r.error().code, static_cast<std::size_t>(where.data() - base_),
                          static_cast<std::uint32_t>(segment_index_),
                          static_cast<std::uint16_t>(field_ ? field_->position : 0)};
    }
    w_.string(scratch_->utf8);
  }

  detail::token_writer<Sink> w_;
  named_options opt_;
  named_scratch* scratch_;
  std::string_view extra_;
  hl7v2::delimiters delims_{};
  hl7v2::charset charset_ = hl7v2::charset::utf8;
  const char* base_ = nullptr;
  const field_info* field_ = nullptr;
  std::size_t segment_index_ = 0;
  hl7v2::error err_{};
  bool header_ = false;
  bool typed_ = false;         // opt_.typed, except for fields that are never typed
  std::uint8_t bytes_ = 0xFF;  // bytes_class bits of the current field
  bool field_array_ = false;
  open rep_open_ = open::none;
  open comp_open_ = open::none;
};

}  // namespace hl7v2::json
