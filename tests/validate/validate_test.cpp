#include "hl7v2/validate/validate.hpp"

#include <array>
#include <catch2/catch_test_macros.hpp>
#include <cstdint>
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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct finding {
  severity sev;
  code c;
  std::string path;
  std::string expect;
};

std::vector<finding> check(const std::string& text, const options& opts = {},
                           const defs::version_def* v = nullptr) {
  parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  const defs::resolver definitions{defs::all_versions_registry};
  if (v == nullptr) v = definitions.version_for(*m);
  REQUIRE(v != nullptr);
  report rep;
  validate::validate(*m, *v, opts, rep, definitions.versions());
  std::vector<finding> out;
  for (const diagnostic& d : rep) out.push_back({d.severity, d.code, d.where.path(), d.expectation_text()});
  return out;
}

// One finding, exactly, with this code, path and expectation.
void require_only(const std::vector<finding>& got, severity sev, code c, std::string_view path,
                  std::string_view expect) {
  for (const finding& f : got) UNSCOPED_INFO(name(f.c) << " " << f.path << " [" << f.expect << "]");
  REQUIRE(got.size() == 1);
  CHECK(got[0].sev == sev);
  CHECK(got[0].c == c);
  CHECK(got[0].path == path);
  CHECK(got[0].expect == expect);
}

constexpr std::string_view msh_adt =
    "MSH|^~\\&|APP|FAC|REC|RFAC|20250101120000||ADT^A01^ADT_A01|CTRL1|P|2.5.1";
constexpr std::string_view evn = "EVN|A01|20250101120000";
constexpr std::string_view pid = "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|M";
constexpr std::string_view pv1 = "PV1|1|I";
constexpr std::string_view msh_oru =
    "MSH|^~\\&|LAB|FAC|REC|RFAC|20250101120000||ORU^R01^ORU_R01|CTRL2|P|2.5.1";
constexpr std::string_view obr = "OBR|1|PL1|FI1|57021-8^CBC^LN";

}  // namespace

TEST_CASE("clean messages give no diagnostics") {
  CHECK(check(join({msh_adt, evn, pid, pv1})).empty());
  CHECK(check(join({msh_oru, pid, obr, "OBX|1|NM|6690-2^WBC^LN||7.2|10*3/uL|||||F"})).empty());
  CHECK(check(read_file(HL7V2_TEST_DATA_DIR "/oru_r01_lab.hl7")).empty());
}

TEST_CASE("required fields") {
  SECTION("an empty required field is an error at the field") {
    require_only(check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR||||19800101|M", pv1})), severity::error,
                 code::required_missing, "PID-5", "required");
  }
  SECTION("a missing trailing required field counts too") {
    require_only(check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR", pv1})), severity::error,
                 code::required_missing, "PID-5", "required");
  }
  SECTION("HL7 null \"\" satisfies required") {
    CHECK(check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR||\"\"||19800101|M", pv1})).empty());
  }
  SECTION("a required component of a present value") {
    require_only(check(join({msh_adt, evn, "PID|1||^^^HOSP^MR||DOE^JOHN||19800101|M", pv1})), severity::error,
                 code::required_missing, "PID-3-1", "required");
  }
  SECTION("in a later repetition the path names it") {
    require_only(check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR~^^^SSA^SS||DOE^JOHN||19800101|M", pv1})),
                 severity::error, code::required_missing, "PID-3(2)-1", "required");
  }
}

TEST_CASE("repetitions over the maximum") {
  require_only(check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|M~F", pv1})),
               severity::error, code::too_many_repetitions, "PID-8(2)", "at most 1 repetition");
}

