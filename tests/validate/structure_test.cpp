#include "hl7v2/validate/structure.hpp"

#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/parser.hpp"
#include "support/reference_matcher.hpp"

using namespace hl7v2;
using namespace hl7v2::validate;
using defs::node_kind;
using defs::structure_node;

namespace {

std::string join(std::initializer_list<std::string_view> segments) {
  std::string s;
  for (std::string_view seg : segments) {
    s += seg;
    s += '\r';
  }
  return s;
}

// A message of bare segments: "MSH|^~\\&" then one "ID|" per id.
std::string of_ids(const std::vector<std::string_view>& ids) {
  std::string s = "MSH|^~\\&|A|B\r";
  for (std::string_view id : ids) {
    s += id;
    s += "|1\r";
  }
  return s;
}

struct matched {
  std::vector<std::string> paths;  // per segment: "ID group/path"
  std::vector<placement> places;
  std::vector<std::string> findings;  // "code:node-or-segment-index"
  structure_matcher::mode how = structure_matcher::mode::unmatched;
};

matched match_with(const std::string& text, const defs::structure_def& s) {
  parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  structure_map map;
  matched out;
  map.build(*m, s, [&](const structure_finding& f, std::size_t index) {
    out.findings.push_back(std::string(name(f.code)) + ":" +
                           (f.node != nullptr ? std::string(f.node->is_choice() ? "<choice>" : f.node->id)
                                              : std::to_string(index)));
  });
  for (std::size_t i = 1; i <= m->size(); ++i) {
    out.paths.push_back(std::string((*m)[i].id()) + " " + map.group_path(i));
    out.places.push_back(map.place(i).placement);
  }
  out.how = map.matcher().how();
  return out;
}

matched match(const std::string& text, const defs::version_def& v, std::string_view structure_id) {
  const defs::structure_def* s = v.structure(structure_id);
  REQUIRE(s != nullptr);
  return match_with(text, *s);
}

constexpr std::string_view msh_oru = "MSH|^~\\&|LAB|FAC|REC|RFAC|20250101120000||ORU^R01^ORU_R01|C|P|2.5.1";

constexpr structure_node seg(std::string_view id, std::uint16_t min, std::uint16_t max) {
  return {.id = id, .min = min, .max = max};
}
template <std::size_t N>
constexpr structure_node group(std::string_view id, std::uint16_t min, std::uint16_t max,
                               const structure_node (&children)[N]) {
  return {.id = id,
          .child_data = children,
          .min = min,
          .max = max,
          .child_count = static_cast<std::uint16_t>(N),
          .kind = node_kind::group};
}
template <std::size_t N>
constexpr structure_node choice(std::uint16_t min, std::uint16_t max,
                                const structure_node (&alternatives)[N]) {
  return {.id = {},
          .child_data = alternatives,
          .min = min,
          .max = max,
          .child_count = static_cast<std::uint16_t>(N),
          .kind = node_kind::choice};
}
template <std::size_t N>
constexpr defs::structure_def structure(std::string_view id, const structure_node (&children)[N]) {
  return {id, id, children, static_cast<std::uint16_t>(N)};
}

// Two nested optional groups that can both take an ORC, as in OML^O21: the ORC of a prior result, or the
// ORC that opens the next order.
constexpr structure_node orders_prior[] = {seg("ORC", 0, 1), seg("OBR", 1, 1), seg("NTE", 0, 0)};
constexpr structure_node orders_request[] = {seg("OBR", 1, 1), seg("NTE", 0, 0), seg("DG1", 0, 0),
                                             group("PRIOR", 0, 0, orders_prior)};
constexpr structure_node orders_order[] = {seg("ORC", 1, 1), group("REQUEST", 0, 1, orders_request)};
constexpr structure_node orders_root[] = {seg("MSH", 1, 1), seg("PID", 0, 1),
                                          group("ORDER", 1, 0, orders_order)};
constexpr defs::structure_def orders = structure("T_ORDERS", orders_root);

// A repeating group that an optional segment may start, followed by that same segment.
constexpr structure_node notes_obs[] = {seg("NTE", 0, 1), seg("OBX", 1, 1)};
constexpr structure_node notes_root[] = {seg("MSH", 1, 1), group("OBS", 0, 0, notes_obs), seg("NTE", 0, 1)};
constexpr defs::structure_def notes = structure("T_NOTES", notes_root);

// Choices: one order detail of three kinds (a group among them), and a repeating choice of roles.
constexpr structure_node detail_dispense[] = {seg("ODS", 1, 1), seg("NTE", 0, 0)};
constexpr structure_node detail_kind[] = {seg("OBR", 1, 1), seg("RXO", 1, 1),
                                          group("DISPENSE", 1, 1, detail_dispense)};
constexpr structure_node detail_roles[] = {seg("ROL", 1, 1), seg("PRD", 1, 1)};
constexpr structure_node detail_detail[] = {choice(1, 1, detail_kind), seg("NTE", 0, 0), seg("DG1", 0, 0)};
constexpr structure_node detail_order[] = {seg("ORC", 1, 1), group("DETAIL", 0, 1, detail_detail),
                                           choice(0, 0, detail_roles)};
constexpr structure_node detail_root[] = {seg("MSH", 1, 1), group("ORDER", 1, 0, detail_order)};
constexpr defs::structure_def details = structure("T_DETAIL", detail_root);

// Bounds other than 0/1 and 1/unbounded.
constexpr structure_node counted_root[] = {seg("MSH", 1, 1), seg("OBX", 2, 3), seg("NTE", 0, 1)};
constexpr defs::structure_def counted = structure("T_COUNTED", counted_root);

// A required group of optional parts, a required group with a required part, a required choice one of
// whose alternatives is such a group.
constexpr structure_node optional_parts_obs[] = {seg("OBX", 0, 1), seg("NTE", 0, 0)};
constexpr structure_node optional_parts_req[] = {seg("NTE", 0, 1), seg("OBR", 1, 1)};
constexpr structure_node optional_parts_alt[] = {seg("AL1", 1, 1), group("NOTES", 1, 1, optional_parts_obs)};
constexpr structure_node optional_parts_root[] = {seg("MSH", 1, 1),
                                                  group("OBS", 1, 0, optional_parts_obs),
                                                  group("ORDER", 1, 1, optional_parts_req),
                                                  choice(1, 1, optional_parts_alt),
                                                  seg("DG1", 0, 0),
                                                  group("LATE", 1, 1, optional_parts_obs)};
constexpr defs::structure_def optional_parts = structure("T_OPTIONAL_PARTS", optional_parts_root);

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
  CHECK(r.how == structure_matcher::mode::exact);
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

TEST_CASE("the ORC that opens the next order is not taken by the previous order's prior result") {
  // The nearest place for the second ORC is PRIOR's optional ORC, but PRIOR cannot take the DG1 after
  // it: only a new ORDER fits the rest, so that is where it goes. The old one-pass matcher took PRIOR.
  auto r = match_with(of_ids({"PID", "ORC", "OBR", "DG1", "ORC", "OBR", "DG1"}), orders);
  CHECK(r.findings.empty());
  CHECK(r.how == structure_matcher::mode::exact);
  CHECK(r.paths == std::vector<std::string>{"MSH ", "PID ", "ORC ORDER(1)", "OBR ORDER(1)/REQUEST(1)",
                                            "DG1 ORDER(1)/REQUEST(1)", "ORC ORDER(2)",
                                            "OBR ORDER(2)/REQUEST(1)", "DG1 ORDER(2)/REQUEST(1)"});
}

TEST_CASE("when both places fit to the end, the nearer one wins") {
  auto r = match_with(of_ids({"PID", "ORC", "OBR", "DG1", "ORC", "OBR", "NTE"}), orders);
  CHECK(r.findings.empty());
  CHECK(r.paths[5] == "ORC ORDER(1)/REQUEST(1)/PRIOR(1)");
  CHECK(r.paths[6] == "OBR ORDER(1)/REQUEST(1)/PRIOR(1)");
  CHECK(r.paths[7] == "NTE ORDER(1)/REQUEST(1)/PRIOR(1)");
  // The last segment decides the place of the second ORC: NTE fits PRIOR and REQUEST alike, DG1 only REQUEST.
  auto later = match_with(of_ids({"ORC", "OBR", "ORC", "OBR", "NTE", "DG1"}), orders);
  CHECK(later.findings.empty());
  CHECK(later.paths[3] == "ORC ORDER(2)");
  CHECK(later.paths[6] == "DG1 ORDER(2)/REQUEST(1)");
  // The third ORC: a new PRIOR is nearer than a new ORDER, but a PRIOR needs an OBR and the message ends.
  auto ends = match_with(of_ids({"ORC", "OBR", "ORC", "OBR", "NTE", "ORC"}), orders);
  CHECK(ends.findings.empty());
  CHECK(ends.paths[3] == "ORC ORDER(1)/REQUEST(1)/PRIOR(1)");
  CHECK(ends.paths[6] == "ORC ORDER(2)");
}

TEST_CASE("a repeating group started by an optional segment") {
  // NTE may open a new OBS (nearer) or be the final NTE: the rest of the message decides.
  auto r = match_with(of_ids({"OBX", "NTE", "OBX"}), notes);
  CHECK(r.findings.empty());
  CHECK(r.paths == std::vector<std::string>{"MSH ", "OBX OBS(1)", "NTE OBS(2)", "OBX OBS(2)"});
  auto last = match_with(of_ids({"OBX", "NTE"}), notes);
  CHECK(last.findings.empty());
  CHECK(last.paths == std::vector<std::string>{"MSH ", "OBX OBS(1)", "NTE "});
  auto starts = match_with(of_ids({"NTE", "OBX", "OBX", "NTE"}), notes);
  CHECK(starts.findings.empty());
  CHECK(starts.paths == std::vector<std::string>{"MSH ", "NTE OBS(1)", "OBX OBS(1)", "OBX OBS(2)", "NTE "});
}

TEST_CASE("a choice: one alternative per occurrence, no group instance of its own") {
  auto obr = match_with(of_ids({"ORC", "OBR", "NTE", "DG1"}), details);
  CHECK(obr.findings.empty());
  CHECK(obr.paths == std::vector<std::string>{"MSH ", "ORC ORDER(1)", "OBR ORDER(1)/DETAIL(1)",
                                              "NTE ORDER(1)/DETAIL(1)", "DG1 ORDER(1)/DETAIL(1)"});
  // A group alternative: its NTE is nearer than DETAIL's.
  auto ods = match_with(of_ids({"ORC", "ODS", "NTE", "DG1", "ORC", "RXO"}), details);
  CHECK(ods.findings.empty());
  CHECK(ods.paths == std::vector<std::string>{"MSH ", "ORC ORDER(1)", "ODS ORDER(1)/DETAIL(1)/DISPENSE(1)",
                                              "NTE ORDER(1)/DETAIL(1)/DISPENSE(1)", "DG1 ORDER(1)/DETAIL(1)",
                                              "ORC ORDER(2)", "RXO ORDER(2)/DETAIL(1)"});
  // A repeating choice: alternatives in any order, each matched in the enclosing ORDER.
  auto roles = match_with(of_ids({"ORC", "ROL", "PRD", "ROL"}), details);
  CHECK(roles.findings.empty());
  CHECK(roles.paths ==
        std::vector<std::string>{"MSH ", "ORC ORDER(1)", "ROL ORDER(1)", "PRD ORDER(1)", "ROL ORDER(1)"});
}

TEST_CASE("a choice takes one alternative; a required choice missing names the choice") {
  // RXO then OBR in one detail: the second cannot join the first; with the fewest findings it opens a new
  // order whose ORC is missing (one finding, as placing it nowhere would also be; a place is preferred).
  auto two = match_with(of_ids({"ORC", "RXO", "OBR"}), details);
  CHECK(two.how == structure_matcher::mode::fewest_findings);
  CHECK(two.findings == std::vector<std::string>{"missing_segment:ORC"});
  CHECK(two.paths[3] == "OBR ORDER(2)/DETAIL(1)");
  // DG1 right after ORC: DETAIL is entered without its required choice.
  auto none = match_with(of_ids({"ORC", "DG1"}), details);
  CHECK(none.findings == std::vector<std::string>{"missing_segment:<choice>"});
  CHECK(none.paths[2] == "DG1 ORDER(1)/DETAIL(1)");
  // NTE there could go to DETAIL the same way, but the DISPENSE alternative (without its ODS) is nearer.
  auto nearer = match_with(of_ids({"ORC", "NTE"}), details);
  CHECK(nearer.findings == std::vector<std::string>{"missing_segment:ODS"});
  CHECK(nearer.paths[2] == "NTE ORDER(1)/DETAIL(1)/DISPENSE(1)");
}

TEST_CASE("no fit: the fewest findings, every segment placed") {
  const std::string msh = "MSH|^~\\&|A|B|C|D|20250101||ADT^A01|C|P|2.3";
  SECTION("a segment out of its place") {
    auto r = match(join({msh, "EVN|A01", "PID|1", "PV1|1", "NK1|1"}), defs::v2_3, "ADT_A01");
    CHECK(r.places[4] == placement::out_of_order);
    CHECK(r.findings == std::vector<std::string>{"out_of_order:5"});
  }
  SECTION("one misplaced segment rather than two findings after it") {
    // NK1 belongs before PV1: taking the first PV1 as the misplaced one lets NK1 and the second PV1 fit.
    auto r = match(join({msh, "EVN|A01", "PID|1", "PV1|1", "NK1|1", "PV1|2"}), defs::v2_3, "ADT_A01");
    CHECK(r.findings == std::vector<std::string>{"out_of_order:4"});
    CHECK(r.places[3] == placement::out_of_order);
    CHECK(r.places[4] == placement::matched);
    CHECK(r.places[5] == placement::matched);
    CHECK(r.how == structure_matcher::mode::fewest_findings);
  }
  SECTION("a full node") {
    auto r = match(join({msh, "EVN|A01", "PID|1", "PV1|1", "PV1|2"}), defs::v2_3, "ADT_A01");
    CHECK(r.places[4] == placement::too_many);
    CHECK(r.findings == std::vector<std::string>{"too_many_segments:PV1"});
  }
  SECTION("a required segment missing") {
    auto r = match(join({msh, "EVN|A01", "PV1|1", "AL1|1"}), defs::v2_3, "ADT_A01");
    CHECK(r.findings == std::vector<std::string>{"missing_segment:PID"});
    CHECK(r.places[2] == placement::matched);
    CHECK(r.places[3] == placement::matched);
  }
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

TEST_CASE("a required group of optional parts only is satisfied by no segment") {
  // 2.2-2.4 ORU_R01: OBSERVATION {[OBX] {[NTE]}} is required in ORDER_OBSERVATION, yet an order with no
  // OBX fits (HL7 2.3 ch. 7: results may come without OBX); the required OBR still counts.
  const std::string msh = "MSH|^~\\&|A|B|C|D|20250101||ORU^R01|C|P|";
  for (const defs::version_def* v : {&defs::v2_2, &defs::v2_3, &defs::v2_4}) {
    INFO(v->id);
    auto r = match(join({msh + std::string(v->id), "PID|1", "OBR|1", "OBR|2", "NTE|1"}), *v, "ORU_R01");
    CHECK(r.findings.empty());
    CHECK(r.how == structure_matcher::mode::exact);
    auto no_obr = match(join({msh + std::string(v->id), "PID|1", "ORC|1", "OBX|1"}), *v, "ORU_R01");
    CHECK(no_obr.findings == std::vector<std::string>{"missing_segment:OBR"});
  }
  using hl7v2::validate::detail::can_be_empty;
  CHECK(can_be_empty(optional_parts_root[1]));
  CHECK_FALSE(can_be_empty(optional_parts_root[2]));  // a required child
  CHECK(can_be_empty(optional_parts_root[3]));        // a choice with an alternative that can be empty
  CHECK(match_with(of_ids({"OBR"}), optional_parts).findings.empty());
  // The group with a required child is still reported, once, at that child.
  CHECK(match_with(of_ids({"DG1"}), optional_parts).findings ==
        std::vector<std::string>{"missing_segment:ORDER"});
  CHECK(match_with(of_ids({"OBR", "NTE", "DG1", "OBX"}), optional_parts).findings.empty());
}

TEST_CASE("bounds other than 0/1 and 1/unbounded are counted") {
  auto few = match_with(of_ids({"OBX"}), counted);
  CHECK(few.findings == std::vector<std::string>{"missing_segment:OBX"});
  CHECK(match_with(of_ids({"OBX", "OBX", "OBX", "NTE"}), counted).findings.empty());
  auto many = match_with(of_ids({"OBX", "OBX", "OBX", "OBX"}), counted);
  CHECK(many.findings == std::vector<std::string>{"too_many_segments:OBX"});
  CHECK(many.places[4] == placement::matched);  // kept in its (repeating) node
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

// ---------------------------------------------------------------------------------------------------------
// The matcher against the exhaustive reference search of support/reference_matcher.hpp, on small inputs:
// it must agree on every step and finding.
namespace {

using test::matcher_trace;
using test::ref_matcher;
using test::ref_trace;

// Random structures of segments, groups and choices (bounds 0/1 x 1/unbounded) over a few segment ids,
// built into the same storage every time: the matcher's cache must notice that the structure changed.
struct random_structure {
  std::vector<structure_node> pool;
  defs::structure_def def{"T_RANDOM", "T_RANDOM", nullptr, 0};
  std::mt19937& rng;
  std::vector<std::string_view> alphabet;

  random_structure(std::mt19937& r, std::vector<std::string_view> ids, std::size_t capacity)
      : rng(r), alphabet(std::move(ids)) {
    pool.reserve(capacity);  // never reallocates: node addresses repeat from structure to structure
  }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }

  // Fills pool[at .. at + count) with random nodes, their children after them.
  void fill(std::size_t at, std::size_t count, int depth, std::size_t budget) {
    for (std::size_t k = 0; k < count; ++k) {
      structure_node& n = pool[at + k];
      const std::size_t r = pick(10);
      n.min = static_cast<std::uint16_t>(pick(2));
      n.max = static_cast<std::uint16_t>(pick(2));  // 0 = unbounded
      if (depth >= 3 || r < 6 || pool.size() + 4 > budget) {
        n.kind = node_kind::segment;
        n.id = alphabet[pick(alphabet.size())];
        continue;
      }
      n.kind = r < 9 ? node_kind::group : node_kind::choice;
      n.id = n.kind == node_kind::group ? std::string_view{"G"} : std::string_view{};
      const std::size_t kids = 1 + pick(4);
      const std::size_t first = pool.size();
      pool.resize(first + kids);
      n.child_data = &pool[first];
      n.child_count = static_cast<std::uint16_t>(kids);
      fill(first, kids, depth + 1, budget);
    }
  }
  void build(std::size_t top, std::size_t budget) {
    pool.clear();
    pool.resize(1 + top);
    pool[0] = seg("MSH", 1, 1);
    fill(1, top, 1, budget);
    def.child_data = pool.data();
    def.child_count = static_cast<std::uint16_t>(1 + top);
  }
};

void agree(structure_matcher& m, const defs::structure_def& s, const std::vector<std::string_view>& ids,
           std::size_t& exact) {
  parser p;
  const std::string text = of_ids(ids);
  auto msg = p.parse(text);
  REQUIRE(msg);
  ref_matcher ref{s, {"MSH"}, std::numeric_limits<std::size_t>::max(), {}};
  ref.ids.insert(ref.ids.end(), ids.begin(), ids.end());
  const ref_trace want = ref.run();
  REQUIRE(ref.complete);
  const ref_trace got = matcher_trace(m, *msg, s);
  INFO("message: " << text);
  REQUIRE(got.steps == want.steps);
  REQUIRE(got.findings == want.findings);
  std::size_t unexpected = 0;
  for (std::string_view id : ids)
    unexpected += !is_z_segment(id) && !ref.in_structure(s.children(), ref.as_matched(id));
  const bool fits = want.findings.size() == unexpected;
  CHECK((m.how() == structure_matcher::mode::exact) == fits);
  exact += fits;
}

}  // namespace

TEST_CASE("the matcher agrees with an exhaustive search on random structures and messages") {
  std::mt19937 rng(20250301);
  // Structures may hold HL7's any-segment place "Hxx"; messages never name it, so it is reached only by
  // ids the structure does not name (QQQ, or one of the four it happens to lack).
  const std::vector<std::string_view> ids = {"AAA", "BBB", "CCC", "DDD", "Hxx"};
  random_structure rs(rng, ids, 64);
  structure_matcher m;  // one matcher throughout: its cached automaton must follow the rebuilt structure
  std::size_t exact = 0, cases = 0;
  for (int round = 0; round < 1500; ++round) {
    rs.build(1 + rs.pick(4), 40);
    for (int k = 0; k < 4; ++k) {
      std::vector<std::string_view> msg;
      const std::size_t len = rs.pick(7);
      for (std::size_t i = 0; i < len; ++i) {
        const std::size_t r = rs.pick(20);
        msg.push_back(r < 18 ? ids[r % 4] : r == 18 ? std::string_view{"QQQ"} : std::string_view{"ZZZ"});
      }
      agree(m, rs.def, msg, exact);
      ++cases;
    }
  }
  INFO(exact << " of " << cases << " messages fit");
  CHECK(exact > cases / 10);  // both outcomes are well represented
  CHECK(exact < cases - cases / 10);
}

TEST_CASE("the matcher agrees with an exhaustive search on wide structures (several words per state set)") {
  std::mt19937 rng(7);
  std::vector<std::string> names;
  for (char a = 'A'; a <= 'Z'; ++a) names.push_back(std::string(1, a) + "X" + std::string(1, a));
  std::vector<std::string_view> ids(names.begin(), names.end());
  random_structure rs(rng, ids, 700);
  structure_matcher m;
  std::size_t exact = 0, wide = 0;
  for (int round = 0; round < 40; ++round) {
    rs.build(40 + rs.pick(60), 600);
    parser p;
    const std::string empty = of_ids({});
    auto probe = p.parse(empty);
    m.reset(*probe, rs.def);
    REQUIRE(m.matchable());
    for (int k = 0; k < 5; ++k) {
      std::vector<std::string_view> msg;
      const std::size_t len = rs.pick(6);
      for (std::size_t i = 0; i < len; ++i) msg.push_back(ids[rs.pick(ids.size())]);
      agree(m, rs.def, msg, exact);
    }
    std::size_t segments = 0;
    for (const structure_node& n : rs.pool) segments += n.is_segment();
    wide += segments > 64;
  }
  CHECK(wide > 20);  // most of these need more than one 64-bit word per set of states
}

TEST_CASE("work is linear in the message: a hostile, ambiguous message of 60000 segments") {
  // NTE may stand in many places of ORU_R01; OBX and NTE alternate, then a segment that fits nowhere
  // near the end makes the whole message not fit, so the fewest-findings pass runs over all of it.
  std::string text(msh_oru);
  text += "\rPID|1\rOBR|1\r";
  for (int i = 0; i < 30000; ++i) text += "OBX|1\rNTE|1\r";
  text += "PV1|1\rOBX|1\r";
  parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  structure_map map;
  std::size_t findings = 0;
  map.build(*m, *defs::v2_5_1.structure("ORU_R01"),
            [&](const structure_finding&, std::size_t) { ++findings; });
  CHECK(map.matcher().how() == structure_matcher::mode::fewest_findings);
  CHECK(findings == 1);  // the late PV1
  CHECK(map.segments().size() == m->size());
  // At most (segments + 1) x (states + moves for one segment id) steps per pass, a few passes.
  const std::uint64_t bound = 4 * (m->size() + 1) * 200;
  CHECK(map.matcher().work() < bound);
  // A message that fits takes one step per segment.
  std::string ok(msh_oru);
  ok += "\rPID|1\rOBR|1\r";
  for (int i = 0; i < 30000; ++i) ok += "OBX|1\rNTE|1\r";
  auto fits = p.parse(ok);
  REQUIRE(fits);
  map.build(*fits, *defs::v2_5_1.structure("ORU_R01"));
  CHECK(map.matcher().how() == structure_matcher::mode::exact);
  CHECK(map.matcher().work() <= fits->size());
}

TEST_CASE("over the budgets the preferred move is taken at each segment, still linear") {
  // 40000 segments against a structure of 400 segment nodes: the fewest-findings rows would exceed their
  // budget, so a message that does not fit is matched move by move.
  std::vector<structure_node> kids;
  std::vector<std::string> names;
  for (int i = 0; i < 400; ++i) names.push_back("N" + std::to_string(10 + i % 80).substr(0, 2));
  kids.push_back(seg("MSH", 1, 1));
  for (int i = 0; i < 400; ++i) kids.push_back(seg(names[i], 0, 0));
  const defs::structure_def wide{"T_WIDE", "T_WIDE", kids.data(), static_cast<std::uint16_t>(kids.size())};
  std::string text = "MSH|^~\\&|A\r";
  for (int i = 0; i < 40000; ++i) text += names[(i * 7) % 400] + "|1\r";
  parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  structure_map map;
  std::size_t findings = 0;
  map.build(*m, wide, [&](const structure_finding&, std::size_t) { ++findings; });
  CHECK(map.matcher().how() == structure_matcher::mode::preferred);
  CHECK(map.segments().size() == m->size());
  CHECK(findings > 0);
  CHECK(map.matcher().work() < 8 * (m->size() + 1) * 401);
}

TEST_CASE("structures beyond the limits are not matched, and nothing breaks") {
  parser p;
  const std::string text = of_ids({"AAA", "BBB"});
  auto m = p.parse(text);
  REQUIRE(m);
  SECTION("too deep") {
    std::vector<structure_node> chain(200);
    for (std::size_t d = 0; d + 1 < chain.size(); ++d)
      chain[d] = structure_node{.id = "G",
                                .child_data = &chain[d + 1],
                                .min = 0,
                                .max = 1,
                                .child_count = 1,
                                .kind = node_kind::group};
    chain.back() = seg("AAA", 0, 1);
    const structure_node top[] = {seg("MSH", 1, 1), chain[0]};
    const defs::structure_def deep = structure("T_DEEP", top);
    structure_map map;
    map.build(*m, deep);
    CHECK_FALSE(map.matched());
    CHECK(map.segments().size() == 3);
  }
  SECTION("a cycle") {
    structure_node loop[1];
    loop[0] = structure_node{
        .id = "G", .child_data = loop, .min = 0, .max = 0, .child_count = 1, .kind = node_kind::group};
    const structure_node top[] = {seg("MSH", 1, 1), loop[0]};
    const defs::structure_def cyclic = structure("T_CYCLE", top);
    structure_map map;
    map.build(*m, cyclic);
    CHECK_FALSE(map.matched());
  }
  SECTION("too many segment nodes") {
    std::vector<structure_node> kids(600, seg("AAA", 0, 1));
    kids[0] = seg("MSH", 1, 1);
    const defs::structure_def huge{"T_HUGE", "T_HUGE", kids.data(), static_cast<std::uint16_t>(kids.size())};
    structure_matcher matcher;
    matcher.reset(*m, huge);
    CHECK_FALSE(matcher.matchable());
    for (std::size_t i = 0; i < m->size(); ++i)
      CHECK(matcher.next([](const structure_finding&) { FAIL("no finding"); }).placement ==
            placement::unexpected);
  }
}

TEST_CASE("a structure changed in place is recompiled, not matched from the cache") {
  structure_node kids[] = {seg("MSH", 1, 1), seg("AAA", 1, 1), seg("BBB", 0, 1)};
  const defs::structure_def s = structure("T_CHANGE", kids);
  parser p;
  const std::string text = of_ids({"AAA", "BBB"});
  auto m = p.parse(text);
  REQUIRE(m);
  structure_map map;
  std::size_t findings = 0;
  auto count = [&](const structure_finding&, std::size_t) { ++findings; };
  map.build(*m, s, count);
  CHECK(findings == 0);
  kids[1].id = "BBB";  // same addresses, other content
  kids[2].id = "AAA";
  findings = 0;
  map.build(*m, s, count);
  CHECK(findings == 1);  // now BBB comes first: AAA is out of order
  CHECK(map.place(2).placement == placement::out_of_order);
  CHECK(map.place(3).node == &kids[1]);
}

TEST_CASE("Hxx stands for any HL7 segment the structure does not name itself") {
  // 2.5.1 MFN_M01: MSH [{SFT}] MFI [{MF: MFE [Hxx]}] — the master file segment after each MFE varies.
  const std::string text = join({"MSH|^~\\&|A|B|C|D|20250101||MFN^M01^MFN_M01|1|P|2.5.1", "MFI|LOC|",
                                 "MFE|MAD|", "LOC|W1^^^H", "MFE|MAD|", "CDM|X1", "MFE|MAD|"});
  auto m = match(text, defs::v2_5_1, "MFN_M01");
  CHECK(m.findings.empty());
  CHECK(m.paths == std::vector<std::string>{"MSH ", "MFI ", "MFE MF(1)", "LOC MF(1)", "MFE MF(2)",
                                            "CDM MF(2)", "MFE MF(3)"});
  // At most one per MF instance (the second opens an MF without its MFE, the fewest findings), and a
  // Z-segment is still only attached.
  auto two = match(join({"MSH|^~\\&|A|B|C|D|20250101||MFN^M01^MFN_M01|1|P|2.5.1", "MFI|LOC|", "MFE|MAD|",
                         "LOC|W1", "ZLC|1", "CDM|X1"}),
                   defs::v2_5_1, "MFN_M01");
  CHECK(two.findings == std::vector<std::string>{"missing_segment:MFE"});
  CHECK(two.paths[4] == "ZLC MF(1)");
  // A segment the structure names is not taken as Hxx: MFI after the MFE is out of order.
  auto named = match(
      join({"MSH|^~\\&|A|B|C|D|20250101||MFN^M01^MFN_M01|1|P|2.5.1", "MFI|LOC|", "MFE|MAD|", "MFI|LOC|"}),
      defs::v2_5_1, "MFN_M01");
  CHECK(named.findings == std::vector<std::string>{"out_of_order:4"});
}
