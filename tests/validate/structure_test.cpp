#include "hl7v2/validate/structure.hpp"

#include <catch2/catch_test_macros.hpp>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/parser.hpp"

using namespace hl7v2;
using namespace hl7v2::validate;

namespace {

std::string join(std::initializer_list<std::string_view> segments) {
  std::string s;
  for (std::string_view seg : segments) {
    s += seg;
    s += '\r';
  }
  return s;
}

struct matched {
  std::vector<std::string> paths;  // per segment: "ID group/path"
  std::vector<placement> places;
  std::vector<std::string> findings;  // "code:node-or-segment-index"
};

matched match(const std::string& text, const defs::version_def& v, std::string_view structure_id) {
  parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  const defs::structure_def* s = v.structure(structure_id);
  REQUIRE(s != nullptr);
  structure_map map;
  matched out;
  map.build(*m, *s, [&](const structure_finding& f, std::size_t index) {
    out.findings.push_back(std::string(name(f.code)) + ":" +
                           (f.node != nullptr ? std::string(f.node->id) : std::to_string(index)));
  });
  for (std::size_t i = 1; i <= m->size(); ++i) {
    out.paths.push_back(std::string((*m)[i].id()) + " " + map.group_path(i));
    out.places.push_back(map.place(i).placement);
  }
  return out;
}

constexpr std::string_view msh_oru = "MSH|^~\\&|LAB|FAC|REC|RFAC|20250101120000||ORU^R01^ORU_R01|C|P|2.5.1";

}  // namespace

TEST_CASE("ORU_R01: the OBX of each OBR stay in their order group") {
  auto r = match(join({msh_oru, "PID|1", "PV1|1|O", "OBR|1", "OBX|1", "NTE|1", "OBX|2", "OBR|2", "NTE|1",
                       "OBX|1", "PID|2", "OBR|1", "OBX|1"}),
                 defs::v2_5_1, "ORU_R01");
  const std::vector<std::string> want = {
      "MSH ",
      "PID PATIENT_RESULT(1)/PATIENT(1)",
      "PV1 PATIENT_RESULT(1)/PATIENT(1)/VISIT(1)",
      "OBR PATIENT_RESULT(1)/ORDER_OBSERVATION(1)",
      "OBX PATIENT_RESULT(1)/ORDER_OBSERVATION(1)/OBSERVATION(1)",
      "NTE PATIENT_RESULT(1)/ORDER_OBSERVATION(1)/OBSERVATION(1)",
      "OBX PATIENT_RESULT(1)/ORDER_OBSERVATION(1)/OBSERVATION(2)",
      "OBR PATIENT_RESULT(1)/ORDER_OBSERVATION(2)",
      "NTE PATIENT_RESULT(1)/ORDER_OBSERVATION(2)",  // NTE after OBR belongs to the order, not an observation
      "OBX PATIENT_RESULT(1)/ORDER_OBSERVATION(2)/OBSERVATION(1)",
      "PID PATIENT_RESULT(2)/PATIENT(1)",  // a second patient opens a new PATIENT_RESULT
      "OBR PATIENT_RESULT(2)/ORDER_OBSERVATION(1)",
      "OBX PATIENT_RESULT(2)/ORDER_OBSERVATION(1)/OBSERVATION(1)",
  };
  CHECK(r.paths == want);
  CHECK(r.findings.empty());
}

