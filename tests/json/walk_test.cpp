// The walk: which definitions each part is handed, the order of events, the segment repetition rule,
// OBX-5 typed by OBX-2, and the type-erased emitter.
#include "hl7v2/json/walk.hpp"
#include "hl7v2/defs/all.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

#include "hl7v2/parser.hpp"
#include "json/json_test_support.hpp"

namespace {

using namespace hl7v2;

std::string cr(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = '\r';
  }
  return s;
}

// Records events as short lines: "seg PID def=PID", "field 5 def=patient_name type=XPN rep=1", ...
template <json::segment_order Order>
struct recorder {
  static constexpr json::segment_order order = Order;
  std::vector<std::string> log;
  const defs::version_def* version = nullptr;
  const defs::structure_def* structure = nullptr;

  static std::string name(const defs::type_def* t) { return t ? std::string(t->id) : "-"; }
  void begin_message(const json::message_info& m) {
    version = m.version;
    structure = m.structure;
  }
  void end_message(const json::message_info&) { log.push_back("end"); }
  void begin_group(const json::group_info& g) {
    log.push_back("group " + std::string(g.id) + " n=" + std::to_string(g.count) +
                  (g.repeats ? " repeats" : ""));
  }
  void end_group(const json::group_info&) {}
  bool begin_segment(const json::segment_info& s) {
    log.push_back("seg " + std::string(s.seg.id()) + (s.def ? " def" : " nodef") + " #" +
                  std::to_string(s.occurrence));
    return s.seg.id() != "NTE";  // NTE's fields are skipped
  }
  void end_segment(const json::segment_info&) {}
  bool begin_field(const json::field_info& f) {
    if (f.f.empty()) return false;
    log.push_back("field " + std::to_string(f.position) + " " + (f.def ? std::string(f.def->key) : "?") +
                  " " + name(f.type) + (f.repeats ? " repeats" : ""));
    return true;
  }
  void end_field(const json::field_info&) {}
  bool begin_repetition(const json::repetition_info& r) { return r.index == 1; }
  void end_repetition(const json::repetition_info&) {}
  bool begin_component(const json::component_info& c) {
    if (c.comp.empty()) return false;
    log.push_back("  comp " + std::to_string(c.position) + " " + (c.def ? std::string(c.def->key) : "?") +
                  " " + name(c.type));
    return true;
  }
  void end_component(const json::component_info&) {}
  void subcomponent(const json::subcomponent_info& s) {
    if (s.sub.empty() || s.def == nullptr) return;
    log.push_back("    sub " + std::to_string(s.position) + " " + std::string(s.def->key) + " " +
                  std::string(s.sub.raw()));
  }
};

