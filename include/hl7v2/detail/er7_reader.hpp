// The JSON reader behind er7_from_json (json/reader.hpp): simdjson's DOM walked into ER7. Included by
// reader.hpp where the bodies are defined (detail/compiled.hpp): header-only, or in the hl7v2::definitions
// library, so that in compiled mode a user's translation unit never parses simdjson.h.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
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
#include "hl7v2/json/named.hpp"
#include "hl7v2/json/reader.hpp"
#include "hl7v2/json/typed_values.hpp"
#include "hl7v2/json/walk.hpp"

namespace hl7v2::json {

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

// What er7_from_json does (reader.hpp): the state and the code, with simdjson.
class er7_reader {
 public:
  er7_reader(const defs::registry& versions, reader_options options)
      : opt_(options), resolver_(versions, options.default_version, options.definitions) {}

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
  // value: the part itself (a field's repetition 1); more: "<key>_more", a field's other repetitions;
  // er7: "<key>_er7", its ER7 text; reading(_more): "<key>_<type>(_more)", a varies field read in that
  // type. (er7 sorts after value: see put_value.)
  enum class slot_kind : std::uint8_t { value, more, reading, reading_more, er7 };
  struct slot {
    std::size_t position;
    std::size_t rep;  // 0: the field's value; n: an extra repetition "5(n)"
    slot_kind kind;
    const defs::type_def* type;  // reading: the type
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

  // MSH-12.1 as the emitters read it: the text, or an object's first component ("version_id"), or
  // (older JSON) the first element of an array of repetitions.
  std::string_view component_one_text(simdjson::dom::element e, const defs::type_def* type) {
    simdjson::dom::array a;
    if (e.get_array().get(a) == simdjson::SUCCESS) {
      if (a.begin() == a.end()) return {};
      e = *a.begin();
    }
    simdjson::dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) return first_text(e);
    const defs::component_def* c = type != nullptr ? type->component(1) : nullptr;
    simdjson::dom::element one;
    if ((c != nullptr && find_member(o, c->key(), one)) || find_member(o, "1", one)) return first_text(one);
    return {};
  }

