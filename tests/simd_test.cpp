// Differential test: every index kernel matches a naive index of random bytes, and every parser built
// on one gives the trees of a byte-at-a-time reference parser, on random messages and the samples.
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
#include "support/reference_parser.hpp"

namespace {

using hl7v2::scan_kernel;

std::vector<scan_kernel> kernels_here() {
  std::vector<scan_kernel> out;
  for (scan_kernel k : {scan_kernel::scalar, scan_kernel::sse2, scan_kernel::avx2, scan_kernel::neon}) {
    if (hl7v2::detail::simd::kernel_available(k)) out.push_back(k);
  }
  return out;
}

namespace simd = hl7v2::detail::simd;

struct index_result {
  std::vector<std::uint32_t> positions;
  std::vector<std::uint32_t> terminators;
  std::vector<std::uint64_t> bits;
  friend bool operator==(const index_result&, const index_result&) = default;
};

// What the index contract (detail/simd/scalar.hpp) asks for, computed naively.
index_result naive_index(std::string_view s, std::uint32_t base, const simd::index_chars& c) {
  index_result r;
  r.bits.assign(simd::bitmap_words(s.size()), 0);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char x = s[i];
    if (x == c.field || x == c.terminator) {
      if (x == c.terminator) r.terminators.push_back(static_cast<std::uint32_t>(r.positions.size()));
      r.positions.push_back(base + static_cast<std::uint32_t>(i));
    }
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    std::uint64_t* w = r.bits.data() + i / 64 * simd::bitmap_stride;
    const bool rep = c.repetition != '\0' && x == c.repetition;
    const bool comp = c.component != '\0' && x == c.component;
    const bool sub = c.subcomponent != '\0' && x == c.subcomponent;
    if (rep) w[simd::bits_repetition] |= bit;
    if (comp) w[simd::bits_component] |= bit;
    if (sub) w[simd::bits_subcomponent] |= bit;
    if (rep || comp || sub) w[simd::bits_any] |= bit;
    const auto u = static_cast<unsigned char>(x);
    if (u < 0x20 || u >= 0x80 || x == '"' || x == '\\' || (c.escape != '\0' && x == c.escape)) {
      w[simd::bits_special] |= bit;
    }
  }
  return r;
}

// A kernel's index of `s`, checking that it writes nothing past what the contract allows.
index_result run_index(scan_kernel k, std::string_view s, std::uint32_t base, const simd::index_chars& c) {
  constexpr std::uint32_t junk = 0xDEADBEEF;
  std::vector<std::uint32_t> positions(s.size() + simd::scan_slack + 1, junk);
  std::vector<std::uint32_t> terminators(s.size() + simd::scan_slack + 1, junk);
  std::vector<std::uint64_t> bits(simd::bitmap_words(s.size()) + 1, junk);
  const simd::index_counts n =
      simd::index_function(k)(s.data(), s.size(), base, c, positions.data(), terminators.data(), bits.data());
  REQUIRE(n.positions <= s.size());
  REQUIRE(n.terminators <= n.positions);
  CHECK(positions.back() == junk);  // nothing past the slack
  CHECK(bits.back() == junk);       // nothing past the bitmap words
  for (std::size_t i = n.terminators; i < terminators.size(); ++i) REQUIRE(terminators[i] == junk);
  index_result r;
  r.positions.assign(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(n.positions));
  r.terminators.assign(terminators.begin(), terminators.begin() + static_cast<std::ptrdiff_t>(n.terminators));
  bits.pop_back();
  r.bits = std::move(bits);
  return r;
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

TEST_CASE("index kernels match a naive index of random bytes", "[simd]") {
  std::mt19937 rng(42);
  const auto ks = kernels_here();
  const std::string dense("|\r\n^~&\\\"A\0\x1f\x7f\x80\xff#", 15);  // with NUL: the length must be given
  for (int round = 0; round < 4000; ++round) {
    const std::size_t len = rng() % 300;
    std::string s(len, ' ');
    const bool is_dense = rng() % 4 != 0;
    for (char& c : s) c = is_dense ? dense[rng() % dense.size()] : static_cast<char>(rng() % 256);
    simd::index_chars c;
    c.field = rng() % 3 == 0 ? '#' : '|';
    c.terminator = rng() % 2 == 0 ? '\r' : '\n';
    // Undeclared characters ('\0') must mark nothing, NUL bytes included.
    c.repetition = rng() % 5 == 0 ? '\0' : '~';
    c.component = rng() % 5 == 0 ? '\0' : '^';
    c.subcomponent = rng() % 5 == 0 ? '\0' : '&';
    c.escape = rng() % 5 == 0 ? '\0' : (rng() % 2 == 0 ? '\\' : '#');
    if (rng() % 8 == 0) c.repetition = static_cast<char>(0x80 + rng() % 0x80);  // a high separator
    const auto base = static_cast<std::uint32_t>(64 * (rng() % 1000));
    const index_result want = naive_index(s, base, c);
    for (scan_kernel k : ks) {
      INFO("kernel " << static_cast<int>(k) << " len " << len);
      REQUIRE(run_index(k, s, base, c) == want);
    }
  }
}

TEST_CASE("NEON's nibble masks narrow to one bit per byte", "[simd]") {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 1000; ++round) {
    const auto bits = static_cast<std::uint16_t>(rng());
    std::uint64_t nibbles = 0;
    for (int j = 0; j < 16; ++j) {
      if (bits >> j & 1) nibbles |= std::uint64_t{0xF} << (4 * j);
    }
    REQUIRE(simd::nibbles_to_bits(nibbles) == bits);
  }
}