TEST_CASE("a query's user parameters repeat as its profile says, other fields still count") {
  // QPD-3 "user parameters (in successive fields)" is a varies placeholder: an IHE PDQ query repeats it.
  for (std::string_view version : {"2.5", "2.7", "2.8"}) {
    INFO(version);
    const std::string msh = "MSH|^~\\&|A|B|C|D|20250101||QBP^Q22^QBP_Q21|C1|P|" + std::string(version);
    CHECK(check(join({msh, "QPD|IHE PDQ Query|Q1|@PID.3.1^1234~@PID.5.1^DOE", "RCP|I"})).empty());
    require_only(check(join({msh, "QPD|IHE PDQ Query|Q1~Q2|@PID.3.1^1234~@PID.5.1^DOE", "RCP|I"})),
                 severity::error, code::too_many_repetitions, "QPD-2(2)", "at most 1 repetition");
  }
  // OBX-5 is typed by OBX-2, so its repetitions are the field's: 2.1 allows one.
  const std::string msh21 = "MSH|^~\\&|LAB|FAC|REC|RFAC|20250101||ORU^R01|C|P|2.1";
  bool over = false;
  for (const finding& f : check(join({msh21, "PID|1", "OBR|1", "OBX|1|ST|X^Y||A~B"})))
    over = over || (f.c == code::too_many_repetitions && f.path == "OBX-5(2)");
  CHECK(over);
}

