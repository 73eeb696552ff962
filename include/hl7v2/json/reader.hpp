// JSON → ER7: one JSON object of either layout back into one ER7 message (segments ended by CR).
//
//  - positional (an object with a "segments" array): joined back with the message's own delimiters,
//    byte for byte as it came ("bytes":"latin1" turns each character back into its byte). A string that
//    holds a delimiter, or a line break in the header segment, is refused (it could not have come from
//    a message), as is anything that is not the shape positional.hpp describes.
//  - named (any other object): members in JSON order, each segment key ("pid", "PID", "pid(2)") an
//    object or an array of objects; keys are matched case-insensitively against the definitions of the
//    version MSH-12 names within the registry (defs/resolver.hpp; every built-in version unless one is
//    given); positional keys ("7", "5(2)") place the parts the definitions
//    do not know. Members that are not segment keys (e.g. "_source" metadata from extra_members) are
//    skipped. Text is escaped for ER7 (escape.hpp), null becomes "", numbers their shortest text,
//    ISO 8601 dates in date/time fields go back to HL7 form. When MSH-18 says 8859/1 the text is written
//    as Latin-1 bytes (characters beyond U+00FF become '?').
// Errors are errc::bad_json with error::segment (1-based JSON segment) and error::field where known;
// never any text from the input.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "hl7v2/charset.hpp"
#include "hl7v2/defs/registry.hpp"
#include "hl7v2/defs/resolver.hpp"
#include "hl7v2/delimiters.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/json/typed_values.hpp"
#include "hl7v2/json/walk.hpp"

namespace hl7v2::json {

struct reader_options {
  const defs::version_def* default_version =
      nullptr;  // for a named message without MSH-12; null → the registry's
  const defs::version_def* definitions =
      nullptr;  // when set, used whatever MSH-12 says (a profile's version())
};

namespace detail {

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// "12" → 12, "12(3)" → 12 with rep 3. False when `key` is not of that form.
constexpr bool parse_positional_key(std::string_view key, std::size_t& pos, std::size_t& rep) noexcept {
  pos = 0;
  rep = 0;
  std::size_t i = 0;
  while (i < key.size() && key[i] >= '0' && key[i] <= '9' && i < 6)
    pos = pos * 10 + static_cast<std::size_t>(key[i++] - '0');
  if (i == 0 || pos == 0) return false;
  if (i == key.size()) return true;
  if (key[i] != '(' || key.back() != ')') return false;
  std::size_t j = i + 1;
  while (j + 1 < key.size() && key[j] >= '0' && key[j] <= '9' && j - i < 7)
    rep = rep * 10 + static_cast<std::size_t>(key[j++] - '0');
  return j + 1 == key.size() && j > i + 1 && rep != 0;
}

}  // namespace detail

class er7_from_json {
 public:
  // Reads named JSON with the versions of `versions` (defs/registry.hpp).
  explicit er7_from_json(const defs::registry& versions, reader_options options = {})
      : opt_(options), resolver_(versions, options.default_version, options.definitions) {}
  // Reads named JSON with every built-in version (needs defs/all.hpp).
  template <class All = defs::all_versions_t>
  explicit er7_from_json(reader_options options = {})
      : er7_from_json(defs::builtin_registry<All>::value, options) {}

