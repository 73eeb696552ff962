// The walk: which definitions each part is handed, the order of events, the segment repetition rule,
// OBX-5 typed by OBX-2, and the type-erased emitter.
#include "hl7v2/json/walk.hpp"
#include "hl7v2/defs/all.hpp"

#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <random>
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
    log.push_back("field " + std::to_string(f.position) + " " + (f.def ? std::string(f.def->key()) : "?") +
                  " " + name(f.type) + (f.repeats ? " repeats" : ""));
    return true;
  }
  void end_field(const json::field_info&) {}
  bool begin_repetition(const json::repetition_info& r) { return r.index == 1; }
  void end_repetition(const json::repetition_info&) {}
  bool begin_component(const json::component_info& c) {
    if (c.comp.empty()) return false;
    log.push_back("  comp " + std::to_string(c.position) + " " + (c.def ? std::string(c.def->key()) : "?") +
                  " " + name(c.type));
    return true;
  }
  void end_component(const json::component_info&) {}
  void subcomponent(const json::subcomponent_info& s) {
    if (s.sub.empty() || s.def == nullptr) return;
    log.push_back("    sub " + std::to_string(s.position) + " " + std::string(s.def->key()) + " " +
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

TEST_CASE("the remembered version is not reused under other delimiters") {
  // Found by fuzz_emit: with '.' as the subcomponent separator MSH-12 "2.4" reads as "2" (the default
  // version); the next message, with the same raw text under '&', must still be read as 2.4.
  hl7v2::parser p;
  json::walker w;
  recorder<json::segment_order::as_received> r;
  const std::string dotted = cr("MSH|^~\\.|A|B|C|D|2026||ADT^A01|1|P|2.4\nPID|1\n");
  w.walk(*p.parse(dotted), r);
  CHECK(r.version == &defs::v2_5_1);
  const std::string plain = cr("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.4\nPID|1\n");
  w.walk(*p.parse(plain), r);
  CHECK(r.version == &defs::v2_4);
  w.walk(*p.parse(dotted), r);
  CHECK(r.version == &defs::v2_5_1);
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

namespace {

// Records each field's byte classes (field_info::bytes) with its text.
struct class_recorder {
  static constexpr json::segment_order order = json::segment_order::as_received;
  std::vector<std::pair<std::string, std::uint8_t>> fields;
  void begin_message(const json::message_info&) {}
  void end_message(const json::message_info&) {}
  void begin_group(const json::group_info&) {}
  void end_group(const json::group_info&) {}
  bool begin_segment(const json::segment_info&) { return true; }
  void end_segment(const json::segment_info&) {}
  bool begin_field(const json::field_info& f) {
    fields.emplace_back(std::string(f.f.raw()), f.bytes);
    return false;
  }
  void end_field(const json::field_info&) {}
  bool begin_repetition(const json::repetition_info&) { return false; }
  void end_repetition(const json::repetition_info&) {}
  bool begin_component(const json::component_info&) { return false; }
  void end_component(const json::component_info&) {}
  void subcomponent(const json::subcomponent_info&) {}
};

// The classes a field's bytes call for, byte by byte: each delimiter found, and any byte that keeps a
// value from being copied as it is (escape character, '"', '\\', control, >= 0x80) as all three of
// escape, high and json_special.
std::uint8_t expected_classes(std::string_view raw, const delimiters& d) {
  namespace bc = json::bytes_class;
  std::uint8_t c = 0;
  for (char ch : raw) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == d.repetition) c |= bc::repetition;
    if (ch == d.component) c |= bc::component;
    if (ch == d.subcomponent) c |= bc::subcomponent;
    if (ch == d.escape || ch == '"' || ch == '\\' || u < 0x20 || u >= 0x80)
      c |= bc::escape | bc::high | bc::json_special;
  }
  return c;
}

}  // namespace

TEST_CASE("field byte classes from the parser's bitmaps match the bytes, across 64-byte words") {
  // Fields of every length (so they start and end anywhere in a bitmap word, and span several), made
  // of plain letters with a few delimiters and special bytes at random places.
  const char pieces[] = {'a',  'b', 'Z',    '0',  ' ',    '^',    '~', '&',
                         '\\', '"', '\x01', '\t', '\xC3', '\xE9', '#'};
  std::mt19937 rng(2718);
  hl7v2::parser p;
  json::walker w;
  for (int round = 0; round < 400; ++round) {
    // Odd rounds use '#' as the escape character and '\' as a plain (but JSON-special) byte.
    const bool hash = round % 2 == 1;
    std::string text = hash ? "MSH|^~#&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\r"
                            : "MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\r";
    const std::size_t segments = 1 + rng() % 4;
    for (std::size_t s = 0; s < segments; ++s) {
      text += s % 2 ? "ZZZ" : "PID";
      const std::size_t fields = 1 + rng() % 12;
      for (std::size_t f = 0; f < fields; ++f) {
        text += '|';
        const std::size_t len = rng() % 3 == 0 ? rng() % 200 : rng() % 20;
        const bool plain = rng() % 3 == 0;
        for (std::size_t i = 0; i < len; ++i)
          text += plain || rng() % 6 != 0 ? pieces[rng() % 4] : pieces[rng() % sizeof pieces];
      }
      text += '\r';
    }
    const auto msg = p.parse(text);
    REQUIRE(msg);
    REQUIRE(msg->split_bits() != nullptr);
    class_recorder r;
    w.walk(*msg, r);
    INFO("round " << round);
    REQUIRE(r.fields.size() >= 2);
    CHECK(r.fields[0].second == 0xFF);  // MSH-1, MSH-2: never classified
    CHECK(r.fields[1].second == 0xFF);
    for (std::size_t i = 2; i < r.fields.size(); ++i) {
      INFO("field " << i << " of " << r.fields.size());
      CHECK(int{r.fields[i].second} == int{expected_classes(r.fields[i].first, msg->delims())});
    }
  }
}
