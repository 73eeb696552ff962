// The JSON key rule (keys.hpp), and its agreement with the keys the generator wrote.
#include <catch2/catch_test_macros.hpp>

#include <set>
#include <string>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/defs/keys.hpp"

using namespace hl7v2::defs;

TEST_CASE("make_json_key: the documented rule", "[defs][keys]") {
  CHECK(make_json_key("Message Control ID") == "message_control_id");
  CHECK(make_json_key("Set ID - Patient ID") == "set_id_patient_id");
  CHECK(make_json_key("Mother's Maiden Name") == "mothers_maiden_name");
  CHECK(make_json_key("Mother\xE2\x80\x99s Maiden Name") == "mothers_maiden_name");
  CHECK(make_json_key("Date/Time of Message") == "date_time_of_message");
  CHECK(make_json_key("  --Family + Last Name--  ") == "family_last_name");
  CHECK(make_json_key("1st Given Name") == "n_1st_given_name");
  CHECK(make_json_key("Caf\xC3\xA9 Name") == "caf_name");  // non-ASCII bytes are separators
  CHECK(make_json_key("", "field_7") == "field_7");
  CHECK(make_json_key("---", "field_7") == "field_7");
  CHECK(make_json_key("ABC") == "abc");
}

TEST_CASE("generated keys are unique per segment and type, and follow the rule", "[defs][keys]") {
  std::size_t differing = 0;
  for (const version_def* v : all_versions()) {
    for (const auto& entry : v->segments()) {
      std::set<std::string_view> seen;
      for (const field_def& f : entry.def->fields()) {
        INFO(v->id << " " << entry.def->id << "-" << f.position << " " << f.name());
        CHECK(seen.insert(f.key()).second);
        const std::string plain = make_json_key(f.name(), "field_" + std::to_string(f.position));
        // A key differs from the rule only by the collision suffix "_<position>".
        if (f.key() != plain) {
          ++differing;
          CHECK(f.key() == plain + "_" + std::to_string(f.position));
        }
      }
    }
    for (const type_def* t : v->types()) {
      std::set<std::string_view> seen;
      for (std::size_t i = 0; i < t->components().size(); ++i) {
        const component_def& c = t->components()[i];
        INFO(v->id << " " << t->id << "." << i + 1 << " " << c.name());
        CHECK(seen.insert(c.key()).second);
        const std::string plain = make_json_key(c.name(), "field_" + std::to_string(i + 1));
        if (c.key() != plain) CHECK(c.key() == plain + "_" + std::to_string(i + 1));
      }
    }
  }
  CHECK(differing > 0);  // the rule is exercised (RX1 "Unused" fields, OM2, ...)
}
