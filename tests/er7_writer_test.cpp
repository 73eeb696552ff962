// The ER7 writer: a parsed tree written back reproduces its input, terminators normalized to CR.
#include "hl7v2/er7_writer.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hl7v2/parser.hpp"
#include "support/reference_normalize.hpp"

namespace {

std::string read_path(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string to_er7(const hl7v2::message& m) {
  std::string out;
  hl7v2::write_er7(m, out);
  return out;
}

using hl7v2::test::normalized;

// Deliberately minimal: proves write_er7 needs only append and push_back.
struct counting_sink {
  std::string text;
  std::size_t calls = 0;
  void append(const char* p, std::size_t n) {
    text.append(p, n);
    ++calls;
  }
  void push_back(char c) {
    text.push_back(c);
    ++calls;
  }
};

// A random message: random delimiters, ids, fields built from text and every delimiter level, random
// terminator style, blank lines, bare LFs in CR messages.
std::string random_message(std::mt19937& rng) {
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  // Built, not assigned: g++ 12 at -O3 reports a false -Wrestrict overlap for a string assigned a
  // literal after construction (GCC bug 105329).
  const bool other_delimiters = pick(3) == 0;
  const std::string fs = other_delimiters ? "*" : "|";
  std::string enc = other_delimiters ? "!%`@" : "^~\\&";
  if (pick(5) == 0) enc += '#';
  if (pick(5) == 0) enc = enc.substr(0, 2);
  const std::string delims = fs + enc;
  const std::string alphabet = "ABCxyz019 .-\"" + delims;
  const int style = static_cast<int>(pick(3));  // 0 CR, 1 CRLF, 2 LF
  const char* term = style == 0 ? "\r" : style == 1 ? "\r\n" : "\n";
  std::string text = "MSH" + fs + enc;
  const std::size_t segments = 1 + pick(8);
  for (std::size_t s = 0; s < segments; ++s) {
    if (s > 0) {
      text += term;
      if (pick(6) == 0) text += term;  // a blank line
      const char* ids[] = {"PID", "OBX", "ZZ1", "NTE", "MSH", "PV1"};
      text += ids[pick(6)];
    }
    const std::size_t fields = pick(12);
    for (std::size_t f = 0; f < fields; ++f) {
      text += fs;
      const std::size_t len = pick(10);
      for (std::size_t i = 0; i < len; ++i) {
        text += alphabet[pick(alphabet.size())];
        if (style != 2 && s > 0 && pick(40) == 0) text += '\n';  // a bare LF in a CR message is content
      }
    }
  }
  // A CR message keeps its final CR: without any CR, the bare LFs above would end segments.
  if (style != 2 || pick(2) == 0) text += term;
  return text;
}

}  // namespace

TEST_CASE("the samples round-trip", "[er7_writer]") {
  hl7v2::parser p;
  for (const auto& entry : std::filesystem::directory_iterator(HL7V2_TEST_DATA_DIR)) {
    if (entry.path().extension() != ".hl7") continue;
    const std::string file = read_path(entry.path());
    // Split files into messages at "MSH" segment starts (the samples are simple enough for this).
    std::vector<std::string> messages;
    for (std::size_t at = 0; at < file.size();) {
      std::size_t next = at + 1;
      while (next < file.size() &&
             !(file.compare(next, 3, "MSH") == 0 && (file[next - 1] == '\r' || file[next - 1] == '\n')))
        ++next;
      messages.push_back(file.substr(at, next - at));
      at = next;
    }
    INFO(entry.path().filename().string());
    REQUIRE(!messages.empty());
    for (const std::string& text : messages) {
      auto m = p.parse(text);
      REQUIRE(m);
      const std::string out = to_er7(*m);
      CHECK(out == normalized(text));
      auto again = p.parse(out);
      REQUIRE(again);
      CHECK(to_er7(*again) == out);
    }
  }
}

TEST_CASE("the writer normalizes terminators and drops blank lines", "[er7_writer]") {
  hl7v2::parser p;
  auto m = p.parse("\r\nMSH|^~\\&|A\r\n\r\nPID|1|x^y~z&w|\"\"\r\nNTE|a\nb\r\n");
  REQUIRE(m);
  CHECK(to_er7(*m) == "MSH|^~\\&|A\rPID|1|x^y~z&w|\"\"\rNTE|a\nb\r");
  m = p.parse("MSH*!%`@*A\nPID*a!b%c@d*\n");
  REQUIRE(m);
  counting_sink sink;
  hl7v2::write_er7(*m, sink);
  CHECK(sink.text == "MSH*!%`@*A\rPID*a!b%c@d*\r");
  CHECK(sink.calls > 4);
}

TEST_CASE("random messages round-trip", "[er7_writer]") {
  const auto seed = GENERATE(1u, 2u, 3u, 4u, 5u);
  std::mt19937 rng(seed);
  hl7v2::parser p;
  for (int i = 0; i < 2000; ++i) {
    const std::string text = random_message(rng);
    INFO(text);
    auto m = p.parse(text);
    INFO(hl7v2::name(m.error().code) << " at " << m.error().offset);
    REQUIRE(m);
    CHECK(to_er7(*m) == normalized(text));
  }
}
