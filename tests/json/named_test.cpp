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
  // 2.3 PID-5 may repeat (HL7 2.3 made it repeating), yet the key is its first repetition, so the
  // tutorial's query reads as published.
  CHECK(str(c.doc["pid"]["patient_name"]["given_name"]) == "JOHN");
  CHECK(str(c.doc["pid"]["patient_name"]["family_name"]) == "DOE");
  // MSH-1 and MSH-2 as their text.
  CHECK(str(c.doc["msh"]["field_separator"]) == "|");
  CHECK(str(c.doc["msh"]["encoding_characters"]) == "^~\\&");
}

TEST_CASE("shape comes from the definitions, not the data") {
  converted c;
  convert(test_support::data("blog_adt_a01.hl7"), c);
  // A field is its first repetition, whether the definition lets it repeat (2.3 PID-3) or not: a
  // composite is an object, the other repetitions go under "<key>_more" (none here).
  CHECK(c.doc["pid"]["patient_id_internal_id"].is_object());
  CHECK_FALSE(has(c.doc["pid"], "patient_id_internal_id_more"));
  CHECK(c.doc["pid"]["patient_name"].is_object());
  // ADT_A01 lists PID once and NK1 as repeating.
  CHECK(c.doc["pid"].is_object());
  CHECK(c.doc["nk1"].is_array());
  // Empty fields and components are left out.
  CHECK_FALSE(has(c.doc["pid"], "patient_alias"));
  CHECK_FALSE(has(c.doc["pid"]["patient_name"], "middle_initial_or_name"));

  converted o;
  convert(test_support::data("oru_r01_lab.hl7"), o);
  // 2.5.1: PID sits in the repeating PATIENT_RESULT group of ORU_R01: an array of segments. PID-3's
  // second repetition is in "patient_identifier_list_more".
  REQUIRE(o.doc["pid"].is_array());
  CHECK(str(o.doc["pid"].at(0)["patient_name"]["given_name"]) == "MAEVE");
  CHECK(str(o.doc["pid"].at(0)["patient_identifier_list"]["id_number"]) == "R123456");
  CHECK(o.doc["pid"].at(0)["patient_identifier_list_more"].get_array().size() == 1);
  CHECK(str(o.doc["pid"].at(0)["patient_identifier_list_more"].at(0)["id_number"]) == "999-88-7777");
  CHECK(o.doc["obx"].get_array().size() == 3);
  CHECK(str(o.doc["obx"].at(2)["set_id_obx"]) == "3");  // order kept
}

TEST_CASE("escapes are decoded; OBX-5 is text, with a reading in the type OBX-2 names beside it") {
  converted c;
  convert(test_support::data("oru_r01_lab.hl7"), c);
  CHECK(str(c.doc["nte"].at(0)["comment"]) == "Low hemoglobin & low hematocrit\nRecommend iron studies");
  // A decoded \S\ is text: no "_er7" beside it.
  CHECK(str(c.doc["obx"].at(2)["observation_value"]) == "Anisocytosis 1^2+; see \\note\\");
  CHECK_FALSE(has(c.doc["obx"].at(2), "observation_value_er7"));
  CHECK_FALSE(has(c.doc["obx"].at(2), "observation_value_st"));

  converted t;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ORU^R01^ORU_R01|1|P|2.5.1\n"
                     "OBX|1|CE|X^Y^LN||123^Glucose^LN||\n"
                     "OBX|2|NM|X^Y^LN||+007.50~n/a|\n"
                     "OBX|3|ZZ|X^Y^LN||a^b&c|\n"
                     "OBX|4|C\\X45\\|X^Y^LN||1^2|\n"),
          t, {.typed = true});
  // Every OBX has its text under observation_value, whatever OBX-2 says: one shape for the key.
  for (std::size_t i = 0; i < 4; ++i) CHECK(t.doc["obx"].at(i)["observation_value"].is_string());
  CHECK(str(t.doc["obx"].at(0)["observation_value"]) == "123");
  CHECK(str(t.doc["obx"].at(0)["observation_value_ce"]["text"]) == "Glucose");
  CHECK_FALSE(has(t.doc["obx"].at(0), "observation_value_er7"));  // the CE reading holds it all
  // NM under typed: the text, and the number beside it (null where it does not parse).
  CHECK(str(t.doc["obx"].at(1)["observation_value_more"].at(0)) == "n/a");
  CHECK(double(t.doc["obx"].at(1)["observation_value_nm"].get_double()) == 7.5);
  CHECK(t.doc["obx"].at(1)["observation_value_nm_more"].at(0).is_null());
  // Unknown type ZZ: the text reading and the ER7 text.
  CHECK(str(t.doc["obx"].at(2)["observation_value"]) == "a");
  CHECK(str(t.doc["obx"].at(2)["observation_value_er7"]) == "a^b&c");
  // OBX-2 is read as the layout shows it, escapes decoded: C\X45\ is CE.
  CHECK(str(t.doc["obx"].at(3)["observation_value_ce"]["text"]) == "2");

  converted u;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ORU^R01^ORU_R01|1|P|2.5.1\nOBX|2|NM|X^Y^LN||7.5|\n"), u);
  CHECK_FALSE(has(u.doc["obx"].at(0), "observation_value_nm"));  // untyped: the text says it all
}

