// The grouped JSON layout (include/hl7v2/json/grouped.hpp: json::converter with layout::grouped), parsed
// back with simdjson.
#include "hl7v2/defs/all.hpp"
#include "hl7v2/defs/profile.hpp"
#include "hl7v2/json/convert.hpp"

#include <simdjson.h>

#include <array>
#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

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
  opts.layout = json::layout::grouped;
  json::converter conv{opts};
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
  CHECK(str(r, "/patient_result/0/patient/pid/patient_name/family_name/surname") == "DOE");
  CHECK(str(r, "/patient_result/0/patient/visit/pv1/patient_class") == "O");
  CHECK(size_of(r, "/patient_result/0/order_observation") == 2);
  CHECK(str(r, "/patient_result/0/order_observation/0/obr/placer_order_number/entity_identifier") == "P1");
  CHECK(size_of(r, "/patient_result/0/order_observation/0/observation") == 2);
  CHECK(str(r, "/patient_result/0/order_observation/0/observation/0/obx/observation_value") == "7.2");
  CHECK(str(r, "/patient_result/0/order_observation/0/observation/0/nte/0/comment") == "first");
  CHECK(str(r, "/patient_result/0/order_observation/0/observation/1/obx/observation_value") == "11.1");
  CHECK(size_of(r, "/patient_result/0/order_observation/1/observation") == 1);
  CHECK(str(r, "/patient_result/0/order_observation/1/observation/0/obx/observation_value") == "140");
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
  CHECK(str(r, "/patient_result/0/order_observation/0/observation/1/nte/0/comment") ==
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
    CHECK(str(c.root, top + (version == "2.3" ? "/0/patient/pid/patient_name/family_name"
                                              : "/0/patient/pid/patient_name/family_name/surname")) == "DOE");
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
  json::converter conv{json::options{.layout = json::layout::grouped}};
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

// A profile's definitions reach the grouped layout as they reach the named one (one converter, one walk).
TEST_CASE("the grouped layout reads with the profile's definitions") {
  const std::string profile_json =
      R"({"base":"2.5.1","segments":{"PID":{"fields":[{"position":5,"key":"local_name"}]},)"
      R"("ZPI":{"name":"Site Extra","fields":[{"name":"Vip","type":"ST"}]}}})";
  auto loaded = defs::profile::load(profile_json, defs::v2_5_1);
  REQUIRE(loaded);
  const defs::profile profile = std::move(*loaded);
  converted c;
  convert(join({"MSH|^~\\&|A|B|C|D|20250101||ADT^A01^ADT_A01|C1|P|2.5.1", "EVN|A01|20250101",
                "PID|1||X1||DOE^JANE", "ZPI|Y", "PV1|1|I"}),
          c, json::options{.profile = &profile});
  CHECK(str(c.root, "/pid/local_name/family_name/surname") == "DOE");
  CHECK(c.root.at_pointer("/pid/patient_name").error() == simdjson::NO_SUCH_FIELD);
  CHECK(str(c.root, "/zpi/0/vip") == "Y");       // no place in ADT_A01: kept, with the profile's key
  CHECK(str(c.root, "/pv1/set_id_pv1") == "1");  // and the rest still placed by the structure
}

namespace {

// 2.5.1 with one hand-built structure of its own; messages name it in MSH-9.3 and leave MSH-12 empty.
struct custom_version {
  std::array<const defs::structure_def*, 1> structures;
  defs::version_def version;
  explicit custom_version(const defs::structure_def& s)
      : structures{&s}, version{defs::v2_5_1.id,
                                defs::v2_5_1.segment_index,
                                defs::v2_5_1.type_index,
                                structures,
                                {},
                                defs::v2_5_1.table_index} {}
  json::options options() const {
    json::options o;
    o.default_version = &version;
    return o;
  }
};

using defs::node_kind;
constexpr defs::structure_node roles[] = {{.id = "ROL", .min = 1, .max = 1},
                                          {.id = "PRD", .min = 1, .max = 1}};
constexpr defs::structure_node kinds[] = {{.id = "OBR", .min = 1, .max = 1},
                                          {.id = "RXO", .min = 1, .max = 1}};
constexpr defs::structure_node allergy_or_diagnosis[] = {{.id = "AL1", .min = 1, .max = 1},
                                                         {.id = "DG1", .min = 1, .max = 1}};
constexpr defs::structure_node detail[] = {
    {.id = {}, .child_data = kinds, .min = 1, .max = 1, .child_count = 2, .kind = node_kind::choice},
    {.id = "NTE", .min = 0, .max = 0}};
constexpr defs::structure_node order[] = {
    {.id = "ORC", .min = 1, .max = 1},
    {.id = "DETAIL", .child_data = detail, .min = 0, .max = 1, .child_count = 2, .kind = node_kind::group},
    {.id = {}, .child_data = roles, .min = 0, .max = 0, .child_count = 2, .kind = node_kind::choice},
    {.id = {},
     .child_data = allergy_or_diagnosis,
     .min = 0,
     .max = 1,
     .child_count = 2,
     .kind = node_kind::choice},
    {.id = "NTE", .min = 0, .max = 0}};
constexpr defs::structure_node root[] = {
    {.id = "MSH", .min = 1, .max = 1},
    {.id = "ORDER", .child_data = order, .min = 1, .max = 1, .child_count = 5, .kind = node_kind::group}};
constexpr defs::structure_def choices{"T_CHOICES", "T_CHOICES", root, 2};

const std::string msh_choices = "MSH|^~\\&|A|B|C|D|20250101||ORM^O01^T_CHOICES|C1|P|";

}  // namespace

TEST_CASE("OML^O21 with three orders: each ORC opens its own order") {
  converted c;
  convert(join({"MSH|^~\\&|LIS|LAB|HIS|HOSP|20250101120000||OML^O21^OML_O21|C21|P|2.5.1", "PID|1||R1^^^H^MR",
                "PV1|1|O", "ORC|NW|ORD1", "OBR|1|ORD1", "DG1|1", "ORC|NW|ORD2", "OBR|2|ORD2", "DG1|1",
                "DG1|2", "OBX|1|NM|X^Y^LN||1", "ORC|NW|ORD3", "OBR|3|ORD3", "NTE|1||n"}),
          c);
  element r = c.root;
  CHECK(size_of(r, "/order") == 3);
  CHECK(str(r, "/order/1/orc/placer_order_number/entity_identifier") == "ORD2");
  CHECK(size_of(r, "/order/1/observation_request/dg1") == 2);
  CHECK(size_of(r, "/order/1/observation_request/observation") == 1);
  CHECK(str(r, "/order/2/observation_request/obr/placer_order_number/entity_identifier") == "ORD3");
  CHECK_FALSE(has(r, "/order/0/observation_request/prior_result"));
}

TEST_CASE("a choice adds no level: the chosen segment is a member of the enclosing group") {
  const custom_version v{choices};
  converted c;
  convert(
      join({msh_choices, "ORC|NW|1", "RXO|1", "NTE|1||d", "ROL|1", "PRD|1", "ROL|2", "DG1|1", "NTE|1||o"}), c,
      v.options());
  element r = c.root;
  simdjson::dom::object rxo;
  CHECK(r.at_pointer("/order/detail/rxo").get(rxo) == simdjson::SUCCESS);  // OBR|RXO once: an object
  CHECK_FALSE(has(r, "/order/detail/obr"));
  CHECK(size_of(r, "/order/detail/nte") == 1);
  // The repeating choice: its alternatives are arrays, one key each although they interleave.
  CHECK(size_of(r, "/order/rol") == 2);
  CHECK(size_of(r, "/order/prd") == 1);
  CHECK(str(r, "/order/rol/1/role_instance_id/entity_identifier") == "2");
  simdjson::dom::object dg1;
  CHECK(r.at_pointer("/order/dg1").get(dg1) == simdjson::SUCCESS);  // AL1|DG1 at most once: an object
  CHECK(size_of(r, "/order/nte") == 1);
  // Keys in the order of first occurrence; no duplicate key.
  const std::string& j = c.json;
  CHECK(j.find("\"rol\"") < j.find("\"prd\""));
  CHECK(j.find("\"rol\"", j.find("\"rol\"") + 1) == std::string::npos);
}

TEST_CASE("a segment without a place that a choice of its group has is kept as _unplaced") {
  const custom_version v{choices};
  converted c;
  convert(join({msh_choices, "ORC|NW|1", "DG1|1", "NTE|1||o", "DG1|2"}), c, v.options());
  CHECK(str(c.root, "/order/dg1/set_id_dg1") == "1");
  CHECK(size_of(c.root, "/order/dg1_unplaced") == 1);
  CHECK(str(c.root, "/order/dg1_unplaced/0/set_id_dg1") == "2");
}

TEST_CASE("many segments without a place: one key per id, in order, all kept") {
  std::vector<std::string> segs = {"MSH|^~\\&|A|B|C|D|20250101||ADT^A01^ADT_A01|C1|P|2.5.1",
                                   "EVN|A01|20250101", "PID|1||X1", "PV1|1|I"};
  for (int i = 0; i < 9000; ++i)
    segs.push_back(std::string(i % 3 == 0 ? "ZB1" : i % 3 == 1 ? "ZA2" : "ZC3") + "|" + std::to_string(i));
  std::string text;
  for (const std::string& s : segs) text += s + "\r";
  converted c;
  convert(text, c);
  CHECK(size_of(c.root, "/zb1") == 3000);
  CHECK(size_of(c.root, "/za2") == 3000);
  CHECK(size_of(c.root, "/zc3") == 3000);
  CHECK(str(c.root, "/za2/0/1") == "1");
  CHECK(str(c.root, "/za2/2999/1") == "8998");
  CHECK(c.json.find("\"zb1\"") < c.json.find("\"za2\""));  // first met first, not sorted by id
}

TEST_CASE("a structure beyond the matcher's limits falls back to the named layout") {
  static std::array<defs::structure_node, 700> wide{};
  wide[0] = {.id = "MSH", .min = 1, .max = 1};
  for (std::size_t i = 1; i < wide.size(); ++i) wide[i] = {.id = "NTE", .min = 0, .max = 1};
  static const defs::structure_def s{"T_WIDE", "T_WIDE", wide.data(),
                                     static_cast<std::uint16_t>(wide.size())};
  const custom_version v{s};
  hl7v2::parser p;
  const std::string text = join({"MSH|^~\\&|A|B|C|D|20250101||ORM^O01^T_WIDE|C1|P|", "NTE|1||x"});
  auto m = p.parse(text);
  REQUIRE(m);
  json::options grouped_layout = v.options();
  grouped_layout.layout = json::layout::grouped;
  json::converter grouped{grouped_layout};
  json::converter named{v.options()};
  std::string a, b;
  REQUIRE(grouped.write(*m, a));
  REQUIRE(named.write(*m, b));
  CHECK(a == b);
}

TEST_CASE("a segment in HL7's Hxx place is keyed by its own id") {
  converted c;
  convert(join({"MSH|^~\\&|A|B|C|D|20250101||MFN^M01^MFN_M01|1|P|2.5.1", "MFI|LOC|", "MFE|MAD|", "LOC|W1",
                "MFE|MAD|", "CDM|X1"}),
          c);
  element r = c.root;
  CHECK(size_of(r, "/mf") == 2);
  CHECK(has(r, "/mf/0/loc"));
  CHECK(has(r, "/mf/1/cdm"));
  CHECK_FALSE(has(r, "/mf/0/hxx"));
  CHECK(c.json.find("hxx") == std::string::npos);
}
