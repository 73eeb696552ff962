#pragma once
// Runtime profiles: site-specific definitions (Z-segments, renamed or retyped fields, local data
// types) read from JSON and laid over a built-in version. The profile type is in site_profile.hpp;
// this header reads one from JSON (with simdjson; in compiled mode, detail/compiled.hpp, the library does,
// and this header only declares).
//
// The JSON format is described in cmake/defs/README.md ("Profiles"); examples/profiles/ holds an example.
//
// Loading never throws: a bad profile yields a profile_error with a code from profile_errc_table, the
// JSON path and what the code refers to, e.g. `segments.ZPI.fields[2].type: unknown data type: XYZ`.

#include "hl7v2/defs/site_profile.hpp"
#include "hl7v2/detail/compiled.hpp"

#if HL7V2_DEFINE_BODIES
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hl7v2/defs/keys.hpp"
#include "hl7v2/defs/site_profile.hpp"
#include "hl7v2/defs/types.hpp"
#include "hl7v2/error.hpp"

namespace hl7v2::defs {

namespace detail {

/// One field or component as a profile writes it; unset members inherit from the base.
struct profile_entry {
  std::optional<std::uint16_t> position;
  std::optional<std::string_view> name, key, type;
  std::optional<optionality> opt;
  std::optional<std::uint16_t> repeats;
  std::optional<std::uint32_t> max_length;
  std::optional<std::uint16_t> table;
};

/// A field or component under construction, with what the key-uniqueness rule needs. Its name and key
/// are kept apart until the item is finished, then interned as the one text field_def holds.
struct working_item {
  field_def def;
  std::string_view name, key;
  bool key_derived = false;  ///< derived from the name, so it may take a "_<position>" suffix
  std::string path;          ///< where the profile set it; empty for untouched base items
};

class profile_loader {
 public:
  profile_loader(profile& out, const version_def& base) : out_(out), base_(base) { out_.base_ = &base; }

