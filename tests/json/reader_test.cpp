// JSON → ER7: named JSON back to ER7 reproduces the same named JSON (untyped, typed, upper-case keys)
// over the samples, a generated corpus and random messages; hand-written JSON in both layouts; and
// every malformed input refused with bad_json, nothing appended.
#include "hl7v2/json/reader.hpp"
#include "hl7v2/defs/all.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <string_view>

#include "../../bench/corpus/generator.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/parser.hpp"
#include "json/json_test_support.hpp"

namespace {

using namespace hl7v2;

std::string to_json(const std::string& er7, const json::options& o) {
  hl7v2::parser p;
  const auto msg = p.parse(er7);
  REQUIRE(msg);
  json::converter conv{o};
  std::string out;
  REQUIRE(conv.write(*msg, out));
  return out;
}

std::string back_to_er7(const std::string& json_text) {
  json::er7_from_json back;
  std::string er7;
  const auto n = back.convert(json_text, er7);
  INFO(json_text);
  REQUIRE(n);
  CHECK(*n == er7.size());
  return er7;
}

// ER7 → named JSON → ER7 → named JSON: the two JSON documents are equal, except that a part whose
// text decoded to nothing ("\H\") may be left out the second time; from then on it is a fixpoint.
void fixpoint(const std::string& er7, const json::options& o) {
  const std::string first = to_json(er7, o);
  const std::string second = to_json(back_to_er7(first), o);
  if (first == second) return;
  INFO(first << "\n" << second);
  CHECK(test_support::json_text_equal(first, second, true));  // typed: 7.20 comes back as 7.2
  const std::string third = to_json(back_to_er7(second), o);
  CHECK(test_support::json_text_equal(second, third));
}

std::string cr(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = '\r';
  }
  return s;
}

}  // namespace

TEST_CASE("named → ER7 → named is a fixpoint: samples, every option") {
  const std::string feed = test_support::data("lf_feed_two_messages.hl7");
  const std::string samples[] = {test_support::data("blog_adt_a01.hl7"),
                                 test_support::data("oru_r01_lab.hl7"), feed.substr(0, feed.find("\n\n") + 1),
                                 feed.substr(feed.find("\n\n") + 2)};
  for (const std::string& s : samples) {
    fixpoint(s, {});
    fixpoint(s, {.typed = true});
    fixpoint(s, {.upper_keys = true});
    fixpoint(s, {.typed = true, .upper_keys = true});
  }
}

TEST_CASE("named → ER7 → named is a fixpoint: generated corpus") {
  for (const bool latin1 : {false, true}) {
    hl7v2::bench::corpus_generator gen{{.count = 0, .seed = 5, .latin1 = latin1, .z_segments = true}};
    for (int i = 0; i < 150; ++i) {
      std::string one;
      gen.append_next(one);
      fixpoint(one, {});
      fixpoint(one, {.typed = true});
    }
  }
}

TEST_CASE("named → ER7 → named is a fixpoint: random messages") {
  test_support::rng r{77};
  for (int i = 0; i < 1500; ++i) {
    const auto g = test_support::random_message(r);
    INFO("message " << i);
    fixpoint(g.text, {});
    fixpoint(g.text, {.typed = (i % 2) == 0, .upper_keys = (i % 3) == 0});
  }
}

TEST_CASE("named → ER7 places values by the definitions") {
  json::er7_from_json back;
  std::string er7;
  const auto n =
      back.convert(R"({"_source":{"file":"x"},"msh":{"field_separator":"|","encoding_characters":"^~\\&",
      "message_type":{"message_code":"ADT","trigger_event":"A01"},"version_id":{"version_id":"2.5.1"}},
      "PID":{"PATIENT_NAME":[{"family_name":{"surname":"O|NEIL"},"given_name":"ANN"},{"given_name":"X"}],
             "set_id_pid":1,"date_time_of_birth":{"time":"1960-11-11"},"40":"far","administrative_sex":null},
      "obx":[{"value_type":"NM","observation_value":[7.5]},{"value_type":"CE","observation_value":[{"text":"Glucose"}]}]})",
                   er7);
  REQUIRE(n);
  CHECK(er7 == cr("MSH|^~\\&|||||||ADT^A01|||2.5.1\n"
                  "PID|1||||O\\F\\NEIL^ANN~^X||19601111|\"\"" +
                  std::string(32, '|') +
                  "far\n"
                  "OBX||NM|||7.5\n"
                  "OBX||CE|||^Glucose\n"));
}

