#include <catch2/catch_test_macros.hpp>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

#include "hl7v2/json/emit_buffer.hpp"

using hl7v2::json::detail::emit_buffer;

namespace {

std::string_view text(const emit_buffer& b) { return {b.data(), b.size()}; }

}  // namespace

TEST_CASE("emit_buffer: appends of every length, across growth, equal std::string's", "[json][emit_buffer]") {
  // Lengths around the 32-byte inline copy and past the first 4096-byte block, so short and long
  // copies, and a growth in the middle of a token, are all compared with a reference.
  std::mt19937 rng(7);
  std::string source(20000, '\0');
  for (char& c : source) c = static_cast<char>('a' + rng() % 26);
  emit_buffer b;
  std::string want;
  std::size_t at = 0;
  for (std::size_t n : {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100, 4000, 5000, 9000}) {
    b.append(source.data() + at, n);
    want.append(source, at, n);
    b.push_back('|');
    want.push_back('|');
    at = (at + 13) % 1000;
  }
  CHECK(text(b) == want);
  CHECK(b.size() > 4096);  // it grew, and kept what it held
}

TEST_CASE("emit_buffer: reserve and commit write a token of several pieces", "[json][emit_buffer]") {
  emit_buffer b;
  b.append("ab", 2);
  char* p = b.reserve(5000);  // more than a first block: grows before handing out the room
  p[0] = 'x';
  p[4999] = 'y';
  b.commit(p + 5000);
  REQUIRE(b.size() == 5002);
  CHECK(text(b).substr(0, 3) == "abx");
  CHECK(text(b).back() == 'y');
  char* q = b.reserve(3);
  q[0] = 'z';
  b.commit(q + 1);  // less than reserved: only what was written counts
  CHECK(b.size() == 5003);
  CHECK(text(b).back() == 'z');
}

TEST_CASE("emit_buffer: clear keeps the capacity, so a warm buffer does not allocate",
          "[json][emit_buffer]") {
  emit_buffer b;
  b.reserve(10000);
  const char* before = b.data();
  b.clear();
  CHECK(b.size() == 0);
  b.append(std::string(9000, 'q').data(), 9000);
  CHECK(b.data() == before);  // same block: no new allocation for what fits
  CHECK(text(b) == std::string(9000, 'q'));
}