  // Appends the ER7 message to `out` and returns the bytes appended; on error appends nothing.
  hl7v2::result<std::size_t> convert(std::string_view json_text, std::string& out) {
    const std::size_t start = out.size();
    padded_.assign(json_text);
    padded_.resize(json_text.size() + simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::element doc;
    if (parser_.parse(padded_.data(), json_text.size(), false).get(doc) != simdjson::SUCCESS)
      return fail(out, start, 0, 0);
    simdjson::dom::object root;
    if (doc.get_object().get(root) != simdjson::SUCCESS) return fail(out, start, 0, 0);
    simdjson::dom::array segments;
    const hl7v2::error e = root["segments"].get_array().get(segments) == simdjson::SUCCESS
                               ? from_positional(root, segments, out)
                               : from_named(root, out);
    if (e.code != errc::ok) {
      out.resize(start);
      return e;
    }
    return out.size() - start;
  }

 private:
  static hl7v2::error bad(std::size_t segment = 0, std::size_t field = 0) noexcept {
    return hl7v2::error{errc::bad_json, 0, static_cast<std::uint32_t>(segment),
                        static_cast<std::uint16_t>(field)};
  }
  static hl7v2::result<std::size_t> fail(std::string& out, std::size_t start, std::size_t seg,
                                         std::size_t field) {
    out.resize(start);
    return bad(seg, field);
  }

  // ---------------------------------------------------------------- positional
  // Appends a JSON string's bytes; in latin1 mode each character (≤ U+00FF) is one byte.
  bool put_bytes(std::string_view s, std::string& out) const {
    if (!latin1_) {
      out.append(s);
      return true;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto b = static_cast<unsigned char>(s[i]);
      if (b < 0x80) {
        out.push_back(s[i]);
      } else if ((b == 0xC2 || b == 0xC3) && i + 1 < s.size()) {
        out.push_back(static_cast<char>(((b & 0x03) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F)));
      } else {
        return false;  // a character beyond U+00FF cannot be one byte
      }
    }
    return true;
  }

  // A leaf string: its bytes hold no delimiter (a part that held one would have been split into an
  // array, or belongs to another part). CR and LF may be content after the header segment (a parser
  // takes the first line break for the terminator; the other one is text); in the header they cannot.
  bool put_leaf(simdjson::dom::element e, std::string& out) const {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return false;
    const std::size_t at = out.size();
    if (!put_bytes(s, out)) return false;
    for (std::size_t i = at; i < out.size(); ++i) {
      const char c = out[i];
      if (c == d_.field || (c != '\0' && (c == d_.repetition || c == d_.component || c == d_.subcomponent)))
        return false;
    }
    return true;
  }

  // A string, or an array of the next level joined by that level's delimiter.
  bool put_part(simdjson::dom::element e, int level, std::string& out) const {
    simdjson::dom::array parts;
    if (e.get_array().get(parts) != simdjson::SUCCESS) return put_leaf(e, out);
    if (level >= 3) return false;
    const char seps[3] = {d_.repetition, d_.component, d_.subcomponent};
    // An undeclared delimiter cannot have split anything: skip to the level below.
    int child = level + 1;
    while (child <= 3 && seps[child - 1] == '\0') ++child;
    if (child > 3) return false;
    bool first = true;
    for (simdjson::dom::element p : parts) {
      if (!first) out.push_back(seps[child - 1]);
      first = false;
      if (!put_part(p, child, out)) return false;
    }
    return true;
  }

  hl7v2::error from_positional(simdjson::dom::object root, simdjson::dom::array segments, std::string& out) {
    const std::size_t start = out.size();
    std::string_view text;
    latin1_ = root["bytes"].get_string().get(text) == simdjson::SUCCESS && text == "latin1";
    std::string_view delims_text;
    if (root["delimiters"].get_string().get(delims_text) != simdjson::SUCCESS) return bad();
    delims_.clear();
    if (!put_bytes(delims_text, delims_)) return bad();
    std::string header = "MSH";
    header += delims_;
    const auto d = hl7v2::read_delimiters(header);
    if (!d) return bad();
    d_ = *d;
    const std::string_view enc = std::string_view{delims_}.substr(1);
    std::size_t index = 0;
    for (simdjson::dom::element seg : segments) {
      ++index;
      simdjson::dom::array fields;
      if (seg.get_array().get(fields) != simdjson::SUCCESS) return bad(index);
      std::size_t pos = 0;
      bool is_header = false;
      for (simdjson::dom::element f : fields) {
        if (pos == 0) {
          std::string_view id;
          if (f.get_string().get(id) != simdjson::SUCCESS || id.size() != 3) return bad(index);
          for (char c : id) {
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return bad(index);
          }
          out.append(id);
          is_header = id == "MSH" || id == "FHS" || id == "BHS";
          if (index == 1 && !is_header) return bad(index);
        } else if (is_header && pos <= 2) {
          const std::size_t at = out.size();
          std::string_view s;
          if (f.get_string().get(s) != simdjson::SUCCESS || !put_bytes(s, out)) return bad(index, pos);
          const std::string_view got{out.data() + at, out.size() - at};
          if (pos == 1 && got != std::string_view{&d_.field, 1}) return bad(index, pos);
          // The first header declares the delimiters; a later one (MSH after FHS/BHS) must at least
          // keep to its field.
          if (pos == 2 && (index == 1 ? got != enc : got.find(d_.field) != std::string_view::npos))
            return bad(index, pos);
        } else {
          out.push_back(d_.field);
          if (!put_part(f, 0, out)) return bad(index, pos);
        }
        ++pos;
      }
      if (pos == 0) return bad(index);
      if (is_header && pos < 3 && index == 1) return bad(index);  // a later bare "MSH" is just text
      // A parser takes the first line break for the terminator: a LF before the first CR would split
      // the header segment (a message never yields one there).
      if (index == 1 && std::string_view{out}.substr(start).find_first_of("\r\n") != std::string_view::npos)
        return bad(index);
      out.push_back('\r');
    }
    if (index == 0) return bad();
    return {};
  }

  // ---------------------------------------------------------------- named
  struct slot {
    std::size_t position;
    std::size_t rep;  // 0: the field's value; n: an extra repetition "5(n)"
    simdjson::dom::element value;
  };

  // First text leaf of a named value: "2.5.1" from "2.5.1", {"version_id":"2.5.1"} or ["2.5.1"]; a
  // number (MSH-12 is NM in 2.1, typed) as its text.
  std::string_view first_text(simdjson::dom::element e) {
    for (int depth = 0; depth < 4; ++depth) {
      std::string_view s;
      if (e.get_string().get(s) == simdjson::SUCCESS) return s;
      if (e.is_number()) {
        number_text_.clear();
        if (!put_number(e, number_text_)) return {};
        return number_text_;
      }
      simdjson::dom::array a;
      simdjson::dom::object o;
      if (e.get_array().get(a) == simdjson::SUCCESS) {
        if (a.begin() == a.end()) return {};
        e = *a.begin();
      } else if (e.get_object().get(o) == simdjson::SUCCESS) {
        if (o.begin() == o.end()) return {};
        e = (*o.begin()).value;
      } else {
        return {};
      }
    }
    return {};
  }

  static bool find_member(simdjson::dom::object o, std::string_view key, simdjson::dom::element& e) {
    for (const auto& m : o) {
      if (detail::iequals(m.key, key)) {
        e = m.value;
        return true;
      }
    }
    return false;
  }

  // A header segment's field by position: under its key in `v`, or under its positional key.
  static bool find_field(simdjson::dom::object seg, const defs::version_def& v, std::string_view id,
                         std::size_t pos, simdjson::dom::element& e) {
    const defs::segment_def* m = v.segment(id);
    const defs::field_def* f = m ? m->field(pos) : nullptr;
    if (f != nullptr) return find_member(seg, f->key, e);
    char key[8];
    const auto r = std::to_chars(key, key + sizeof key, pos);
    return find_member(seg, std::string_view{key, static_cast<std::size_t>(r.ptr - key)}, e);
  }

  // A segment value: the object, or the first object of an array of them.
  static bool first_object(simdjson::dom::element e, simdjson::dom::object& o) {
    simdjson::dom::array a;
    if (e.get_array().get(a) == simdjson::SUCCESS) {
      if (a.begin() == a.end()) return false;
      e = *a.begin();
    }
    return e.get_object().get(o) == simdjson::SUCCESS;
  }

  static bool segment_id(std::string_view key, char (&id)[3]) noexcept {
    if (key.size() < 3) return false;
    for (std::size_t i = 0; i < 3; ++i) {
      char c = key[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
      id[i] = c;
    }
    if (key.size() == 3) return true;
    std::size_t n = 0;
    if (key[3] != '(' || key.back() != ')' || key.size() < 6) return false;
    for (char c : key.substr(4, key.size() - 5)) {
      if (c < '0' || c > '9') return false;
      ++n;
    }
    return n != 0;
  }

  hl7v2::error from_named(simdjson::dom::object root, std::string& out) {
    // The MSH object first: delimiters, version and character set.
    // The delimiters come from the first header segment (MSH, or FHS/BHS when a batch header leads),
    // the version from MSH.
    simdjson::dom::object head, msh;
    char head_id[3] = {};
    bool have_head = false, have_msh = false;
    for (const auto& member : root) {
      char id[3];
      if (!segment_id(member.key, id)) continue;
      const std::string_view sid{id, 3};
      if (sid != "MSH" && sid != "FHS" && sid != "BHS") return bad(1);  // the first segment is a header
      simdjson::dom::object o;
      if (!first_object(member.value, o)) return bad(1);
      head = o;
      std::memcpy(head_id, id, 3);
      have_head = true;
      break;
    }
    simdjson::dom::element msh_e;
    if (find_member(root, "msh", msh_e)) have_msh = first_object(msh_e, msh);
    if (!have_head) return bad(1);
    // MSH-12 and the delimiters sit under each version's key for them: try every registered one.
    std::string_view version_text, sep_text = "|", enc_text = "^~\\&";
    const std::string_view hid{head_id, 3};
    for (const defs::version_def* v : resolver_.versions().versions()) {
      simdjson::dom::element e;
      if (have_msh && find_field(msh, *v, "MSH", 12, e)) version_text = first_text(e);
      if (find_field(head, *v, hid, 1, e)) sep_text = first_text(e);
      if (find_field(head, *v, hid, 2, e)) enc_text = first_text(e);
    }
    version_ = &resolver_.version_or_default(version_text);
    std::string header = "MSH";
    header.append(sep_text);
    header.append(enc_text);
    const auto d = hl7v2::read_delimiters(header);
    if (!d || sep_text.size() != 1) return bad(1, sep_text.size() != 1 ? 1 : 2);
    d_ = *d;
    simdjson::dom::element charset_e;
    latin1_ = have_msh && find_field(msh, *version_, "MSH", 18, charset_e) &&
              hl7v2::charset_from_msh18(first_text(charset_e)) == hl7v2::charset::latin1;

    std::size_t index = 0;
    for (const auto& member : root) {
      char id[3];
      if (!segment_id(member.key, id)) continue;
      const std::string_view sid{id, 3};
      const defs::segment_def* def = resolver_.segment(*version_, sid);
      simdjson::dom::array list;
      if (member.value.get_array().get(list) == simdjson::SUCCESS) {
        for (simdjson::dom::element e : list) {
          if (auto err = write_segment(sid, def, e, ++index, out); err.code != errc::ok) return err;
        }
      } else {
        if (auto err = write_segment(sid, def, member.value, ++index, out); err.code != errc::ok) return err;
      }
    }
    return {};
  }

  hl7v2::error write_segment(std::string_view id, const defs::segment_def* def, simdjson::dom::element e,
                             std::size_t index, std::string& out) {
    simdjson::dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) return bad(index);
    const bool is_header = id == "MSH" || id == "FHS" || id == "BHS";
    if (index == 1 && !is_header) return bad(index);
    slots_.clear();
    for (const auto& m : o) {
      std::size_t pos = 0, rep = 0;
      if (!detail::parse_positional_key(m.key, pos, rep)) {
        if (def != nullptr) {
          for (const defs::field_def& f : def->fields()) {
            if (detail::iequals(f.key, m.key)) {
              pos = f.position;
              break;
            }
          }
        }
        if (pos == 0) return bad(index);
      }
      slots_.push_back(slot{pos, rep, m.value});
    }
    // Insertion sort: stable, allocation-free, and the members are nearly in order already.
    for (std::size_t i = 1; i < slots_.size(); ++i) {
      const slot s = slots_[i];
      std::size_t j = i;
      for (; j > 0 && (slots_[j - 1].position > s.position ||
                       (slots_[j - 1].position == s.position && slots_[j - 1].rep > s.rep));
           --j) {
        slots_[j] = slots_[j - 1];
      }
      slots_[j] = s;
    }
    out.append(id);
    std::size_t written = 0;       // last field position written
    std::size_t reps_written = 0;  // repetitions of that field written so far
    if (is_header) {
      out.push_back(d_.field);
      std::array<char, 5> storage{};
      out.append(d_.encoding_characters(storage));
      written = 2;
    }
    // OBX-5 takes its type from OBX-2 (defs/resolver.hpp).
    const defs::type_def* varies_type = nullptr;
    if (const std::size_t from = defs::varies_type_field(id, 5); from != 0) {
      for (const slot& s : slots_) {
        if (s.position == from && s.rep == 0) varies_type = defs::varies_type(*version_, first_text(s.value));
      }
    }
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      const slot& s = slots_[i];
      if (is_header && s.position <= 2) continue;
      const defs::field_def* fd = def ? def->field(s.position) : nullptr;
      const defs::type_def* type = fd ? fd->type : nullptr;
      if (type != nullptr && defs::is_varies(type->id)) type = varies_type;
      if (s.position > written) {
        while (written < s.position) {
          out.push_back(d_.field);
          ++written;
        }
        reps_written = 0;
      }
      // "5(3)": repetition 3 of a field that may not repeat; repetitions not given are empty.
      const std::size_t target = s.rep == 0 ? 1 : s.rep;
      if (target <= reps_written || (target > 1 && d_.repetition == '\0')) return bad(index, s.position);
      for (std::size_t k = std::max<std::size_t>(reps_written, 1); k < target; ++k)
        out.push_back(d_.repetition);
      reps_written = target;
      const bool repeating = fd ? fd->repeats() : s.rep == 0;
      if (!put_field(s.value, fd != nullptr, type, repeating && s.rep == 0, out))
        return bad(index, s.position);
    }
    out.push_back('\r');
    return {};
  }

