#include "hl7v2/validate/ack.hpp"

#include <catch2/catch_test_macros.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

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

// Validates `received`, builds its ACK and parses the ACK back into `ack_parser`.
struct acked {
  std::string text;
  ack_status status{};
  hl7v2::parser p;
  message ack;
};

void build(const std::string& received, acked& out, ack_options o = {}, const ack_code* forced = nullptr) {
  hl7v2::parser p;
  auto m = p.parse(received);
  REQUIRE(m);
  report rep;
  const defs::version_def* v = validate::validate(*m, defs::resolver{defs::all_versions_registry}, {}, rep);
  REQUIRE(v != nullptr);
  if (o.timestamp.empty()) o.timestamp = "20250301083005";
  const ack_code code = forced ? *forced : ack_code_for(rep.items());
  out.status = write_ack(*m, *v, code, rep.items(), o, out.text);
  if (out.status == ack_status::not_needed) {
    CHECK(out.text.empty());
    return;
  }
  auto a = out.p.parse(out.text);
  INFO(out.text);
  REQUIRE(a);
  out.ack = *a;
}

constexpr std::string_view pid_ok = "PID|1||12345^^^HOSP^MR||DOE^JOHN||19800101|M";

}  // namespace

TEST_CASE("2.5.1 ACK: header swapped, MSA, one ERR per finding with location, code and severity") {
  acked a;
  ack_options o;
  o.control_id = "ACK0001";
  build(join({"MSH|^~\\&|SENDAPP|SENDFAC|RECVAPP|RECVFAC|20250301083000||ADT^A01^ADT_A01|MSG123|P|2.5.1",
              "EVN|A01|20250301083000", "PID|1||12345^^^HOSP^MR||||19800101|MM", "PV1|1|I"}),
        a, o);
  REQUIRE(a.status == ack_status::written);
  const message& m = a.ack;
  CHECK(m.get("MSH-3") == "RECVAPP");
  CHECK(m.get("MSH-4") == "RECVFAC");
  CHECK(m.get("MSH-5") == "SENDAPP");
  CHECK(m.get("MSH-6") == "SENDFAC");
  CHECK(m.get("MSH-7") == "20250301083005");
  CHECK(m.get("MSH-9") == "ACK^A01^ACK");
  CHECK(m.get("MSH-10") == "ACK0001");
  CHECK(m.get("MSH-11") == "P");
  CHECK(m.get("MSH-12") == "2.5.1");
  CHECK(m.get("MSA-1") == "AE");
  CHECK(m.get("MSA-2") == "MSG123");
  // PID-5 missing (error), PID-8 too long (warning).
  REQUIRE(m.find("ERR", 2).id() == "ERR");
  CHECK(m.find("ERR", 3).empty());
  CHECK(m.get("ERR(1)-2") == "PID^1^5");
  CHECK(m.get("ERR(1)-3") == "101^Required field missing^HL70357");
  CHECK(m.get("ERR(1)-4") == "E");
  CHECK(m.get("ERR(1)-8") == "required value missing: required");
  CHECK(m.get("ERR(2)-2") == "PID^1^8^1");
  CHECK(m.get("ERR(2)-3-1") == "102");
  CHECK(m.get("ERR(2)-4") == "W");
  CHECK(m.get("ERR(2)-8") == "value too long: max length 1");
  // Nothing from the received message but the header fields an ACK echoes.
  CHECK(a.text.find("DOE") == std::string::npos);
  CHECK(a.text.find("12345") == std::string::npos);
  CHECK(a.text.find("19800101") == std::string::npos);
}

TEST_CASE("2.3 ACK: MSH-9 without a structure, one ERR with ELD repetitions") {
  acked a;
  build(join({"MSH|^~\\&|SENDAPP|SENDFAC|RECVAPP|RECVFAC|20250301083000||ADT^A01|MSG9|P|2.3",
              "EVN|A01|20250301083000", "PID|1||12345||DOE^JOHN", "PID|2||12345||DOE^JOHN", "PV1|1|I"}),
        a);
  REQUIRE(a.status == ack_status::written);
  const message& m = a.ack;
  CHECK(m.get("MSH-9") == "ACK^A01");
  CHECK(m.get("MSH-12") == "2.3");
  CHECK(m.get("MSA-1") == "AE");
  CHECK(m.get("MSA-2") == "MSG9");
  CHECK(m.find("ERR", 2).empty());
  CHECK(m.get("ERR-1(1)") == "PID^2^^100&Segment sequence error&HL70357");
  CHECK(m.get("ERR-1(1)-4-1") == "100");
  // The control id is derived when not given: 'A' + 16 hex digits, stable for the same input.
  const std::string_view id = m.get("MSH-10");
  CHECK(id.size() == 17);
  CHECK(id[0] == 'A');
}

