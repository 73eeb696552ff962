// The named layout: the tutorial's query, shapes decided by the definitions, unknown parts under
// positional keys, null, escapes, character sets, typed values, and a check of every defined value
// against the parsed tree over the samples and a generated corpus.
#include "hl7v2/json/named.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <string_view>

#include "../../bench/corpus/generator.hpp"
#include "hl7v2/charset.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/parser.hpp"
#include "json/json_test_support.hpp"

namespace {

using namespace hl7v2;
using simdjson::dom::element;

struct converted {
  std::string json;
  simdjson::dom::parser parser;
  element doc;
};

// ER7 (LF or CR) → named JSON, parsed back with simdjson.
void convert(std::string er7, converted& c, json::options opts = {}) {
  hl7v2::parser p;
  const auto msg = p.parse(er7);
  REQUIRE(msg);
  json::converter conv{opts};
  c.json.clear();
  const auto n = conv.write(*msg, c.json);
  REQUIRE(n);
  CHECK(*n == c.json.size());
  REQUIRE(c.parser.parse(c.json).get(c.doc) == simdjson::SUCCESS);
}

std::string_view str(element e) {
  std::string_view s;
  REQUIRE(e.get_string().get(s) == simdjson::SUCCESS);
  return s;
}

bool has(element e, std::string_view key) { return e[key].error() == simdjson::SUCCESS; }

std::string crlf_to_cr(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = '\r';
  }
  return s;
}

}  // namespace

TEST_CASE("the tutorial's query finds its values in the named JSON of the 2.3 message") {
  converted c;
  convert(test_support::data("blog_adt_a01.hl7"), c);
  CHECK(str(c.doc["msh"]["message_control_id"]) == "MSGID10001");
  CHECK(str(c.doc["pid"]["set_id_patient_id"]) == "1");
  // 2.3 PID-5 may repeat (HL7 2.3 made it repeating): an array, the query reads its first name.
  CHECK(str(c.doc["pid"]["patient_name"].at(0)["given_name"]) == "JOHN");
  CHECK(str(c.doc["pid"]["patient_name"].at(0)["family_name"]) == "DOE");
  // MSH-1 and MSH-2 as their text.
  CHECK(str(c.doc["msh"]["field_separator"]) == "|");
  CHECK(str(c.doc["msh"]["encoding_characters"]) == "^~\\&");
}

TEST_CASE("shape comes from the definitions, not the data") {
  converted c;
  convert(test_support::data("blog_adt_a01.hl7"), c);
  // 2.3 PID-3 and PID-5 may repeat: arrays even with one value; PID-7 may not: an object.
  CHECK(c.doc["pid"]["patient_id_internal_id"].is_array());
  CHECK(c.doc["pid"]["patient_id_internal_id"].get_array().size() == 1);
  CHECK(c.doc["pid"]["patient_name"].is_array());
  CHECK(c.doc["pid"]["patient_name"].get_array().size() == 1);
  CHECK(c.doc["pid"]["date_of_birth"].is_object());
  // ADT_A01 lists PID once and NK1 as repeating.
  CHECK(c.doc["pid"].is_object());
  CHECK(c.doc["nk1"].is_array());
  // Empty fields and components are left out.
  CHECK_FALSE(has(c.doc["pid"], "patient_alias"));
  CHECK_FALSE(has(c.doc["pid"]["patient_name"], "middle_initial_or_name"));

  converted o;
  convert(test_support::data("oru_r01_lab.hl7"), o);
  // 2.5.1: PID-5 repeats, and PID sits in the repeating PATIENT_RESULT group of ORU_R01.
  REQUIRE(o.doc["pid"].is_array());
  CHECK(str(o.doc["pid"].at(0)["patient_name"].at(0)["given_name"]) == "MAEVE");
  CHECK(str(o.doc["pid"].at(0)["patient_identifier_list"].at(1)["id_number"]) == "999-88-7777");
  CHECK(o.doc["obx"].get_array().size() == 3);
  CHECK(str(o.doc["obx"].at(2)["set_id_obx"]) == "3");  // order kept
}

