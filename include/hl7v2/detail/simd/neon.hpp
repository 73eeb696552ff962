// NEON scanner (AArch64): 16-byte compares narrowed to a 4-bits-per-byte mask.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hl7v2/detail/simd/scalar.hpp"

#if defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#define HL7V2_HAS_NEON_KERNEL 1

namespace hl7v2::detail::simd {

// Same contract as scan_scalar.
inline std::size_t scan_neon(const char* data, std::size_t size, char a, char b,
                             std::uint32_t* out) noexcept {
  const uint8x16_t va = vdupq_n_u8(static_cast<std::uint8_t>(a));
  const uint8x16_t vb = vdupq_n_u8(static_cast<std::uint8_t>(b));
  std::size_t i = 0;
  std::size_t k = 0;
  for (; i + 16 <= size; i += 16) {
    const uint8x16_t x = vld1q_u8(reinterpret_cast<const std::uint8_t*>(data + i));
    const uint8x16_t eq = vorrq_u8(vceqq_u8(x, va), vceqq_u8(x, vb));
    // Shift-right-narrow keeps 4 bits of every byte's 0x00/0xFF: bit 4*j..4*j+3 set for a match at j.
    std::uint64_t m = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(eq), 4)), 0);
    m &= 0x8888888888888888ull;  // one bit per byte
    const auto base = static_cast<std::uint32_t>(i);
    while (m != 0) {
      out[k++] = base + static_cast<std::uint32_t>(__builtin_ctzll(m) >> 2);
      m &= m - 1;
    }
  }
  return scan_scalar_from(data, i, size, a, b, out, k);
}

}  // namespace hl7v2::detail::simd
#endif
