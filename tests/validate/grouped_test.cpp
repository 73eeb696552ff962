// The grouped JSON layout (include/hl7v2/json/grouped.hpp), parsed back with simdjson.
#include "hl7v2/json/grouped.hpp"
#include "hl7v2/defs/all.hpp"

#include <simdjson.h>

#include <catch2/catch_test_macros.hpp>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>

#include "hl7v2/parser.hpp"

using namespace hl7v2;
using simdjson::dom::element;

namespace {

std::string join(std::initializer_list<std::string_view> segments) {
  std::string s;
  for (std::string_view seg : segments) {
    s += seg;
    s += '\r';
  }
  return s;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct converted {
  std::string json;
  simdjson::dom::parser parser;
  element root;
};

void convert(const std::string& er7, converted& out, json::options opts = {}) {
  hl7v2::parser p;
  auto m = p.parse(er7);
  REQUIRE(m);
  json::grouped_converter conv{opts};
  auto n = conv.write(*m, out.json);
  REQUIRE(n);
  CHECK(*n == out.json.size());
  INFO(out.json);
  REQUIRE(out.parser.parse(out.json).get(out.root) == simdjson::SUCCESS);
}

std::string_view str(element e, std::string_view pointer) {
  std::string_view s;
  INFO(pointer);
  REQUIRE(e.at_pointer(pointer).get(s) == simdjson::SUCCESS);
  return s;
}
std::size_t size_of(element e, std::string_view pointer) {
  simdjson::dom::array a;
  INFO(pointer);
  REQUIRE(e.at_pointer(pointer).get(a) == simdjson::SUCCESS);
  return a.size();
}
bool has(element e, std::string_view pointer) { return e.at_pointer(pointer).error() == simdjson::SUCCESS; }

}  // namespace

TEST_CASE("ORU_R01 2.5.1: observations nest under their order, orders under the patient result") {
  converted c;
  convert(join({"MSH|^~\\&|LAB|FAC|REC|RFAC|20250101120000||ORU^R01^ORU_R01|C1|P|2.5.1",
                "PID|1||R1^^^H^MR||DOE^JOHN", "PV1|1|O", "OBR|1|P1|F1|A^CBC^LN", "OBX|1|NM|WBC^WBC^LN||7.2",
                "NTE|1||first", "OBX|2|NM|HGB^Hgb^LN||11.1", "OBR|2|P2|F2|B^BMP^LN",
                "OBX|1|NM|NA^Sodium^LN||140"}),
          c);
  element r = c.root;
  CHECK(str(r, "/msh/message_control_id") == "C1");
  CHECK(size_of(r, "/patient_result") == 1);
  CHECK(str(r, "/patient_result/0/patient/pid/patient_name/0/family_name/surname") == "DOE");
  CHECK(str(r, "/patient_result/0/patient/visit/pv1/patient_class") == "O");
  CHECK(size_of(r, "/patient_result/0/order_observation") == 2);
  CHECK(str(r, "/patient_result/0/order_observation/0/obr/placer_order_number/entity_identifier") == "P1");
  CHECK(size_of(r, "/patient_result/0/order_observation/0/observation") == 2);
  CHECK(str(r, "/patient_result/0/order_observation/0/observation/0/obx/observation_value/0") == "7.2");
  CHECK(str(r, "/patient_result/0/order_observation/0/observation/0/nte/0/comment/0") == "first");
  CHECK(str(r, "/patient_result/0/order_observation/0/observation/1/obx/observation_value/0") == "11.1");
  CHECK(size_of(r, "/patient_result/0/order_observation/1/observation") == 1);
  CHECK(str(r, "/patient_result/0/order_observation/1/observation/0/obx/observation_value/0") == "140");
  // Shape from the structure: an order with one OBX still has an observation array, PATIENT is an object.
  simdjson::dom::object patient;
  CHECK(r.at_pointer("/patient_result/0/patient").get(patient) == simdjson::SUCCESS);
  CHECK_FALSE(has(r, "/pid"));  // nothing left at the top level
}

TEST_CASE("the sample lab message keeps its escapes decoded and OBX with their OBR") {
  converted c;
  convert(read_file(HL7V2_TEST_DATA_DIR "/oru_r01_lab.hl7"), c);
  element r = c.root;
  CHECK(size_of(r, "/patient_result/0/order_observation/0/observation") == 3);
  CHECK(str(r, "/patient_result/0/order_observation/0/orc/order_control") == "RE");
  CHECK(str(r, "/patient_result/0/order_observation/0/observation/1/nte/0/comment/0") ==
        "Low hemoglobin & low hematocrit\nRecommend iron studies");
}

TEST_CASE("ORU_R01 in 2.3 and 2.4: the versions' own group names") {
  for (std::string_view version : {"2.3", "2.4"}) {
    INFO(version);
    converted c;
    convert(
        join({std::string("MSH|^~\\&|LAB|FAC|REC|RFAC|20250101120000||ORU^R01|C1|P|") + std::string(version),
              "PID|1||R1||DOE^JOHN", "OBR|1|P1|F1|A^CBC^LN", "OBX|1|NM|WBC^WBC^LN||7.2",
              "OBX|2|NM|HGB^Hgb^LN||11.1"}),
        c);
    const std::string top = version == "2.3" ? "/response" : "/patient_result";
    CHECK(size_of(c.root, top + "/0/order_observation/0/observation") == 2);
    // PID-5 repeats in both; in 2.4 XPN.1 is itself composite.
    CHECK(str(c.root, top + (version == "2.3" ? "/0/patient/pid/patient_name/0/family_name"
                                              : "/0/patient/pid/patient_name/0/family_name/surname")) ==
          "DOE");
  }
}

TEST_CASE("ADT_A01 in 2.3, 2.4 and 2.5.1: repeating groups are arrays, single segments objects") {
  for (std::string_view version : {"2.3", "2.4", "2.5.1"}) {
    INFO(version);
    converted c;
    convert(join({std::string("MSH|^~\\&|A|B|C|D|20250101||ADT^A01|C1|P|") + std::string(version),
                  "EVN|A01|20250101", "PID|1||100001^^^H^MR||DOE^JOHN", "ZPD|1|LEFT", "NK1|1|DOE^JANE",
                  "PV1|1|I", "IN1|1|PLAN1", "IN2|1", "IN1|2|PLAN2"}),
            c);
    element r = c.root;
    CHECK(str(r, "/evn/event_type_code").size() + str(r, "/msh/message_control_id").size() == 5);
    CHECK(size_of(r, "/nk1") == 1);
    CHECK(size_of(r, "/insurance") == 2);
    CHECK(has(r, "/insurance/0/in1"));
    CHECK(has(r, "/insurance/0/in2"));
    CHECK_FALSE(has(r, "/insurance/1/in2"));
    CHECK(size_of(r, "/zpd") == 1);  // a Z-segment stays in the instance it was met in (here the message)
    CHECK(str(r, "/zpd/0/2") == "LEFT");
  }
}

TEST_CASE("segments without a place are kept, never dropped") {
  converted c;
  convert(join({"MSH|^~\\&|A|B|C|D|20250101||ADT^A01^ADT_A01|C1|P|2.5.1", "EVN|A01|20250101", "PID|1||X1",
                "PID|2||X2", "PV1|1|I"}),
          c);
  CHECK(str(c.root, "/pid/set_id_pid") == "1");
  CHECK(str(c.root, "/pid_unplaced/0/set_id_pid") == "2");
}

TEST_CASE("unknown structure falls back to the named layout; a converter is reused") {
  hl7v2::parser p;
  json::grouped_converter conv;
  const std::string unknown = join({"MSH|^~\\&|A|B|C|D|20250101||ZZZ^Z01|C1|P|2.5.1", "PID|1||X1"});
  const std::string known = join(
      {"MSH|^~\\&|A|B|C|D|20250101||ADT^A01^ADT_A01|C1|P|2.5.1", "EVN|A01|20250101", "PID|1||X1", "PV1|1|I"});
  std::string out1, out2, out3;
  auto m = p.parse(unknown);
  REQUIRE(m);
  REQUIRE(conv.write(*m, out1));
  json::converter named;
  std::string expect;
  REQUIRE(named.write(*m, expect));
  CHECK(out1 == expect);
  auto k = p.parse(known);
  REQUIRE(k);
  REQUIRE(conv.write(*k, out2, "\"_source\":1"));
  REQUIRE(conv.write(*k, out3, "\"_source\":1"));
  CHECK(out2 == out3);
  CHECK(out2.rfind("{\"_source\":1,\"msh\":", 0) == 0);
}
