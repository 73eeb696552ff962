// NEON index kernel (AArch64): 16-byte compares narrowed to 4 bits per byte, then to one.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hl7v2/detail/simd/scalar.hpp"

namespace hl7v2::detail::simd {

// 16 nibbles, each 0xF or 0 (byte j of a compare result narrowed by vshrn #4), to 16 bits. Plain
// C++, so the tests check it on every machine.
constexpr std::uint64_t nibbles_to_bits(std::uint64_t m) noexcept {
  std::uint64_t x = m & 0x1111111111111111ull;
  x = (x | (x >> 3)) & 0x0303030303030303ull;
  x = (x | (x >> 6)) & 0x000F000F000F000Full;
  x = (x | (x >> 12)) & 0x000000FF000000FFull;
  return (x | (x >> 24)) & 0xFFFFull;
}

}  // namespace hl7v2::detail::simd

#if defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#define HL7V2_HAS_NEON_KERNEL 1

namespace hl7v2::detail::simd {

inline std::uint64_t narrow_neon(uint8x16_t eq, int part) noexcept {
  const uint8x8_t nibbles = vshrn_n_u16(vreinterpretq_u16_u8(eq), 4);
  return nibbles_to_bits(vget_lane_u64(vreinterpret_u64_u8(nibbles), 0)) << (16 * part);
}

inline block_masks block_masks_neon(const char* p, const index_chars& c) noexcept {
  const uint8x16_t field = vdupq_n_u8(static_cast<std::uint8_t>(c.field));
  const uint8x16_t terminator = vdupq_n_u8(static_cast<std::uint8_t>(c.terminator));
  const uint8x16_t repetition = vdupq_n_u8(static_cast<std::uint8_t>(c.repetition));
  const uint8x16_t component = vdupq_n_u8(static_cast<std::uint8_t>(c.component));
  const uint8x16_t subcomponent = vdupq_n_u8(static_cast<std::uint8_t>(c.subcomponent));
  // An undeclared escape compares against NUL, which is special anyway (a control character).
  const uint8x16_t escape = vdupq_n_u8(static_cast<std::uint8_t>(c.escape));
  const uint8x16_t quote = vdupq_n_u8(static_cast<std::uint8_t>('"'));
  const uint8x16_t backslash = vdupq_n_u8(static_cast<std::uint8_t>('\\'));
  const uint8x16_t space = vdupq_n_u8(0x20);
  const uint8x16_t high = vdupq_n_u8(0x80);
  block_masks m;
  for (int part = 0; part < 4; ++part) {
    const uint8x16_t x = vld1q_u8(reinterpret_cast<const std::uint8_t*>(p + 16 * part));
    const uint8x16_t t = vceqq_u8(x, terminator);
    m.boundary |= narrow_neon(vorrq_u8(vceqq_u8(x, field), t), part);
    m.terminator |= narrow_neon(t, part);
    m.repetition |= narrow_neon(vceqq_u8(x, repetition), part);
    m.component |= narrow_neon(vceqq_u8(x, component), part);
    m.subcomponent |= narrow_neon(vceqq_u8(x, subcomponent), part);
    const uint8x16_t special =
        vorrq_u8(vorrq_u8(vcltq_u8(x, space), vcgeq_u8(x, high)),
                 vorrq_u8(vorrq_u8(vceqq_u8(x, quote), vceqq_u8(x, backslash)), vceqq_u8(x, escape)));
    m.special |= narrow_neon(special, part);
  }
  if (c.repetition == '\0') m.repetition = 0;
  if (c.component == '\0') m.component = 0;
  if (c.subcomponent == '\0') m.subcomponent = 0;
  return m;
}

// Same contract as index_scalar.
inline index_counts index_neon(const char* data, std::size_t size, std::uint32_t base, const index_chars& c,
                               std::uint32_t* positions, std::uint32_t* terminators,
                               std::uint64_t* bits) noexcept {
  return index_blocks(data, size, base, positions, terminators, bits,
                      [&c](const char* p) noexcept { return block_masks_neon(p, c); });
}

}  // namespace hl7v2::detail::simd
#endif