TEST_CASE("named → ER7: \"_er7\" text is written as it is, in place of the value beside it") {
  json::er7_from_json back;
  std::string er7;
  // Field, component and subcomponent level; a value next to its ER7 text says nothing more.
  REQUIRE(back.convert(
      R"({"msh":{"field_separator":"|","encoding_characters":"^~\\&","version_id":{"version_id":"2.7"}},
      "pid":[{"patient_id":"IGNORED","patient_id_er7":"1234567^4^M11",
              "patient_name":[{"given_name":"JOHN","given_name_er7":"JOHN&JR"}],
              "patient_identifier_list":[{"id_number":"X","12":"y","12_er7":"y&z"}],
              "40_er7":"far^away~x"}],
      "zpd":[{"1":"1","2":"PREFERRED","2_er7":"PREFERRED^Owie"}]})",
      er7));
  CHECK(er7 == cr("MSH|^~\\&||||||||||2.7\n"
                  "PID||1234567^4^M11|X^^^^^^^^^^^y&z||^JOHN&JR" +
                  std::string(35, '|') +
                  "far^away~x\n"
                  "ZPD|1|PREFERRED^Owie\n"));
  // Repetition 1 under the key, the others under "_more" (an absent key: repetition 1 is empty).
  er7.clear();
  REQUIRE(back.convert(
      R"({"msh":{"field_separator":"|","encoding_characters":"^~\\&","version_id":{"version_id":"2.5.1"}},
      "pid":{"patient_identifier_list_more":[{"id_number":"X"}],
             "patient_name":{"given_name":"A"},"patient_name_more":[{"given_name":"B"},{}],
             "administrative_sex":"F","administrative_sex_more":["M"]}})",
      er7));
  CHECK(er7 == cr("MSH|^~\\&||||||||||2.5.1\nPID|||~X||^A~^B~|||F~M\n"));
  // A varies field: its reading in a composite type wins over the text; a primitive reading (typed)
  // only counts when the text is missing.
  er7.clear();
  REQUIRE(back.convert(
      R"({"msh":{"field_separator":"|","encoding_characters":"^~\\&","version_id":{"version_id":"2.5.1"}},
      "obx":[{"value_type":"CE","observation_value":["123"],"observation_value_ce":[{"identifier":"123","text":"G"}]},
             {"value_type":"NM","observation_value":["7.50"],"observation_value_nm":[7.5]},
             {"value_type":"NM","observation_value_nm":[7.5]},
             {"value_type":"DT","observation_value":["2026-01-26"]}]})",
      er7));
  CHECK(er7 == cr("MSH|^~\\&||||||||||2.5.1\n"
                  "OBX||CE|||123^G\n"
                  "OBX||NM|||7.50\n"
                  "OBX||NM|||7.5\n"
                  "OBX||DT|||2026-01-26\n"));  // the text reading is text, never converted
  // Text that is exactly "" is not HL7's null.
  er7.clear();
  REQUIRE(back.convert(
      R"({"msh":{"field_separator":"|","encoding_characters":"^~\\&"},"pid":{"set_id_pid":"\"\"","2":null}})",
      er7));
  CHECK(er7 == cr("MSH|^~\\&\nPID|\\X2222\\|\"\"\n"));
  // A single-byte character set: characters become its bytes, '?' those it lacks.
  er7.clear();
  REQUIRE(
      back.convert("{\"msh\":{\"field_separator\":\"|\",\"encoding_characters\":\"^~\\\\&\",\"version_id\":{"
                   "\"version_id\":\"2.5.1\"},"
                   "\"character_set\":[\"8859/2\"]},\"zpd\":[{\"1\":\"\xC5\x81\xC3\xA9\xE2\x82\xAC\"}]}",
                   er7));
  CHECK(er7 == cr("MSH|^~\\&||||||||||2.5.1||||||8859/2\nZPD|\xA3\xE9?\n"));
}

TEST_CASE("positional JSON written by hand") {
  // After the header a CR or LF is text (an LF-terminated message may hold CRs, and the reverse).
  json::er7_from_json back;
  std::string er7;
  REQUIRE(back.convert(
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&","A"],["PID","1",["a","b"],[[["x","y"],"z"]]]]})",
      er7));
  CHECK(er7 == "MSH|^~\\&|A\rPID|1|a~b|x&y^z\r");
  er7.clear();
  REQUIRE(back.convert(R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&"],["PID","a\rb"],["MSH"]]})",
                       er7));
  CHECK(er7 == "MSH|^~\\&\rPID|a\rb\rMSH\r");
  er7.clear();
  REQUIRE(back.convert(
      R"({"bytes":"latin1","delimiters":"|^~\\&","segments":[["MSH","|","^~\\&","\u00ff\u00e9"]]})", er7));
  CHECK(er7 == "MSH|^~\\&|\xFF\xE9\r");
}

