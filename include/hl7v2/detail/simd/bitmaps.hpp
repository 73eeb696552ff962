// Separator bitmaps: the parser records, for every 64 bytes of a message, which bytes are repetition,
// component and subcomponent separators, so the views find the next separator of a part with a shift
// and a bit scan instead of reading its bytes (the full walk reads every part at every level).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

namespace hl7v2::detail::simd {

// Words per 64-byte block, in this order: repetition, component, subcomponent separators, and the
// three together ("any"). Bit j of a word stands for byte 64 * block + j.
inline constexpr std::size_t bitmap_stride = 4;
enum bitmap_kind : std::size_t {
  bits_repetition = 0,
  bits_component = 1,
  bits_subcomponent = 2,
  bits_any = 3
};

// Words a text of `size` bytes needs.
constexpr std::size_t bitmap_words(std::size_t size) noexcept { return (size + 63) / 64 * bitmap_stride; }

// The bitmap contract, shared by every builder: writes bitmap_words(size) words to `out`. A separator
// given as '\0' (not declared) marks nothing, whatever NUL bytes the text holds.
using bitmap_fn = void (*)(const char* data, std::size_t size, char rep, char comp, char sub,
                           std::uint64_t* out) noexcept;

inline void bitmaps_scalar(const char* data, std::size_t size, char rep, char comp, char sub,
                           std::uint64_t* out) noexcept {
  for (std::size_t block = 0; block * 64 < size; ++block) {
    const std::size_t end = size - block * 64 < 64 ? size - block * 64 : 64;
    const char* p = data + block * 64;
    std::uint64_t r = 0;
    std::uint64_t c = 0;
    std::uint64_t s = 0;
    for (std::size_t j = 0; j < end; ++j) {
      r |= std::uint64_t{rep != '\0' && p[j] == rep} << j;
      c |= std::uint64_t{comp != '\0' && p[j] == comp} << j;
      s |= std::uint64_t{sub != '\0' && p[j] == sub} << j;
    }
    std::uint64_t* o = out + block * bitmap_stride;
    o[bits_repetition] = r;
    o[bits_component] = c;
    o[bits_subcomponent] = s;
    o[bits_any] = r | c | s;
  }
}

#if defined(__SSE2__)
#define HL7V2_HAS_SSE2_BITMAPS 1
inline void bitmaps_sse2(const char* data, std::size_t size, char rep, char comp, char sub,
                         std::uint64_t* out) noexcept {
  // An undeclared separator compares against a byte and is then masked off, so NULs never match.
  const __m128i vr = _mm_set1_epi8(rep);
  const __m128i vc = _mm_set1_epi8(comp);
  const __m128i vs = _mm_set1_epi8(sub);
  const std::uint64_t mr = rep != '\0' ? ~std::uint64_t{0} : 0;
  const std::uint64_t mc = comp != '\0' ? ~std::uint64_t{0} : 0;
  const std::uint64_t ms = sub != '\0' ? ~std::uint64_t{0} : 0;
  const auto block = [&](const char* p, std::uint64_t* o) {
    std::uint64_t r = 0;
    std::uint64_t c = 0;
    std::uint64_t s = 0;
    for (int part = 0; part < 4; ++part) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
      r |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vr)))} << (16 * part);
      c |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vc)))} << (16 * part);
      s |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vs)))} << (16 * part);
    }
    r &= mr;
    c &= mc;
    s &= ms;
    o[bits_repetition] = r;
    o[bits_component] = c;
    o[bits_subcomponent] = s;
    o[bits_any] = r | c | s;
  };
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) block(data + i, out + i / 64 * bitmap_stride);
  if (i < size) {
    // The tail, copied into a zeroed block: zero bytes match no declared separator.
    alignas(16) char tail[64] = {};
    std::memcpy(tail, data + i, size - i);
    block(tail, out + i / 64 * bitmap_stride);
  }
}
#endif

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define HL7V2_HAS_AVX2_BITMAPS 1
// Bit j set where byte j of the 64 bytes lo:hi equals v's byte. Functions, not lambdas: lambdas do not
// inherit the target attribute.
__attribute__((target("avx2"))) inline std::uint64_t eq_mask_avx2(__m256i lo, __m256i hi,
                                                                  __m256i v) noexcept {
  return std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, v)))} |
         (std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, v)))} << 32);
}

// One 64-byte block; `keep` holds all-ones or zero per separator (zero: undeclared).
__attribute__((target("avx2"))) inline void bitmap_block_avx2(const char* p, __m256i vr, __m256i vc,
                                                              __m256i vs, const std::uint64_t* keep,
                                                              std::uint64_t* o) noexcept {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  const std::uint64_t r = eq_mask_avx2(lo, hi, vr) & keep[0];
  const std::uint64_t c = eq_mask_avx2(lo, hi, vc) & keep[1];
  const std::uint64_t s = eq_mask_avx2(lo, hi, vs) & keep[2];
  o[bits_repetition] = r;
  o[bits_component] = c;
  o[bits_subcomponent] = s;
  o[bits_any] = r | c | s;
}

__attribute__((target("avx2"))) inline void bitmaps_avx2(const char* data, std::size_t size, char rep,
                                                         char comp, char sub, std::uint64_t* out) noexcept {
  const __m256i vr = _mm256_set1_epi8(rep);
  const __m256i vc = _mm256_set1_epi8(comp);
  const __m256i vs = _mm256_set1_epi8(sub);
  // An undeclared separator compares against NUL and is then dropped, so NUL bytes never match.
  const std::uint64_t keep[3] = {rep != '\0' ? ~std::uint64_t{0} : 0, comp != '\0' ? ~std::uint64_t{0} : 0,
                                 sub != '\0' ? ~std::uint64_t{0} : 0};
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) bitmap_block_avx2(data + i, vr, vc, vs, keep, out + i / 64 * bitmap_stride);
  if (i < size) {
    // The tail, copied into a zeroed block: zero bytes match no declared separator.
    alignas(32) char tail[64] = {};
    std::memcpy(tail, data + i, size - i);
    bitmap_block_avx2(tail, vr, vc, vs, keep, out + i / 64 * bitmap_stride);
  }
}
#endif

}  // namespace hl7v2::detail::simd