TEST_CASE("every kernel builds the trees of the byte-at-a-time reference parser", "[simd]") {
  std::vector<std::string> inputs;
  for (const auto& entry : std::filesystem::directory_iterator(HL7V2_TEST_DATA_DIR)) {
    if (entry.path().extension() == ".hl7") inputs.push_back(read_path(entry.path()));
  }
  REQUIRE(inputs.size() >= 3);
  std::mt19937 rng(7);
  const std::string alphabet = "|^~\\&\r\n\r\rAB1 \"\x80";
  for (int i = 0; i < 3000; ++i) {
    std::string text = rng() % 8 == 0 ? "\r\n" : "";  // leading line breaks are skipped
    text += rng() % 6 == 0 ? "MSH#^~\\&#" : "MSH|^~\\&|";
    if (rng() % 3 == 0) text += "A\n";  // LF mode
    const std::size_t len = rng() % 400;
    for (std::size_t j = 0; j < len; ++j) {
      text += alphabet[rng() % alphabet.size()];
      if (rng() % 9 == 0) text += rng() % 2 ? "\rOBX|" : "\nPID|";
    }
    inputs.push_back(text);
  }
  // Long messages cross the parser's chunks.
  std::string long_msg = "MSH|^~\\&|A\r";
  for (int i = 0; i < 5000; ++i)
    long_msg += "OBX|" + std::to_string(i) + "|NM|a^b~c&d||" + std::string(i % 13, 'x') + "\r";
  inputs.push_back(long_msg);
  inputs.push_back("MSH|^~\\&|A\r" + std::string(20000, '|') + "\r");  // error crossing chunks
  inputs.push_back(std::string(9000, '\r') + "MSH|^~\\&|A\rPID|1\r");  // breaks past the first chunk

  const auto ks = kernels_here();
  std::vector<hl7v2::parser> parsers;
  for (scan_kernel k : ks) parsers.emplace_back(k);
  hl7v2::test::reference_parser reference;
  for (const hl7v2::parse_options options :
       {hl7v2::parse_options{}, hl7v2::parse_options{.max_segments = 3, .max_fields = 6}}) {
    for (const std::string& text : inputs) {
      const std::string expected = dump(reference.parse(text, options));
      for (std::size_t k = 0; k < parsers.size(); ++k) {
        INFO("kernel " << static_cast<int>(ks[k]) << " text " << text.substr(0, 60));
        REQUIRE(dump(parsers[k].parse(text, options)) == expected);
      }
    }
  }
}
