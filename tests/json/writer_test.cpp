#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hl7v2/json/sink.hpp"
#include "hl7v2/json/writer.hpp"

using hl7v2::errc;

namespace {

std::string json_string(std::string_view s) {
  std::string out;
  hl7v2::write_json_string(s, out);
  return out;
}

// Parses one JSON string document with simdjson and returns its value (or fails the test).
std::string parse_back_string(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  std::string_view value;
  const auto err = parser.parse(padded).get_string().get(value);
  INFO("json: " << json);
  REQUIRE(err == simdjson::SUCCESS);
  return std::string(value);
}

// Random valid UTF-8 biased towards the bytes that need escaping.
std::string random_utf8(std::mt19937& rng, std::size_t max_chars) {
  std::uniform_int_distribution<std::size_t> len(0, max_chars);
  std::uniform_int_distribution<int> kind(0, 9);
  std::string s;
  const std::size_t n = len(rng);
  for (std::size_t i = 0; i < n; ++i) {
    switch (kind(rng)) {
      case 0:
        s += static_cast<char>(std::uniform_int_distribution<int>(0, 0x1F)(rng));
        break;
      case 1:
        s += '"';
        break;
      case 2:
        s += '\\';
        break;
      case 3:
        s += "\xC3\xA9";
        break;  // é
      case 4:
        s += "\xE2\x82\xAC";
        break;  // €
      case 5:
        s += "\xF0\x9F\x98\x80";
        break;  // U+1F600
      case 6:
        s += '\x7F';
        break;
      default:
        s += static_cast<char>(std::uniform_int_distribution<int>(0x20, 0x7E)(rng));
        break;
    }
  }
  return s;
}

}  // namespace

TEST_CASE("write_json_string escapes quotes, backslashes and control characters") {
  CHECK(json_string("") == R"("")");
  CHECK(json_string("plain text") == R"("plain text")");
  CHECK(json_string("say \"hi\"") == R"("say \"hi\"")");
  CHECK(json_string("C:\\dir") == R"("C:\\dir")");
  CHECK(json_string("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  CHECK(json_string(std::string_view("\0\x01\x1F", 3)) == R"("\u0000\u0001\u001f")");
  CHECK(json_string("\x7F") == "\"\x7F\"");  // DEL is legal raw in JSON
  CHECK(json_string("/") == R"("/")");       // no needless escaping
  CHECK(json_string("caf\xC3\xA9 \xE2\x82\xAC") == "\"caf\xC3\xA9 \xE2\x82\xAC\"");  // UTF-8 passes through
}

TEST_CASE("every single byte below 0x80 survives a simdjson round trip") {
  for (int c = 0; c < 0x80; ++c) {
    const std::string s(1, static_cast<char>(c));
    const std::string json = json_string(s);
    CHECK(parse_back_string(json) == s);
    const bool escaped = json.size() > 3;
    CHECK(escaped == (c < 0x20 || c == '"' || c == '\\'));
  }
}

TEST_CASE("random UTF-8 strings round-trip through simdjson") {
  std::mt19937 rng(20240611);
  for (int i = 0; i < 2000; ++i) {
    const std::string s = random_utf8(rng, 80);
    CHECK(parse_back_string(json_string(s)) == s);
  }
}

TEST_CASE("the three scanners find the same first special byte") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t n = 0; n <= 80; ++n) {
    for (std::size_t at = 0; at <= n; ++at) {
      // Bytes that never need escaping, except (when at < n) one special byte at `at`.
      std::string s(n, 'a');
      for (auto& c : s) {
        int b;
        do b = byte(rng);
        while (b < 0x20 || b == '"' || b == '\\');
        c = static_cast<char>(b);
      }
      if (at < n) s[at] = "\"\\\x00\x1F\n"[at % 5];
      // Noise after the first hit must not matter.
      if (at + 3 < n) s[at + 3] = '"';
      const std::size_t expect = at;
      CHECK(hl7v2::detail::find_json_special_scalar(s.data(), n) == expect);
      CHECK(hl7v2::detail::find_json_special_swar(s.data(), n) == expect);
#ifdef HL7V2_JSON_SSE2
      CHECK(hl7v2::detail::find_json_special_sse2(s.data(), n) == expect);
#endif
      CHECK(hl7v2::detail::find_json_special(s.data(), n) == expect);
    }
  }
  // Bytes 0x80..0xFF and 0x20 must not be mistaken for controls (signed-compare bugs would).
  std::string high;
  for (int c = 0x80; c <= 0xFF; ++c) high += static_cast<char>(c);
  high += ' ';
  CHECK(hl7v2::detail::find_json_special(high.data(), high.size()) == high.size());
  CHECK(hl7v2::detail::find_json_special_swar(high.data(), high.size()) == high.size());
}