  bool run(std::string_view json_text) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json_text);
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root); err)
      return fail("", profile_errc::invalid_json, simdjson::error_message(err));
    simdjson::dom::object top;
    if (root.get_object().get(top)) return fail("", profile_errc::not_an_object);

    simdjson::dom::object types, segments;
    bool has_types = false, has_segments = false;
    for (auto [member, value] : top) {
      const std::string path(member);
      if (member == "name") {
        std::string_view s;
        if (value.get_string().get(s)) return fail(path, profile_errc::not_a_string);
        out_.name_ = std::string(s);
      } else if (member == "base") {
        std::string_view s;
        if (value.get_string().get(s)) return fail(path, profile_errc::not_a_string);
        if (s != base_.id)
          return fail(path, profile_errc::wrong_base,
                      std::string(s) + ", loaded over " + std::string(base_.id));
      } else if (member == "types") {
        if (value.get_object().get(types)) return fail(path, profile_errc::not_an_object);
        has_types = true;
      } else if (member == "segments") {
        if (value.get_object().get(segments)) return fail(path, profile_errc::not_an_object);
        has_segments = true;
      } else {
        return fail(path, profile_errc::unknown_member, "expected name, base, types, segments");
      }
    }
    if (has_types && !load_types(types)) return false;
    if (has_segments && !load_segments(segments)) return false;
    clone_segments_using_replaced_types();
    build_indexes();
    return true;
  }

  profile_error error;

 private:
  profile& out_;
  const version_def& base_;
  std::map<std::string, type_def*, std::less<>> types_by_id_;        // the profile's types
  std::map<const type_def*, type_def*> replaced_;                    // base type → profile type
  std::vector<std::pair<const type_def*, type_def*>> clones_;        // base types copied for remapping
  std::map<std::string, segment_def*, std::less<>> segments_by_id_;  // the profile's segments

  bool fail(std::string path, profile_errc code, std::string detail = {}) {
    error = {code, std::move(path), std::move(detail)};
    return false;
  }

  std::string_view intern(std::string_view s) {
    auto& buffer = out_.strings_.emplace_back(std::make_unique<char[]>(s.size() + 1));
    std::copy(s.begin(), s.end(), buffer.get());
    return {buffer.get(), s.size()};
  }

  /// The item as a field_def, its name and key in one text as types.hpp lays them out.
  field_def finish(const working_item& it) {
    std::string text(it.name);
    text += '"';
    text += it.key;
    text += "\":";
    field_def f = it.def;
    f.text = intern(text).data();
    f.name_size = static_cast<std::uint16_t>(it.name.size());
    f.key_size = static_cast<std::uint16_t>(it.key.size());
    return f;
  }

  static working_item base_item(const field_def& f, const type_def* type) {
    working_item it{f, f.name(), f.key(), false, {}};
    it.def.type = type;
    return it;
  }

  const type_def* resolve_type(std::string_view id) const {
    if (auto it = types_by_id_.find(id); it != types_by_id_.end()) return it->second;
    return base_.type(id);
  }

  const type_def* remap(const type_def* t) const {
    auto it = replaced_.find(t);
    return it == replaced_.end() ? t : it->second;
  }

  static bool valid_type_id(std::string_view id) {
    if (id.empty() || id.size() > 32) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
  }

  static bool valid_segment_id(std::string_view id) {
    return id.size() == 3 && std::all_of(id.begin(), id.end(), [](char c) {
             return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
           });
  }

  // ---- data types ----------------------------------------------------------------------------

  bool load_types(simdjson::dom::object types) {
    // Pass 1: every profile type exists before any component refers to it.
    struct pending {
      std::string id, path;
      simdjson::dom::object body;
    };
    std::vector<pending> bodies;
    for (auto [id, value] : types) {
      const std::string path = "types." + std::string(id);
      if (!valid_type_id(id)) return fail(path, profile_errc::bad_type_id);
      if (types_by_id_.count(id)) return fail(path, profile_errc::defined_twice);
      simdjson::dom::object body;
      if (value.get_object().get(body)) return fail(path, profile_errc::not_an_object);
      type_def* shell = new_type(id, base_.type(id));
      if (const type_def* old = base_.type(id)) replaced_[old] = shell;
      bodies.push_back({std::string(id), path, body});
    }
    clone_types_using_replaced_types();
    // Pass 2: components.
    for (const auto& [id, path, body] : bodies) {
      type_def* t = types_by_id_.find(id)->second;
      const type_def* old = base_.type(t->id);
      std::vector<working_item> items;
      if (old) {
        for (const auto& c : old->components())
          items.push_back(base_item(as_field(c, items.size() + 1), remap(c.type)));
      }
      if (!read_body(body, path, "components", t->name, items)) return false;
      auto& list = out_.component_lists_.emplace_back();
      for (const auto& it : items) {
        const field_def f = finish(it);
        list.push_back({.text = f.text,
                        .type = f.type,
                        .max_length = f.max_length,
                        .table = f.table,
                        .name_size = f.name_size,
                        .key_size = f.key_size,
                        .opt = f.opt});
      }
      t->component_data = list.data();
      t->component_count = static_cast<std::uint16_t>(list.size());
    }
    return true;
  }

  type_def* new_type(std::string_view id, const type_def* like) {
    auto& t = out_.types_.emplace_back(std::make_unique<type_def>());
    t->id = intern(id);
    t->name = like ? like->name : std::string_view{};
    if (like) {  // until its own components are set, a replacement looks like the original
      t->component_data = like->component_data;
      t->component_count = like->component_count;
    }
    types_by_id_.emplace(std::string(id), t.get());
    return t.get();
  }

  /// A base type whose components use a replaced type is copied so it points at the
  /// replacement (XPN uses FN; a profile that changes FN changes what XPN.1 is).
  void clone_types_using_replaced_types() {
    for (bool changed = true; changed;) {
      changed = false;
      for (const type_def* t : base_.types()) {
        if (replaced_.count(t)) continue;
        const auto comps = t->components();
        if (std::none_of(comps.begin(), comps.end(),
                         [&](const component_def& c) { return replaced_.count(c.type) > 0; }))
          continue;
        type_def* clone = new_type(t->id, t);
        replaced_[t] = clone;
        clones_.emplace_back(t, clone);
        changed = true;
      }
    }
    for (const auto& [old, clone] : clones_) {
      auto& list = out_.component_lists_.emplace_back(old->components().begin(), old->components().end());
      for (auto& c : list) c.type = remap(c.type);
      clone->component_data = list.data();
    }
  }

  // ---- segments ------------------------------------------------------------------------------

  bool load_segments(simdjson::dom::object segments) {
    for (auto [id, value] : segments) {
      const std::string path = "segments." + std::string(id);
      if (!valid_segment_id(id)) return fail(path, profile_errc::bad_segment_id);
      if (segments_by_id_.count(id)) return fail(path, profile_errc::defined_twice);
      simdjson::dom::object body;
      if (value.get_object().get(body)) return fail(path, profile_errc::not_an_object);
      const segment_def* old = base_.segment(id);
      auto& seg = out_.segments_.emplace_back(std::make_unique<segment_def>());
      seg->id = intern(id);
      seg->name = old ? old->name : std::string_view{};
      std::vector<working_item> items;
      if (old) {
        for (const auto& f : old->fields()) items.push_back(base_item(f, remap(f.type)));
      }
      if (!read_body(body, path, "fields", seg->name, items)) return false;
      auto& list = out_.field_lists_.emplace_back();
      for (const auto& it : items) list.push_back(finish(it));
      seg->field_data = list.data();
      seg->field_count = static_cast<std::uint16_t>(list.size());
      segments_by_id_.emplace(std::string(id), seg.get());
    }
    return true;
  }

  /// A base segment the profile does not define, but whose fields use a replaced type.
  void clone_segments_using_replaced_types() {
    if (replaced_.empty()) return;
    for (const auto& entry : base_.segments()) {
      const segment_def* old = entry.def;
      if (segments_by_id_.count(old->id)) continue;
      const auto fields = old->fields();
      if (std::none_of(fields.begin(), fields.end(),
                       [&](const field_def& f) { return replaced_.count(f.type) > 0; }))
        continue;
      auto& list = out_.field_lists_.emplace_back(fields.begin(), fields.end());
      for (auto& f : list) f.type = remap(f.type);
      auto& seg = out_.segments_.emplace_back(std::make_unique<segment_def>(*old));
      seg->field_data = list.data();
      segments_by_id_.emplace(std::string(old->id), seg.get());
    }
  }

  // ---- fields and components -----------------------------------------------------------------

  /// A data type's or segment's body: an optional "name", and its list (`list_member`: "components"
  /// or "fields") applied to `items`, whose keys must then be unique.
  bool read_body(simdjson::dom::object body, const std::string& path, std::string_view list_member,
                 std::string_view& name, std::vector<working_item>& items) {
    for (auto [member, value] : body) {
      const std::string member_path = path + "." + std::string(member);
      if (member == "name") {
        std::string_view s;
        if (value.get_string().get(s)) return fail(member_path, profile_errc::not_a_string);
        name = intern(s);
      } else if (member == list_member) {
        if (!apply_entries(value, member_path, items)) return false;
      } else {
        return fail(member_path, profile_errc::unknown_member, "expected name, " + std::string(list_member));
      }
    }
    return unique_keys(items);
  }

  static field_def as_field(const component_def& c, std::size_t position) {
    return {.text = c.text,
            .type = c.type,
            .max_length = c.max_length,
            .position = static_cast<std::uint16_t>(position),
            .max_repeats = 1,
            .table = c.table,
            .name_size = c.name_size,
            .key_size = c.key_size,
            .opt = c.opt};
  }

  bool apply_entries(simdjson::dom::element list, const std::string& path, std::vector<working_item>& items) {
    simdjson::dom::array entries;
    if (list.get_array().get(entries)) return fail(path, profile_errc::not_an_array);
    std::size_t index = 0;
    for (simdjson::dom::element e : entries) {
      const std::string entry_path = path + "[" + std::to_string(index++) + "]";
      profile_entry entry;
      if (!read_entry(e, entry_path, entry)) return false;
      const std::size_t position = entry.position.value_or(static_cast<std::uint16_t>(items.size() + 1));
      if (position < 1 || position > items.size() + 1) {
        return fail(entry_path + ".position", profile_errc::bad_position,
                    "1.." + std::to_string(items.size() + 1) + ", no gaps");
      }
      if (position > 65535) return fail(entry_path, profile_errc::too_many_fields);
      const bool is_new = position == items.size() + 1;
      if (is_new) {
        if (!entry.name) return fail(entry_path + ".name", profile_errc::missing_member);
        if (!entry.type) return fail(entry_path + ".type", profile_errc::missing_member);
        items.push_back({field_def{.text = nullptr,
                                   .type = nullptr,
                                   .max_length = 0,
                                   .position = static_cast<std::uint16_t>(position),
                                   .max_repeats = 1,
                                   .table = 0,
                                   .name_size = 0,
                                   .key_size = 0,
                                   .opt = optionality::optional},
                         {},
                         {},
                         true,
                         entry_path});
      }
      working_item& item = items[position - 1];
      item.path = entry_path;
      if (entry.name) {
        if (entry.name->size() > 0xFFFF)
          return fail(entry_path + ".name", profile_errc::out_of_range, "at most 65535 bytes");
        item.name = intern(*entry.name);
        item.key_derived = true;
      }
      if (entry.type) {
        const type_def* t = resolve_type(*entry.type);
        if (!t) return fail(entry_path + ".type", profile_errc::unknown_type, std::string(*entry.type));
        item.def.type = t;
      }
      if (entry.key) {
        item.key = intern(*entry.key);
        item.key_derived = false;
      } else if (item.key_derived) {
        item.key = intern(make_json_key(item.name, "field_" + std::to_string(position)));
      }
      if (entry.opt) item.def.opt = *entry.opt;
      if (entry.repeats) item.def.max_repeats = *entry.repeats;
      if (entry.max_length) item.def.max_length = *entry.max_length;
      if (entry.table) item.def.table = *entry.table;
    }
    return true;
  }

  bool read_entry(simdjson::dom::element e, const std::string& path, profile_entry& entry) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) return fail(path, profile_errc::not_an_object);
    for (auto [member, value] : obj) {
      const std::string p = path + "." + std::string(member);
      std::string_view s;
      std::uint64_t n = 0;
      if (member == "name" || member == "key" || member == "type" || member == "opt") {
        if (value.get_string().get(s)) return fail(p, profile_errc::not_a_string);
        if (member == "name") entry.name = s;
        if (member == "type") entry.type = s;
        if (member == "key") {
          if (make_json_key(s) != s) return fail(p, profile_errc::bad_key);
          entry.key = s;
        }
        if (member == "opt") {
          if (s == "R")
            entry.opt = optionality::required;
          else if (s == "O")
            entry.opt = optionality::optional;
          else if (s == "C")
            entry.opt = optionality::conditional;
          else if (s == "X")
            entry.opt = optionality::not_used;
          else if (s == "B")
            entry.opt = optionality::backward;
          else if (s == "W")
            entry.opt = optionality::withdrawn;
          else
            return fail(p, profile_errc::bad_optionality);
        }
      } else if (member == "repeats") {
        if (value.get_string().get(s) == simdjson::SUCCESS && s == "unbounded") {
          entry.repeats = 0;
        } else if (value.get_uint64().get(n) || n > 65535) {
          return fail(p, profile_errc::bad_repeats);
        } else {
          entry.repeats = static_cast<std::uint16_t>(n);
        }
      } else if (member == "position" || member == "table") {
        if (value.get_uint64().get(n) || n > 65535) return fail(p, profile_errc::out_of_range, "0..65535");
        (member == "position" ? entry.position : entry.table) = static_cast<std::uint16_t>(n);
      } else if (member == "max_length") {
        if (value.get_uint64().get(n) || n > 0xFFFFFFFFu)
          return fail(p, profile_errc::out_of_range, "0..4294967295");
        entry.max_length = static_cast<std::uint32_t>(n);
      } else {
        return fail(p, profile_errc::unknown_member,
                    "expected position, name, key, type, opt, repeats, max_length, table");
      }
    }
    return true;
  }

  /// The built-ins' collision rule: a derived key already taken gets "_<position>" (again,
  /// while still taken); two keys the profile set explicitly must not collide.
  bool unique_keys(std::vector<working_item>& items) {
    std::map<std::string_view, std::size_t> owner;
    for (auto& it : items) {
      if (!it.key_derived) {
        if (!owner.emplace(it.key, it.def.position).second)
          return fail(it.path.empty() ? std::string(it.key) : it.path + ".key", profile_errc::duplicate_key,
                      std::string(it.key));
      }
    }
    for (auto& it : items) {
      if (!it.key_derived) continue;
      if (owner.count(it.key)) {
        std::string key(it.key);
        // Appended piecewise: `"_" + std::string` trips g++ 12's false -Wrestrict at -O3 (bug 105329).
        while (owner.count(key)) {
          key += '_';
          key += std::to_string(it.def.position);
        }
        it.key = intern(key);
      }
      owner.emplace(it.key, it.def.position);
    }
    for (const auto& it : items) {  // types.hpp keeps each size in 16 bits
      if (it.key.size() > 0xFFFF)
        return fail(it.path, profile_errc::out_of_range, "key: at most 65535 bytes");
    }
    return true;
  }

  // ---- the combined version ------------------------------------------------------------------

  void build_indexes() {
    for (const auto& e : base_.segments()) {
      if (!segments_by_id_.count(e.def->id)) out_.segment_index_.push_back(e);
    }
    for (const auto& [id, seg] : segments_by_id_) out_.segment_index_.push_back({pack_segment_id(id), seg});
    std::sort(out_.segment_index_.begin(), out_.segment_index_.end(),
              [](const segment_entry& a, const segment_entry& b) { return a.key < b.key; });

    for (const type_def* t : base_.types()) {
      if (!types_by_id_.count(t->id)) out_.type_index_.push_back(t);
    }
    for (const auto& [id, t] : types_by_id_) out_.type_index_.push_back(t);
    std::sort(out_.type_index_.begin(), out_.type_index_.end(),
              [](const type_def* a, const type_def* b) { return a->id < b->id; });

    out_.version_ = {base_.id,          out_.segment_index_, out_.type_index_, base_.structure_index,
                     base_.event_index, base_.table_index};
  }
};

}  // namespace detail

HL7V2_COMPILED_INLINE result<profile, profile_error> profile::load(std::string_view json_text,
                                                                   const version_def& base) {
  try {
    profile p;
    detail::profile_loader loader(p, base);
    if (!loader.run(json_text)) return std::move(loader.error);
    return p;
  } catch (const std::exception& e) {  // allocation failures: nothing else throws here
    return profile_error{profile_errc::load_failed, {}, e.what()};
  }
}

}  // namespace hl7v2::defs
#endif  // HL7V2_DEFINE_BODIES