TEST_CASE("a primitive part holding delimiters: its first part under the key, its ER7 text beside it") {
  converted c;
  // 2.5.1 PID-8 is an IS, XPN.1 FN composite, XPN.2 primitive.
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\n"
                     "PID|1||||DOE^JOHN&JR~ROE|||M^4^M11\n"),
          c);
  CHECK(str(c.doc["pid"]["administrative_sex"]) == "M");
  CHECK(str(c.doc["pid"]["administrative_sex_er7"]) == "M^4^M11");
  CHECK(str(c.doc["pid"]["patient_name"]["given_name"]) == "JOHN");
  CHECK(str(c.doc["pid"]["patient_name"]["given_name_er7"]) == "JOHN&JR");
  CHECK_FALSE(has(c.doc["pid"], "patient_name_er7"));  // the composite holds the rest itself
  CHECK(str(c.doc["pid"]["patient_name_more"].at(0)["family_name"]["surname"]) == "ROE");

  // The case: 2.7 PID-2 is withdrawn but keeps its CX shape, so its components are keys.
  converted w;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.7\nPID|1|1234567^4^M11\n"), w);
  CHECK(str(w.doc["pid"]["patient_id"]["id_number"]) == "1234567");
  CHECK_FALSE(has(w.doc["pid"], "patient_id_er7"));

  // The first part empty: only the ER7 text says something.
  converted e;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\nPID|1|||||||^4\n"), e);
  CHECK_FALSE(has(e.doc["pid"], "administrative_sex"));
  CHECK(str(e.doc["pid"]["administrative_sex_er7"]) == "^4");

  // upper_keys: the suffix too.
  converted u;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\nPID|1|||||||F^4\n"), u,
          {.upper_keys = true});
  CHECK(str(u.doc["PID"]["ADMINISTRATIVE_SEX_ER7"]) == "F^4");
}

TEST_CASE("an untyped date that reads as ISO 8601 keeps its ER7 text beside it") {
  // "2026-11" is no HL7 date, but er7_from_json reads ISO 8601 in date fields back as HL7 ("202611"):
  // without its ER7 text the message would not come back as it was. Found by fuzz_emit.
  converted c;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|2026-11||ADT^A01|1|P|2.5\nPID|1||123||DOE^JOHN||2026-11\n"), c);
  CHECK(str(c.doc["msh"]["date_time_of_message"]["time"]) == "2026-11");
  CHECK(str(c.doc["msh"]["date_time_of_message"]["time_er7"]) == "2026-11");
  CHECK(str(c.doc["pid"]["date_time_of_birth"]["time_er7"]) == "2026-11");
  // A dash that reads as no ISO date (an HL7 offset) needs no ER7 text.
  converted o;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|202611011200-0500||ADT^A01|1|P|2.5\n"), o);
  CHECK_FALSE(has(o.doc["msh"]["date_time_of_message"], "time_er7"));
}

