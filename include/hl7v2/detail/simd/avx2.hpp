// AVX2 index kernel: two 32-byte compares per class and 64 bytes. Compiled with a target attribute, so
// it exists even when the including program is built for baseline x86-64; call it only where the CPU
// has AVX2 and BMI (scan.hpp checks that at run time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hl7v2/detail/simd/scalar.hpp"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HL7V2_HAS_AVX2_KERNEL 1

// Functions, not lambdas: lambdas do not inherit the target attribute.
#define HL7V2_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2,popcnt")))

namespace hl7v2::detail::simd {

struct avx2_chars {
  __m256i field, terminator, repetition, component, subcomponent, quote, backslash, escape, space;
  std::uint64_t keep_rep, keep_comp, keep_sub;  // all-ones, or zero for an undeclared separator
};

HL7V2_AVX2_TARGET inline avx2_chars make_avx2_chars(const index_chars& c) noexcept {
  return {_mm256_set1_epi8(c.field), _mm256_set1_epi8(c.terminator), _mm256_set1_epi8(c.repetition),
          _mm256_set1_epi8(c.component), _mm256_set1_epi8(c.subcomponent), _mm256_set1_epi8('"'),
          _mm256_set1_epi8('\\'),
          // An undeclared escape compares against NUL, which is special anyway (a control character).
          _mm256_set1_epi8(c.escape), _mm256_set1_epi8(0x20), c.repetition != '\0' ? ~std::uint64_t{0} : 0,
          c.component != '\0' ? ~std::uint64_t{0} : 0, c.subcomponent != '\0' ? ~std::uint64_t{0} : 0};
}

// Bit j set where byte j of the compare results lo:hi (64 bytes) is set.
HL7V2_AVX2_TARGET HL7V2_SIMD_INLINE std::uint64_t mask64_avx2(__m256i lo, __m256i hi) noexcept {
  return std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(lo))} |
         (std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))} << 32);
}

// Signed x < 0x20 holds for control characters and for every byte >= 0x80.
HL7V2_AVX2_TARGET HL7V2_SIMD_INLINE __m256i special_avx2(__m256i x, const avx2_chars& c) noexcept {
  return _mm256_or_si256(_mm256_or_si256(_mm256_cmpgt_epi8(c.space, x), _mm256_cmpeq_epi8(x, c.quote)),
                         _mm256_or_si256(_mm256_cmpeq_epi8(x, c.backslash), _mm256_cmpeq_epi8(x, c.escape)));
}

HL7V2_AVX2_TARGET HL7V2_SIMD_INLINE block_masks block_masks_avx2(const char* p,
                                                                 const avx2_chars& v) noexcept {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  const __m256i t_lo = _mm256_cmpeq_epi8(lo, v.terminator);
  const __m256i t_hi = _mm256_cmpeq_epi8(hi, v.terminator);
  block_masks m;
  m.boundary = mask64_avx2(_mm256_or_si256(_mm256_cmpeq_epi8(lo, v.field), t_lo),
                           _mm256_or_si256(_mm256_cmpeq_epi8(hi, v.field), t_hi));
  m.terminator = mask64_avx2(t_lo, t_hi);
  m.repetition =
      mask64_avx2(_mm256_cmpeq_epi8(lo, v.repetition), _mm256_cmpeq_epi8(hi, v.repetition)) & v.keep_rep;
  m.component =
      mask64_avx2(_mm256_cmpeq_epi8(lo, v.component), _mm256_cmpeq_epi8(hi, v.component)) & v.keep_comp;
  m.subcomponent =
      mask64_avx2(_mm256_cmpeq_epi8(lo, v.subcomponent), _mm256_cmpeq_epi8(hi, v.subcomponent)) & v.keep_sub;
  m.special = mask64_avx2(special_avx2(lo, v), special_avx2(hi, v));
  return m;
}

// Same contract as index_scalar.
HL7V2_AVX2_TARGET inline index_counts index_avx2(const char* data, std::size_t size, std::uint32_t base,
                                                 const index_chars& c, std::uint32_t* positions,
                                                 std::uint32_t* terminators, std::uint64_t* bits) noexcept {
  const avx2_chars v = make_avx2_chars(c);
  index_counts n;
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    emit_block<block_bits<true>>(block_masks_avx2(data + i, v), base + static_cast<std::uint32_t>(i),
                                 positions, terminators, bits + i / 64 * bitmap_stride, n);
  }
  if (i < size) {
    // The tail, copied into a zeroed block: NUL matches no separator; its special bits are dropped.
    alignas(32) char tail[64] = {};
    std::memcpy(tail, data + i, size - i);
    block_masks m = block_masks_avx2(tail, v);
    m.special = _bzhi_u64(m.special, static_cast<unsigned>(size - i));
    emit_block<block_bits<true>>(m, base + static_cast<std::uint32_t>(i), positions, terminators,
                                 bits + i / 64 * bitmap_stride, n);
  }
  return n;
}

}  // namespace hl7v2::detail::simd
#endif
