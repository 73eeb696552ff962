// The tokenizer: terminators, errors with positions, limits, and hostile input.
#include "hl7v2/parser.hpp"

#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_file(const std::string& name) {
  std::ifstream in(std::string(HL7V2_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> ids(const hl7v2::message& m) {
  std::vector<std::string> out;
  for (hl7v2::segment s : m.segments()) out.emplace_back(s.id());
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("parses the samples into their segments", "[parser]") {
  hl7v2::parser p;
  const std::string adt = read_file("blog_adt_a01.hl7");
  auto m = p.parse(adt);
  REQUIRE(m);
  CHECK(ids(*m) == strings{"MSH", "EVN", "PID", "NK1", "PV1"});
  CHECK(m->get("MSH-10") == "MSGID10001");
  CHECK(m->get("PID-5-1") == "DOE");
  CHECK(m->get("PID-5-2") == "JOHN");

  const std::string oru = read_file("oru_r01_lab.hl7");
  m = p.parse(oru);  // reuse
  REQUIRE(m);
  CHECK(ids(*m) == strings{"MSH", "PID", "PV1", "ORC", "OBR", "OBX", "OBX", "NTE", "OBX"});
  CHECK(m->get("PID-3(2)-1") == "999-88-7777");
  CHECK(m->get("OBX(3)-5") == "Anisocytosis 1\\S\\2+; see \\E\\note\\E\\");
}

TEST_CASE("segment terminators", "[parser]") {
  hl7v2::parser p;
  SECTION("CR, CRLF and LF give the same segments") {
    for (const char* text :
         {"MSH|^~\\&|A\rPID|1|X\rOBX|1\r", "MSH|^~\\&|A\r\nPID|1|X\r\nOBX|1\r\n",
          "MSH|^~\\&|A\nPID|1|X\nOBX|1\n", "MSH|^~\\&|A\rPID|1|X\r\nOBX|1",
          "MSH|^~\\&|A\n\nPID|1|X\n\n\nOBX|1\n\n", "\r\n\r\nMSH|^~\\&|A\r\n\r\nPID|1|X\r\rOBX|1"}) {
      INFO(text);
      auto m = p.parse(text);
      REQUIRE(m);
      CHECK(ids(*m) == strings{"MSH", "PID", "OBX"});
      CHECK(m->get("PID-2") == "X");
      CHECK((*m)[2].raw() == "PID|1|X");
      CHECK((*m)[3].raw() == "OBX|1");
    }
  }
  SECTION("a bare LF in a message with CRs is field content") {
    auto m = p.parse("MSH|^~\\&|A\rNTE|1|line one\nline two|end\r");
    REQUIRE(m);
    REQUIRE(m->size() == 2);
    CHECK(m->get("NTE-2") == "line one\nline two");
    CHECK(m->get("NTE-3") == "end");
  }
  SECTION("segment offsets point into the text") {
    const std::string text = "\r\nMSH|^~\\&\r\nPID|1\r\n";
    auto m = p.parse(text);
    REQUIRE(m);
    CHECK((*m)[1].offset() == 2);
    CHECK((*m)[2].offset() == 12);
    CHECK(text.substr((*m)[2].offset(), 5) == "PID|1");
  }
  SECTION("a segment of only its id, and a trailing separator") {
    auto m = p.parse("MSH|^~\\&\rZZZ\rPID|\r");
    REQUIRE(m);
    CHECK(ids(*m) == strings{"MSH", "ZZZ", "PID"});
    CHECK((*m)[2].size() == 0);
    CHECK((*m)[3].size() == 1);
    CHECK((*m)[3][1].empty());
  }
}

TEST_CASE("other delimiters are read from MSH-1 and MSH-2", "[parser]") {
  hl7v2::parser p;
  auto m = p.parse("MSH*!%`@*APP\rPID*1*A!B%C!D@E*\\F\\|x^y");
  REQUIRE(m);
  CHECK(m->delims().field == '*');
  CHECK(m->delims().escape == '`');
  CHECK(m->get("PID-2") == "A!B%C!D@E");
  CHECK(m->get("PID-2(2)-1") == "C");
  CHECK(m->get("PID-2(2)-2") == "D@E");
  CHECK(m->get("PID-2(2)-2-2") == "E");
  CHECK(m->get("PID-3") == "\\F\\|x^y");  // plain text under these delimiters
  CHECK((*m)[2][3].size() == 1);
}

TEST_CASE("errors carry code, offset and segment", "[parser]") {
  hl7v2::parser p;
  const auto err = [&](std::string_view text, hl7v2::parse_options o = {}) {
    auto m = p.parse(text, o);
    REQUIRE_FALSE(m);
    return m.error();
  };
  CHECK(err("").code == hl7v2::errc::empty_message);
  CHECK(err("\r\n\r\n\n").code == hl7v2::errc::empty_message);
  CHECK(err("PID|1|2\r") == hl7v2::error{hl7v2::errc::not_a_message_header, 0, 1, 0});
  CHECK(err("\r\nEVN|1\r") == hl7v2::error{hl7v2::errc::not_a_message_header, 2, 1, 0});
  CHECK(err("MS").code == hl7v2::errc::not_a_message_header);
  CHECK(err("MSH").code == hl7v2::errc::bare_header);
  CHECK(err("MSH|").code == hl7v2::errc::encoding_too_short);
  CHECK(err("MSH|^|A\r") == hl7v2::error{hl7v2::errc::encoding_too_short, 4, 1, 2});
  CHECK(err("\rMSH|^|A\r") == hl7v2::error{hl7v2::errc::encoding_too_short, 5, 1, 2});
  CHECK(err("MSH|^^\\&|A\r").code == hl7v2::errc::duplicate_delimiter);
  CHECK(err("MSH|^|\\&|A\r").code == hl7v2::errc::encoding_too_short);
  CHECK(err("MSHA^~\\&").code == hl7v2::errc::bad_field_separator);
  CHECK(err("MSH|^~\\&|A\rpid|1\r") == hl7v2::error{hl7v2::errc::bad_segment_id, 11, 2, 0});
  CHECK(err("MSH|^~\\&|A\rPV1|1\rPIDX|1\r") == hl7v2::error{hl7v2::errc::bad_segment_id, 17, 3, 0});
  CHECK(err("MSH|^~\\&|A\rPI\r") == hl7v2::error{hl7v2::errc::bad_segment_id, 11, 2, 0});
  CHECK(err("MSH|^~\\&|A\rP|D|1") == hl7v2::error{hl7v2::errc::bad_segment_id, 11, 2, 0});
  CHECK(err("MSH|^~\\&|A\r PID|1") == hl7v2::error{hl7v2::errc::bad_segment_id, 11, 2, 0});
  CHECK(err("MSH|^~\\&|A\rPID|1\rOBX|1\r", {.max_segments = 2, .max_fields = 10}) ==
        hl7v2::error{hl7v2::errc::too_many_segments, 17, 3, 0});
  CHECK(err("MSH|^~\\&|A\rPID|1|2|3|4\r", {.max_segments = 10, .max_fields = 3}) ==
        hl7v2::error{hl7v2::errc::too_many_fields, 11, 2, 0});
  // The same limits let a message at the limit through.
  CHECK(p.parse("MSH|^~\\&|A\rPID|1|2|3\r", {.max_segments = 2, .max_fields = 3}));
}

TEST_CASE("error descriptions hold no message text", "[parser]") {
  hl7v2::parser p;
  const std::string secret = "MSH|^~\\&|A\rSMITHJOHN|999-88-7777\r";
  auto m = p.parse(secret);
  REQUIRE_FALSE(m);
  CHECK(m.error().code == hl7v2::errc::bad_segment_id);
  CHECK(m.error().what().find("SMITH") == std::string_view::npos);
  CHECK(m.error().what().find("999") == std::string_view::npos);
}

TEST_CASE("batch headers parse like MSH", "[parser]") {
  hl7v2::parser p;
  auto m = p.parse("FHS|^~\\&|SENDER\r");
  REQUIRE(m);
  CHECK((*m)[1].is_header());
  CHECK((*m)[1][1].raw() == "|");
  CHECK((*m)[1][3].raw() == "SENDER");
  CHECK(m->header().empty());  // header() is MSH only
}

TEST_CASE("a reused parser gives the same trees as a fresh one", "[parser]") {
  hl7v2::parser reused;
  const std::string big = "MSH|^~\\&|A\r" + std::string(20000, 'x') + "\r";  // error, grows nothing much
  const std::string small = "MSH|^~\\&|A|B\rPID|1|2\r";
  std::string many = "MSH|^~\\&|A\r";
  for (int i = 0; i < 3000; ++i) many += "OBX|" + std::to_string(i) + "|a^b~c\r";
  for (int round = 0; round < 3; ++round) {
    CHECK_FALSE(reused.parse(big));
    auto a = reused.parse(many);
    REQUIRE(a);
    CHECK(a->size() == 3001);
    CHECK(a->get("OBX(3000)-1") == "2999");
    auto b = reused.parse(small);
    REQUIRE(b);
    CHECK(b->size() == 2);
    CHECK(b->get("PID-2") == "2");
  }
}

// ---------------------------------------------------------------------------------------------------
// Hostile input: each gives a result or a clear error in bounded time and memory.

TEST_CASE("hostile: a million empty fields", "[parser][hostile]") {
  hl7v2::parser p;
  const std::string text = "MSH|^~\\&|A\rPID" + std::string(1000000, '|') + "\r";
  auto m = p.parse(text);
  REQUIRE_FALSE(m);
  CHECK(m.error().code == hl7v2::errc::too_many_fields);
  CHECK(m.error().segment == 2);
  auto big = p.parse(text, {.max_segments = 10, .max_fields = 2000000});
  REQUIRE(big);
  CHECK((*big)[2].size() == 1000000);
  CHECK((*big)[2][1000000].empty());
  CHECK((*big)[2][1000001].empty());
}

TEST_CASE("hostile: a 50 MB field", "[parser][hostile]") {
  hl7v2::parser p;
  std::string text = "MSH|^~\\&|A\rOBX|1|ED|";
  text.append(50u << 20, 'A');
  text += "|end\r";
  auto m = p.parse(text);
  REQUIRE(m);
  CHECK(m->get("OBX-3").size() == (50u << 20));
  CHECK(m->get("OBX-4") == "end");
  CHECK((*m)[2][3].size() == 1);
  CHECK((*m)[2][3][1].size() == 1);
}

TEST_CASE("hostile: a million repetitions", "[parser][hostile]") {
  hl7v2::parser p;
  std::string text = "MSH|^~\\&|A\rPID|1|";
  for (int i = 0; i < 1000000; ++i) text += "x~";
  text += "last\r";
  auto m = p.parse(text);
  REQUIRE(m);
  const hl7v2::field f = (*m)[2][2];
  CHECK(f.size() == 1000001);
  std::size_t n = 0;
  for (hl7v2::repetition r : f) n += r.raw().size();  // linear walk
  CHECK(n == 1000000 + 4);
  CHECK(f[1000001].raw() == "last");
}

TEST_CASE("hostile: NUL bytes, invalid UTF-8, unterminated escapes are content", "[parser][hostile]") {
  hl7v2::parser p;
  std::string text = "MSH|^~\\&|A\rNTE|1|";
  text += std::string("a\0b\xff\xfe\xc3(", 7);
  text += "|\\E\\\\X4\r";
  auto m = p.parse(text);
  REQUIRE(m);
  CHECK(m->get("NTE-2") == std::string_view("a\0b\xff\xfe\xc3(", 7));
  CHECK(m->get("NTE-3") == "\\E\\\\X4");
}

TEST_CASE("hostile: header edge cases", "[parser][hostile]") {
  hl7v2::parser p;
  CHECK(p.parse("MSH").error().code == hl7v2::errc::bare_header);
  CHECK(p.parse("MSH\r").error().code == hl7v2::errc::bad_field_separator);
  CHECK(p.parse("MSH|^\r").error().code == hl7v2::errc::encoding_too_short);
  CHECK(p.parse("MSH||").error().code == hl7v2::errc::encoding_too_short);
  CHECK(p.parse("MSH|^~\\&#!|").error().code == hl7v2::errc::encoding_too_long);
  CHECK(p.parse("MSH|^~\\^|").error().code == hl7v2::errc::duplicate_delimiter);
  CHECK(p.parse("MSH|||||").error().code == hl7v2::errc::encoding_too_short);
  CHECK(p.parse(std::string_view("MSH\0^~\\&", 8)).error().code == hl7v2::errc::bad_field_separator);
  // The smallest valid message.
  auto m = p.parse("MSH|^~");
  REQUIRE(m);
  CHECK(m->size() == 1);
  CHECK((*m)[1].size() == 2);
  CHECK((*m)[1][2].raw() == "^~");
}

TEST_CASE("hostile: only terminators and separators", "[parser][hostile]") {
  hl7v2::parser p;
  std::string text = "MSH|^~\\&" + std::string(1u << 20, '\r');
  auto m = p.parse(text);
  REQUIRE(m);
  CHECK(m->size() == 1);
  text = "MSH|^~\\&\r" + std::string(1u << 20, '\n');  // LFs in a CR message: skipped at segment start
  m = p.parse(text);
  REQUIRE(m);
  CHECK(m->size() == 1);
  std::string many_segments = "MSH|^~\\&\r";
  for (int i = 0; i < 200000; ++i) many_segments += "Z\r";
  CHECK(p.parse(many_segments).error().code == hl7v2::errc::bad_segment_id);
  many_segments = "MSH|^~\\&\r";
  for (int i = 0; i < 200000; ++i) many_segments += "ZZZ\r";
  auto limited = p.parse(many_segments, {.max_segments = 1000, .max_fields = 10});
  REQUIRE_FALSE(limited);
  CHECK(limited.error().code == hl7v2::errc::too_many_segments);
  CHECK(limited.error().segment == 1001);
  auto all = p.parse(many_segments);
  REQUIRE(all);
  CHECK(all->size() == 200001);
}

TEST_CASE("hostile: every single-byte corruption of a sample parses or errors", "[parser][hostile]") {
  hl7v2::parser p;
  const std::string base = read_file("oru_r01_lab.hl7");
  const char bytes[] = {'\0', '\r', '\n', '|', '^', '~', '\\', '&', 'M', '\xff'};
  std::size_t ok = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    for (char b : bytes) {
      std::string text = base;
      text[i] = b;
      auto m = p.parse(text);
      if (!m) {
        CHECK(m.error().offset <= text.size());
        continue;
      }
      ++ok;
      for (hl7v2::segment s : m->segments()) {
        for (hl7v2::field f : s) {
          for (hl7v2::repetition r : f) {
            for (hl7v2::component c : r) {
              for (hl7v2::subcomponent sc : c) {
                // Every view lies inside the text.
                REQUIRE(sc.raw().data() >= text.data());
                REQUIRE(sc.raw().data() + sc.raw().size() <= text.data() + text.size());
              }
            }
          }
        }
      }
    }
  }
  CHECK(ok > base.size());
}

TEST_CASE("the first line break decides the terminator, as in the framer", "[parser]") {
  hl7v2::parser p;
  SECTION("LF first: a bare CR is content, CRLF still ends a segment") {
    auto m = p.parse("MSH|^~\\&|A\nNTE|1|a\rb\r\nPID|1\n");
    REQUIRE(m);
    CHECK(ids(*m) == strings{"MSH", "NTE", "PID"});
    CHECK(m->get("NTE-2") == "a\rb");
  }
  SECTION("a run of breaks holding the terminator ends the segment whole") {
    auto m = p.parse("MSH|^~\\&|A\rNTE|x\n\r\n\n\rPID|1\n\n");
    REQUIRE(m);
    CHECK(ids(*m) == strings{"MSH", "NTE", "PID"});
    CHECK(m->get("NTE-1") == "x");
    CHECK(m->get("PID-1") == "1");
  }
  SECTION("leading breaks do not decide") {
    auto m = p.parse("\r\r\nMSH|^~\\&|A\nPID|1\n");
    REQUIRE(m);
    CHECK(ids(*m) == strings{"MSH", "PID"});
  }
}