TEST_CASE("length over the maximum is a warning by default") {
  require_only(check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|MM", pv1})),
               severity::warning, code::too_long, "PID-8", "max length 1");
  options o;
  o.length = level::off;
  CHECK(check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|MM", pv1}), o).empty());
}

TEST_CASE("primitive formats") {
  SECTION("SI") {
    require_only(check(join({msh_adt, evn, "PID|A||12345^^^HOSP^MR||DOE^JOHN||19800101|M", pv1})),
                 severity::error, code::bad_sequence_id, "PID-1", "SI");
  }
  SECTION("DTM inside TS") {
    require_only(check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR||DOE^JOHN||19801301|M", pv1})),
                 severity::error, code::bad_datetime, "PID-7-1", "DTM");
  }
  SECTION("DT") {
    require_only(check(join({msh_adt, evn, pid, "NK1|1|DOE^JANE||||||20250230", pv1})), severity::error,
                 code::bad_date, "NK1-8", "DT");
  }
  SECTION("TM") {
    require_only(check(join({msh_oru, pid, obr, "TQ1|1|||2561", "OBX|1|NM|6690-2^WBC^LN||7.2||||||F"})),
                 severity::error, code::bad_time, "TQ1-4", "TM");
  }
  SECTION("NM: OBX-5 takes the type OBX-2 names, in every repetition and occurrence") {
    require_only(check(join({msh_oru, pid, obr, "OBX|1|NM|6690-2^WBC^LN||7.2||||||F",
                             "OBX|2|NM|718-7^Hgb^LN||1~high||||||F"})),
                 severity::error, code::bad_number, "OBX(2)-5(2)", "NM");
    CHECK(check(join({msh_oru, pid, obr, "OBX|1|ST|5909-7^Smear^LN||high||||||F"})).empty());
  }
}

TEST_CASE("table values") {
  SECTION("an ID value outside its table") {
    require_only(
        check(join({msh_adt, evn, "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|M||||||||||||||||X", pv1})),
        severity::warning, code::not_in_table, "PID-24", "table 0136");
  }
  SECTION("strictness is configurable") {
    options o;
    o.tables = level::error;
    const std::string msg =
        join({"MSH|^~\\&|APP|FAC|REC|RFAC|20250101120000||ADT^A01^ADT_A01|CTRL1|X|2.5.1", evn, pid, pv1});
    require_only(check(msg, o), severity::error, code::not_in_table, "MSH-11-1", "table 0103");
    o.tables = level::off;
    CHECK(check(msg, o).empty());
  }
  SECTION("IS (user-defined) tables only when asked") {
    const std::string msg = join({msh_adt, evn, "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|Q", pv1});
    CHECK(check(msg).empty());
    options o;
    o.user_tables = level::warning;
    require_only(check(msg, o), severity::warning, code::not_in_table, "PID-8", "table 0001");
  }
}

TEST_CASE("segments the version does not define") {
  SECTION("Z-segments are info and attach to the structure silently") {
    require_only(check(join({msh_adt, evn, pid, "ZPD|1|X", pv1})), severity::info, code::z_segment, "ZPD",
                 "");
    options o;
    o.z_segments = level::off;
    CHECK(check(join({msh_adt, evn, pid, "ZPD|1|X", pv1}), o).empty());
  }
  SECTION("an unknown non-Z segment") {
    options o;
    o.structure = level::off;
    require_only(check(join({msh_adt, evn, pid, "QQQ|1", pv1}), o), severity::warning, code::unknown_segment,
                 "QQQ", "defined in 2.5.1");
  }
  SECTION("a segment from a later version is checked with that version's definition") {
    options o;
    o.structure = level::off;
    const std::string msg = join({"MSH|^~\\&|A|B|C|D|20250101||ADT^A01|C1|P|2.3", "SFT||1.0|X|1"});
    auto got = check(msg, o);
    REQUIRE(got.size() == 2);
    CHECK(got[0].c == code::unknown_segment);
    CHECK(got[0].expect == "defined in 2.3");
    CHECK(got[1].c == code::required_missing);
    CHECK(got[1].path == "SFT-1");
  }
  SECTION("fields past the definition") {
    require_only(check(join({msh_adt, "EVN|A01|20250101120000||||||X", pid, pv1})), severity::info,
                 code::extra_field, "EVN-8", "at most 7 fields");
  }
}

TEST_CASE("segment order and cardinality") {
  SECTION("out of order") {
    require_only(check(join({msh_adt, evn, pid, pv1, "NK1|1|DOE^JANE"})), severity::error, code::out_of_order,
                 "NK1", "in ADT_A01 at its position");
  }
  SECTION("a non-repeating segment twice") {
    require_only(check(join({msh_adt, evn, pid, pid, pv1})), severity::error, code::too_many_segments,
                 "PID(2)", "at most 1 in ADT_A01");
  }
  SECTION("a required segment missing") {
    require_only(check(join({msh_adt, evn, pid})), severity::error, code::missing_segment, "PV1",
                 "required in ADT_A01");
  }
  SECTION("a required group missing is named by the group and located at its first required segment") {
    require_only(check(join({msh_oru, pid})), severity::error, code::missing_segment, "OBR",
                 "group ORDER_OBSERVATION required");
  }
  SECTION("a segment the structure does not have") {
    require_only(check(join({msh_adt, evn, pid, pv1, "OBR|1|PL1|FI1|57021-8^CBC^LN"})), severity::error,
                 code::unexpected_segment, "OBR", "in ADT_A01");
  }
  SECTION("structure from MSH-9.1 + 9.2 when 9.3 is absent") {
    CHECK(check(join({"MSH|^~\\&|APP|FAC|REC|RFAC|20250101120000||ADT^A04|CTRL1|P|2.5.1",
                      "EVN|A04|20250101120000", pid, pv1}))
              .empty());
    auto got = check(join(
        {"MSH|^~\\&|APP|FAC|REC|RFAC|20250101120000||ADT^A04|CTRL1|P|2.5.1", "EVN|A04|20250101120000", pid}));
    REQUIRE(got.size() == 1);
    CHECK(got[0].c == code::missing_segment);
  }
  SECTION("an unknown structure is reported once and order is not checked") {
    options o;
    o.tables = level::off;
    require_only(check(join({"MSH|^~\\&|A|B|C|D|20250101||ZZZ^Z99|C1|P|2.5.1", pv1, pid}), o),
                 severity::warning, code::unknown_structure, "MSH-9", "");
  }
}

TEST_CASE("the 2.3 tutorial message: findings name positions and expectations, never values") {
  const std::string text = read_file(HL7V2_TEST_DATA_DIR "/blog_adt_a01.hl7");
  auto got = check(text);
  REQUIRE_FALSE(got.empty());
  for (const finding& f : got) {
    // No value of the message appears in what we report.
    for (std::string_view value :
         {"DOE", "JOHN", "JANE", "WIFE", "NEXT OF KIN", "MSGID10001", "100001", "WH"}) {
      CHECK(f.path.find(value) == std::string::npos);
      CHECK(f.expect.find(value) == std::string::npos);
    }
  }
  bool nk1_9 = false;  // NK1-9 (end date, DT) holds a code in this sample
  for (const finding& f : got) nk1_9 |= f.c == code::bad_date && f.path == "NK1-9";
  CHECK(nk1_9);
}

TEST_CASE("a report is reused without growing and caps what it keeps") {
  parser p;
  const std::string text = join({msh_adt, evn, "PID|A||^^^HOSP^MR||||1980|M~F~M", pv1});
  auto m = p.parse(text);
  REQUIRE(m);
  report rep;
  validate::validate(*m, defs::v2_5_1, {}, rep);
  const std::size_t first = rep.size();
  REQUIRE(first >= 4);
  validate::validate(*m, defs::v2_5_1, {}, rep);
  CHECK(rep.size() == first);
  rep.clear();
  rep.set_limit(2);
  validate::validate<report>(*m, defs::v2_5_1, {}, rep);
  CHECK(rep.size() == 2);
  CHECK(rep.dropped() == first - 2);
  CHECK(rep.errors() + rep.warnings() + rep.count(severity::info) == first);
}

TEST_CASE("a callable sink sees every diagnostic") {
  parser p;
  const std::string text = join({msh_adt, evn, "PID|A||12345^^^HOSP^MR||DOE^JOHN||19800101|M", pv1});
  auto m = p.parse(text);
  REQUIRE(m);
  int seen = 0;
  auto sink = [&seen](const diagnostic& d) {
    ++seen;
    CHECK(d.where.segment_index == 3);
    CHECK(d.where.occurrence == 1);
    CHECK(d.where.field == 1);
  };
  validate::validate(*m, defs::v2_5_1, {}, sink);
  CHECK(seen == 1);
}

namespace {

bool is_structure_code(code c) {
  return c == code::unexpected_segment || c == code::out_of_order || c == code::too_many_segments ||
         c == code::missing_segment || c == code::unknown_structure;
}
std::vector<finding> structure_findings(const std::string& text) {
  std::vector<finding> out;
  for (const finding& f : check(text)) {
    if (is_structure_code(f.c)) out.push_back(f);
  }
  return out;
}

// A version that is 2.5.1 with one hand-built structure of its own (MSH-9.3 names it).
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
};

}  // namespace

