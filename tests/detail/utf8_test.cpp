// The in-house UTF-8 validator must agree with simdjson's on every input.
#include <catch2/catch_test_macros.hpp>

#include <simdjson.h>

#include <cstdint>
#include <string>

#include "hl7v2/detail/utf8.hpp"

namespace {
bool ours(const std::string& s) { return hl7v2::detail::validate_utf8(s.data(), s.size()); }
bool theirs(const std::string& s) { return simdjson::validate_utf8(s.data(), s.size()); }
}  // namespace

TEST_CASE("well-formed and ill-formed sequences from the Unicode table") {
  CHECK(ours(""));
  CHECK(ours("plain ASCII, longer than sixteen bytes to cross the SIMD block"));
  CHECK(ours("caf\xC3\xA9"));
  CHECK(ours("\xE2\x82\xAC"));            // U+20AC
  CHECK(ours("\xF0\x9F\x98\x80"));        // U+1F600
  CHECK(ours("\xF4\x8F\xBF\xBF"));        // U+10FFFF
  CHECK_FALSE(ours("\xC0\xAF"));          // overlong
  CHECK_FALSE(ours("\xE0\x80\xAF"));      // overlong
  CHECK_FALSE(ours("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(ours("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(ours("\xF5\x80\x80\x80"));
  CHECK_FALSE(ours("\x80"));                     // lone continuation
  CHECK_FALSE(ours("abc\xC3"));                  // truncated at the end
  CHECK_FALSE(ours("0123456789abcdef\xE9xyz"));  // Latin-1 byte after a full ASCII block
}

TEST_CASE("agrees with simdjson on random byte strings") {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  // Mostly ASCII with the bytes that start and continue sequences mixed in, as real feeds look.
  const unsigned char interesting[] = {0x80, 0xBF, 0xC2, 0xC3, 0xDF, 0xE0, 0xE2, 0xED,
                                       0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F, 0x8F};
  for (int round = 0; round < 200000; ++round) {
    std::string s(next() % 40, 'a');
    for (auto& c : s) {
      const auto r = next();
      c = (r % 4 == 0) ? static_cast<char>(interesting[(r >> 8) % sizeof interesting])
                       : static_cast<char>('a' + (r >> 16) % 26);
    }
    INFO("round " << round);
    REQUIRE(ours(s) == theirs(s));
  }
}