  // MSH-18 as the emitters read it: its first repetition's first component, the key's text.
  hl7v2::charset charset_of(simdjson::dom::object msh) {
    const defs::segment_def* m = version_->segment("MSH");
    const defs::field_def* f = m ? m->field(18) : nullptr;
    simdjson::dom::element e;
    if (!find_member(msh, f != nullptr ? f->key() : std::string_view{"18"}, e)) return hl7v2::charset::utf8;
    return hl7v2::charset_from_msh18(component_one_text(e, f != nullptr ? f->type : nullptr));
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
    if (f != nullptr) return find_member(seg, f->key(), e);
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
    if (!have_head) return bad(1);
    // Version and character set come from MSH only when it leads, as the parser's header() (and so the
    // emitters) read them; behind a batch header the defaults apply.
    if (std::string_view{head_id, 3} == "MSH") {
      msh = head;
      have_msh = true;
    }
    std::string_view sep_text = "|", enc_text = "^~\\&";
    const std::string_view hid{head_id, 3};
    std::string_view version_text;
    for (const defs::version_def* v : resolver_.versions().versions()) {
      simdjson::dom::element e;
      if (have_msh && version_text.empty() && find_field(msh, *v, "MSH", 12, e)) {
        const defs::segment_def* m = v->segment("MSH");
        const defs::field_def* f = m ? m->field(12) : nullptr;
        version_text = component_one_text(e, f ? f->type : nullptr);
      }
      if (find_field(head, *v, hid, 1, e)) sep_text = first_text(e);
      if (find_field(head, *v, hid, 2, e)) enc_text = first_text(e);
    }
    // The emitters read MSH-12.1: an empty one means the default version (defs/resolver.hpp).
    version_ = &resolver_.version_or_default(version_text);
    std::string header = "MSH";
    header.append(sep_text);
    header.append(enc_text);
    const auto d = hl7v2::read_delimiters(header);
    if (!d || sep_text.size() != 1) return bad(1, sep_text.size() != 1 ? 1 : 2);
    d_ = *d;
    charset_ = have_msh ? charset_of(msh) : hl7v2::charset::utf8;

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

  static bool ends_with_ci(std::string_view key, std::string_view suffix) noexcept {
    return key.size() > suffix.size() && detail::iequals(key.substr(key.size() - suffix.size()), suffix);
  }
  static bool ends_with_er7(std::string_view key) noexcept { return ends_with_ci(key, er7_suffix); }

  // Resolves a segment member's key to a field position and what it holds; false when the key means
  // nothing in this segment. Keys: "<key>" (repetition 1), "<key>_more" (the others), "<key>_er7" (the
  // ER7 text), "<key>_<type>" and "<key>_<type>_more" (a varies field in that type), positions
  // ("7", "7_er7", and "7(2)" as JSON before "_more" had it).
  bool field_slot(std::string_view key, const defs::segment_def* def, slot& s) const {
    s.kind = slot_kind::value;
    s.type = nullptr;
    if (detail::parse_positional_key(key, s.position, s.rep)) return true;
    if (ends_with_er7(key)) {
      s.kind = slot_kind::er7;
      return base_field(key.substr(0, key.size() - er7_suffix.size()), def, s.position, true);
    }
    if (def == nullptr) return false;
    if (base_field(key, def, s.position, false)) return true;
    bool more = false;
    if (ends_with_ci(key, more_suffix)) {
      const std::string_view base = key.substr(0, key.size() - more_suffix.size());
      if (base_field(base, def, s.position, false)) {
        s.kind = slot_kind::more;
        return true;
      }
      key = base;
      more = true;
    }
    // "<key>_<type>": a varies field read in that type.
    for (const defs::field_def& f : def->fields()) {
      if (f.type == nullptr || !defs::is_varies(f.type->id) || key.size() <= f.key().size() + 1 ||
          key[f.key().size()] != '_' || !detail::iequals(key.substr(0, f.key().size()), f.key()))
        continue;
      const std::string_view suffix = key.substr(f.key().size() + 1);
      char id[16];
      if (suffix.size() > sizeof id) return false;
      for (std::size_t i = 0; i < suffix.size(); ++i) {
        const char c = suffix[i];
        id[i] = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
      }
      s.type = version_->type(std::string_view{id, suffix.size()});
      if (s.type == nullptr) return false;
      s.kind = more ? slot_kind::reading_more : slot_kind::reading;
      s.position = f.position;
      return true;
    }
    return false;
  }

  // A field's own key (or, `positional`, its position) → its position.
  static bool base_field(std::string_view key, const defs::segment_def* def, std::size_t& position,
                         bool positional) {
    std::size_t rep = 0;
    if (positional && detail::parse_positional_key(key, position, rep)) return rep == 0;
    if (def == nullptr) return false;
    for (const defs::field_def& f : def->fields()) {
      if (detail::iequals(f.key(), key)) {
        position = f.position;
        return true;
      }
    }
    return false;
  }

  hl7v2::error write_segment(std::string_view id, const defs::segment_def* def, simdjson::dom::element e,
                             std::size_t index, std::string& out) {
    simdjson::dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) return bad(index);
    const bool is_header = id == "MSH" || id == "FHS" || id == "BHS";
    if (index == 1 && !is_header) return bad(index);
    const std::size_t segment_start = out.size();
    slots_.clear();
    for (const auto& m : o) {
      slot s{};
      s.value = m.value;
      if (!field_slot(m.key, def, s)) return bad(index);
      slots_.push_back(s);
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
    std::size_t written = 0;                         // last field position written
    if (is_header && index > 1 && slots_.empty()) {  // a bare "MSH" later on is text, not a header
      out.push_back('\r');
      return {};
    }
    if (is_header) {
      out.push_back(d_.field);
      if (index == 1) {
        std::array<char, 5> storage{};
        out.append(d_.encoding_characters(storage));
      } else {
        // A later header (BHS after MSH, say) keeps its own second field as the text it is; a line
        // break there (text in an LF-terminated message) would end the segment: refused.
        for (const slot& s : slots_) {
          if (s.position != 2 || s.rep != 0 || s.kind != slot_kind::value) continue;
          std::string_view text;
          if (s.value.get_string().get(text) != simdjson::SUCCESS) return bad(index, 2);
          const std::size_t at = out.size();
          put_latin1_or_utf8(text, out);
          const char forbidden[4] = {d_.field, '\r', '\n', '\0'};
          if (std::string_view{out}.substr(at).find_first_of(std::string_view{forbidden, 3}) !=
              std::string_view::npos)
            return bad(index, 2);
        }
      }
      written = 2;
    }
    // OBX-5 takes its type from OBX-2 (defs/resolver.hpp). Old JSON (before the "<key>_<type>" reading)
    // had OBX-5 as an object of that type.
    const defs::type_def* varies_type = nullptr;
    if (const std::size_t from = defs::varies_type_field(id, 5); from != 0) {
      for (const slot& s : slots_) {
        if (s.position == from && s.rep == 0 && s.kind == slot_kind::value)
          varies_type = defs::varies_type(*version_, first_text(s.value));
      }
    }
    for (std::size_t i = 0; i < slots_.size();) {
      std::size_t end = i;
      while (end < slots_.size() && slots_[end].position == slots_[i].position) ++end;
      const std::size_t position = slots_[i].position;
      if (is_header && position <= 2) {
        i = end;
        continue;
      }
      while (written < position) {
        out.push_back(d_.field);
        ++written;
      }
      if (!put_field_slots(i, end, def ? def->field(position) : nullptr, varies_type, out))
        return bad(index, position);
      i = end;
    }
    // A parser takes the first line break for the terminator: the header segment cannot hold one.
    if (index == 1 &&
        std::string_view{out}.substr(segment_start).find_first_of("\r\n") != std::string_view::npos)
      return bad(index);
    // A last value ending in a line feed (text of a CR-terminated message) would meet the CR as a CRLF
    // terminator when read again: an empty field after it, which the JSON does not record either,
    // keeps the line feed in the value.
    if (out.size() > segment_start && out.back() == '\n') out.push_back(d_.field);
    out.push_back('\r');
    return {};
  }

  // The members for one field position: its ER7 text when given (it says everything), else its
  // reading in a composite type (a varies field), else its value (repetition 1, the others under
  // "_more"), else a typed primitive reading. JSON written before "_more" is read too: an array of all
  // repetitions under the key of a repeating field, or "5(n)" for repetition n of one that may not.
  bool put_field_slots(std::size_t begin, std::size_t end, const defs::field_def* fd,
                       const defs::type_def* varies_type, std::string& out) {
    const slot* er7 = nullptr;
    const slot* first = nullptr;
    const slot* more = nullptr;
    const slot* reading = nullptr;
    const slot* reading_more = nullptr;
    bool numbered = false;  // "5(n)"
    for (std::size_t k = begin; k < end; ++k) {
      const slot& s = slots_[k];
      const slot** place = nullptr;
      switch (s.kind) {
        case slot_kind::er7:
          place = &er7;
          break;
        case slot_kind::more:
          place = &more;
          break;
        case slot_kind::reading:
          place = &reading;
          break;
        case slot_kind::reading_more:
          place = &reading_more;
          break;
        case slot_kind::value:
          if (s.rep != 0) {
            numbered = true;
            continue;
          }
          place = &first;
          break;
      }
      if (*place != nullptr) return false;  // the same member twice
      *place = &s;
    }
    if (er7 != nullptr) return put_raw(er7->value, 1, out);
    if (reading != nullptr || reading_more != nullptr) {
      const defs::type_def* type = reading ? reading->type : reading_more->type;
      if (reading && reading_more && reading->type != reading_more->type) return false;
      // A composite reading says more than the text; a primitive one (typed) only counts alone.
      if (!type->is_primitive() || (first == nullptr && more == nullptr))
        return put_repetitions(reading, reading_more, type, fd, out);
    }
    const defs::type_def* type = fd ? fd->type : nullptr;
    const bool varies = type != nullptr && defs::is_varies(type->id);
    if (varies) type = nullptr;  // the text reading: text, whatever OBX-2 says
    legacy_type_ = varies ? varies_type : nullptr;
    bool ok = true;
    if (!numbered) {
      ok = put_repetitions(first, more, type, fd, out);
    } else if (more != nullptr) {
      ok = false;
    } else {
      // "5(3)": repetition 3 of a field that may not repeat; repetitions not given are empty.
      std::size_t reps_written = 0;
      for (std::size_t k = begin; k < end && ok; ++k) {
        const slot& s = slots_[k];
        if (s.kind != slot_kind::value) continue;
        const std::size_t target = s.rep == 0 ? 1 : s.rep;
        if (target <= reps_written || (target > 1 && d_.repetition == '\0')) {
          ok = false;
          break;
        }
        for (std::size_t r = std::max<std::size_t>(reps_written, 1); r < target; ++r)
          out.push_back(d_.repetition);
        reps_written = target;
        ok = put_value(s.value, fd != nullptr, type, nullptr, 0, 1, out);
      }
    }
    legacy_type_ = nullptr;
    return ok;
  }

  // Repetition 1 (`first`, may be absent: empty) and the array of the others (`more`, may be absent).
  // Without `more`, an array under a repeating field's key is all of its repetitions (older JSON).
  bool put_repetitions(const slot* first, const slot* more, const defs::type_def* type,
                       const defs::field_def* fd, std::string& out) {
    const bool typed_shape = fd != nullptr || type != nullptr;
    simdjson::dom::array reps;
    if (first != nullptr && more == nullptr && fd != nullptr && fd->repeats() &&
        first->value.get_array().get(reps) == simdjson::SUCCESS) {
      bool lead = true;
      for (simdjson::dom::element r : reps) {
        if (!lead) out.push_back(d_.repetition);
        lead = false;
        if (!put_value(r, typed_shape, type, nullptr, 0, 1, out)) return false;
      }
      return true;
    }
    if (first != nullptr && !put_value(first->value, typed_shape, type, nullptr, 0, 1, out)) return false;
    if (more == nullptr) return true;
    if (more->value.get_array().get(reps) != simdjson::SUCCESS || d_.repetition == '\0') return false;
    for (simdjson::dom::element r : reps) {
      out.push_back(d_.repetition);
      if (!put_value(r, typed_shape, type, nullptr, 0, 1, out)) return false;
    }
    return true;
  }

  // A part's ER7 text ("<key>_er7"), written as it is. `level` 1 is a whole field, 2 a component, 3 a
  // subcomponent: the text may hold the delimiters below its level, never its own or those above.
  bool put_raw(simdjson::dom::element e, int level, std::string& out) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return false;
    const std::size_t at = out.size();
    put_latin1_or_utf8(s, out);
    for (std::size_t i = at; i < out.size(); ++i) {
      const char c = out[i];
      if (c == d_.field) return false;
      if (c == '\0') continue;  // text (an undeclared delimiter is '\0')
      if (level >= 2 && (c == d_.repetition || c == d_.component)) return false;
      if (level >= 3 && c == d_.subcomponent) return false;
    }
    return true;
  }