TEST_CASE("HL7 null is JSON null; unknown parts are text under positional keys") {
  converted c;
  const std::string feed = test_support::data("lf_feed_two_messages.hl7");
  convert(feed.substr(0, feed.find("\n\n") + 1), c);
  // Z-segment (not in ADT_A01, so it may repeat): fields are text, ER7 text beside when split.
  REQUIRE(c.doc["zpd"].is_array());
  CHECK(str(c.doc["zpd"].at(0)["1"]) == "1");
  CHECK(str(c.doc["zpd"].at(0)["2"]) == "PREFERRED");
  CHECK(str(c.doc["zpd"].at(0)["2_er7"]) == "PREFERRED^Owie");
  CHECK(str(c.doc["zpd"].at(0)["3"]) == "LEFT-HANDED");
  CHECK_FALSE(has(c.doc["zpd"].at(0), "3_er7"));

  converted second;
  convert(feed.substr(feed.find("\n\n") + 2), second);
  // PID-11 may repeat, but a null field is null.
  const std::string_view address = hl7v2::defs::v2_4.segment("PID")->field(11)->key();
  CHECK(second.doc["pid"][address].is_null());

  converted past;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\nPID|1" + std::string(60, '|') +
                     "far^away~x|\"\"|plain\n"),
          past);
  CHECK(str(past.doc["pid"]["61"]) == "far");  // one value, never an array: no "61(2)"
  CHECK(str(past.doc["pid"]["61_er7"]) == "far^away~x");
  CHECK_FALSE(has(past.doc["pid"], "61(2)"));
  CHECK(past.doc["pid"]["62"].is_null());
  CHECK(str(past.doc["pid"]["63"]) == "plain");

  // Components past the type: the same rule inside the object.
  converted comp;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\n"
                     "PID|1||X^^^^^^^^^^^y&z^w\n"),
          comp);
  const auto id = comp.doc["pid"]["patient_identifier_list"];
  CHECK(str(id["12"]) == "y");
  CHECK(str(id["12_er7"]) == "y&z");
  CHECK(str(id["13"]) == "w");
}

TEST_CASE("data beyond what the definitions allow is kept, not dropped") {
  converted c;
  // 2.3: PID-6 (Mother's Maiden Name) may not repeat, PID occurs once in ADT_A01.
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.3\n"
                     "PID|1||X|||DOE^JANE~ROE^RUTH~~POE\n"
                     "PID|2\n"),
          c);
  CHECK(str(c.doc["pid"]["mothers_maiden_name"]["family_name"]) == "DOE");
  const auto more = c.doc["pid"]["mothers_maiden_name_more"];
  REQUIRE(more.get_array().size() == 3);
  CHECK(str(more.at(0)["family_name"]) == "ROE");
  CHECK(more.at(1).get_object().size() == 0);  // an empty repetition keeps its place
  CHECK(str(more.at(2)["family_name"]) == "POE");
  CHECK_FALSE(has(c.doc["pid"], "6(2)"));
  CHECK(str(c.doc["pid(2)"]["set_id_patient_id"]) == "2");
}

TEST_CASE("empty repetitions inside arrays keep their place") {
  converted c;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\nPID|1||~B^^^X\nPV1|1|I||||||||||||||||||"
                     "||||||||||||||||||||||||||||~x\n"),
          c);
  // Repetition 1 says nothing: no key; the others keep their places in "_more".
  CHECK_FALSE(has(c.doc["pid"], "patient_identifier_list"));
  const auto ids = c.doc["pid"]["patient_identifier_list_more"];
  REQUIRE(ids.get_array().size() == 1);
  CHECK(str(ids.at(0)["id_number"]) == "B");
}

TEST_CASE("a segment newer than the declared version keeps its names") {
  converted c;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.3\nSFT|Vendor Inc|1.0\n"), c);
  const std::string_view key = hl7v2::defs::v2_5.segment("SFT")->field(2)->key();
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
  CHECK(str(c.doc["PID"]["PATIENT_NAME"]["GIVEN_NAME"]) == "JOHN");
  CHECK(str(c.doc["MSH"]["MESSAGE_CONTROL_ID"]) == "MSGID10001");
  CHECK_FALSE(has(c.doc, "pid"));
}

