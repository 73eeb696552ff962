// Unit tests for the CLI's own building blocks: SHA-256 (FIPS 180-4 vectors), partition values and the
// lake's batch sizing.
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lake/batches.hpp"
#include "lake/sha256.hpp"
#include "lake/zones.hpp"

using hl7v2::cli::sha256;
using hl7v2::cli::lake::batch_bytes_for;
using hl7v2::cli::lake::max_batch_bytes;
using hl7v2::cli::lake::min_batch_bytes;
using hl7v2::cli::lake::partition_key;
using hl7v2::cli::lake::sanitize_partition_value;

TEST_CASE("sha256 matches the FIPS 180-4 vectors") {
  CHECK(sha256::hex_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256::hex_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256::hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256::hex_of(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 gives the same digest however the input is split") {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += static_cast<char>('A' + i % 26);
  const std::string whole = sha256::hex_of(text);
  for (std::size_t step : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 127u, 999u}) {
    sha256 h;
    for (std::size_t i = 0; i < text.size(); i += step) h.update(std::string_view(text).substr(i, step));
    CHECK(sha256::hex(h.finish()) == whole);
  }
}

TEST_CASE("sha256 on the SHA extensions equals the portable code") {
  if (!sha256::hardware_available()) SKIP("this CPU has no SHA extensions");
  std::string text;
  std::uint32_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 1103515245u + 12345u;
    text += static_cast<char>(x >> 24);
  }
  // Every length around the block and padding boundaries, and long runs of whole blocks.
  for (std::size_t n = 0; n <= text.size(); n += (n < 300 ? 1 : 997)) {
    sha256 hw(true), portable(false);
    hw.update(std::string_view(text).substr(0, n));
    portable.update(std::string_view(text).substr(0, n));
    REQUIRE(sha256::hex(hw.finish()) == sha256::hex(portable.finish()));
  }
  sha256 split(true);
  for (std::size_t i = 0; i < text.size(); i += 129) split.update(std::string_view(text).substr(i, 129));
  CHECK(sha256::hex(split.finish()) == sha256::hex_of(text));
  sha256 forced(false);
  forced.update("abc");
  CHECK(sha256::hex(forced.finish()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("partition values are safe path components") {
  CHECK(sanitize_partition_value("2.5.1") == "2.5.1");
  CHECK(sanitize_partition_value("ADT_A01") == "ADT_A01");
  CHECK(sanitize_partition_value("") == "unknown");
  CHECK(sanitize_partition_value("  ") == "unknown");
  CHECK(sanitize_partition_value(".") == "x.");
  CHECK(sanitize_partition_value("..") == "x..");
  CHECK(sanitize_partition_value("../../x") == "x.._.._x");
  CHECK(sanitize_partition_value("/etc/passwd") == "x_etc_passwd");
  CHECK(sanitize_partition_value("_hidden") == "x_hidden");
  CHECK(sanitize_partition_value("a=b c\\d") == "a_b_c_d");
  CHECK(sanitize_partition_value("\xC3\xA9t\xC3\xA9") == "x__t__");  // one _ per byte
  const std::string longest = sanitize_partition_value(std::string(500, 'A'));
  CHECK(longest.size() == hl7v2::cli::lake::max_partition_value);
  for (const char* v : {"..", ".", "a/b", "\0x", "\r\n", "~user", "$(rm)"}) {
    const std::string s = sanitize_partition_value(v);
    CHECK(s.find('/') == std::string::npos);
    CHECK(s != ".");
    CHECK(s != "..");
    CHECK(s.front() != '.');
  }
  CHECK(partition_key("ADT_A01", "ADT", "A04", "2.5.1") ==
        "structure=ADT_A01/version=2.5.1/message_type=ADT_A04");
  CHECK(partition_key("", "ACK", "", "") == "structure=unknown/version=unknown/message_type=ACK");
  CHECK(partition_key("a/..", "../..", "x", "..") == "structure=a_../version=x../message_type=x.._.._x");
}

TEST_CASE("batches are sized so that every worker gets several, smaller at the end, within 1-8 MiB") {
  // The batch sizes pipeline::ingest_locked would cut an input of `bytes` into.
  const auto cut = [](std::uint64_t bytes, unsigned jobs) {
    std::vector<std::uint64_t> sizes;
    for (std::uint64_t left = bytes; left > 0;) {
      const std::uint64_t b = std::min<std::uint64_t>(batch_bytes_for(bytes, jobs, left), left);
      sizes.push_back(b);
      left -= b;
    }
    return sizes;
  };
  // The bench corpus (20,000 messages, 30.9 MB): 4 batches of 8 MiB were too few for 2 workers.
  const auto corpus = cut(30'894'700, 2);
  CHECK(corpus.size() >= 8);
  CHECK(corpus.front() <= 30'894'700 / 8);  // the second worker starts early
  CHECK(corpus.back() <= min_batch_bytes);  // and the last batches are short: the workers end together
  CHECK(std::is_sorted(corpus.rbegin(), corpus.rend()));
  CHECK(cut(30'894'700, 1).size() >= 4);
  for (const unsigned jobs : {1u, 2u, 3u, 4u, 8u}) {
    for (const std::uint64_t mb : {16u, 31u, 64u, 100u, 1000u}) {
      const std::uint64_t bytes = mb * 1'000'000;
      if (bytes / (jobs * 4u) < min_batch_bytes) continue;  // small inputs: the lower bound rules
      INFO(mb << " MB, " << jobs << " jobs");
      const auto sizes = cut(bytes, jobs);
      CHECK(sizes.size() >= 4u * jobs);
      CHECK(*std::max_element(sizes.begin(), sizes.end()) <= max_batch_bytes);
    }
  }
  // Bounds: part files do not get tiny, and a batch buffer not huge.
  CHECK(batch_bytes_for(100'000, 2) == min_batch_bytes);
  CHECK(batch_bytes_for(0, 0) == min_batch_bytes);
  CHECK(batch_bytes_for(std::uint64_t{1} << 40, 2) == max_batch_bytes);
  CHECK(batch_bytes_for(std::uint64_t{1} << 40, 0) == max_batch_bytes);
  CHECK(batch_bytes_for(std::uint64_t{1} << 40, 2, 3u << 20) == min_batch_bytes);
  CHECK(batch_bytes_for(5'000'000, 64) == min_batch_bytes);
}