TEST_CASE("real message sequences that a one-pass matcher got wrong validate without structure findings") {
  // The segment sequences of three-order OML^O21 and multi-specimen OML^O33 messages from public test
  // suites (nHapi PipeParserV251Tests, hl7apy test_core), with our own content. One pass took each ORC
  // that opens the next order as the optional ORC of the previous order's PRIOR_RESULT.
  SECTION("OML^O21 2.5.1, three orders") {
    const std::string text = join({"MSH|^~\\&|LIS|LAB|HIS|HOSP|20250101120000||OML^O21^OML_O21|C21|P|2.5.1",
                                   pid,
                                   "PV1|1|O",
                                   "IN1|1|PLAN1^Plan^L|INS1",
                                   "GT1|1||DOE^JANE",
                                   "ORC|NW|ORD1",
                                   "TQ1|1",
                                   "OBR|1|ORD1||57021-8^CBC^LN",
                                   "NTE|1||first",
                                   "DG1|1||R51^Headache^I10|||W",
                                   "DG1|2||R50^Fever^I10|||W",
                                   "ORC|NW|ORD2",
                                   "OBR|2|ORD2||2345-7^Glucose^LN",
                                   "DG1|1||E11^Diabetes^I10|||W",
                                   "DG1|2||I10^Hypertension^I10|||W",
                                   "DG1|3||E78^Lipids^I10|||W",
                                   "DG1|4||N18^Kidney^I10|||W",
                                   "OBX|1|NM|2345-7^Glucose^LN||5.4||||||F",
                                   "ORC|NW|ORD3",
                                   "OBR|3|ORD3||718-7^Hgb^LN",
                                   "NTE|1||third",
                                   "DG1|1||D64^Anemia^I10|||W"});
    const auto got = structure_findings(text);
    for (const finding& f : got) UNSCOPED_INFO(name(f.c) << " " << f.path << " [" << f.expect << "]");
    CHECK(got.empty());
  }
  SECTION("OML^O33 2.5, two specimens, three orders in the second") {
    const std::string text = join({"MSH|^~\\&|LIS|LAB|HIS|HOSP|20250101120000||OML^O33^OML_O33|C33|P|2.5",
                                   pid, "PV1|1|O", "SPM|1|S1", "ORC|NW|A1", "TQ1|1", "OBR|1|A1||1^A^L",
                                   "SPM|2|S2", "ORC|NW|B1", "TQ1|1", "OBR|1|B1||1^A^L", "ORC|NW|B2", "TQ1|1",
                                   "OBR|2|B2||2^B^L", "ORC|NW|B3", "TQ1|1", "OBR|3|B3||3^C^L"});
    CHECK(structure_findings(text).empty());
  }
  SECTION("OML^O33 2.5.1, a specimen container and two orders") {
    const std::string text =
        join({"MSH|^~\\&|LIS|LAB|HIS|HOSP|20250101120000||OML^O33^OML_O33|C34|P|2.5.1", "SPM|1|S1", "SAC|1",
              "ORC|NW|A1", "OBR|1|A1||1^A^L", "ORC|NW|A2", "OBR|2|A2||2^B^L"});
    CHECK(structure_findings(text).empty());
  }
}