TEST_CASE("typed values") {
  converted c;
  convert(test_support::data("blog_adt_a01.hl7"), c, {.typed = true});
  CHECK(int64_t(c.doc["pid"]["set_id_patient_id"].get_int64()) == 1);             // SI
  CHECK(str(c.doc["pid"]["date_of_birth"]["time_of_an_event"]) == "1960-11-11");  // TS.1
  CHECK(str(c.doc["msh"]["date_time_of_message"]["time_of_an_event"]) == "2016-11-11T11:11");
  CHECK(str(c.doc["pid"]["patient_name"]["family_name"]) == "DOE");  // text stays text

  // A value that does not parse is null, never a string in a number's place; its text is beside it.
  converted bad;
  convert(crlf_to_cr("MSH|^~\\&|A|B|C|D|2026x||ORU^R01|1|P|2.5.1\nOBX|x1|NM|A||n/a\n"
                     "OBX|2|NM|A||1|||||||||||||||||||||||||||||||||||||||||||||||||||||||||1.5\n"),
          bad, {.typed = true});
  CHECK(bad.doc["obx"].at(0)["set_id_obx"].is_null());
  CHECK(str(bad.doc["obx"].at(0)["set_id_obx_er7"]) == "x1");
  CHECK(int64_t(bad.doc["obx"].at(1)["set_id_obx"].get_int64()) == 2);
  CHECK_FALSE(has(bad.doc["obx"].at(1), "set_id_obx_er7"));
  CHECK(str(bad.doc["obx"].at(0)["observation_value"]) == "n/a");
  CHECK(bad.doc["obx"].at(0)["observation_value_nm"].is_null());
  CHECK(bad.doc["msh"]["date_time_of_message"]["time"].is_null());
  CHECK(str(bad.doc["msh"]["date_time_of_message"]["time_er7"]) == "2026x");
}

TEST_CASE("character sets: Latin-1 under 8859/1, invalid bytes by policy") {
  const std::string latin1 =
      crlf_to_cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1||||||8859/1\nPID|1||X||M\xDCLLER^REN\xC9\n");
  converted c;
  convert(latin1, c);
  CHECK(str(c.doc["pid"]["patient_name"]["given_name"]) == "REN\xC3\x89");

  const std::string bad = crlf_to_cr(
      "MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1||||||UNICODE UTF-8\nPID|1||X||SECRET\xFFNAME\n");
  converted r;
  convert(bad, r);
  CHECK(str(r.doc["pid"]["patient_name"]["family_name"]["surname"]) == "SECRET\xEF\xBF\xBDNAME");

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

std::string utf8_of(std::string_view raw, const hl7v2::message& m) {
  std::string u;
  (void)hl7v2::to_utf8(raw, hl7v2::charset_from_msh18(m.charset_name()), hl7v2::invalid_bytes::replace, u);
  return u;
}

// The first component's first subcomponent: how a primitive reads a part holding delimiters.
std::string_view first_of(std::string_view raw, const hl7v2::message& m, bool components) {
  const auto& d = m.delims();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if ((components && raw[i] == d.component) || raw[i] == d.subcomponent) return raw.substr(0, i);
  }
  return raw;
}