TEST_CASE("the sample lab message matches without findings in 2.5.1 and its 2.4/2.3 structures") {
  std::ifstream in(HL7V2_TEST_DATA_DIR "/oru_r01_lab.hl7", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = match(ss.str(), defs::v2_5_1, "ORU_R01");
  CHECK(r.findings.empty());
  CHECK(r.paths[4] == "OBR PATIENT_RESULT(1)/ORDER_OBSERVATION(1)");
  CHECK(r.paths[8] == "OBX PATIENT_RESULT(1)/ORDER_OBSERVATION(1)/OBSERVATION(3)");
  for (const defs::version_def* v : {&defs::v2_3, &defs::v2_4}) {
    auto old = match(ss.str(), *v, "ORU_R01");
    INFO(v->id);
    CHECK(old.findings.empty());
    // 2.3 calls the outer group RESPONSE; the nesting is the same.
    const std::string top = v == &defs::v2_3 ? "RESPONSE(1)" : "PATIENT_RESULT(1)";
    CHECK(old.paths[5] == "OBX " + top + "/ORDER_OBSERVATION(1)/OBSERVATION(1)");
    CHECK(old.paths[7] == "NTE " + top + "/ORDER_OBSERVATION(1)/OBSERVATION(2)");
  }
}

TEST_CASE("ADT_A01 groups: PROCEDURE and INSURANCE instances") {
  auto r = match(join({"MSH|^~\\&|A|B|C|D|20250101||ADT^A01|C|P|2.3", "EVN|A01", "PID|1", "PV1|1", "PR1|1",
                       "ROL|1", "PR1|2", "IN1|1", "IN2|1", "IN1|2"}),
                 defs::v2_3, "ADT_A01");
  CHECK(r.findings.empty());
  CHECK(r.paths[4] == "PR1 PROCEDURE(1)");
  CHECK(r.paths[5] == "ROL PROCEDURE(1)");
  CHECK(r.paths[6] == "PR1 PROCEDURE(2)");
  CHECK(r.paths[7] == "IN1 INSURANCE(1)");
  CHECK(r.paths[8] == "IN2 INSURANCE(1)");
  CHECK(r.paths[9] == "IN1 INSURANCE(2)");
}

TEST_CASE("tolerance: Z-segments, unexpected and out-of-order segments attach to the current group") {
  auto r = match(join({msh_oru, "PID|1", "OBR|1", "OBX|1", "ZXT|1", "EVN|1", "OBX|2", "PID|1"}), defs::v2_5_1,
                 "ORU_R01");
  CHECK(r.paths[4] == "ZXT PATIENT_RESULT(1)/ORDER_OBSERVATION(1)/OBSERVATION(1)");
  CHECK(r.places[4] == placement::z_segment);
  CHECK(r.paths[5] == "EVN PATIENT_RESULT(1)/ORDER_OBSERVATION(1)/OBSERVATION(1)");
  CHECK(r.places[5] == placement::unexpected);
  CHECK(r.paths[6] == "OBX PATIENT_RESULT(1)/ORDER_OBSERVATION(1)/OBSERVATION(2)");  // matching continues
  CHECK(r.places[6] == placement::matched);
  CHECK(r.paths[7] == "PID PATIENT_RESULT(2)/PATIENT(1)");  // a new patient, not an error
  // The second PATIENT_RESULT never got its required ORDER_OBSERVATION.
  CHECK(r.findings == std::vector<std::string>{"unexpected_segment:6", "missing_segment:ORDER_OBSERVATION"});
}

TEST_CASE("a group whose leading required segment is missing is still entered") {
  // No OBR: the OBX still lands in an ORDER_OBSERVATION / OBSERVATION, and OBR is reported.
  auto r = match(join({msh_oru, "PID|1", "ORC|NW", "OBX|1"}), defs::v2_5_1, "ORU_R01");
  CHECK(r.paths[2] == "ORC PATIENT_RESULT(1)/ORDER_OBSERVATION(1)");
  CHECK(r.paths[3] == "OBX PATIENT_RESULT(1)/ORDER_OBSERVATION(1)/OBSERVATION(1)");
  CHECK(r.findings == std::vector<std::string>{"missing_segment:OBR"});
}

TEST_CASE("out of order and too many") {
  auto r = match(
      join({"MSH|^~\\&|A|B|C|D|20250101||ADT^A01|C|P|2.3", "EVN|A01", "PID|1", "PV1|1", "NK1|1", "PV1|2"}),
      defs::v2_3, "ADT_A01");
  CHECK(r.places[4] == placement::out_of_order);
  CHECK(r.places[5] == placement::too_many);
  CHECK(r.findings == std::vector<std::string>{"out_of_order:5", "too_many_segments:PV1"});
}

TEST_CASE("a structure_map is reused across messages") {
  parser p;
  structure_map map;
  const std::string big = join({msh_oru, "PID|1", "OBR|1", "OBX|1", "OBX|2", "OBR|2", "OBX|1"});
  const std::string small = join({msh_oru, "PID|1", "OBR|1"});
  auto m = p.parse(big);
  REQUIRE(m);
  map.build(*m, *defs::v2_5_1.structure("ORU_R01"));
  CHECK(map.segments().size() == 7);
  CHECK(map.groups().size() == 8);  // message, PATIENT_RESULT, PATIENT, 2 ORDER_OBSERVATION, 2+1 OBSERVATION
  auto m2 = p.parse(small);
  REQUIRE(m2);
  map.build(*m2, *defs::v2_5_1.structure("ORU_R01"));
  CHECK(map.segments().size() == 3);
  CHECK(map.groups().size() == 4);
  // Items of each instance chain in message order.
  const auto& g = map.groups()[0];
  REQUIRE(g.first_item == 0);
  CHECK(map.segments()[0].next == (structure_map::group_bit | 1u));
}
