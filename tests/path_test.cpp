// Terser paths: the grammar, malformed paths with their offset, and resolution against a message.
#include "hl7v2/path.hpp"

#include <catch2/catch_test_macros.hpp>

#include <string>

#include "hl7v2/parser.hpp"

namespace {

hl7v2::path make(std::string_view id, std::size_t occ, std::size_t f, std::size_t rep, std::size_t comp,
                 std::size_t sub) {
  hl7v2::path p;
  p.segment_id = id;
  p.occurrence = occ;
  p.field = f;
  p.repetition = rep;
  p.component = comp;
  p.subcomponent = sub;
  return p;
}

}  // namespace

static_assert(hl7v2::parse_path("PID-3(2).1").value().repetition == 2);  // usable at compile time

TEST_CASE("well-formed paths", "[path]") {
  const auto parsed = [](std::string_view s) {
    auto r = hl7v2::parse_path(s);
    REQUIRE(r);
    return *r;
  };
  CHECK(parsed("PID") == make("PID", 1, 0, 0, 0, 0));
  CHECK(parsed("OBX(3)") == make("OBX", 3, 0, 0, 0, 0));
  CHECK(parsed("PID-5") == make("PID", 1, 5, 0, 0, 0));
  CHECK(parsed("PID-5-1") == make("PID", 1, 5, 0, 1, 0));
  CHECK(parsed("PID-3(2)-1") == make("PID", 1, 3, 2, 1, 0));
  CHECK(parsed("OBX(3)-5") == make("OBX", 3, 5, 0, 0, 0));
  CHECK(parsed("PID-11(2)-3-1") == make("PID", 1, 11, 2, 3, 1));
  CHECK(parsed("PID-3(1).1") == make("PID", 1, 3, 1, 1, 0));
  CHECK(parsed("PID.3.1.2") == make("PID", 1, 3, 0, 1, 2));
  CHECK(parsed("Z01-99999999") == make("Z01", 1, 99999999, 0, 0, 0));
  CHECK(parsed("MSH-007") == make("MSH", 1, 7, 0, 0, 0));
}

TEST_CASE("malformed paths are bad_path at the failing offset", "[path]") {
  const auto offset = [](std::string_view s) {
    auto r = hl7v2::parse_path(s);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == hl7v2::errc::bad_path);
    return r.error().offset;
  };
  CHECK(offset("") == 0);
  CHECK(offset("P") == 1);
  CHECK(offset("PI") == 2);
  CHECK(offset("pid-3") == 0);
  CHECK(offset("PId-3") == 2);
  CHECK(offset("PIDX") == 3);
  CHECK(offset("PID-") == 4);
  CHECK(offset("PID-0") == 4);
  CHECK(offset("PID-x") == 4);
  CHECK(offset("PID--3") == 4);
  CHECK(offset("PID(0)") == 4);
  CHECK(offset("PID()") == 4);
  CHECK(offset("PID(2") == 5);
  CHECK(offset("PID(2)x") == 6);
  CHECK(offset("PID-3(") == 6);
  CHECK(offset("PID-3(1]") == 7);
  CHECK(offset("PID-3-1-2-4") == 9);
  CHECK(offset("PID-3-1(2)") == 7);
  CHECK(offset("PID-3 ") == 5);
  CHECK(offset("PID-123456789") == 4);  // over the limit, not wrapped around
  CHECK(offset("PID-99999999999999999999999") == 4);
  CHECK(offset(std::string_view("PID-3\0", 6)) == 5);
}

TEST_CASE("paths resolve against a message", "[path]") {
  hl7v2::parser parser;
  const std::string text =
      "MSH|^~\\&|APP|FAC|||20250101||ADT^A01|C1|P|2.5\r"
      "PID|1||A1^^^H^MR~B2^^^SSA^SS||DOE^JANE|||||||||||||||||||||||||||\r"
      "PID|2||||||||||1 MAIN ST^^TOWN~2 SIDE ST^APT&4&B^CITY\r"
      "OBX|1|ST|a||v1\rOBX|2|ST|b||v2\rOBX|3|ST|c||v3\r";
  auto m = parser.parse(text);
  REQUIRE(m);
  CHECK(m->get("MSH-1") == "|");
  CHECK(m->get("MSH-2") == "^~\\&");
  CHECK(m->get("MSH-9") == "ADT^A01");
  CHECK(m->get("MSH-9-2") == "A01");
  CHECK(m->get("PID-5") == "DOE^JANE");
  CHECK(m->get("PID-5-1") == "DOE");
  CHECK(m->get("PID-3") == "A1^^^H^MR~B2^^^SSA^SS");  // the whole field
  CHECK(m->get("PID-3(2)") == "B2^^^SSA^SS");
  CHECK(m->get("PID-3-1") == "A1");  // first repetition below field level
  CHECK(m->get("PID-3(2)-1") == "B2");
  CHECK(m->get("PID-3(1).1") == "A1");
  CHECK(m->get("PID(2)-11(2)-2-2") == "4");
  CHECK(m->get("PID(2)-11(2)-2") == "APT&4&B");
  CHECK(m->get("OBX(3)-5") == "v3");
  CHECK(m->get("PID") == (*m)[2].raw());
  // Absent: empty, not an error.
  CHECK(m->get("PID-3(3)").empty());
  CHECK(m->get("PID-40").empty());
  CHECK(m->get("OBX(4)-5").empty());
  CHECK(m->get("ZZZ-1").empty());
  auto absent = m->at("PID-3(3)-1");
  REQUIRE(absent);
  CHECK(absent->empty());
  // Malformed: get() is empty, at() says why.
  CHECK(m->get("PID-3(").empty());
  auto bad = m->at("PID-3(");
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == hl7v2::error{hl7v2::errc::bad_path, 6, 0, 0});
}
