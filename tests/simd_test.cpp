// Differential test: every scanner kernel and every parser built on one give identical results, on
// random bytes, random messages, and the samples.
#include "hl7v2/detail/simd/scan.hpp"

#include <catch2/catch_test_macros.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hl7v2/er7_writer.hpp"
#include "hl7v2/parser.hpp"

namespace {

using hl7v2::scan_kernel;

std::vector<scan_kernel> kernels_here() {
  std::vector<scan_kernel> out;
  for (scan_kernel k : {scan_kernel::scalar, scan_kernel::sse2, scan_kernel::avx2, scan_kernel::neon}) {
    if (hl7v2::detail::simd::kernel_available(k)) out.push_back(k);
  }
  return out;
}

std::vector<std::uint32_t> scan(scan_kernel k, std::string_view s, char a, char b) {
  std::vector<std::uint32_t> out(s.size() + hl7v2::detail::simd::scan_slack, 0xDEADBEEF);
  const std::size_t n = hl7v2::detail::simd::kernel_function(k)(s.data(), s.size(), a, b, out.data());
  REQUIRE(n <= s.size());
  out.resize(n);
  return out;
}

// A flat dump of the whole tree: every part at every level, with its position, so two dumps are equal
// only when the trees are.
std::string dump(const hl7v2::result<hl7v2::message>& m) {
  if (!m) {
    const auto& e = m.error();
    return "error " + std::string(hl7v2::name(e.code)) + " " + std::to_string(e.offset) + " " +
           std::to_string(e.segment) + " " + std::to_string(e.field);
  }
  std::string out;
  for (hl7v2::segment s : m->segments()) {
    out += std::to_string(s.index()) + "@" + std::to_string(s.offset()) + ":" + std::string(s.id()) + "#" +
           std::to_string(s.size()) + "\n";
    for (auto it = s.begin(); it != s.end(); ++it) {
      out += " f" + std::to_string(it.position());
      for (hl7v2::repetition r : *it) {
        out += " r";
        for (hl7v2::component c : r) {
          out += " c";
          // Piecewise: `"[" + std::string` trips g++ 12's false -Wrestrict at -O3 (bug 105329).
          for (hl7v2::subcomponent sc : c) {
            out += '[';
            out += sc.raw();
            out += ']';
          }
        }
      }
      out += "\n";
    }
  }
  return out;
}

std::string read_path(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("the kernels this machine runs", "[simd]") {
  const auto ks = kernels_here();
  CHECK(ks.front() == scan_kernel::scalar);
#if defined(__x86_64__)
  CHECK(hl7v2::detail::simd::kernel_available(scan_kernel::sse2));
  // The default build is baseline x86-64; the parser still picks AVX2 when the CPU has it.
  if (__builtin_cpu_supports("avx2")) CHECK(hl7v2::parser{}.kernel() == scan_kernel::avx2);
#endif
  // Asking for a kernel the machine lacks falls back to the best one rather than failing.
  CHECK(hl7v2::detail::simd::kernel_available(hl7v2::parser{scan_kernel::neon}.kernel()));
  CHECK(hl7v2::detail::simd::kernel_available(hl7v2::parser{scan_kernel::avx2}.kernel()));
}

TEST_CASE("kernels agree with the scalar scan on random bytes", "[simd]") {
  std::mt19937 rng(42);
  const auto ks = kernels_here();
  const std::string alphabet("|\r\n^~A\0\xff", 8);  // with NUL: the length must be given
  for (int round = 0; round < 3000; ++round) {
    const std::size_t len = rng() % 300;
    std::string s(len, ' ');
    const bool dense = rng() % 2 == 0;
    for (char& c : s) c = dense ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256);
    const char a = static_cast<char>(rng() % 256);
    const char b = rng() % 4 == 0 ? a : static_cast<char>(rng() % 256);
    // Every offset within a block exercises the vector loop boundaries and the scalar tail.
    const std::size_t skip = len == 0 ? 0 : rng() % (len < 70 ? len : 70);
    const std::string_view view = std::string_view(s).substr(skip);
    const auto expected = scan(scan_kernel::scalar, view, a, b);
    // The reference itself, checked naively.
    std::vector<std::uint32_t> naive;
    for (std::size_t i = 0; i < view.size(); ++i) {
      if (view[i] == a || view[i] == b) naive.push_back(static_cast<std::uint32_t>(i));
    }
    REQUIRE(expected == naive);
    for (scan_kernel k : ks) {
      INFO("kernel " << static_cast<int>(k) << " len " << view.size());
      REQUIRE(scan(k, view, a, b) == expected);
    }
  }
}

TEST_CASE("separator bitmaps of every kernel match a naive marking", "[simd]") {
  namespace simd = hl7v2::detail::simd;
  std::mt19937 rng(99);
  const std::string alphabet("|\r^~&\\A\0\xff", 9);
  for (int round = 0; round < 3000; ++round) {
    const std::size_t len = rng() % 300;
    std::string s(len, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    // Undeclared separators ('\0') must mark nothing, NUL bytes included.
    const char rep = rng() % 5 == 0 ? '\0' : '~';
    const char comp = rng() % 5 == 0 ? '\0' : '^';
    const char sub = rng() % 5 == 0 ? '\0' : '&';
    const std::size_t words = simd::bitmap_words(len);
    std::vector<std::uint64_t> want(words, 0);
    for (std::size_t i = 0; i < len; ++i) {
      const std::uint64_t bit = std::uint64_t{1} << (i % 64);
      std::uint64_t* w = want.data() + i / 64 * simd::bitmap_stride;
      if (rep != '\0' && s[i] == rep) w[simd::bits_repetition] |= bit;
      if (comp != '\0' && s[i] == comp) w[simd::bits_component] |= bit;
      if (sub != '\0' && s[i] == sub) w[simd::bits_subcomponent] |= bit;
      if (w[simd::bits_repetition] & bit || w[simd::bits_component] & bit ||
          w[simd::bits_subcomponent] & bit) {
        w[simd::bits_any] |= bit;
      }
    }
    for (scan_kernel k : kernels_here()) {
      INFO("kernel " << static_cast<int>(k) << " len " << len);
      std::vector<std::uint64_t> got(words + 1, 0x5A5A5A5A5A5A5A5Aull);
      simd::bitmap_function(k)(s.data(), len, rep, comp, sub, got.data());
      CHECK(got.back() == 0x5A5A5A5A5A5A5A5Aull);  // nothing written past the contract
      got.pop_back();
      REQUIRE(got == want);
    }
  }
}

TEST_CASE("every kernel builds identical trees", "[simd]") {
  std::vector<std::string> inputs;
  for (const auto& entry : std::filesystem::directory_iterator(HL7V2_TEST_DATA_DIR)) {
    if (entry.path().extension() == ".hl7") inputs.push_back(read_path(entry.path()));
  }
  REQUIRE(inputs.size() >= 3);
  std::mt19937 rng(7);
  const std::string alphabet = "|^~\\&\r\n\r\rAB1 \"";
  for (int i = 0; i < 1500; ++i) {
    std::string text = "MSH|^~\\&|";
    const std::size_t len = rng() % 400;
    for (std::size_t j = 0; j < len; ++j) {
      text += alphabet[rng() % alphabet.size()];
      if (rng() % 9 == 0) text += "\rOBX|";
    }
    inputs.push_back(text);
  }
  // Long messages cross the parser's scan chunks.
  std::string long_msg = "MSH|^~\\&|A\r";
  for (int i = 0; i < 5000; ++i)
    long_msg += "OBX|" + std::to_string(i) + "|NM|a^b~c&d||" + std::string(i % 13, 'x') + "\r";
  inputs.push_back(long_msg);
  inputs.push_back("MSH|^~\\&|A\r" + std::string(20000, '|') + "\r");  // error crossing chunks

  const auto ks = kernels_here();
  std::vector<hl7v2::parser> parsers;
  for (scan_kernel k : ks) parsers.emplace_back(k);
  for (const std::string& text : inputs) {
    const std::string expected = dump(parsers[0].parse(text));
    for (std::size_t k = 1; k < parsers.size(); ++k) {
      INFO("kernel " << static_cast<int>(ks[k]));
      REQUIRE(dump(parsers[k].parse(text)) == expected);
    }
  }
}