TEST_CASE("the fewest structure findings: one misplaced segment, not the two after it") {
  require_only(check(join({msh_adt, evn, pid, pv1, "NK1|1|DOE^JANE", "PV1|2|I"})), severity::error,
               code::out_of_order, "PV1", "in ADT_A01 at its position");
}

TEST_CASE("a required choice missing names its first alternative and its group") {
  static constexpr defs::structure_node kinds[] = {{.id = "OBR", .min = 1, .max = 1},
                                                   {.id = "RXO", .min = 1, .max = 1}};
  static constexpr defs::structure_node detail[] = {
      {.id = {}, .child_data = kinds, .min = 1, .max = 1, .child_count = 2, .kind = defs::node_kind::choice},
      {.id = "DG1", .min = 0, .max = 0}};
  static constexpr defs::structure_node order[] = {{.id = "ORC", .min = 1, .max = 1},
                                                   {.id = "DETAIL",
                                                    .child_data = detail,
                                                    .min = 0,
                                                    .max = 1,
                                                    .child_count = 2,
                                                    .kind = defs::node_kind::group}};
  static constexpr defs::structure_node root[] = {{.id = "MSH", .min = 1, .max = 1},
                                                  {.id = "ORDER",
                                                   .child_data = order,
                                                   .min = 1,
                                                   .max = 0,
                                                   .child_count = 2,
                                                   .kind = defs::node_kind::group}};
  static constexpr defs::structure_def s{"ORM_O01", "ORM_O01", root, 2};  // in place of 2.5.1's own
  const custom_version v{s};
  const std::string head = "MSH|^~\\&|A|B|C|D|20250101||ORM^O01^ORM_O01|C1|P|2.5.1";
  CHECK(check(join({head, "ORC|NW|1", "RXO|1", "DG1|1||R51^Headache^I10|||W"}), {}, &v.version).empty());
  require_only(check(join({head, "ORC|NW|1", "DG1|1||R51^Headache^I10|||W"}), {}, &v.version),
               severity::error, code::missing_segment, "OBR", "one alternative required in DETAIL");
}

TEST_CASE("a structure beyond the matcher's limits is reported as unknown, order not checked") {
  static std::array<defs::structure_node, 700> wide{};
  wide[0] = {.id = "MSH", .min = 1, .max = 1};
  for (std::size_t i = 1; i < wide.size(); ++i) wide[i] = {.id = "NTE", .min = 0, .max = 1};
  static const defs::structure_def s{"ORM_O01", "ORM_O01", wide.data(),
                                     static_cast<std::uint16_t>(wide.size())};
  const custom_version v{s};
  options o;
  o.tables = level::off;
  require_only(check(join({"MSH|^~\\&|A|B|C|D|20250101||ORM^O01^ORM_O01|C1|P|2.5.1", pv1}), o, &v.version),
               severity::warning, code::unknown_structure, "MSH-9", "");
}

