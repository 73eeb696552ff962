#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <simdjson.h>

#include <random>
#include <string>

#include "hl7v2/charset.hpp"
#include "hl7v2/json/sink.hpp"

using hl7v2::charset;
using hl7v2::charset_from_msh18;
using hl7v2::errc;
using hl7v2::invalid_bytes;

namespace {

const std::string fffd = "\xEF\xBF\xBD";

struct converted {
  bool ok;
  std::string text;
  std::size_t written_or_offset;
};

converted conv(std::string_view bytes, charset cs, invalid_bytes policy = invalid_bytes::replace) {
  std::string out = "prefix:";  // appended to, never replaced
  auto r = hl7v2::to_utf8(bytes, cs, policy, out);
  REQUIRE(out.starts_with("prefix:"));
  out.erase(0, 7);
  if (!r) {
    CHECK(r.error().code == errc::invalid_byte);
    CHECK(out.empty());  // strict: nothing written on error
    return {false, out, r.error().offset};
  }
  CHECK(*r == out.size());
  return {true, out, *r};
}

// UTF-8 of a code point below 0x10000, written independently of the library.
std::string utf8(std::uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 + cp / 64);
    s += static_cast<char>(0x80 + cp % 64);
  } else {
    s += static_cast<char>(0xE0 + cp / 4096);
    s += static_cast<char>(0x80 + cp / 64 % 64);
    s += static_cast<char>(0x80 + cp % 64);
  }
  return s;
}

}  // namespace

TEST_CASE("MSH-18 values map to character sets") {
  struct row {
    std::string_view msh18;
    charset cs;
  };
  const auto r = GENERATE(
      row{"ASCII", charset::ascii}, row{"ISO IR6", charset::ascii}, row{"ascii", charset::ascii},
      row{"8859/1", charset::latin1}, row{"ISO-8859-1", charset::latin1}, row{"iso_8859-1", charset::latin1},
      row{"ISO8859/1", charset::latin1}, row{"ISO IR100", charset::latin1}, row{"LATIN1", charset::latin1},
      row{"8859/2", charset::iso8859_2}, row{"8859/3", charset::iso8859_3}, row{"8859/4", charset::iso8859_4},
      row{"8859/5", charset::iso8859_5}, row{"8859/6", charset::iso8859_6}, row{"8859/7", charset::iso8859_7},
      row{"8859/8", charset::iso8859_8}, row{"8859/9", charset::iso8859_9},
      row{"8859/15", charset::iso8859_15}, row{"ISO-8859-15", charset::iso8859_15},
      row{"UNICODE UTF-8", charset::utf8}, row{"UTF-8", charset::utf8}, row{"utf8", charset::utf8},
      row{"UNICODE", charset::utf8}, row{" UNICODE UTF-8 ", charset::utf8},
      row{"8859/1~ISO IR87", charset::latin1},  // first repetition only
      row{"8859/1^x", charset::latin1}, row{"8859/10", charset::unknown}, row{"8859/16", charset::unknown},
      row{"8859", charset::unknown}, row{"ISO IR87", charset::unknown},
      row{"GB 18030-2000", charset::unknown}, row{"UNICODE UTF-16", charset::unknown},
      row{"BIG-5", charset::unknown}, row{"KLINGON", charset::unknown},
      row{"A VERY LONG NAME THAT DOES NOT FIT ANY BUFFER", charset::unknown});
  INFO(r.msh18);
  CHECK(charset_from_msh18(r.msh18) == r.cs);
}

TEST_CASE("empty MSH-18 gives the caller's default") {
  CHECK(charset_from_msh18("") == charset::utf8);
  CHECK(charset_from_msh18("   ") == charset::utf8);
  CHECK(charset_from_msh18("", charset::latin1) == charset::latin1);
  static_assert(charset_from_msh18("8859/15") == charset::iso8859_15);
  CHECK(hl7v2::charset_name(charset::latin1) == "8859/1");
  CHECK(charset_from_msh18(hl7v2::charset_name(charset::iso8859_7)) == charset::iso8859_7);
}

TEST_CASE("Latin-1 becomes UTF-8: every byte") {
  std::string all;
  std::string expect;
  for (int b = 0; b < 256; ++b) {
    all += static_cast<char>(b);
    expect += utf8(static_cast<std::uint32_t>(b));
  }
  const auto c = conv(all, charset::latin1, invalid_bytes::strict);
  REQUIRE(c.ok);
  CHECK(c.text == expect);
  CHECK(conv("M\xFCller", charset::latin1).text == "M\xC3\xBCller");
  CHECK(conv("Jos\xE9 Mar\xED"
             "a",
             charset::latin1)
            .text ==
        "Jos\xC3\xA9 Mar\xC3\xAD"
        "a");
}