bool contains(const std::vector<std::string>& log, const std::string& line) {
  for (const auto& l : log) {
    if (l == line) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("walk hands each part its definition") {
  hl7v2::parser p;
  const std::string text =
      cr("MSH|^~\\&|A|B|C|D|20260126||ORU^R01^ORU_R01|1|P|2.5.1\n"
         "PID|1||X~Y||DOE&VAN^JOHN\n"
         "OBX|1|CE|A||123^Glucose^LN\nNTE|1||hidden\nZZZ|a^b\nOBX|2|NM|B||7\n");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  json::walker w;
  recorder<json::segment_order::by_id> r;
  w.walk(*msg, r);
  CHECK(r.version == &defs::v2_5_1);
  REQUIRE(r.structure != nullptr);
  CHECK(r.structure->id == "ORU_R01");
  const auto& log = r.log;
  CHECK(contains(log, "group PID n=1 repeats"));  // PID sits in the repeating PATIENT_RESULT group
  CHECK(contains(log, "group OBX n=2 repeats"));
  CHECK(contains(log, "group ZZZ n=1 repeats"));  // not in the structure: the fallback rule
  CHECK(contains(log, "field 5 patient_name XPN repeats"));
  CHECK(contains(log, "  comp 1 family_name FN"));
  CHECK(contains(log, "    sub 2 own_surname_prefix VAN"));
  CHECK(contains(log, "field 5 observation_value CE repeats"));  // OBX-2 = CE
  CHECK(contains(log, "  comp 2 text ST"));
  CHECK(contains(log, "field 5 observation_value NM repeats"));
  CHECK(contains(log, "seg ZZZ nodef #1"));
  CHECK(contains(log, "field 1 ? -"));
  CHECK(contains(log, "  comp 2 ? -"));
  CHECK_FALSE(contains(log, "field 3 ? -"));
  // Grouped by id in order of first appearance: both OBX before NTE; NTE's fields skipped.
  std::vector<std::string> segs;
  for (const auto& l : log) {
    if (l.rfind("seg ", 0) == 0) segs.push_back(l);
  }
  CHECK(segs == std::vector<std::string>{"seg MSH def #1", "seg PID def #1", "seg OBX def #1",
                                         "seg OBX def #2", "seg NTE def #1", "seg ZZZ nodef #1"});
  CHECK_FALSE(contains(log, "field 3 comment FT repeats"));
  CHECK(log.back() == "end");
}

TEST_CASE("walk in message order, and versions chosen from MSH-12") {
  hl7v2::parser p;
  const std::string text = cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.3.2\nPID|1\nNTE|1\nPID|2\nSFT|x\n");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  json::walker w;
  recorder<json::segment_order::as_received> r;
  w.walk(*msg, r);
  CHECK(r.version == &defs::v2_3_1);  // 2.3.2 → the newest built-in not newer
  std::vector<std::string> segs;
  for (const auto& l : r.log) {
    if (l.rfind("seg ", 0) == 0) segs.push_back(l);
  }
  CHECK(segs == std::vector<std::string>{"seg MSH def #0", "seg PID def #0", "seg NTE def #0",
                                         "seg PID def #0", "seg SFT def #0"});  // SFT: from a later version
  CHECK(json::walker{}.version_of(*p.parse(cr("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|junk\n"))) ==
        &defs::v2_5_1);
  CHECK(json::walker{{.default_version = &defs::v2_4}}.version_of(
            *p.parse(cr("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|\n"))) == &defs::v2_4);
}

TEST_CASE("segment repetition from the structure tree") {
  json::walker w;
  const auto* adt = defs::v2_5_1.structure("ADT_A01");
  REQUIRE(adt != nullptr);
  CHECK_FALSE(w.segment_repeats(adt, "PID"));
  CHECK_FALSE(w.segment_repeats(adt, "MSH"));
  CHECK(w.segment_repeats(adt, "NK1"));
  CHECK(w.segment_repeats(adt, "OBX"));
  CHECK(w.segment_repeats(adt, "ZQQ"));
  CHECK_FALSE(w.segment_repeats(nullptr, "PV1"));
  CHECK(w.segment_repeats(nullptr, "OBX"));
}

namespace {
struct counting_plugin : json::dynamic_emitter {
  std::size_t segments = 0, fields = 0, values = 0;
  bool begin_segment(const json::segment_info&) override {
    ++segments;
    return true;
  }
  bool begin_field(const json::field_info& f) override {
    fields += !f.f.empty();
    return true;
  }
  void subcomponent(const json::subcomponent_info& s) override { values += !s.sub.empty(); }
};
}  // namespace

TEST_CASE("a run-time plugin through dynamic_emitter") {
  hl7v2::parser p;
  const std::string text = test_support::data("blog_adt_a01.hl7");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  counting_plugin plugin;
  json::dynamic_emitter& base = plugin;
  json::walker w;
  w.walk(*msg, base);
  CHECK(plugin.segments == 5);
  CHECK(plugin.fields == 36);  // MSH 11, EVN 2, PID 12, NK1 5, PV1 6
  CHECK(plugin.values > 40);
}
