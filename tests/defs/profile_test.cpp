// Runtime profiles (profile.hpp): a Z-segment the lookups then find, overrides of base
// definitions, and clear errors for bad profiles.
#include <catch2/catch_test_macros.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "hl7v2/defs/profile.hpp"
#include "hl7v2/defs/v2_3.hpp"
#include "hl7v2/defs/v2_5_1.hpp"

using namespace hl7v2::defs;

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string error_of(std::string_view json, const version_def& base = v2_5_1) {
  auto result = profile::load(json, base);
  return result ? std::string("loaded") : result.error().to_string();
}

}  // namespace

TEST_CASE("the example profile adds ZPI, which the lookups then find", "[defs][profile]") {
  const std::string json = read_file(HL7V2_EXAMPLE_PROFILE);
  REQUIRE(!json.empty());
  auto loaded = profile::load(json, v2_5_1);
  INFO(loaded.error().to_string());
  REQUIRE(loaded);
  const profile& p = *loaded;
  CHECK(p.name() == "Example site profile: patient extras");
  CHECK(v2_5_1.segment("ZPI") == nullptr);

  const segment_def* zpi = p.segment("ZPI");
  REQUIRE(zpi != nullptr);
  CHECK(zpi->name == "Patient Extra Information");
  REQUIRE(zpi->fields().size() == 5);
  CHECK(zpi->field(1)->key() == "set_id_zpi");
  CHECK(zpi->field(1)->opt == optionality::required);
  CHECK(zpi->field(1)->max_length == 4);
  CHECK(zpi->field(2)->type == v2_5_1.type("XPN"));  // built-in types are shared, not copied
  CHECK(zpi->field(2)->max_repeats == 0);
  CHECK(zpi->field(3)->max_repeats == 5);
  CHECK(zpi->field(4)->key() == "vip");
  CHECK(zpi->field(4)->key_token() == "\"vip\":");  // a profile's key is one text with its name, as built-ins
  CHECK(zpi->field(4)->table == 9002);
  CHECK(zpi->field(5)->key() == "consent_given_date_time");
  CHECK(zpi->field(5)->position == 5);

  const type_def* zpc = p.type("ZPC");
  REQUIRE(zpc != nullptr);
  CHECK(zpi->field(3)->type == zpc);
  CHECK(zpc->component(3)->key() == "owners_phone");
  CHECK(zpc->component(3)->key_token() == "\"owners_phone\":");
  CHECK(zpc->component(2)->type->id == "CWE");
  CHECK(zpc->component(1)->max_length == 50);

  // Everything else comes from the base, through the same version_def interface.
  const version_def& v = p.version();
  CHECK(v.id == "2.5.1");
  CHECK(v.segment("ZPI") == zpi);
  CHECK(v.segment("MSH") == v2_5_1.segment("MSH"));
  CHECK(v.type("XPN") == v2_5_1.type("XPN"));
  CHECK(p.structure_for("ADT", "A04") == v2_5_1.structure("ADT_A01"));
  CHECK(p.table(1) == v2_5_1.table(1));
  CHECK(v.segments().size() == v2_5_1.segments().size() + 1);

  // PID is overridden at one position, the rest inherited.
  const segment_def* pid = p.segment("PID");
  REQUIRE(pid != nullptr);
  CHECK(pid != v2_5_1.segment("PID"));
  CHECK(pid->fields().size() == v2_5_1.segment("PID")->fields().size());
  CHECK(pid->field(19)->key() == "local_health_card_number");
  CHECK(pid->field(5)->key() == "patient_name");
  CHECK(pid->name == "Patient Identification");
}

TEST_CASE("the profile outlives moves", "[defs][profile]") {
  std::optional<profile> kept;
  {
    auto loaded =
        profile::load(R"({"segments": {"ZZ1": {"fields": [{"name": "A", "type": "ST"}]}}})", v2_5_1);
    REQUIRE(loaded);
    kept.emplace(std::move(*loaded));
  }  // the result, with the moved-from profile in it, is gone
  const profile& moved = *kept;
  REQUIRE(moved.segment("ZZ1") != nullptr);
  CHECK(moved.segment("ZZ1")->field(1)->name() == "A");
  CHECK(moved.version().segment("ZZ1")->field(1)->key() == "a");
}

TEST_CASE("overriding a data type reaches the segments and types that use it", "[defs][profile]") {
  auto loaded = profile::load(
      R"({"types": {"FN": {"components": [{"position": 1, "name": "Local Surname"}]}}})", v2_5_1);
  INFO(loaded.error().to_string());
  REQUIRE(loaded);
  const profile& p = *loaded;
  CHECK(p.type("FN")->component(1)->key() == "local_surname");
  CHECK(p.type("FN")->component(2)->key() == v2_5_1.type("FN")->component(2)->key());
  // XPN.1 is FN: XPN is copied to point at the new FN, and so are the segments using XPN.
  CHECK(p.type("XPN")->component(1)->type == p.type("FN"));
  CHECK(p.segment("PID")->field(5)->type == p.type("XPN"));
  CHECK(p.segment("PID")->field(5)->type->component(1)->type->component(1)->name() == "Local Surname");
  CHECK(v2_5_1.type("FN")->component(1)->key() == "surname");  // the built-in is unchanged
}

