// AVX2 scanner: two 32-byte compares per 64 bytes. Compiled with a target attribute, so it exists even
// when the including program is built for baseline x86-64; call it only where the CPU has AVX2
// (scan.hpp checks that at run time).
#pragma once

#include <cstddef>
#include <cstdint>

#include "hl7v2/detail/simd/scalar.hpp"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HL7V2_HAS_AVX2_KERNEL 1

namespace hl7v2::detail::simd {

// Same contract as scan_scalar.
__attribute__((target("avx2,bmi,popcnt"))) inline std::size_t scan_avx2(const char* data, std::size_t size,
                                                                        char a, char b,
                                                                        std::uint32_t* out) noexcept {
  const __m256i va = _mm256_set1_epi8(a);
  const __m256i vb = _mm256_set1_epi8(b);
  std::size_t i = 0;
  std::size_t k = 0;
  for (; i + 64 <= size; i += 64) {
    const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
    const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i + 32));
    const __m256i e0 = _mm256_or_si256(_mm256_cmpeq_epi8(x0, va), _mm256_cmpeq_epi8(x0, vb));
    const __m256i e1 = _mm256_or_si256(_mm256_cmpeq_epi8(x1, va), _mm256_cmpeq_epi8(x1, vb));
    std::uint64_t m = std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(e0))} |
                      (std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(e1))} << 32);
    // Writes 8 (then 16) offsets whether or not there are that many matches, so the loop has no
    // data-dependent branch for the usual block; the extra stores land in the slack (scan_slack).
    const auto base = static_cast<std::uint32_t>(i);
    const auto count = static_cast<std::size_t>(_mm_popcnt_u64(m));
    std::uint32_t* o = out + k;
    for (int j = 0; j < 8; ++j) {
      o[j] = base + static_cast<std::uint32_t>(_tzcnt_u64(m));
      m = _blsr_u64(m);
    }
    if (count > 8) {
      for (int j = 8; j < 16; ++j) {
        o[j] = base + static_cast<std::uint32_t>(_tzcnt_u64(m));
        m = _blsr_u64(m);
      }
      for (std::size_t j = 16; m != 0; ++j) {
        o[j] = base + static_cast<std::uint32_t>(_tzcnt_u64(m));
        m = _blsr_u64(m);
      }
    }
    k += count;
  }
  return scan_scalar_from(data, i, size, a, b, out, k);
}

}  // namespace hl7v2::detail::simd
#endif
