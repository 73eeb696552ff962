// SHA-256 (FIPS 180-4), incremental: the lake names raw inputs by the hash of their bytes, so the
// same file ingested twice lands on the same name. The whole input is hashed before its first message
// can be staged (every record names its input's hash), so hashing is on the serial path of an ingest:
// on x86-64 CPUs with the SHA extensions it runs on them (~2 GB/s, chosen at run time), elsewhere in
// portable C++ (~60 instructions a byte). Both are tested against the FIPS vectors and each other.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define HL7V2_CLI_SHA_NI 1
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace hl7v2::cli {

class sha256 {
 public:
  using digest = std::array<std::uint8_t, 32>;

  // Does this CPU have the SHA extensions (CPUID.7.0:EBX bit 29) and SSE4.1?
  static bool hardware_available() noexcept {
#ifdef HL7V2_CLI_SHA_NI
    static const bool yes = [] {
      unsigned a = 0, b = 0, c = 0, d = 0;
      if (__get_cpuid(1, &a, &b, &c, &d) == 0 || (c & bit_SSE4_1) == 0) return false;
      if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
      return (b & (1u << 29)) != 0;
    }();
    return yes;
#else
    return false;
#endif
  }

  sha256() noexcept = default;
  // For tests: force the portable code even where the SHA extensions exist.
  explicit sha256(bool use_hardware) noexcept : hw_(use_hardware && hardware_available()) {}

  void update(std::string_view bytes) noexcept {
    const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
    std::size_t n = bytes.size();
    total_ += n;
    if (fill_ != 0) {
      const std::size_t take = n < 64 - fill_ ? n : 64 - fill_;
      std::memcpy(block_ + fill_, p, take);
      fill_ += take;
      p += take;
      n -= take;
      if (fill_ < 64) return;
      compress(block_, 1);
      fill_ = 0;
    }
    if (n >= 64) {
      compress(p, n / 64);
      p += n / 64 * 64;
      n %= 64;
    }
    if (n != 0) std::memcpy(block_, p, n);
    fill_ = n;
  }

  digest finish() noexcept {
    const std::uint64_t bits = total_ * 8;
    block_[fill_++] = 0x80;
    if (fill_ > 56) {
      std::memset(block_ + fill_, 0, 64 - fill_);
      compress(block_, 1);
      fill_ = 0;
    }
    std::memset(block_ + fill_, 0, 56 - fill_);
    for (int i = 0; i < 8; ++i) block_[56 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    compress(block_, 1);
    digest out{};
    for (std::size_t i = 0; i < 8; ++i) {
      for (std::size_t j = 0; j < 4; ++j) out[4 * i + j] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * j));
    }
    return out;
  }

  static std::string hex(const digest& d) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(64, '0');
    for (std::size_t i = 0; i < 32; ++i) {
      s[2 * i] = digits[d[i] >> 4];
      s[2 * i + 1] = digits[d[i] & 15];
    }
    return s;
  }

  static std::string hex_of(std::string_view bytes) {
    sha256 h;
    h.update(bytes);
    return hex(h.finish());
  }

 private:
  static constexpr std::uint32_t rotr(std::uint32_t x, int n) noexcept { return (x >> n) | (x << (32 - n)); }

  static constexpr std::uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

  void compress(const std::uint8_t* p, std::size_t blocks) noexcept {
#ifdef HL7V2_CLI_SHA_NI
    if (hw_) {
      compress_hw(h_, p, blocks);
      return;
    }
#endif
    for (; blocks != 0; --blocks, p += 64) compress_portable(p);
  }

#ifdef HL7V2_CLI_SHA_NI
  // The state is kept as the instructions want it: one register with A,B,E,F and one with C,D,G,H;
  // each sha256rnds2 does two rounds, so four message words take two of them.
  __attribute__((target("sha,sse4.1,ssse3"))) static void compress_hw(std::uint32_t* state,
                                                                      const std::uint8_t* p,
                                                                      std::size_t blocks) noexcept {
    const __m128i big_endian = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
    __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
    const __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    for (; blocks != 0; --blocks, p += 64) {
      const __m128i abef_in = abef, cdgh_in = cdgh;
      __m128i w[4];  // the last 16 message words, four per register, as a ring
      for (int g = 0; g < 16; ++g) {
        __m128i& cur = w[g & 3];
        if (g < 4) {
          cur = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * g)), big_endian);
        } else {
          // W[4g..4g+3] from the four previous groups: sigma0 and the t-16 term (msg1), the t-7 term
          // (the words 9..12 back, by alignr) and sigma1 (msg2), which needs the previous group.
          const __m128i prev = w[(g - 1) & 3];
          const __m128i t7 = _mm_alignr_epi8(prev, w[(g - 2) & 3], 4);
          cur = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(cur, w[(g - 3) & 3]), t7), prev);
        }
        __m128i wk = _mm_add_epi32(cur, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k + 4 * g)));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
        wk = _mm_shuffle_epi32(wk, 0x0E);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
      }
      abef = _mm_add_epi32(abef, abef_in);
      cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    hgfe = _mm_alignr_epi8(dchg, feba, 8);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), dcba);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), hgfe);
  }
#endif

  void compress_portable(const std::uint8_t* p) noexcept {
    std::uint32_t w[64];
    for (std::size_t i = 0; i < 16; ++i) {
      w[i] = (std::uint32_t{p[4 * i]} << 24) | (std::uint32_t{p[4 * i + 1]} << 16) |
             (std::uint32_t{p[4 * i + 2]} << 8) | std::uint32_t{p[4 * i + 3]};
    }
    for (std::size_t i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
    for (std::size_t i = 0; i < 64; ++i) {
      const std::uint32_t t1 =
          h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
    h_[5] += f;
    h_[6] += g;
    h_[7] += h;
  }

  std::uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t block_[64] = {};
  std::size_t fill_ = 0;
  std::uint64_t total_ = 0;
  bool hw_ = hardware_available();
};

}  // namespace hl7v2::cli