TEST_CASE("HL7 numbers become valid JSON numbers with their digits kept") {
  struct row {
    std::string_view in, out;
  };
  const auto r =
      GENERATE(row{"0", "0"}, row{"42", "42"}, row{"+42", "42"}, row{"-42", "-42"}, row{"007", "7"},
               row{"000", "0"}, row{"1.50", "1.50"}, row{".5", "0.5"}, row{"-.5", "-0.5"}, row{"1.", "1"},
               row{"+0.0", "0.0"}, row{"-0", "-0"}, row{"00.25", "0.25"},
               row{"123456789012345678901234567890", "123456789012345678901234567890"});
  std::string out;
  REQUIRE(hl7v2::write_json_number(r.in, out));
  CHECK(out == r.out);
  // simdjson's DOM refuses integers beyond 64 bits (valid JSON all the same): check the others.
  if (out.size() < 19) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(out);
    CHECK(parser.parse(padded).error() == simdjson::SUCCESS);
  }
}

TEST_CASE("text that is not an HL7 number is refused and nothing is written") {
  const auto bad = GENERATE(std::string_view{""}, std::string_view{"+"}, std::string_view{"-"},
                            std::string_view{"."}, std::string_view{"1e5"}, std::string_view{"1.2.3"},
                            std::string_view{" 1"}, std::string_view{"1 "}, std::string_view{"0x10"},
                            std::string_view{"--1"}, std::string_view{"NaN"}, std::string_view{"1,5"});
  std::string out;
  CHECK_FALSE(hl7v2::write_json_number(bad, out));
  CHECK(out.empty());
  CHECK_FALSE(hl7v2::is_hl7_number(bad));
}

TEST_CASE("json_writer places commas and colons") {
  std::string out;
  hl7v2::json_writer w{out};
  w.begin_object();
  w.plain_key("msh");
  w.begin_object();
  w.key("field \"1\"");
  w.string("|");
  w.plain_key("n");
  w.number(std::int64_t{-12});
  w.plain_key("u");
  w.number(std::uint64_t{18446744073709551615u});
  w.plain_key("d");
  CHECK(w.number(std::string_view{"+.25"}));
  w.plain_key("bad");
  CHECK_FALSE(w.number(std::string_view{"x"}));
  w.null();
  w.end_object();
  w.plain_key("list");
  w.begin_array();
  w.boolean(true);
  w.boolean(false);
  w.begin_array();
  w.end_array();
  w.begin_object();
  w.end_object();
  w.raw("[1,2]");
  w.begin_string();
  w.string_part("a\"");
  w.string_part("b\n");
  w.end_string();
  w.end_array();
  w.end_object();
  CHECK(w.depth() == 0);
  CHECK(out == R"({"msh":{"field \"1\"":"|","n":-12,"u":18446744073709551615,"d":0.25,"bad":null},)"
               R"("list":[true,false,[],{},[1,2],"a\"b\n"]})");

  simdjson::dom::parser parser;
  simdjson::padded_string padded(out);
  simdjson::dom::element doc;
  REQUIRE(parser.parse(padded).get(doc) == simdjson::SUCCESS);
  std::string_view sv;
  REQUIRE(doc["msh"]["field \"1\""].get_string().get(sv) == simdjson::SUCCESS);
  CHECK(sv == "|");
  double d = 0;
  REQUIRE(doc["msh"]["d"].get_double().get(d) == simdjson::SUCCESS);
  CHECK(d == 0.25);
}

TEST_CASE("json_writer writes NDJSON lines") {
  std::string out;
  hl7v2::json_writer w{out};
  for (int i = 0; i < 3; ++i) {
    w.begin_object();
    w.plain_key("i");
    w.number(i);
    w.end_object();
    w.newline();
  }
  CHECK(out == "{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n");
}

