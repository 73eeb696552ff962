// Tests for include/hl7v2/fmt.hpp: what each formatter prints, that format specs apply, and that
// error and diagnostic text carries no field value.
#include "hl7v2/fmt.hpp"

#include <catch2/catch_test_macros.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/defs/v2_5_1.hpp"
#include "hl7v2/framer.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/path.hpp"
#include "hl7v2/validate/validate.hpp"

namespace {

const std::string text =
    "MSH|^~\\&|LAB|RIVER|LAKE|RIVER|20250301||ADT^A01^ADT_A01|CTRL42|P|2.5.1\r"
    "EVN|A01|20250301\r"
    "PID|1||A1^^^H^MR~B2&x&y^^^SSA^SS||SECRETNAME^JANE||notadate|F\r"
    "PV1|1|Q\r";

}  // namespace

TEST_CASE("codes print their stable names") {
  CHECK(fmt::format("{}", hl7v2::errc::bad_segment_id) == "bad_segment_id");
  CHECK(fmt::format("{}", hl7v2::validate::code::not_in_table) == "not_in_table");
  CHECK(fmt::format("{}", hl7v2::validate::severity::warning) == "warning");
  CHECK(fmt::format("{}", hl7v2::defs::profile_errc::unknown_type) == "unknown_type");
  CHECK(fmt::format("[{:>16}]", hl7v2::errc::bad_path) == "[        bad_path]");
  CHECK(fmt::format("[{:<9}]", hl7v2::validate::severity::error) == "[error    ]");
}

TEST_CASE("errors print name, description and position") {
  CHECK(fmt::format("{}", hl7v2::error{hl7v2::errc::bad_segment_id, 12, 2, 0}) ==
        "bad_segment_id (segment id is not three letters or digits) at byte 12, segment 2");
  CHECK(fmt::format("{}", hl7v2::error{hl7v2::errc::duplicate_delimiter, 5, 1, 2}) ==
        "duplicate_delimiter (one character used for two delimiter roles) at byte 5, segment 1, field 2");
  CHECK(fmt::format("{}", hl7v2::error{hl7v2::errc::bad_path, 0, 0, 0}) ==
        "bad_path (malformed path) at byte 0");
  const hl7v2::defs::profile_error pe{hl7v2::defs::profile_errc::unknown_type, "types.ZT1.components[0].type",
                                      "NOPE"};
  CHECK(fmt::format("{}", pe) == "types.ZT1.components[0].type: unknown data type: NOPE");
  // A real parse error, from text holding a value: the value never shows.
  hl7v2::parser p;
  const std::string bad = "MSH|^~\\&|A\rPID|1||SECRETNAME\rp!d|2\r";
  const auto r = p.parse(bad);
  REQUIRE_FALSE(r);
  const std::string shown = fmt::format("{}", r.error());
  CHECK(shown == "bad_segment_id (segment id is not three letters or digits) at byte " +
                     std::to_string(bad.find("p!d")) + ", segment 3");
  CHECK(shown.find("SECRETNAME") == std::string::npos);
}

TEST_CASE("views print their raw ER7 text") {
  hl7v2::parser p;
  const auto msg = p.parse(text);
  REQUIRE(msg);
  const hl7v2::segment pid = msg->find("PID");
  CHECK(fmt::format("{}", pid) == "PID|1||A1^^^H^MR~B2&x&y^^^SSA^SS||SECRETNAME^JANE||notadate|F");
  CHECK(fmt::format("{}", pid[3]) == "A1^^^H^MR~B2&x&y^^^SSA^SS");
  CHECK(fmt::format("{}", pid[3][2]) == "B2&x&y^^^SSA^SS");
  CHECK(fmt::format("{}", pid[3][2][1]) == "B2&x&y");
  CHECK(fmt::format("{}", pid[3][2][1][3]) == "y");
  CHECK(fmt::format("<{:>6}>", pid[3][1][1]) == "<    A1>");
  CHECK(fmt::format("<{:.3}>", pid[5]) == "<SEC>");
  CHECK(fmt::format("<{}>", pid[30]) == "<>");  // absent: empty
}

