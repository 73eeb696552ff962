// hl7v2::mllp::session: frames, junk, oversize and cut frames, in any chunking (against the reference
// model in fuzz/mllp_reference.hpp), bounded memory, and the header/ACK helpers.
#include "hl7v2/mllp.hpp"

#include <catch2/catch_test_macros.hpp>

#include <random>
#include <string>
#include <vector>

#include "fuzz/mllp_reference.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/validate/ack.hpp"

using hl7v2::mllp::event_kind;
using hl7v2_test::owned_event;
using hl7v2_test::reference_events;
using hl7v2_test::session_events;

namespace {

const std::string adt =
    "MSH|^~\\&|SEND|FAC|RECV|FAC|20250101120000||ADT^A01^ADT_A01|CTRL42|P|2.5.1\rPID|1||MRN1||DOE^JOHN\r";

std::string framed(const std::string& m) { return "\x0b" + m + "\x1c\r"; }

std::vector<owned_event> all_at_once(const std::string& in, hl7v2::mllp::session_options o = {}) {
  return session_events(in, o, {in.size() + 1});
}

}  // namespace

TEST_CASE("mllp: a frame, two frames in one chunk, a frame byte by byte") {
  const std::string two = framed(adt) + framed("MSH|^~\\&|A||||||ACK|X2|P|2.5\r");
  for (const std::vector<std::size_t>& sizes :
       std::vector<std::vector<std::size_t>>{{two.size()}, {1}, {2}, {3, 7}, {50}}) {
    const auto ev = session_events(two, {}, sizes);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].kind == event_kind::message);
    CHECK(ev[0].content == adt);
    CHECK(ev[0].offset == 0);
    CHECK(ev[0].size == adt.size());
    CHECK(ev[0].index == 0);
    CHECK(ev[1].index == 1);
    CHECK(ev[1].offset == adt.size() + 3);
    CHECK(ev[1].content.rfind("MSH|^~\\&|A", 0) == 0);
  }
}

TEST_CASE("mllp: junk between frames is counted, never kept; CR LF between frames are not junk") {
  const std::string in = "\r\n" + framed(adt) + "GARBAGE\r\n" + framed(adt) + "\n\n";
  const auto ev = all_at_once(in);
  REQUIRE(ev.size() == 3);
  CHECK(ev[1].kind == event_kind::junk);
  CHECK(ev[1].size == 7);  // "GARBAGE"; the CR LF after it are spacing
  CHECK(ev[1].content.empty());
  CHECK(ev[1].offset == 2 + adt.size() + 3);
  CHECK(ev[2].kind == event_kind::message);
  CHECK(ev[2].index == 1);  // junk does not count as a frame
}

TEST_CASE("mllp: a missing CR after 0x1C is tolerated; a stray 0x1C outside a frame is junk") {
  const auto ev = all_at_once("\x0b" + adt + "\x1c" + "\x0b" + adt + "\x1c\r\x1c");
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].kind == event_kind::message);
  CHECK(ev[1].kind == event_kind::message);
  CHECK(ev[2].kind == event_kind::junk);
  CHECK(ev[2].size == 1);
}

TEST_CASE("mllp: an oversize frame keeps only its header and goes on with the next frame") {
  hl7v2::mllp::session_options o;
  o.max_message_bytes = 100;
  o.header_bytes = 20;
  const std::string big = adt + std::string(500, 'X') + "\r";
  const std::string in = framed(big) + framed(adt.substr(0, 90));
  for (std::size_t chunk : {1u, 7u, 64u, 4096u}) {
    std::size_t peak = 0;
    const auto ev = session_events(in, o, {chunk}, &peak);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].kind == event_kind::oversize);
    CHECK(ev[0].size == big.size());
    CHECK(ev[0].content == big.substr(0, 20));
    CHECK(ev[1].kind == event_kind::message);
    CHECK(ev[1].size == 90);
    CHECK(peak <= 100);  // never more than one frame's limit held
  }
}

TEST_CASE("mllp: a frame cut by a new 0x0B or by close is unterminated") {
  const auto ev = all_at_once("\x0b" + adt + "\x0b" + adt + "\x1c\r" + "\x0bMSH|partial");
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].kind == event_kind::unterminated);
  CHECK(ev[0].size == adt.size());
  CHECK(ev[1].kind == event_kind::message);
  CHECK(ev[1].offset == adt.size() + 1);
  CHECK(ev[2].kind == event_kind::unterminated);
  CHECK(ev[2].content == "MSH|partial");
  hl7v2::mllp::session s;
  int n = 0;
  s.feed(
      "\x0b"
      "MSH|",
      [&](const auto&) { ++n; });
  CHECK(n == 0);
  CHECK(s.in_frame());
  s.close([&](const auto& e) { n += e.kind == event_kind::unterminated ? 1 : 100; });
  CHECK(n == 1);
  CHECK(!s.in_frame());
  CHECK(s.buffered() == 0);
}