  // One value at `level` (1 repetition, 2 component, 3 subcomponent). `typed_shape`: the definitions
  // know this part (objects by key); else the positional sub-shape (arrays by position, as JSON written
  // before the "_er7" members had it).
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
        if (type == nullptr && level == 1) type = legacy_type_;
        if (!typed_shape || level >= 3 || type == nullptr || type->is_primitive()) return false;
        // Without that level's delimiter (MSH-2 "^~" has no subcomponent one) only position 1 can be given.
        const char sep = level == 1 ? d_.component : d_.subcomponent;
        simdjson::dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) return false;
        // Place members by component position; write in position order, a part's "_er7" text in place
        // of its value.
        const std::size_t mark = parts_.size();
        for (const auto& m : o) {
          slot s{};
          s.value = m.value;
          if (!component_slot(m.key, type, s)) return false;
          parts_.push_back(s);
        }
        std::sort(parts_.begin() + static_cast<std::ptrdiff_t>(mark), parts_.end(),
                  [](const slot& a, const slot& b) {
                    return a.position < b.position || (a.position == b.position && a.kind > b.kind);
                  });
        std::size_t written = 1;
        bool ok = true;
        for (std::size_t i = mark; i < parts_.size() && ok; ++i) {
          const slot s = parts_[i];
          if (i > mark && s.position == parts_[i - 1].position) {
            // A value beside its "_er7" text (which came first) says nothing more; two of a kind clash.
            ok = s.kind == slot_kind::value && parts_[i - 1].kind == slot_kind::er7;
            continue;
          }
          if (s.position < written || (sep == '\0' && s.position > 1)) {
            ok = false;
            break;
          }
          while (written < s.position) {
            out.push_back(sep);
            ++written;
          }
          if (s.kind == slot_kind::er7) {
            ok = put_raw(s.value, level + 1, out);
          } else {
            const defs::component_def* cd = type->component(s.position);
            ok = put_value(s.value, cd != nullptr, cd ? cd->type : nullptr, type, s.position, level + 1, out);
          }
        }
        // {"first":null} alone is `""^`: written `""` it would read as HL7's null for the whole value.
        if (ok && parts_.size() == mark + 1 && parts_[mark].position == 1 && parts_[mark].value.is_null() &&
            parts_[mark].kind == slot_kind::value && sep != '\0')
          out.push_back(sep);
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

