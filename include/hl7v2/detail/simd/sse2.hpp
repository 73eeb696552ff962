// SSE2 index kernel (baseline on every x86-64 CPU): 16-byte compares, one 64-bit mask per class and
// 64 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hl7v2/detail/simd/scalar.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#define HL7V2_HAS_SSE2_KERNEL 1

namespace hl7v2::detail::simd {

// The compare operands of a message's index characters.
struct sse2_chars {
  __m128i field, terminator, repetition, component, subcomponent, quote, backslash, escape, space;
  std::uint64_t keep_rep, keep_comp, keep_sub;  // all-ones, or zero for an undeclared separator

  explicit sse2_chars(const index_chars& c) noexcept
      : field(_mm_set1_epi8(c.field)),
        terminator(_mm_set1_epi8(c.terminator)),
        repetition(_mm_set1_epi8(c.repetition)),
        component(_mm_set1_epi8(c.component)),
        subcomponent(_mm_set1_epi8(c.subcomponent)),
        quote(_mm_set1_epi8('"')),
        backslash(_mm_set1_epi8('\\')),
        // An undeclared escape compares against NUL, which is special anyway (a control character).
        escape(_mm_set1_epi8(c.escape)),
        space(_mm_set1_epi8(0x20)),
        keep_rep(c.repetition != '\0' ? ~std::uint64_t{0} : 0),
        keep_comp(c.component != '\0' ? ~std::uint64_t{0} : 0),
        keep_sub(c.subcomponent != '\0' ? ~std::uint64_t{0} : 0) {}
};

inline std::uint64_t movemask16(__m128i v, int part) noexcept {
  return std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(v))} << (16 * part);
}

inline block_masks block_masks_sse2(const char* p, const sse2_chars& v) noexcept {
  block_masks m;
  for (int part = 0; part < 4; ++part) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
    const __m128i t = _mm_cmpeq_epi8(x, v.terminator);
    m.boundary |= movemask16(_mm_or_si128(_mm_cmpeq_epi8(x, v.field), t), part);
    m.terminator |= movemask16(t, part);
    m.repetition |= movemask16(_mm_cmpeq_epi8(x, v.repetition), part);
    m.component |= movemask16(_mm_cmpeq_epi8(x, v.component), part);
    m.subcomponent |= movemask16(_mm_cmpeq_epi8(x, v.subcomponent), part);
    // Signed x < 0x20 holds for control characters and for every byte >= 0x80.
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, v.space), _mm_cmpeq_epi8(x, v.quote)),
                     _mm_or_si128(_mm_cmpeq_epi8(x, v.backslash), _mm_cmpeq_epi8(x, v.escape)));
    m.special |= movemask16(special, part);
  }
  m.repetition &= v.keep_rep;
  m.component &= v.keep_comp;
  m.subcomponent &= v.keep_sub;
  return m;
}

// Same contract as index_scalar.
inline index_counts index_sse2(const char* data, std::size_t size, std::uint32_t base, const index_chars& c,
                               std::uint32_t* positions, std::uint32_t* terminators,
                               std::uint64_t* bits) noexcept {
  const sse2_chars v(c);
  return index_blocks(data, size, base, positions, terminators, bits,
                      [&v](const char* p) noexcept { return block_masks_sse2(p, v); });
}

}  // namespace hl7v2::detail::simd
#endif
