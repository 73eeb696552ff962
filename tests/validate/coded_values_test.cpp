// Coded values the HL7 tables define but a plain value list or length check gets wrong: the pattern
// families of table 0396 (coding systems) and codes longer than their field's declared length.
// Regressions from the bench corpus, where both showed up as thousands of false warnings.
#include <catch2/catch_test_macros.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/validate/validate.hpp"

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

struct finding {
  code c;
  std::string path;
  std::string expect;
};

std::vector<finding> check(const std::string& text) {
  parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  report rep;
  const defs::version_def* v =
      validate::validate(*m, defs::resolver{defs::all_versions_registry.with_default(nullptr)}, {}, rep);
  REQUIRE(v != nullptr);
  std::vector<finding> out;
  for (const diagnostic& d : rep) {
    out.push_back({d.code, d.where.path(), d.expectation_text()});
    UNSCOPED_INFO(name(d.code) << " " << out.back().path << " [" << out.back().expect << "]");
  }
  return out;
}

constexpr std::string_view msh_adt =
    "MSH|^~\\&|APP|FAC|REC|RFAC|20250101120000||ADT^A01^ADT_A01|CTRL1|P|2.5.1";
constexpr std::string_view evn = "EVN|A01|20250101120000";
constexpr std::string_view pid = "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|M";
constexpr std::string_view pv1 = "PV1|1|I";
constexpr std::string_view msh_oru =
    "MSH|^~\\&|LAB|FAC|REC|RFAC|20250101120000||ORU^R01^ORU_R01|CTRL2|P|2.5.1";
constexpr std::string_view obr = "OBR|1|PL1|FI1|57021-8^CBC^LN";

std::vector<finding> nk1_relationship_system(std::string_view system) {
  const std::string nk1 = "NK1|1|DOE^JANE|SPO^Spouse^" + std::string(system);
  return check(join({msh_adt, evn, pid, nk1, pv1}));
}

}  // namespace

TEST_CASE("table 0396 admits the coding-system families it defines by pattern") {
  SECTION("HL7nnnn names an HL7 table") {
    CHECK(nk1_relationship_system("HL70063").empty());
    CHECK(nk1_relationship_system("HL70189").empty());
  }
  SECTION("99zzz is a local coding system") {
    CHECK(nk1_relationship_system("99REL").empty());
    CHECK(nk1_relationship_system("99A1").empty());
  }
  SECTION("IBTnnnn") { CHECK(nk1_relationship_system("IBT0001").empty()); }
  SECTION("listed codes still pass, and near misses and unlisted systems do not") {
    CHECK(nk1_relationship_system("SCT").empty());
    for (std::string_view bad :
         {"HL7063", "HL700631", "HL7006X", "HL7", "99", "9X9", "99A-B", "CDCREC", "hl70063"}) {
      const auto got = nk1_relationship_system(bad);
      INFO(bad);
      REQUIRE(got.size() == 1);
      CHECK(got[0].c == code::not_in_table);
      CHECK(got[0].path == "NK1-3-3");
      CHECK(got[0].expect == "table 0396");
    }
  }
}

TEST_CASE("a code its own table lists is never too long for the field") {
  // v2.5.1 declares OBX-2 (ID, table 0125) with length 2, but table 0125 has CWE, DTM, XAD...
  SECTION("a three-character value type from table 0125") {
    CHECK(check(join({msh_oru, pid, obr, "OBX|1|CWE|5778-6^Color^LN||371244009^Yellow^SCT||||||F"})).empty());
    CHECK(check(join({msh_oru, pid, obr, "OBX|1|DTM|33882-2^Collected^LN||20250101120000||||||F"})).empty());
  }
  SECTION("a long value outside the table is still too long, and not in the table") {
    const auto got = check(join({msh_oru, pid, obr, "OBX|1|XYZ|5909-7^Smear^LN||||||||F"}));
    REQUIRE(got.size() == 2);
    CHECK(got[0].c == code::too_long);
    CHECK(got[0].path == "OBX-2");
    CHECK(got[0].expect == "max length 2");
    CHECK(got[1].c == code::not_in_table);
    CHECK(got[1].path == "OBX-2");
    CHECK(got[1].expect == "table 0125");
  }
  SECTION("length still applies to values of fields without a table") {
    const std::string long_reaction =
        "AL1|1|DA|373270004^Penicillin^SCT||SWELLING OF LIPS";  // AL1-5 is ST(15)
    const auto got = check(join({msh_adt, evn, pid, pv1, long_reaction}));
    REQUIRE(got.size() == 1);
    CHECK(got[0].c == code::too_long);
    CHECK(got[0].path == "AL1-5");
  }
}