  // A member of a composite value: a component key, a position, or either with "_er7".
  static bool component_slot(std::string_view key, const defs::type_def* type, slot& s) {
    s.kind = slot_kind::value;
    std::size_t rep = 0;
    if (ends_with_er7(key)) {
      s.kind = slot_kind::er7;
      key = key.substr(0, key.size() - er7_suffix.size());
    }
    if (detail::parse_positional_key(key, s.position, rep)) return rep == 0;
    for (std::size_t k = 1; k <= type->component_count; ++k) {
      if (detail::iequals(type->component(k)->key(), key)) {
        s.position = k;
        return true;
      }
    }
    return false;
  }

  // A JSON number as its shortest text.
  // Doubles in fixed notation, never with an exponent (HL7 NM has none): "0.000003225", not "3.225e-06".
  static bool put_number(simdjson::dom::element e, std::string& out) {
    char buf[400];  // the longest double in fixed notation is about 330 characters
    std::to_chars_result r{};
    if (std::int64_t i; e.get_int64().get(i) == simdjson::SUCCESS) {
      r = std::to_chars(buf, buf + sizeof buf, i);
    } else if (std::uint64_t u; e.get_uint64().get(u) == simdjson::SUCCESS) {
      r = std::to_chars(buf, buf + sizeof buf, u);
    } else if (double x; e.get_double().get(x) == simdjson::SUCCESS) {
      r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed);
    } else {
      return false;
    }
    if (r.ec != std::errc{}) return false;
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
    return true;
  }

  // Text escaped for ER7, in the message's character set (to_message_bytes). Text that is exactly `""`
  // is not HL7's null: its quotes are written as an escape.
  void put_text(std::string_view s, std::string& out) {
    const std::string_view bytes = to_message_bytes(s);
    if (bytes == "\"\"" && d_.escape != '\0') {
      const char seq[8] = {d_.escape, 'X', '2', '2', '2', '2', d_.escape};
      out.append(seq, 7);
      return;
    }
    hl7v2::escape(bytes, d_, out);
  }
  void put_latin1_or_utf8(std::string_view s, std::string& out) { out.append(to_message_bytes(s)); }

  // UTF-8 text as the message's bytes: in a single-byte set (MSH-18 8859/1 ... 8859/15, ASCII) each
  // character becomes its byte, '?' when the set has none; otherwise the UTF-8 as it is.
  std::string_view to_message_bytes(std::string_view s) {
    if (charset_ == hl7v2::charset::utf8 || charset_ == hl7v2::charset::unknown || hl7v2::detail::is_ascii(s))
      return s;
    text_.clear();
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (std::size_t i = 0; i < s.size();) {
      if (p[i] < 0x80) {
        text_.push_back(s[i++]);
        continue;
      }
      std::size_t bad = 0;
      const std::size_t n = hl7v2::detail::utf8_sequence(p + i, s.size() - i, bad);
      std::uint32_t cp = 0;
      if (n == 2) cp = ((p[i] & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
      if (n == 3) cp = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
      char byte = '?';
      for (unsigned b = 0x80; cp != 0 && b <= 0xFF; ++b) {
        if (hl7v2::detail::single_byte_code_point(charset_, static_cast<unsigned char>(b)) == cp) {
          byte = static_cast<char>(b);
          break;
        }
      }
      text_.push_back(byte);
      i += n != 0 ? n : (bad != 0 ? bad : 1);
    }
    return text_;
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
  const defs::type_def* legacy_type_ = nullptr;    // OBX-5 of old JSON: the type OBX-2 names
  bool latin1_ = false;                            // positional "bytes":"latin1"
  hl7v2::charset charset_ = hl7v2::charset::utf8;  // named: MSH-18
};

}  // namespace detail

HL7V2_COMPILED_INLINE er7_from_json::er7_from_json(const defs::registry& versions, reader_options options)
    : impl_(std::make_unique<detail::er7_reader>(versions, options)) {}
HL7V2_COMPILED_INLINE er7_from_json::er7_from_json(er7_from_json&&) noexcept = default;
HL7V2_COMPILED_INLINE er7_from_json& er7_from_json::operator=(er7_from_json&&) noexcept = default;
HL7V2_COMPILED_INLINE er7_from_json::~er7_from_json() = default;
HL7V2_COMPILED_INLINE hl7v2::result<std::size_t> er7_from_json::convert(std::string_view json_text,
                                                                        std::string& out) {
  return impl_->convert(json_text, out);
}

}  // namespace hl7v2::json