TEST_CASE("malformed JSON is refused with bad_json and nothing appended") {
  const std::string_view bad[] = {
      "",
      "not json",
      "[1,2]",
      "{\"segments\":[]}",
      R"({"segments":[["MSH","|","^~\\&"]]})",                                        // no delimiters
      R"({"delimiters":"|^~\\&","segments":[]})",                                     // no segment
      R"({"delimiters":"|^~\\&","segments":[["PID","1"]]})",                          // first is not MSH
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&"],["pid","1"]]})",      // bad id
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&"],["PIDX","1"]]})",     // bad id
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&"],["PID",1]]})",        // number
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&"],["PID","a|b"]]})",    // field separator in a
                                                                                      // field
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&","a\rb"]]})",           // CR in the header
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&","a\nb"],["PID"]]})",   // LF in the header
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&"],["PID",["a^b"]]]})",  // component delimiter
                                                                                      // in a repetition
      R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&"],["PID",[[[["a"]]]]]]})",  // too deep
      R"({"delimiters":"|^~\\&","segments":[["MSH","#","^~\\&"]]})",                      // MSH-1 disagrees
      R"({"delimiters":"||~\\&","segments":[["MSH","|","|~\\&"]]})",  // duplicate delimiter
      R"({"bytes":"latin1","delimiters":"|^~\\&","segments":[["MSH","|","^~\\&","\u0100"]]})",  // beyond one
                                                                                                // byte
      R"({"pid":{"set_id_pid":"1"}})",                                                // named without msh
      R"({"msh":{"message_control_id":"1"},"pid":{"no_such_field":"1"}})",            // unknown key
      R"({"msh":{"message_control_id":"1"},"pid":{"set_id_pid":"1","1":"2"}})",       // the same field twice
      R"({"msh":{"message_control_id":"1"},"pid":{"patient_name":[{"nope":"x"}]}})",  // unknown component
      R"({"msh":{"message_control_id":"1"},"pid":{"set_id_pid":{"a":"b"}}})",  // object for a primitive
      R"({"msh":{"message_control_id":"1"},"pid":{"set_id_pid":true}})",
      R"({"pid":{"set_id_pid":"1"},"msh":{"message_control_id":"1"}})",        // MSH not first
      R"({"msh":{"message_control_id":"1"},"pid":{"patient_id_er7":"a|b"}})",  // field separator in ER7 text
      R"({"msh":{"message_control_id":"1"},"pid":{"patient_id_er7":7}})",      // ER7 text not a string
      R"({"msh":{"message_control_id":"1"},"pid":{"1_er7":"a","set_id_pid_er7":"b"}})",           // twice
      R"({"msh":{"message_control_id":"1"},"pid":{"patient_name":[{"given_name_er7":"a^b"}]}})",  // a
                                                                                                  // component's
                                                                                                  // text with
                                                                                                  // ^
      R"({"msh":{"message_control_id":"1"},"pid":{"patient_name":[{"family_name":{"surname_er7":"a&b"}}]}})",
      R"({"msh":{"message_control_id":"1"},"pid":{"5(2)_er7":"a"}})",                  // ER7 of a repetition
      R"({"msh":{"message_control_id":"1"},"obx":[{"observation_value_zz":["a"]}]})",  // no such type
      R"({"msh":{"message_control_id":"1"},"obx":[{"observation_value_ce":[{}],"observation_value_cwe":[{}]}]})",
      R"({"msh":{"message_control_id":"1","message_type_er7":"A\rB"}})",  // a line break in the header
      R"({"msh":{"message_control_id":"1"},"pid":{"patient_name_more":{"given_name":"B"}}})",  // not an array
      R"({"msh":{"message_control_id":"1"},"pid":{"patient_name":[{}],"patient_name_more":[{}]}})",
      R"j({"msh":{"message_control_id":"1"},"pid":{"5(2)":{},"patient_name_more":[{}]}})j",
      R"({"msh":{"message_control_id":"1"},"obx":[{"observation_value_ce":{},"observation_value_cwe_more":[{}]}]})",
  };
  json::er7_from_json back;
  for (std::string_view b : bad) {
    INFO(b);
    std::string out = "before";
    const auto n = back.convert(b, out);
    CHECK_FALSE(n);
    CHECK(n.error().code == errc::bad_json);
    CHECK(out == "before");
  }
}

TEST_CASE("named → ER7: a last value ending in a line feed stays text, not half of a CRLF") {
  // Found by fuzz_emit: in a CR-terminated message a line feed is text. Written back as the segment's
  // last value it met the CR, and read again as CRLF the value was gone.
  const std::string text = "MSH|^~\\&|A|B|C|D|20250101||ADT^A01|1|P|2.5\rPID|1||R1||DOE^J||\n||\r";
  for (const json::options& o : {json::options{}, json::options{.typed = true, .format = formatting::keep}}) {
    const std::string first = to_json(text, o);
    const std::string er7 = back_to_er7(first);
    if (o.typed) CHECK(er7.find("|\n|\r") != std::string::npos);  // the date's ER7 text, as it was
    CHECK(to_json(er7, o) == first);
  }
}
