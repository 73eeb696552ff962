// resolver.hpp: which definitions apply to a message, and that the walk (JSON) and validation, which both
// ask it, agree on every rule.
#include "hl7v2/defs/resolver.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/json/walk.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/validate/validate.hpp"

namespace {

using namespace hl7v2;
using defs::registry;
using defs::resolver;

std::string msh(std::string_view msh9, std::string_view msh12) {
  std::string s = "MSH|^~\\&|A|B|C|D|20260101||";  // appends, not "x" + string (GCC 12 -Wrestrict)
  s.append(msh9).append("|1|P|").append(msh12).append("\r");
  return s;
}

// What the walk hands an emitter: the version, the structure, each segment's definition and the type of
// OBX-5.
struct seen_by_walk {
  const defs::version_def* version = nullptr;
  const defs::structure_def* structure = nullptr;
  std::vector<const defs::segment_def*> segments;
  const defs::type_def* obx5 = nullptr;
};

struct capture {
  static constexpr json::segment_order order = json::segment_order::as_received;
  seen_by_walk* out;
  void begin_message(const json::message_info& m) {
    out->version = m.version;
    out->structure = m.structure;
  }
  void end_message(const json::message_info&) {}
  void begin_group(const json::group_info&) {}
  void end_group(const json::group_info&) {}
  bool begin_segment(const json::segment_info& s) {
    out->segments.push_back(s.def);
    return true;
  }
  void end_segment(const json::segment_info&) {}
  bool begin_field(const json::field_info& f) {
    if (f.position == 5 && f.def != nullptr && f.def->key() == "observation_value") out->obx5 = f.type;
    return false;
  }
  void end_field(const json::field_info&) {}
  bool begin_repetition(const json::repetition_info&) { return false; }
  void end_repetition(const json::repetition_info&) {}
  bool begin_component(const json::component_info&) { return false; }
  void end_component(const json::component_info&) {}
  void subcomponent(const json::subcomponent_info&) {}
};

seen_by_walk walk(const registry& r, const message& m, json::walk_options o = {}) {
  seen_by_walk seen;
  capture c{&seen};
  json::walker w{r, o};
  w.walk(m, c);
  return seen;
}

// Whether `rep` holds a finding with this code, at a segment with this id when one is given.
bool has(const validate::report& rep, validate::code c, std::string_view segment_id = {}) {
  for (const auto& d : rep) {
    if (d.code == c && (segment_id.empty() || d.where.path().rfind(segment_id, 0) == 0)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("resolver: the version from MSH-12, within the registry, with its default") {
  const registry r{defs::v2_4, defs::v2_3, defs::v2_6};
  const resolver res{r};
  CHECK(res.version_for("2.5.1") == &defs::v2_4);        // nearest not newer in the set
  CHECK(res.version_for("2.9") == &defs::v2_6);          // newer than all: the newest
  CHECK(res.version_for("") == &defs::v2_4);             // empty: the default (first listed)
  CHECK(res.version_for("abc") == nullptr);              // names no version: validation rejects it
  CHECK(&res.version_or_default("abc") == &defs::v2_4);  // ... and JSON reads it with the default
  const resolver other_default{r, &defs::v2_3};
  CHECK(other_default.version_for("") == &defs::v2_3);
  CHECK(other_default.version_for("2.6") == &defs::v2_6);
  // A profile's version (any fixed version) wins over MSH-12.
  const resolver fixed{r, nullptr, &defs::v2_5};
  CHECK(fixed.version_for("2.3") == &defs::v2_5);
  CHECK(fixed.version_for("junk") == &defs::v2_5);
  // Nothing at all: a version that defines nothing, never null.
  const resolver none{registry{}};
  CHECK(none.version_for("2.5.1") == nullptr);
  CHECK(none.version_or_default("2.5.1").segment("PID") == nullptr);
}

TEST_CASE("resolver: the structure from MSH-9.3, else MSH-9.1 + MSH-9.2") {
  const auto& v = defs::v2_5_1;
  CHECK(resolver::structure(v, "ADT", "A04", "") == v.structure("ADT_A01"));         // derived
  CHECK(resolver::structure(v, "ADT", "A04", "ADT_A01") == v.structure("ADT_A01"));  // named
  CHECK(resolver::structure(v, "ADT", "A01", "ORU_R01") == v.structure("ORU_R01"));  // MSH-9.3 wins
  CHECK(resolver::structure(v, "ADT", "A04", "NOPE_X") == v.structure("ADT_A01"));   // unknown: derived
  CHECK(resolver::structure(v, "ACK", "A01", "") == v.structure("ACK"));  // unknown trigger: type alone
  CHECK(resolver::structure(v, "", "", "") == nullptr);
  CHECK(resolver::structure(v, "ZZZ", "Z01", "") == nullptr);
}

TEST_CASE("resolver: OBX-5 takes the type OBX-2 names") {
  parser p;
  const std::string text = msh("ORU^R01", "2.5.1") + "OBX|1|NM|X||7\rOBX|2|ZZ|X||7\rOBX|3||X||7\r";
  auto m = p.parse(text);
  REQUIRE(m);
  const auto& v = defs::v2_5_1;
  const defs::field_def* fd = v.segment("OBX")->field(5);
  CHECK(resolver::field_type(v, (*m)[2], m->delims(), 5, fd) == v.type("NM"));
  CHECK(resolver::field_type(v, (*m)[3], m->delims(), 5, fd) == nullptr);  // unknown type
  CHECK(resolver::field_type(v, (*m)[4], m->delims(), 5, fd) == nullptr);  // none given
  CHECK(resolver::field_type(v, (*m)[2], m->delims(), 3, v.segment("OBX")->field(3)) ==
        v.segment("OBX")->field(3)->type);
}

TEST_CASE("walk and validation agree on the version, the structure, later-version segments and OBX-5") {
  parser p;
  const std::vector<registry> registries = {defs::all_versions_registry, registry{defs::v2_3},
                                            registry{defs::v2_3, defs::v2_5},
                                            registry{defs::v2_5_1, defs::v2_7}};
  // SFT is not in 2.3 (from 2.5 on); PRT not before 2.7; OBX-2 NM types OBX-5.
  const std::vector<std::string> texts = {
      msh("ADT^A04", "2.3") + "SFT||1.0|X|1\rPID|1\r",
      msh("ORU^R01^ORU_R01", "2.5.2") + "PID|1\rOBR|1\rOBX|1|NM|X||abc\rPRT|1\r",
      msh("ADT^A01", "") + "PID|1\r",
      msh("ADT^A01", "2.9") + "PID|1\rPRT|1\r",
  };
  for (const registry& r : registries) {
    for (const std::string& text : texts) {
      INFO(text);
      auto m = p.parse(text);
      REQUIRE(m);
      const resolver res{r};
      const seen_by_walk walked = walk(r, *m);
      validate::report rep;
      validate::options opts;
      opts.unknown = validate::level::info;
      const defs::version_def* validated = validate::validate(*m, res, opts, rep);
      REQUIRE(validated != nullptr);
      CHECK(walked.version == validated);
      CHECK(walked.version == &res.version_or_default(*m));
      // The structure: the walk's, and validation warns exactly when there is none.
      CHECK(walked.structure == validate::structure_of(*m, *validated));
      CHECK(has(rep, validate::code::unknown_structure) == (walked.structure == nullptr));
      // Each segment's definition is the resolver's (own, else the nearest later registered one).
      for (std::size_t i = 1; i <= m->size(); ++i) {
        CHECK(walked.segments[i - 1] == res.segment(*validated, (*m)[i].id()));
      }
      // SFT-1 is required where a definition of SFT reaches (from 2.5): validation checks it then only.
      const bool sft_defined = res.segment(*validated, "SFT") != nullptr;
      if (text.find("SFT") != std::string::npos)
        CHECK(has(rep, validate::code::required_missing, "SFT") == sft_defined);
      // OBX-5 "abc" as NM: typed by OBX-2 in both.
      if (text.find("OBX") != std::string::npos) {
        CHECK(walked.obx5 == validated->type("NM"));
        CHECK(has(rep, validate::code::bad_number));
      }
    }
  }
}

TEST_CASE("walk and validation read a message with the profile's version whatever MSH-12 says") {
  parser p;
  const std::string text = msh("ADT^A01", "2.3") + "PID|1\rSFT||1.0|X|1\r";
  auto m = p.parse(text);
  REQUIRE(m);
  const resolver res{defs::all_versions_registry, nullptr, &defs::v2_5};
  const seen_by_walk walked = walk(defs::all_versions_registry, *m, {.definitions = &defs::v2_5});
  validate::report rep;
  CHECK(validate::validate(*m, res, {}, rep) == &defs::v2_5);
  CHECK(walked.version == &defs::v2_5);
  CHECK(walked.segments[2] == defs::v2_5.segment("SFT"));
  CHECK_FALSE(has(rep, validate::code::unknown_segment));
  CHECK(has(rep, validate::code::required_missing, "SFT"));  // checked with 2.5's SFT
}

TEST_CASE("walk and validation read header text alike: escapes decoded, up to a subcomponent") {
  parser p;
  const registry& all = defs::all_versions_registry;
  const resolver res{all};
  // Hex escapes: MSH-12 "2\X2E\5" is "2.5", OBX-2 "\X4E4D\" is "NM".
  const std::string escaped =
      "MSH|^~\\&|A|B|C|D|20260101||ORU^R01^ORU_R01|1|P|2\\X2E\\5\r"
      "PID|1\rOBR|1\rOBX|1|\\X4E4D\\|X||abc\r";
  auto m = p.parse(escaped);
  REQUIRE(m);
  CHECK(res.version_for(*m) == &defs::v2_5);
  const seen_by_walk walked = walk(all, *m);
  CHECK(walked.version == &defs::v2_5);
  CHECK(walked.obx5 == defs::v2_5.type("NM"));
  validate::report rep;
  CHECK(validate::validate(*m, res, {}, rep) == &defs::v2_5);
  CHECK(has(rep, validate::code::bad_number, "OBX"));  // OBX-5 checked as the NM both read
  // '.' as the subcomponent separator: MSH-12 "2.4" reads "2", which names no version, for both.
  const std::string dotted_text =
      "MSH|^~\\.|A|B|C|D|20260101||ADT^A01|1|P|2.4\rPID|1\r";  // outlives its views
  auto dotted = p.parse(dotted_text);
  REQUIRE(dotted);
  CHECK(res.version_for(*dotted) == nullptr);
  CHECK(walk(all, *dotted).version == &res.version_or_default(*dotted));
  CHECK(walk(all, *dotted).version == all.default_version());
}