TEST_CASE("escapes are decoded and OBX-5 takes its type from OBX-2") {
  converted c;
  convert(test_support::data("oru_r01_lab.hl7"), c);
  CHECK(str(c.doc["nte"].at(0)["comment"].at(0)) ==
        "Low hemoglobin & low hematocrit\nRecommend iron studies");
  CHECK(str(c.doc["obx"].at(2)["observation_value"].at(0)) == "Anisocytosis 1^2+; see \\note\\");

  converted t;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ORU^R01^ORU_R01|1|P|2.5.1\n"
                     "OBX|1|CE|X^Y^LN||123^Glucose^LN||\n"
                     "OBX|2|NM|X^Y^LN||+007.50|\n"
                     "OBX|3|ZZ|X^Y^LN||a^b&c|\n"),
          t, {.typed = true});
  CHECK(str(t.doc["obx"].at(0)["observation_value"].at(0)["text"]) == "Glucose");
  CHECK(double(t.doc["obx"].at(1)["observation_value"].at(0).get_double()) == 7.5);
  // Unknown type ZZ: the positional sub-shape.
  CHECK(str(t.doc["obx"].at(2)["observation_value"].at(0).at(1).at(1)) == "c");
}

TEST_CASE("HL7 null is JSON null; unknown parts keep their data under positional keys") {
  converted c;
  const std::string feed = test_support::data("lf_feed_two_messages.hl7");
  convert(feed.substr(0, feed.find("\n\n") + 1), c);
  // Z-segment (not in ADT_A01, so it may repeat): positional sub-shape.
  REQUIRE(c.doc["zpd"].is_array());
  CHECK(str(c.doc["zpd"].at(0)["1"]) == "1");
  CHECK(str(c.doc["zpd"].at(0)["2"].at(0).at(1)) == "Owie");
  CHECK(str(c.doc["zpd"].at(0)["3"]) == "LEFT-HANDED");

  converted second;
  convert(feed.substr(feed.find("\n\n") + 2), second);
  // PID-11 may repeat, but a null field is null.
  const std::string_view address = hl7v2::defs::v2_4.segment("PID")->field(11)->key;
  CHECK(second.doc["pid"][address].is_null());

  converted past;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\nPID|1" + std::string(60, '|') +
                     "far^away\n"),
          past);
  CHECK(str(past.doc["pid"]["61"].at(0).at(1)) == "away");  // array of repetitions, each of components
}

TEST_CASE("data beyond what the definitions allow is kept, not dropped") {
  converted c;
  // 2.3: PID-6 (Mother's Maiden Name) may not repeat, PID occurs once in ADT_A01.
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.3\n"
                     "PID|1||X|||DOE^JANE~ROE^RUTH~~POE\n"
                     "PID|2\n"),
          c);
  CHECK(str(c.doc["pid"]["mothers_maiden_name"]["family_name"]) == "DOE");
  CHECK(str(c.doc["pid"]["6(2)"]["family_name"]) == "ROE");
  CHECK_FALSE(has(c.doc["pid"], "6(3)"));  // an empty repetition says nothing
  CHECK(str(c.doc["pid"]["6(4)"]["family_name"]) == "POE");
  CHECK(str(c.doc["pid(2)"]["set_id_patient_id"]) == "2");
}

TEST_CASE("empty repetitions inside arrays keep their place") {
  converted c;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\nPID|1||~B^^^X\nPV1|1|I||||||||||||||||||"
                     "||||||||||||||||||||||||||||~x\n"),
          c);
  const auto ids = c.doc["pid"]["patient_identifier_list"];
  REQUIRE(ids.get_array().size() == 2);
  CHECK(ids.at(0).is_object());
  CHECK(ids.at(0).get_object().size() == 0);
  CHECK(str(ids.at(1)["id_number"]) == "B");
}

TEST_CASE("a segment newer than the declared version keeps its names") {
  converted c;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.3\nSFT|Vendor Inc|1.0\n"), c);
  const std::string_view key = hl7v2::defs::v2_5.segment("SFT")->field(2)->key;
  CHECK(str(c.doc["sft"].at(0)[key]) == "1.0");
}