TEST_CASE("a clean message is accepted with no ERR") {
  acked a;
  build(join({"MSH|^~\\&|S|SF|R|RF|20250301083000||ADT^A01^ADT_A01|OK1|P|2.5.1", "EVN|A01|20250301083000",
              pid_ok, "PV1|1|I"}),
        a);
  CHECK(a.ack.get("MSA-1") == "AA");
  CHECK(a.ack.get("MSA-2") == "OK1");
  CHECK(a.ack.find("ERR").empty());
  CHECK(a.ack.size() == 2);
}

TEST_CASE("derived control ids are deterministic and depend on the timestamp") {
  const std::string msg = join({"MSH|^~\\&|S|SF|R|RF|20250301083000||ADT^A01^ADT_A01|OK1|P|2.5.1",
                                "EVN|A01|20250301083000", pid_ok, "PV1|1|I"});
  acked a, b, c;
  build(msg, a);
  build(msg, b);
  ack_options later;
  later.timestamp = "20250301083006";
  build(msg, c, later);
  CHECK(a.ack.get("MSH-10") == b.ack.get("MSH-10"));
  CHECK(a.ack.get("MSH-10") != c.ack.get("MSH-10"));
}

TEST_CASE("enhanced mode: MSH-15/16 decide whether an ACK is sent, and commit codes are used") {
  auto msg = [](std::string_view accept, std::string_view app) {
    return join({std::string("MSH|^~\\&|S|SF|R|RF|20250301083000||ADT^A01^ADT_A01|E1|P|2.5.1|||") +
                     std::string(accept) + "|" + std::string(app),
                 "EVN|A01|20250301083000", pid_ok, "PV1|1|I"});
  };
  const ack_code error = ack_code::error;
  const ack_code reject = ack_code::reject;
  SECTION("AL: always, CA on success") {
    acked a;
    build(msg("AL", "NE"), a);
    REQUIRE(a.status == ack_status::written);
    CHECK(a.ack.get("MSA-1") == "CA");
  }
  SECTION("NE: never") {
    acked a;
    build(msg("NE", "AL"), a);
    CHECK(a.status == ack_status::not_needed);
  }
  SECTION("ER: only on error") {
    acked ok, bad;
    build(msg("ER", ""), ok);
    CHECK(ok.status == ack_status::not_needed);
    build(msg("ER", ""), bad, {}, &error);
    REQUIRE(bad.status == ack_status::written);
    CHECK(bad.ack.get("MSA-1") == "CE");
  }
  SECTION("SU: only on success") {
    acked ok, bad;
    build(msg("SU", ""), ok);
    CHECK(ok.status == ack_status::written);
    build(msg("SU", ""), bad, {}, &reject);
    CHECK(bad.status == ack_status::not_needed);
  }
  SECTION("the application ACK follows MSH-16") {
    ack_options o;
    o.kind = ack_kind::application;
    acked a, b;
    build(msg("AL", "NE"), a, o);
    CHECK(a.status == ack_status::not_needed);
    build(msg("AL", "AL"), b, o, &reject);
    REQUIRE(b.status == ack_status::written);
    CHECK(b.ack.get("MSA-1") == "AR");
  }
}

TEST_CASE("the received encoding characters are kept and our text escaped for them") {
  // '#' as the component separator, '$' as subcomponent: the ERR text must not break the structure.
  acked a;
  ack_options o;
  o.control_id = "A|B";
  build(join({"MSH|#~\\$|S|SF|R|RF|20250301083000||ADT#A01#ADT_A01|X1|P|2.5.1", "EVN|A01|20250301083000",
              "PID|1||12345###HOSP#MR||||19800101|M", "PV1|1|I"}),
        a, o);
  REQUIRE(a.status == ack_status::written);
  const message& m = a.ack;
  CHECK(m.delims().component == '#');
  CHECK(m.get("MSH-2") == "#~\\$");
  CHECK(m.get("MSH-9") == "ACK#A01#ACK");
  CHECK(m.get("MSH-10") == "A\\F\\B");
  CHECK(m.get("ERR-2") == "PID#1#5");
  CHECK(m.get("ERR-3-1") == "101");
}