TEST_CASE("string_sink appends to the caller's string") {
  std::string s = "x";
  hl7v2::string_sink sink{s};
  sink.append("ab", 2);
  sink.append(std::string_view{"cd"});
  sink.push_back('e');
  hl7v2::write_json_string("\"", sink);
  CHECK(s == "xabcde\"\\\"\"");
  CHECK(sink.view() == s);
  CHECK(sink.status() == errc::ok);
}

TEST_CASE("fixed_sink never writes past its capacity and reports the overflow") {
  char storage[16];
  std::memset(storage, '#', sizeof storage);
  hl7v2::fixed_sink sink(storage, 8);  // bytes 8..15 are a guard zone

  sink.append("abcd", 4);
  sink.push_back('e');
  sink.append("fgh", 3);  // exactly full
  CHECK_FALSE(sink.overflowed());
  CHECK(sink.status() == errc::ok);
  CHECK(sink.view() == "abcdefgh");

  sink.push_back('i');
  CHECK(sink.overflowed());
  CHECK(sink.status() == errc::buffer_overflow);
  CHECK(sink.size() == 8);
  CHECK(std::string_view(storage + 8, 8) == "########");

  sink.clear();
  CHECK(sink.status() == errc::ok);
  sink.append("123456", 6);
  sink.append("789", 3);  // does not fit: nothing of it is written
  CHECK(sink.overflowed());
  CHECK(sink.view() == "123456");
  sink.push_back('x');  // would fit, but the output is already broken: ignored
  sink.append("y", 1);
  CHECK(sink.view() == "123456");
  CHECK(std::string_view(storage + 8, 8) == "########");

  SECTION("as the target of the JSON writer") {
    char small[10];
    hl7v2::fixed_sink s2(small);
    hl7v2::write_json_string("0123456789", s2);
    CHECK(s2.status() == errc::buffer_overflow);
    CHECK(s2.size() <= 10);
  }
  SECTION("zero capacity") {
    hl7v2::fixed_sink s3(nullptr, 0);
    s3.append("", 0);
    CHECK(s3.status() == errc::ok);
    s3.push_back('a');
    CHECK(s3.status() == errc::buffer_overflow);
  }
}

TEST_CASE("file_sink writes everything through its buffer, in order") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  std::string expect;
  {
    hl7v2::file_sink sink(f, 64);  // small buffer: exercises drains and direct writes
    std::mt19937 rng(3);
    for (int i = 0; i < 500; ++i) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 200)(rng);
      std::string chunk(n, static_cast<char>('a' + i % 26));
      sink.append(chunk.data(), chunk.size());
      sink.push_back('\n');
      expect += chunk;
      expect += '\n';
    }
    CHECK(sink.size() == expect.size());
    CHECK(sink.flush() == errc::ok);
  }
  std::rewind(f);
  std::string got(expect.size() + 1, '\0');
  const std::size_t n = std::fread(got.data(), 1, got.size(), f);
  got.resize(n);
  std::fclose(f);
  CHECK(got == expect);
}

TEST_CASE("file_sink flushes on destruction") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  {
    hl7v2::file_sink sink(f);
    sink.append(std::string_view{"{\"a\":1}\n"});
  }
  std::rewind(f);
  char buf[32] = {};
  CHECK(std::fread(buf, 1, sizeof buf, f) == 8);
  std::fclose(f);
  CHECK(std::string_view(buf) == "{\"a\":1}\n");
}

TEST_CASE("file_sink reports write failures") {
  std::FILE* f = std::fopen("/dev/full", "w");
  if (f == nullptr) SKIP("no /dev/full on this system");
  hl7v2::file_sink sink(f, 16);
  for (int i = 0; i < 100; ++i) sink.append(std::string_view{"0123456789"});
  CHECK(sink.flush() == errc::io_error);
  CHECK(sink.status() == errc::io_error);
  std::fclose(f);
}

TEST_CASE("ostream_sink writes to a stream and reports a failed stream") {
  std::ostringstream os;
  {
    hl7v2::ostream_sink sink(os, 16);
    hl7v2::json_writer w{sink};
    w.begin_array();
    for (int i = 0; i < 20; ++i) w.string("x");
    w.end_array();
    CHECK(sink.flush() == errc::ok);
  }
  CHECK(os.str() ==
        "[\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\","
        "\"x\","
        "\"x\",\"x\",\"x\"]");

  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  hl7v2::ostream_sink sink(broken, 16);
  sink.append(std::string_view{"0123456789abcdefghij"});
  CHECK(sink.flush() == errc::io_error);
}