  // A named field value: an array of repetitions when the field repeats, else one repetition.
  bool put_field(simdjson::dom::element e, bool defined, const defs::type_def* type, bool repeating,
                 std::string& out) {
    simdjson::dom::array reps;
    if (repeating && e.get_array().get(reps) == simdjson::SUCCESS) {
      bool first = true;
      for (simdjson::dom::element r : reps) {
        if (!first) out.push_back(d_.repetition);
        first = false;
        if (!put_value(r, defined || type != nullptr, type, nullptr, 0, 1, out)) return false;
      }
      return true;
    }
    return put_value(e, defined || type != nullptr, type, nullptr, 0, 1, out);
  }

  // One value at `level` (1 repetition, 2 component, 3 subcomponent). `typed_shape`: the definitions
  // know this part (objects by key); else the positional sub-shape (arrays by position).
  bool put_value(simdjson::dom::element e, bool typed_shape, const defs::type_def* type,
                 const defs::type_def* parent, std::size_t position, int level, std::string& out) {
    switch (e.type()) {
      case simdjson::dom::element_type::NULL_VALUE:
        out.append("\"\"");
        return true;
      case simdjson::dom::element_type::STRING: {
        std::string_view s;
        if (e.get_string().get(s) != simdjson::SUCCESS) return false;
        const bool is_time = (type && kind_of_type(type->id) == value_kind::datetime) ||
                             (position == 1 && parent && parent->id == "TS");
        if (is_time) {
          char buf[64];
          if (s.size() < sizeof buf) {
            if (const std::size_t n = iso_to_dtm(s, buf); n != 0) {
              out.append(buf, n);
              return true;
            }
          }
        }
        put_text(s, out);
        return true;
      }
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        return put_number(e, out);
      case simdjson::dom::element_type::OBJECT: {
        if (!typed_shape || level >= 3 || type == nullptr || type->is_primitive()) return false;
        // Without that level's delimiter (MSH-2 "^~" has no subcomponent one) only position 1 can be given.
        const char sep = level == 1 ? d_.component : d_.subcomponent;
        simdjson::dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) return false;
        // Place members by component position; write in position order.
        const std::size_t mark = parts_.size();
        for (const auto& m : o) {
          std::size_t pos = 0, rep = 0;
          if (!detail::parse_positional_key(m.key, pos, rep)) {
            for (std::size_t k = 1; k <= type->component_count; ++k) {
              if (detail::iequals(type->component(k)->key, m.key)) {
                pos = k;
                break;
              }
            }
            if (pos == 0) return false;
          } else if (rep != 0) {
            return false;
          }
          parts_.push_back(slot{pos, 0, m.value});
        }
        std::sort(parts_.begin() + static_cast<std::ptrdiff_t>(mark), parts_.end(),
                  [](const slot& a, const slot& b) { return a.position < b.position; });
        std::size_t written = 1;
        bool ok = true;
        for (std::size_t i = mark; i < parts_.size() && ok; ++i) {
          const slot s = parts_[i];
          if (s.position < written || (i > mark && s.position == parts_[i - 1].position)) {
            ok = false;
            break;
          }
          if (sep == '\0' && s.position > 1) {
            ok = false;
            break;
          }
          while (written < s.position) {
            out.push_back(sep);
            ++written;
          }
          const defs::component_def* cd = type->component(s.position);
          ok = put_value(s.value, cd != nullptr, cd ? cd->type : nullptr, type, s.position, level + 1, out);
        }
        parts_.resize(mark);
        return ok;
      }
      case simdjson::dom::element_type::ARRAY: {
        // The positional sub-shape: components of a repetition, subcomponents of a component.
        if (typed_shape && type != nullptr) return false;
        if (level >= 3) return false;
        const char sep = level == 1 ? d_.component : d_.subcomponent;
        if (sep == '\0') return false;
        simdjson::dom::array a;
        if (e.get_array().get(a) != simdjson::SUCCESS) return false;
        bool first = true;
        for (simdjson::dom::element p : a) {
          if (!first) out.push_back(sep);
          first = false;
          if (!put_value(p, false, nullptr, nullptr, 0, level + 1, out)) return false;
        }
        return true;
      }
      default:
        return false;
    }
  }