TEST_CASE("other ISO 8859 parts") {
  CHECK(conv("\xA4", charset::iso8859_15).text == "\xE2\x82\xAC");                // €
  CHECK(conv("\xA4", charset::latin1).text == "\xC2\xA4");                        // ¤
  CHECK(conv("\xB1\xE6", charset::iso8859_2).text == "\xC4\x85\xC4\x87");         // ąć
  CHECK(conv("\xD0\xEF", charset::iso8859_5).text == utf8(0x430) + utf8(0x44F));  // аџ... а я
  CHECK(conv("\xE1", charset::iso8859_7).text == utf8(0x3B1));                    // α
  CHECK(conv("\xF0", charset::iso8859_9).text == utf8(0x11F));                    // ğ
  CHECK(conv("\x85", charset::iso8859_5).text == "\xC2\x85");  // C1 control, same everywhere

  SECTION("a byte the part leaves unassigned follows the policy") {
    // 0xAE is unassigned in 8859/7.
    CHECK(conv("a\xAE", charset::iso8859_7).text == "a" + fffd);
    CHECK(conv("a\xAE", charset::iso8859_7, invalid_bytes::latin1).text == "a\xC2\xAE");
    const auto strict = conv("ab\xE1\xAE", charset::iso8859_7, invalid_bytes::strict);
    CHECK_FALSE(strict.ok);
    CHECK(strict.written_or_offset == 3);
  }
}

TEST_CASE("ASCII declared: bytes from 0x80 are invalid") {
  CHECK(conv("plain", charset::ascii, invalid_bytes::strict).text == "plain");
  CHECK(conv("caf\xE9", charset::ascii).text == "caf" + fffd);
  CHECK(conv("caf\xC3\xA9", charset::ascii).text == "caf" + fffd + fffd);  // one per byte
  CHECK(conv("caf\xE9", charset::ascii, invalid_bytes::latin1).text == "caf\xC3\xA9");
  CHECK(conv("caf\x85", charset::ascii, invalid_bytes::latin1).text == "caf\xC2\x85");
  const auto s = conv("caf\xE9", charset::ascii, invalid_bytes::strict);
  CHECK_FALSE(s.ok);
  CHECK(s.written_or_offset == 3);
}

TEST_CASE("valid UTF-8 passes through unchanged") {
  const std::string text =
      "Gr\xC3\xBC\xC3\x9F"
      "e \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD\xE6\x96\x87";
  for (charset cs : {charset::utf8, charset::unknown}) {
    const auto c = conv(text, cs, invalid_bytes::strict);
    CHECK(c.ok);
    CHECK(c.text == text);
  }
  CHECK(conv("", charset::utf8).text.empty());
  CHECK(conv(std::string(1000, 'x') + "\xC3\xA9", charset::utf8).text == std::string(1000, 'x') + "\xC3\xA9");
}

TEST_CASE("invalid UTF-8 under each policy, with exact offsets") {
  struct row {
    std::string_view in;
    std::string replaced;   // invalid_bytes::replace
    std::string as_latin1;  // invalid_bytes::latin1
    std::size_t offset;     // invalid_bytes::strict
  };
  const auto r = GENERATE_COPY(
      row{"ab\xFF"
          "cd",
          "ab" + fffd + "cd",
          "ab\xC3\xBF"
          "cd",
          2},
      row{"ab\xE2\x82", "ab" + fffd, "ab\xC3\xA2\xC2\x82", 2},  // truncated at the end: one U+FFFD
      row{"\xE2\x82"
          "A",
          fffd + "A",
          "\xC3\xA2\xC2\x82"
          "A",
          0},                                                                  // truncated before ASCII
      row{"x\xC0\x80", "x" + fffd + fffd, "x\xC3\x80\xC2\x80", 1},             // overlong NUL
      row{"\xED\xA0\x80", fffd + fffd + fffd, "\xC3\xAD\xC2\xA0\xC2\x80", 0},  // surrogate
      row{"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd, "\xC3\xB4\xC2\x90\xC2\x80\xC2\x80",
          0},  // > U+10FFFF
      row{"\xF0\x9F\x98"
          "A",
          fffd + "A",
          "\xC3\xB0\xC2\x9F\xC2\x98"
          "A",
          0},
      row{"ok \xC3\xA9 \x80", "ok \xC3\xA9 " + fffd, "ok \xC3\xA9 \xC2\x80", 6},  // lone continuation
      row{"\xC3\xA9\xC3", "\xC3\xA9" + fffd, "\xC3\xA9\xC3\x83", 2});
  const auto rep = conv(r.in, charset::utf8, invalid_bytes::replace);
  CHECK(rep.text == r.replaced);
  const auto lat = conv(r.in, charset::utf8, invalid_bytes::latin1);
  CHECK(lat.text == r.as_latin1);
  const auto strict = conv(r.in, charset::utf8, invalid_bytes::strict);
  CHECK_FALSE(strict.ok);
  CHECK(strict.written_or_offset == r.offset);
  // unknown behaves as UTF-8.
  CHECK(conv(r.in, charset::unknown).text == r.replaced);
}

