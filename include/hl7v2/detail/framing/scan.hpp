// Byte scans the framer runs over every input byte: find the next line break or MLLP byte, and count
// line ends. SSE2 (always present on x86-64) or AVX2 when the build enables it; a scalar version that
// gives identical answers everywhere else, and that the tests compare the vector versions against.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
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

inline const char* find_any(const char* p, const char* end, char a, char b, char c, char d) noexcept {
#if defined(__AVX2__)
  const __m256i va = _mm256_set1_epi8(a);
  const __m256i vb = _mm256_set1_epi8(b);
  const __m256i vc = _mm256_set1_epi8(c);
  const __m256i vd = _mm256_set1_epi8(d);
  while (end - p >= 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i hit = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, va), _mm256_cmpeq_epi8(x, vb)),
                                        _mm256_or_si256(_mm256_cmpeq_epi8(x, vc), _mm256_cmpeq_epi8(x, vd)));
    const auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(hit));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 32;
  }
#endif
#if defined(__SSE2__)
  const __m128i wa = _mm_set1_epi8(a);
  const __m128i wb = _mm_set1_epi8(b);
  const __m128i wc = _mm_set1_epi8(c);
  const __m128i wd = _mm_set1_epi8(d);
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, wa), _mm_cmpeq_epi8(x, wb)),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, wc), _mm_cmpeq_epi8(x, wd)));
    const auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(hit));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#endif
  return scalar::find_any(p, end, a, b, c, d);
}

inline std::size_t count_line_ends(const char* p, const char* end, bool& prev_cr) noexcept {
  std::size_t n = 0;
#if defined(__AVX2__) || defined(__SSE2__)
  // Per block: every CR counts, and every LF whose preceding byte (in the block, or carried in from the
  // previous block) is not a CR.
  std::uint64_t carry = prev_cr ? 1 : 0;
#if defined(__AVX2__)
  const __m256i cr32 = _mm256_set1_epi8('\r');
  const __m256i lf32 = _mm256_set1_epi8('\n');
  while (end - p >= 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const std::uint64_t cr = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, cr32)));
    const std::uint64_t lf = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, lf32)));
    n += static_cast<std::size_t>(std::popcount(cr) + std::popcount(lf & ~((cr << 1) | carry)));
    carry = cr >> 31;
    p += 32;
  }
#endif
  const __m128i cr16 = _mm_set1_epi8('\r');
  const __m128i lf16 = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const std::uint64_t cr = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, cr16)));
    const std::uint64_t lf = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, lf16)));
    n += static_cast<std::size_t>(std::popcount(cr) + std::popcount(lf & ~((cr << 1) | carry)));
    carry = cr >> 15;
    p += 16;
  }
  prev_cr = carry != 0;
#endif
  return n + scalar::count_line_ends(p, end, prev_cr);
}

}  // namespace hl7v2::detail::framing
