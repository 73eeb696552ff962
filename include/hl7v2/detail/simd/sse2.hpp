// SSE2 scanner (baseline on every x86-64 CPU): 16-byte compares, one 64-bit match mask per 64 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hl7v2/detail/simd/scalar.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#define HL7V2_HAS_SSE2_KERNEL 1

namespace hl7v2::detail::simd {

// Same contract as scan_scalar.
inline std::size_t scan_sse2(const char* data, std::size_t size, char a, char b,
                             std::uint32_t* out) noexcept {
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  std::size_t i = 0;
  std::size_t k = 0;
  for (; i + 64 <= size; i += 64) {
    std::uint64_t m = 0;
    for (int part = 0; part < 4; ++part) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 16 * part));
      const __m128i eq = _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb));
      m |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(eq))} << (16 * part);
    }
    const auto base = static_cast<std::uint32_t>(i);
    while (m != 0) {
      out[k++] = base + static_cast<std::uint32_t>(__builtin_ctzll(m));
      m &= m - 1;
    }
  }
  return scan_scalar_from(data, i, size, a, b, out, k);
}

}  // namespace hl7v2::detail::simd
#endif