TEST_CASE("unknown structure: the fallback rule") {
  converted c;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ZZZ^Q99|1|P|2.5.1\nPID|1\nOBX|1\nZQQ|x\n"), c);
  CHECK(c.doc["pid"].is_object());
  CHECK(c.doc["obx"].is_array());
  CHECK(c.doc["zqq"].is_array());
}

TEST_CASE("upper-case keys") {
  converted c;
  convert(test_support::data("blog_adt_a01.hl7"), c, {.upper_keys = true});
  CHECK(str(c.doc["PID"]["PATIENT_NAME"].at(0)["GIVEN_NAME"]) == "JOHN");
  CHECK(str(c.doc["MSH"]["MESSAGE_CONTROL_ID"]) == "MSGID10001");
  CHECK_FALSE(has(c.doc, "pid"));
}

TEST_CASE("typed values") {
  converted c;
  convert(test_support::data("blog_adt_a01.hl7"), c, {.typed = true});
  CHECK(int64_t(c.doc["pid"]["set_id_patient_id"].get_int64()) == 1);             // SI
  CHECK(str(c.doc["pid"]["date_of_birth"]["time_of_an_event"]) == "1960-11-11");  // TS.1
  CHECK(str(c.doc["msh"]["date_time_of_message"]["time_of_an_event"]) == "2016-11-11T11:11");
  CHECK(str(c.doc["pid"]["patient_name"].at(0)["family_name"]) == "DOE");  // text stays text

  converted bad;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|2026x||ORU^R01|1|P|2.5.1\nOBX|x1|NM|A||n/a\n"), bad, {.typed = true});
  CHECK(str(bad.doc["obx"].at(0)["set_id_obx"]) == "x1");
  CHECK(str(bad.doc["obx"].at(0)["observation_value"].at(0)) == "n/a");
  CHECK(str(bad.doc["msh"]["date_time_of_message"]["time"]) == "2026x");
}

TEST_CASE("character sets: Latin-1 under 8859/1, invalid bytes by policy") {
  const std::string latin1 =
      crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1||||||8859/1\nPID|1||X||M\xDCLLER^REN\xC9\n");
  converted c;
  convert(latin1, c);
  CHECK(str(c.doc["pid"]["patient_name"].at(0)["given_name"]) == "REN\xC3\x89");

  const std::string bad = crlf_to_cr(
      "MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1||||||UNICODE UTF-8\nPID|1||X||SECRET\xFFNAME\n");
  converted r;
  convert(bad, r);
  CHECK(str(r.doc["pid"]["patient_name"].at(0)["family_name"]["surname"]) == "SECRET\xEF\xBF\xBDNAME");

  hl7v2::parser p;
  const auto msg = p.parse(bad);
  REQUIRE(msg);
  json::converter strict{{.bytes = hl7v2::invalid_bytes::strict}};
  std::string out = "kept";
  const auto n = strict.write(*msg, out);
  REQUIRE_FALSE(n);
  CHECK(n.error().code == errc::invalid_byte);
  CHECK(n.error().segment == 2);
  CHECK(n.error().field == 5);
  CHECK(n.error().offset == bad.find("SECRET"));
  CHECK(out == "kept");  // nothing appended
  CHECK(std::string(n.error().what()).find("SECRET") == std::string::npos);
}