TEST_CASE("derived keys that collide get _<position>", "[defs][profile]") {
  auto loaded = profile::load(R"({"segments": {"ZAB": {"fields": [
      {"name": "Code", "type": "ST"}, {"name": "Code", "type": "ST"}, {"name": "Other", "type": "ST", "key": "code_2"}]}}})",
                              v2_5_1);
  REQUIRE(loaded);
  const segment_def* z = loaded->segment("ZAB");
  CHECK(z->field(1)->key() == "code");
  CHECK(z->field(2)->key() == "code_2_2");  // "code_2" is explicitly taken by field 3
  CHECK(z->field(3)->key() == "code_2");
}

TEST_CASE("bad profiles: the error names the JSON path", "[defs][profile]") {
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"name": "A", "type": "ST"}, {"name": "B", "type": "ST"},
      {"name": "C", "type": "XYZ"}]}}})") == "segments.ZPI.fields[2].type: unknown data type: XYZ");
  CHECK(error_of("{not json").starts_with("profile: invalid JSON: "));
  CHECK(error_of("[]") == "profile: must be an object");
  CHECK(error_of(R"({"segmnets": {}})") == "segmnets: unknown member: expected name, base, types, segments");
  CHECK(error_of(R"({"base": "2.3"})") == "base: profile is for another HL7 version: 2.3, loaded over 2.5.1");
  CHECK(error_of(R"({"base": "2.3"})", v2_3) == "loaded");
  CHECK(error_of(R"({"segments": {"zpi": {}}})") ==
        "segments.zpi: a segment id is 3 upper-case letters or digits");
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"type": "ST"}]}}})") ==
        "segments.ZPI.fields[0].name: required for a new field or component");
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"name": "A"}]}}})") ==
        "segments.ZPI.fields[0].type: required for a new field or component");
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"name": "A", "type": "ST", "opt": "Q"}]}}})") ==
        "segments.ZPI.fields[0].opt: must be one of R, O, C, X, B, W");
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"name": "A", "type": "ST", "repeats": -1}]}}})")
            .starts_with("segments.ZPI.fields[0].repeats: must be 0..65535"));
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"position": 3, "name": "A", "type": "ST"}]}}})") ==
        "segments.ZPI.fields[0].position: position out of range: 1..1, no gaps");
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"name": "A", "type": "ST", "colour": 1}]}}})")
            .starts_with("segments.ZPI.fields[0].colour: unknown member"));
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"name": "A", "type": "ST", "key": "Not A Key"}]}}})")
            .starts_with("segments.ZPI.fields[0].key: not a JSON key by the key rule"));
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"name": "A", "type": "ST", "key": "x"},
      {"name": "B", "type": "ST", "key": "x"}]}}})") == "segments.ZPI.fields[1].key: key used twice: x");
  CHECK(error_of(R"({"types": {"ZT1": {"components": [{"name": "A", "type": "NOPE"}]}}})") ==
        "types.ZT1.components[0].type: unknown data type: NOPE");
  CHECK(error_of(R"({"segments": {"ZPI": {}, "ZPI": {}}})") == "segments.ZPI: defined twice");
  CHECK(error_of(R"({"segments": {"ZPI": []}})") == "segments.ZPI: must be an object");
  CHECK(error_of(R"({"segments": {"ZPI": {"colour": 1}}})") ==
        "segments.ZPI.colour: unknown member: expected name, fields");
  CHECK(error_of(R"({"types": {"ZT1": {"fields": []}}})") ==
        "types.ZT1.fields: unknown member: expected name, components");
  CHECK(error_of(R"({"types": {"ZT1": {"name": 5}}})") == "types.ZT1.name: must be a string");
  CHECK(error_of(R"({"segments": {"ZPI": {"fields": [{"name": "A", "type": "ST", "table": 70000}]}}})") ==
        "segments.ZPI.fields[0].table: must be an integer in range: 0..65535");
}

TEST_CASE("a bad profile's error has a code from the profile vocabulary", "[defs][profile]") {
  const auto loaded =
      profile::load(R"({"types": {"ZT1": {"components": [{"name": "A", "type": "NOPE"}]}}})", v2_5_1);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().code == profile_errc::unknown_type);
  CHECK(loaded.error().path == "types.ZT1.components[0].type");
  CHECK(loaded.error().detail == "NOPE");
  CHECK(name(profile_errc::unknown_type) == "unknown_type");
  CHECK(describe(profile_errc::unknown_type) == "unknown data type");
  CHECK(profile::load("{", v2_5_1).error().code == profile_errc::invalid_json);
  CHECK(profile::load(R"({"base": "2.3"})", v2_5_1).error().code == profile_errc::wrong_base);
  // The table: one row per code, in order, with unique names.
  for (std::size_t i = 0; i < profile_errc_table.size(); ++i) {
    CHECK(static_cast<std::size_t>(profile_errc_table[i].code) == i);
    CHECK(name(profile_errc_table[i].code) == profile_errc_table[i].name);
  }
}

TEST_CASE("profile types may refer to each other in any order", "[defs][profile]") {
  auto loaded = profile::load(R"({"types": {
      "ZA": {"components": [{"name": "Inner", "type": "ZB"}]},
      "ZB": {"components": [{"name": "Leaf", "type": "ST"}]}}})",
                              v2_5_1);
  INFO(loaded.error().to_string());
  REQUIRE(loaded);
  CHECK(loaded->type("ZA")->component(1)->type == loaded->type("ZB"));
  CHECK(loaded->type("ZB")->component(1)->type == v2_5_1.type("ST"));
}