TEST_CASE("mllp: any chunking gives the reference model's events", "[hostile]") {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("\x0b\x1c\r\n |MSH^~\\&AB", 16);
  for (int round = 0; round < 3000; ++round) {
    std::string in;
    const int len = static_cast<int>(rng() % 200);
    for (int i = 0; i < len; ++i) in.push_back(alphabet[rng() % alphabet.size()]);
    if (round % 3 == 0) in += framed(adt);
    hl7v2::mllp::session_options o;
    o.max_message_bytes = 1 + rng() % 80;
    o.header_bytes = rng() % 30;
    const auto want = reference_events(in, o);
    const std::vector<std::size_t> sizes{1 + rng() % 9, 1 + rng() % 40, 1 + rng() % 3};
    std::size_t peak = 0;
    REQUIRE(session_events(in, o, sizes, &peak) == want);
    REQUIRE(all_at_once(in, o) == want);
    REQUIRE(peak <= std::max(o.max_message_bytes, o.header_bytes));
  }
}

TEST_CASE("mllp: header and segment fields read without a parse") {
  CHECK(hl7v2::mllp::header_field(adt, 10) == "CTRL42");
  CHECK(hl7v2::mllp::header_field(adt, 9) == "ADT^A01^ADT_A01");
  CHECK(hl7v2::mllp::header_field(adt, 1) == "|");
  CHECK(hl7v2::mllp::header_field(adt, 2) == "^~\\&");
  CHECK(hl7v2::mllp::header_field(adt, 30).empty());
  CHECK(hl7v2::mllp::header_field("PID|1\rMSH|^~\\&|A", 3).empty());  // the content must start with MSH
  const std::string ack = "MSH#^~\\&#R#F#S#F#2025##ACK#A1#P#2.5\rMSA#CA#CTRL42\r";
  CHECK(hl7v2::mllp::field_of(ack, "MSA", 1) == "CA");
  CHECK(hl7v2::mllp::field_of(ack, "MSA", 2) == "CTRL42");
  CHECK(hl7v2::mllp::field_of(ack, "MSA", 3).empty());
  CHECK(hl7v2::mllp::field_of(ack, "ERR", 1).empty());
}

TEST_CASE("mllp: an ACK built by write_ack, framed, correlates with the message it answers") {
  hl7v2::parser p;
  auto msg = p.parse(adt);
  REQUIRE(msg);
  hl7v2::validate::ack_options o;
  o.timestamp = "20250101120001";
  std::string ack;
  REQUIRE(hl7v2::validate::write_ack(*msg, *hl7v2::defs::find_version("2.5.1", nullptr),
                                     hl7v2::validate::ack_code::accept, {}, o,
                                     ack) == hl7v2::validate::ack_status::written);
  std::string wire;
  hl7v2::mllp::write_frame(ack, wire);
  const auto ev = all_at_once(wire);
  REQUIRE(ev.size() == 1);
  CHECK(hl7v2::mllp::field_of(ev[0].content, "MSA", 2) == hl7v2::mllp::header_field(adt, 10));
  CHECK(hl7v2::mllp::field_of(ev[0].content, "MSA", 1) == "AA");
}

TEST_CASE("mllp: minimal_ack for content that cannot be parsed") {
  std::string out;
  hl7v2::mllp::minimal_ack("MSH|^~\\&|SEND|FAC|RECV|FAC|x||ADT^A01|C7|P|2.3\rP\x01D|broken", "AR", "20250101",
                           "ACK1", out);
  CHECK(out == "MSH|^~\\&|RECV|FAC|SEND|FAC|20250101||ACK|ACK1|P|2.3\rMSA|AR|C7\r");
  out.clear();
  hl7v2::mllp::minimal_ack("no header at all", "AR", "20250101", "ACK2", out);
  CHECK(out == "MSH|^~\\&|||||20250101||ACK|ACK2|P|2.5\rMSA|AR|\r");
  hl7v2::parser p;
  CHECK(p.parse(out));  // what it writes is a message
}
