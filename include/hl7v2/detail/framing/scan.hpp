// Byte scans the framer runs over every input byte: find the next line break or MLLP byte, and count
// line ends. On x86-64: SSE2 (always there) and AVX2 (chosen at run time, so a baseline build still
// gets it); a scalar version gives identical answers everywhere else, and the tests hold the vector
// versions to it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>

#include "hl7v2/detail/simd/avx2_ops.hpp"
#define HL7V2_FRAMING_SSE2 1
#if defined(HL7V2_AVX2_OPS) && defined(__x86_64__)
#define HL7V2_FRAMING_AVX2 1
#endif
#endif

namespace hl7v2::detail::framing {

namespace scalar {

// First byte in [p, end) equal to one of a, b, c, d; `end` when there is none.
constexpr const char* find_any(const char* p, const char* end, char a, char b, char c, char d) noexcept {
  for (; p != end; ++p) {
    const char x = *p;
    if (x == a || x == b || x == c || x == d) return p;
  }
  return end;
}

// Line ends in [p, end): each CR, each LF, and a CRLF pair once. `prev_cr` says whether the byte before
// `p` was a CR (so an LF at `p` completes a pair already counted) and is updated for the next call.
constexpr std::size_t count_line_ends(const char* p, const char* end, bool& prev_cr) noexcept {
  std::size_t n = 0;
  for (; p != end; ++p) {
    const char x = *p;
    if (x == '\r') {
      ++n;
      prev_cr = true;
    } else {
      if (x == '\n' && !prev_cr) ++n;
      prev_cr = false;
    }
  }
  return n;
}

}  // namespace scalar

// Set bits of a mask. std::popcount becomes a library call on baseline x86-64 (no POPCNT); this stays
// inline.
constexpr int bit_count(std::uint32_t m) noexcept {
#if defined(__POPCNT__)
  return std::popcount(m);
#else
  m = m - ((m >> 1) & 0x55555555u);
  m = (m & 0x33333333u) + ((m >> 2) & 0x33333333u);
  m = (m + (m >> 4)) & 0x0F0F0F0Fu;
  return static_cast<int>((m * 0x01010101u) >> 24);
#endif
}

#if defined(HL7V2_FRAMING_SSE2)
namespace sse2 {

inline const char* find_any(const char* p, const char* end, char a, char b, char c, char d) noexcept {
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  const __m128i vc = _mm_set1_epi8(c);
  const __m128i vd = _mm_set1_epi8(d);
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, vc), _mm_cmpeq_epi8(x, vd)));
    const auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(hit));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
  return scalar::find_any(p, end, a, b, c, d);
}

inline std::size_t count_line_ends(const char* p, const char* end, bool& prev_cr) noexcept {
  // Per block: every CR counts, and every LF whose preceding byte (in the block, or carried in from the
  // previous block) is not a CR.
  std::size_t n = 0;
  std::uint32_t carry = prev_cr ? 1 : 0;
  const __m128i cr16 = _mm_set1_epi8('\r');
  const __m128i lf16 = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto cr = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, cr16)));
    const auto lf = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, lf16)));
    n += static_cast<std::size_t>(bit_count(cr | lf) - bit_count(lf & ((cr << 1) | carry)));
    carry = cr >> 15;
    p += 16;
  }
  prev_cr = carry != 0;
  return n + scalar::count_line_ends(p, end, prev_cr);
}

}  // namespace sse2
#endif

#if defined(HL7V2_FRAMING_AVX2)
namespace avx2 {

namespace o = simd::avx2_ops;

// Compiled for AVX2 whatever the build targets: call only where available() says so.
__attribute__((target("avx2"))) inline const char* find_any(const char* p, const char* end, char a, char b,
                                                            char c, char d) noexcept {
  const o::v256 va = o::set1(a);
  const o::v256 vb = o::set1(b);
  const o::v256 vc = o::set1(c);
  const o::v256 vd = o::set1(d);
  while (end - p >= 32) {
    const o::v256 x = o::load(p);
    const o::v256 hit =
        o::or_(o::or_(o::cmpeq(x, va), o::cmpeq(x, vb)), o::or_(o::cmpeq(x, vc), o::cmpeq(x, vd)));
    const std::uint32_t mask = o::movemask(hit);
    if (mask != 0) return p + std::countr_zero(mask);
    p += 32;
  }
  return sse2::find_any(p, end, a, b, c, d);
}

inline bool available() noexcept {
#if defined(__AVX2__)
  return true;
#else
  static const bool yes = [] {
    __builtin_cpu_init();  // may run before static constructors did
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return yes;
#endif
}

}  // namespace avx2
#endif

// The best of the above for this CPU.
inline const char* find_any(const char* p, const char* end, char a, char b, char c, char d) noexcept {
#if defined(HL7V2_FRAMING_AVX2)
  if (end - p >= 32 && avx2::available()) return avx2::find_any(p, end, a, b, c, d);
#endif
#if defined(HL7V2_FRAMING_SSE2)
  return sse2::find_any(p, end, a, b, c, d);
#else
  return scalar::find_any(p, end, a, b, c, d);
#endif
}

// Only for the rare spans the states skip (oversized pieces, unterminated MLLP frames): SSE2 is plenty.
inline std::size_t count_line_ends(const char* p, const char* end, bool& prev_cr) noexcept {
#if defined(HL7V2_FRAMING_SSE2)
  return sse2::count_line_ends(p, end, prev_cr);
#else
  return scalar::count_line_ends(p, end, prev_cr);
#endif
}

}  // namespace hl7v2::detail::framing