TEST_CASE("diagnostics and locations print as hl7v2 validate does, without values") {
  hl7v2::parser p;
  const auto msg = p.parse(text);
  REQUIRE(msg);
  hl7v2::validate::report rep;
  hl7v2::validate::validate(*msg, hl7v2::defs::v2_5_1, {}, rep);
  REQUIRE(!rep.empty());
  bool saw_date = false;
  for (const hl7v2::validate::diagnostic& d : rep) {
    const std::string line = fmt::format("{}", d);
    INFO(line);
    CHECK(line.find("SECRETNAME") == std::string::npos);
    CHECK(line.find("notadate") == std::string::npos);
    CHECK(line.starts_with(std::string(name(d.severity)) + " " + std::string(name(d.code)) + " " +
                           d.where.path() + ": " + std::string(describe(d.code))));
    CHECK(fmt::format("{}", d.where) == d.where.path());
    if (d.code == hl7v2::validate::code::bad_datetime && d.where.path() == "PID-7-1") {
      saw_date = true;
      CHECK(line == "error bad_datetime PID-7-1: not a date/time (DTM); expected DTM (segment 3, byte " +
                        std::to_string(d.where.offset) + ")");
    }
  }
  CHECK(saw_date);
}

TEST_CASE("paths print their canonical spelling") {
  const auto spelled = [](std::string_view written) {
    const auto p = hl7v2::parse_path(written);
    REQUIRE(p);
    return fmt::format("{}", *p);
  };
  CHECK(spelled("PID") == "PID");
  CHECK(spelled("PID(1)") == "PID");
  CHECK(spelled("OBX(3)-5") == "OBX(3)-5");
  CHECK(spelled("PID-3(1).1") == "PID-3(1)-1");
  CHECK(spelled("PID.11(2).3.1") == "PID-11(2)-3-1");
  CHECK(spelled("ZPD(12)-1-2-3") == "ZPD(12)-1-2-3");
  // Whatever it prints parses back to the same path.
  for (const std::string_view written : {"PID-5", "OBX(2)-5(3)-1-2", "Z01(9).4(7).2"}) {
    const auto p = hl7v2::parse_path(written);
    REQUIRE(p);
    const std::string shown = fmt::format("{}", *p);
    const auto again = hl7v2::parse_path(shown);
    REQUIRE(again);
    CHECK(*again == *p);
  }
  CHECK(fmt::format("[{:>8}]", *hl7v2::parse_path("PID-5")) == "[   PID-5]");
}

TEST_CASE("frames print their place and error, never their bytes") {
  const std::string input = "SECRETJUNK|1\r" + text + text;
  std::vector<std::string> shown;
  std::vector<hl7v2::frame> frames;
  for (const hl7v2::frame& f : hl7v2::framer{input}) {
    frames.push_back(f);
    shown.push_back(fmt::format("{}", f));
  }
  REQUIRE(frames.size() == 3);
  REQUIRE(frames[0].kind == hl7v2::frame_kind::error);
  const hl7v2::error& e = frames[0].err;
  CHECK(shown[0] == fmt::format("error frame #0 at byte 0, line 1: {} ({}) at byte {}", name(e.code),
                                describe(e.code), e.offset) +
                        (e.segment != 0 ? fmt::format(", segment {}", e.segment) : ""));
  const std::size_t second = input.size() - text.size();
  CHECK(shown[1] == "message frame #1 at byte 13, line 2");
  CHECK(shown[2] == fmt::format("message frame #2 at byte {}, line 6", second));
  for (const std::string& s : shown) CHECK(s.find("SECRET") == std::string::npos);
}

TEST_CASE("MLLP events print kind, index, offset and size, never their content") {
  CHECK(fmt::format("{}", hl7v2::mllp::event_kind::oversize) == "oversize");
  const hl7v2::mllp::event big{hl7v2::mllp::event_kind::oversize, "MSH|SECRET", 1048600, 2097152, 7};
  CHECK(fmt::format("{}", big) == "oversize frame #7 at byte 1048600, 2097152 bytes");
  const hl7v2::mllp::event junk{hl7v2::mllp::event_kind::junk, "SECRET", 10, 6, 2};
  CHECK(fmt::format("{}", junk) == "junk before frame #2 at byte 10, 6 bytes");
}