// An independent check of the named JSON against the tree: every non-empty field a definition knows is
// found under its key, an array exactly when the definition says it repeats, and every primitive value
// (of the field, or of a component of a composite) equals the decoded text.
namespace {

std::string decoded(std::string_view raw, const hl7v2::message& m) {
  std::string d;
  hl7v2::unescape(raw, m.delims(), d);
  std::string u;
  (void)hl7v2::to_utf8(d, hl7v2::charset_from_msh18(m.charset_name()), hl7v2::invalid_bytes::replace, u);
  return u;
}

void check_value(element v, const hl7v2::repetition& rep, const hl7v2::defs::type_def* type,
                 const hl7v2::message& m, std::size_t& checked) {
  if (rep.is_null()) {
    CHECK(v.is_null());
    return;
  }
  if (type == nullptr) return;
  if (type->is_primitive()) {
    CHECK(str(v) == decoded(rep.raw(), m));
    ++checked;
    return;
  }
  REQUIRE(v.is_object());
  std::size_t pos = 0;
  for (const hl7v2::component comp : rep) {
    ++pos;
    const auto* cd = type->component(pos);
    if (comp.empty() || cd == nullptr) continue;
    INFO("component " << pos);
    element cv;
    REQUIRE(v[cd->key].get(cv) == simdjson::SUCCESS);
    if (comp.is_null()) {
      CHECK(cv.is_null());
    } else if (cd->type->is_primitive()) {
      CHECK(str(cv) == decoded(comp.raw(), m));
      ++checked;
    } else {
      CHECK(cv.is_object());
    }
  }
}

std::size_t check_against_tree(const hl7v2::message& m, element doc) {
  json::walker w;
  const auto* version = w.version_of(m);
  const auto* structure = json::walker::structure_of(m, *version);
  std::size_t checked = 0;
  for (const hl7v2::segment seg : m.segments()) {
    std::string key(seg.id());
    for (char& ch : key) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    std::size_t occurrence = 0;
    for (const hl7v2::segment s : m.segments(seg.id())) {
      ++occurrence;
      if (s.index() == seg.index()) break;
    }
    element segv;
    if (w.segment_repeats(structure, seg.id())) {
      REQUIRE(doc[key].at(occurrence - 1).get(segv) == simdjson::SUCCESS);
    } else {
      if (occurrence > 1) key += "(" + std::to_string(occurrence) + ")";
      REQUIRE(doc[key].get(segv) == simdjson::SUCCESS);
    }
    const auto* def = hl7v2::defs::find_segment_with_fallback(*version, seg.id());
    if (def == nullptr) continue;
    for (std::size_t pos = seg.is_header() ? 3 : 1; pos <= seg.size(); ++pos) {
      const hl7v2::field f = seg[pos];
      const auto* fd = def->field(pos);
      if (f.empty() || fd == nullptr || (seg.id() == "OBX" && pos == 5)) continue;
      INFO(seg.id() << "-" << pos);
      element fv;
      REQUIRE(segv[fd->key].get(fv) == simdjson::SUCCESS);
      if (f.is_null()) {
        CHECK(fv.is_null());
        continue;
      }
      if (fd->repeats()) {
        REQUIRE(fv.is_array());
        REQUIRE(fv.get_array().size() == f.size());
        std::size_t i = 0;
        for (const hl7v2::repetition rep : f) {
          if (!rep.empty()) check_value(fv.at(i), rep, fd->type, m, checked);
          ++i;
        }
      } else {
        CHECK_FALSE(fv.is_array());
        if (!f[1].empty()) check_value(fv, f[1], fd->type, m, checked);
      }
    }
  }
  return checked;
}

}  // namespace

TEST_CASE("named JSON matches the tree: samples and a generated corpus") {
  std::vector<std::string> messages{test_support::data("blog_adt_a01.hl7"),
                                    test_support::data("oru_r01_lab.hl7")};
  for (const bool latin1 : {false, true}) {
    hl7v2::bench::corpus_generator gen{
        {.count = 0, .seed = latin1 ? 7u : 3u, .latin1 = latin1, .z_segments = true}};
    for (int i = 0; i < 150; ++i) {
      std::string one;
      gen.append_next(one);
      messages.push_back(std::move(one));
    }
  }
  hl7v2::parser p;
  json::converter conv;
  std::string out;
  simdjson::dom::parser jp;
  std::size_t checked = 0;
  for (const std::string& text : messages) {
    const auto msg = p.parse(text);
    REQUIRE(msg);
    out.clear();
    REQUIRE(conv.write(*msg, out));
    element doc;
    REQUIRE(jp.parse(out).get(doc) == simdjson::SUCCESS);
    checked += check_against_tree(*msg, doc);
  }
  CHECK(checked > 10000);
}