TEST_CASE("strict offset deep inside a long value") {
  std::string s(5000, 'a');
  s[4321] = '\xFE';
  const auto c = conv(s, charset::utf8, invalid_bytes::strict);
  CHECK_FALSE(c.ok);
  CHECK(c.written_or_offset == 4321);
}

TEST_CASE("output is always valid UTF-8 (random bytes, every set and lenient policy)") {
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> len(0, 300);
  const charset sets[] = {charset::ascii,      charset::utf8,      charset::latin1,    charset::iso8859_2,
                          charset::iso8859_3,  charset::iso8859_6, charset::iso8859_7, charset::iso8859_8,
                          charset::iso8859_15, charset::unknown};
  for (int i = 0; i < 400; ++i) {
    std::string in;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) in += static_cast<char>(byte(rng) < 160 ? byte(rng) % 128 : byte(rng));
    for (charset cs : sets) {
      for (invalid_bytes p : {invalid_bytes::replace, invalid_bytes::latin1}) {
        std::string out;
        auto r = hl7v2::to_utf8(in, cs, p, out);
        REQUIRE(r);
        CHECK(*r == out.size());
        CHECK(simdjson::validate_utf8(out.data(), out.size()));
      }
      std::string strict_out;
      auto s = hl7v2::to_utf8(in, cs, invalid_bytes::strict, strict_out);
      if (cs == charset::utf8 || cs == charset::unknown) {
        CHECK(static_cast<bool>(s) == simdjson::validate_utf8(in.data(), in.size()));
      }
      if (cs == charset::latin1) CHECK(s);
      if (s) CHECK(simdjson::validate_utf8(strict_out.data(), strict_out.size()));
    }
  }
}

TEST_CASE("conversion into a fixed buffer and in chunks larger than the internal buffer") {
  std::string latin(1000, '\xE9');  // 2000 bytes of UTF-8
  std::string out;
  auto r = hl7v2::to_utf8(latin, charset::latin1, out);
  REQUIRE(r);
  CHECK(*r == 2000);
  std::string expect;
  for (int i = 0; i < 1000; ++i) expect += "\xC3\xA9";
  CHECK(out == expect);

  char buf[8];
  hl7v2::fixed_sink fs(buf);
  (void)hl7v2::to_utf8("\xE9\xE9\xE9\xE9\xE9", charset::latin1, fs);
  CHECK(fs.status() == errc::buffer_overflow);
}

TEST_CASE("to_utf8_view returns the input itself when no conversion is needed") {
  std::string scratch = "stale";
  const std::string_view ascii = "DOE^JOHN";
  auto a = hl7v2::to_utf8_view(ascii, charset::latin1, invalid_bytes::replace, scratch);
  REQUIRE(a);
  CHECK(a->data() == ascii.data());

  const std::string_view utf =
      "Gr\xC3\xBC\xC3\x9F"
      "e";
  auto u = hl7v2::to_utf8_view(utf, charset::utf8, invalid_bytes::strict, scratch);
  REQUIRE(u);
  CHECK(u->data() == utf.data());

  auto l = hl7v2::to_utf8_view(utf, charset::latin1, invalid_bytes::strict, scratch);
  REQUIRE(l);
  CHECK(l->data() == scratch.data());
  CHECK(*l ==
        "Gr\xC3\x83\xC2\xBC\xC3\x83\xC2\x9F"
        "e");  // read as Latin-1, as declared

  auto bad = hl7v2::to_utf8_view("ab\xFF", charset::utf8, invalid_bytes::strict, scratch);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::invalid_byte);
  CHECK(bad.error().offset == 2);
  auto fixed = hl7v2::to_utf8_view("ab\xFF", charset::utf8, invalid_bytes::replace, scratch);
  REQUIRE(fixed);
  CHECK(*fixed == "ab" + fffd);
}

TEST_CASE("is_ascii looks at every byte, in words and in the tail") {
  for (std::size_t n = 1; n <= 40; ++n) {
    for (std::size_t at = 0; at < n; ++at) {
      std::string s(n, 'a');
      CHECK(hl7v2::detail::is_ascii(s));
      s[at] = '\x80';
      CHECK_FALSE(hl7v2::detail::is_ascii(s));
    }
  }
  CHECK(hl7v2::detail::is_ascii(""));
}