  // A JSON number as its shortest text.
  static bool put_number(simdjson::dom::element e, std::string& out) {
    char buf[40];
    std::to_chars_result r{};
    if (std::int64_t i; e.get_int64().get(i) == simdjson::SUCCESS) {
      r = std::to_chars(buf, buf + sizeof buf, i);
    } else if (std::uint64_t u; e.get_uint64().get(u) == simdjson::SUCCESS) {
      r = std::to_chars(buf, buf + sizeof buf, u);
    } else if (double x; e.get_double().get(x) == simdjson::SUCCESS) {
      r = std::to_chars(buf, buf + sizeof buf, x);
    } else {
      return false;
    }
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
    return true;
  }

  // Text escaped for ER7, as Latin-1 bytes when the message says 8859/1.
  void put_text(std::string_view s, std::string& out) {
    if (latin1_) {
      text_.clear();
      for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
          text_.push_back(s[i]);
        } else if ((b == 0xC2 || b == 0xC3) && i + 1 < s.size()) {
          text_.push_back(static_cast<char>(((b & 0x03) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F)));
        } else {
          text_.push_back('?');
          while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
        }
      }
      s = text_;
    }
    hl7v2::escape(s, d_, out);
  }

  reader_options opt_;
  defs::resolver resolver_;
  simdjson::dom::parser parser_;
  std::string padded_;
  std::string delims_;
  std::string text_;
  std::string number_text_;
  std::vector<slot> slots_;
  std::vector<slot> parts_;
  hl7v2::delimiters d_{};
  const defs::version_def* version_ = nullptr;
  bool latin1_ = false;
};

}  // namespace hl7v2::json