// Checks a repetition; sets `er7` when the field must carry its ER7 text beside it.
void check_value(element v, const hl7v2::repetition& rep, const hl7v2::defs::type_def* type,
                 const hl7v2::message& m, std::size_t& checked, bool& er7) {
  if (rep.is_null()) {
    CHECK(v.is_null());
    return;
  }
  if (type == nullptr) return;
  if (type->is_primitive()) {
    const std::string_view first = first_of(rep.raw(), m, true);
    er7 = er7 || first.size() != rep.raw().size();
    if (first == "\"\"") {
      CHECK(v.is_null());
    } else {
      CHECK(str(v) == decoded(first, m));
    }
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
    if (comp.is_null()) {
      REQUIRE(v[cd->key()].get(cv) == simdjson::SUCCESS);
      CHECK(cv.is_null());
    } else if (cd->type->is_primitive()) {
      const std::string_view first = first_of(comp.raw(), m, false);
      if (first == "\"\"") {
        REQUIRE(v[cd->key()].get(cv) == simdjson::SUCCESS);
        CHECK(cv.is_null());
      } else if (!decoded(first, m).empty()) {
        REQUIRE(v[cd->key()].get(cv) == simdjson::SUCCESS);
        CHECK(str(cv) == decoded(first, m));
        ++checked;
      }
      if (first.size() != comp.raw().size()) {
        REQUIRE(v[std::string(cd->key()) + "_er7"].get(cv) == simdjson::SUCCESS);
        CHECK(str(cv) == utf8_of(comp.raw(), m));
        ++checked;
      } else {
        CHECK(v[std::string(cd->key()) + "_er7"].error() == simdjson::NO_SUCH_FIELD);
      }
    } else {
      REQUIRE(v[cd->key()].get(cv) == simdjson::SUCCESS);
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
    for (std::size_t pos = seg.is_header() ? 3 : 1; pos <= seg.size(); ++pos) {
      const hl7v2::field f = seg[pos];
      const auto* fd = def ? def->field(pos) : nullptr;
      if (f.empty()) continue;
      INFO(seg.id() << "-" << pos);
      element fv;
      if (fd == nullptr) {  // unknown: one primitive value, the whole field's ER7 text when split
        const std::string name = std::to_string(pos);
        const auto& d = m.delims();
        std::size_t cut = f.raw().size();
        for (std::size_t i = 0; i < f.raw().size(); ++i) {
          const char ch = f.raw()[i];
          if (ch == d.repetition || ch == d.component || ch == d.subcomponent) {
            cut = i;
            break;
          }
        }
        const std::string_view first = f.raw().substr(0, cut);
        if (!decoded(first, m).empty()) {
          REQUIRE(segv[name].get(fv) == simdjson::SUCCESS);
          if (first == "\"\"") {
            CHECK(fv.is_null());
          } else {
            CHECK(str(fv) == decoded(first, m));
          }
          ++checked;
        }
        if (cut != f.raw().size()) {
          REQUIRE(segv[name + "_er7"].get(fv) == simdjson::SUCCESS);
          CHECK(str(fv) == utf8_of(f.raw(), m));
        }
        continue;
      }
      const bool varies = seg.id() == "OBX" && pos == 5;
      if (f.is_null()) {
        REQUIRE(segv[fd->key()].get(fv) == simdjson::SUCCESS);
        CHECK(fv.is_null());
        continue;
      }
      // OBX-5's text reading is a primitive reading, whatever OBX-2 says.
      static constexpr hl7v2::defs::type_def text_type{"ST", "text", nullptr, 0};
      const hl7v2::defs::type_def* type = varies ? &text_type : fd->type;
      // Repetition 1 is under the key unless it says nothing: only delimiters, or (a primitive) an
      // empty first component.
      const std::string_view first_rep = f[1].raw();
      const std::string_view first_part = first_of(first_rep, m, true);
      const bool first_says_something =
          type->is_primitive()
              ? first_part == "\"\"" || !decoded(first_part, m).empty()
              : first_rep.find_first_not_of(std::string{m.delims().component, m.delims().subcomponent}) !=
                    std::string_view::npos;
      if (first_says_something) {
        REQUIRE(segv[fd->key()].get(fv) == simdjson::SUCCESS);
      } else {
        CHECK(segv[fd->key()].error() == simdjson::NO_SUCH_FIELD);
      }
      bool er7 = !first_says_something && first_part.size() != first_rep.size();
      // Repetition 1 under the key, the others under "<key>_more", whether the field may repeat or not.
      if (first_says_something) {
        CHECK_FALSE(fv.is_array());
        check_value(fv, f[1], type, m, checked, er7);
      }
      element more;
      if (f.size() > 1) {
        REQUIRE(segv[std::string(fd->key()) + "_more"].get(more) == simdjson::SUCCESS);
        REQUIRE(more.get_array().size() == f.size() - 1);
        for (std::size_t i = 2; i <= f.size(); ++i) {
          if (!f[i].empty()) check_value(more.at(i - 2), f[i], type, m, checked, er7);
        }
      } else {
        CHECK(segv[std::string(fd->key()) + "_more"].error() == simdjson::NO_SUCH_FIELD);
      }
      if (varies) {  // no ER7 text when OBX-2 names a composite: its reading holds everything
        const auto* named_type = version->type(seg[2][1][1][1].raw());
        if (named_type != nullptr && !named_type->is_primitive()) er7 = false;
      }
      if (er7) {
        REQUIRE(segv[std::string(fd->key()) + "_er7"].get(fv) == simdjson::SUCCESS);
        CHECK(str(fv) == utf8_of(f.raw(), m));
        ++checked;
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