TEST_CASE("validation nested in a sink gets its own matcher") {
  parser outer_parser, inner_parser;
  const std::string outer_text = join({msh_adt, evn, pid, pid, pv1});  // one structure finding
  const std::string inner_text = join({msh_oru, pid, obr, "OBX|1|NM|6690-2^WBC^LN||7.2|10*3/uL|||||F"});
  auto outer = outer_parser.parse(outer_text);
  auto inner = inner_parser.parse(inner_text);
  REQUIRE(outer);
  REQUIRE(inner);
  std::vector<code> seen;
  std::size_t inner_findings = 0;
  auto sink = [&](const diagnostic& d) {
    seen.push_back(d.code);
    report nested;
    validate::validate(*inner, defs::v2_5_1, {}, nested);  // while the outer matcher is mid-message
    inner_findings += nested.size();
  };
  validate::validate(*outer, defs::v2_5_1, {}, sink);
  CHECK(seen == std::vector<code>{code::too_many_segments});
  CHECK(inner_findings == 0);
}

TEST_CASE("a withdrawn field that holds data is information, not checked against its old type") {
  // PID-2 is withdrawn in 2.7 (kept as CX, its last type, so the data survives); PID-2-1 empty here
  // would have been required_missing under CX.
  const std::string text = join({"MSH|^~\\&|A|B|C|D|20250101120000||ADT^A01^ADT_A01|1|P|2.7",
                                 "EVN||20250101120000", "PID|1|^4^M11|R1^^^H^MR||DOE^JOHN", "PV1|1|I"});
  const auto got = check(text);
  std::vector<finding> pid2;
  for (const finding& f : got) {
    if (f.path.rfind("PID-2", 0) == 0) pid2.push_back(f);
  }
  require_only(pid2, severity::info, code::withdrawn_field, "PID-2", "withdrawn in 2.7");
  CHECK(check(text, {.withdrawn = level::off}).size() == got.size() - 1);
  // Not withdrawn in 2.5.1: checked as CX there, so the empty ID number is an error.
  const std::string v251 = join({"MSH|^~\\&|A|B|C|D|20250101120000||ADT^A01^ADT_A01|1|P|2.5.1",
                                 "EVN||20250101120000", "PID|1|^4^M11|R1^^^H^MR||DOE^JOHN", "PV1|1|I"});
  bool error_at_pid2 = false;
  for (const finding& f : check(v251)) {
    error_at_pid2 = error_at_pid2 || (f.path == "PID-2-1" && f.c == code::required_missing);
    CHECK(f.c != code::withdrawn_field);
  }
  CHECK(error_at_pid2);
}

TEST_CASE("MSH-9.3 left out in 2.6+: a warning when the trigger event gives the structure") {
  const auto at_msh9 = [](const std::vector<finding>& got) {
    std::vector<finding> out;
    for (const finding& f : got) {
      if (f.path == "MSH-9-3") out.push_back(f);
    }
    return out;
  };
  for (std::string_view version : {"2.6", "2.7", "2.8"}) {
    INFO(version);
    const std::string msh = "MSH|^~\\&|A|B|C|D|20250101120000||ADT^A04|1|P|" + std::string(version);
    const std::string text = join({msh, "EVN||20250101120000", "PID|1||R1^^^H^MR||DOE^JOHN", "PV1|1|E"});
    require_only(at_msh9(check(text)), severity::warning, code::required_missing, "MSH-9-3", "required");
    // The structure is matched all the same (A04 → ADT_A01): no structure finding.
    for (const finding& f : check(text)) CHECK(f.sev != severity::error);
    // A trigger event the version does not map: the structure is unknown, MSH-9.3 stays an error.
    const std::string unknown =
        join({"MSH|^~\\&|A|B|C|D|20250101120000||ADT^Q99|1|P|" + std::string(version)});
    require_only(at_msh9(check(unknown)), severity::error, code::required_missing, "MSH-9-3", "required");
    // With MSH-9.3 given, nothing to report.
    const std::string full = "MSH|^~\\&|A|B|C|D|20250101120000||ADT^A04^ADT_A01|1|P|" + std::string(version);
    CHECK(
        at_msh9(check(join({full, "EVN||20250101120000", "PID|1||R1^^^H^MR||DOE^JOHN", "PV1|1|E"}))).empty());
  }
}
