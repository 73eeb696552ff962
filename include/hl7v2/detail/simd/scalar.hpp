// The index contract every kernel implements, the block bookkeeping they share, and the portable
// reference kernel: every other kernel must produce exactly what this one produces.
//
// One pass over a message's bytes gives the parser all it needs: the offsets of the field separators
// and segment terminators (the field boundaries), which of them are terminators, and the bitmaps of
// bitmaps.hpp. A kernel only classifies 64-byte blocks into bit masks; emit_block turns the masks into
// offsets.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hl7v2/detail/simd/bitmaps.hpp"

// The kernels' helpers must inline into the functions compiled for a vector target.
#if defined(__GNUC__) || defined(__clang__)
#define HL7V2_SIMD_INLINE inline __attribute__((always_inline))
#else
#define HL7V2_SIMD_INLINE inline
#endif

namespace hl7v2::detail::simd {

// The characters a message is indexed by. field and terminator are never '\0'; repetition, component,
// subcomponent and escape are '\0' when MSH-2 does not declare them, and then mark nothing.
struct index_chars {
  char field = '|';
  char terminator = '\r';
  char repetition = '~';
  char component = '^';
  char subcomponent = '&';
  char escape = '\\';
};

struct index_counts {
  std::size_t positions = 0;
  std::size_t terminators = 0;
};

// Kernels may store this many junk entries past the last real one of each output.
inline constexpr std::size_t scan_slack = 16;

// The index contract, shared by every kernel. For data[0, size), which starts at offset `base` of the
// message text (a multiple of 64, so its blocks are the bitmaps' blocks):
//  - positions: base + i for every byte data[i] equal to c.field or c.terminator, ascending;
//  - terminators: for every terminator among them, its index in `positions`, ascending;
//  - bits: bitmap_words(size) words, the bitmaps (bitmaps.hpp) of these bytes.
// positions and terminators need room for size + scan_slack entries; base + size must fit in 32 bits.
using index_fn = index_counts (*)(const char* data, std::size_t size, std::uint32_t base,
                                  const index_chars& c, std::uint32_t* positions, std::uint32_t* terminators,
                                  std::uint64_t* bits) noexcept;

// One 64-byte block, one bit per byte (bit j: byte j).
struct block_masks {
  std::uint64_t boundary = 0;  // field separators and terminators
  std::uint64_t terminator = 0;
  std::uint64_t repetition = 0;
  std::uint64_t component = 0;
  std::uint64_t subcomponent = 0;
  std::uint64_t special = 0;
};

// The bit operations of emit_block. The trailing-zero count is defined for 0 without a branch (its
// result is junk then, and lands in the slack): a count that special-cases 0, like std::countr_zero,
// lets the optimizer turn the unconditional stores back into branches. `HardwarePopcount`: the code is
// inlined into a function compiled for a target with a population count instruction (baseline x86-64
// has none, and GCC would call a library function for the builtin: a SWAR count instead).
template <bool HardwarePopcount>
struct block_bits {
  static constexpr std::uint32_t ctz(std::uint64_t x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<std::uint32_t>(__builtin_ctzll(x | 0x8000000000000000ull));
#else
    return x == 0 ? 63 : static_cast<std::uint32_t>(std::countr_zero(x));
#endif
  }
  static constexpr std::uint64_t clear_lowest(std::uint64_t x) noexcept { return x & (x - 1); }
  static constexpr std::size_t popcount(std::uint64_t x) noexcept {
    if constexpr (HardwarePopcount) {
      return static_cast<std::size_t>(std::popcount(x));
    } else {
      x = x - ((x >> 1) & 0x5555555555555555ull);
      x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
      x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
      return static_cast<std::size_t>((x * 0x0101010101010101ull) >> 56);
    }
  }
};
#if defined(__POPCNT__) || defined(__aarch64__)
using portable_bits = block_bits<true>;
#else
using portable_bits = block_bits<false>;
#endif

HL7V2_SIMD_INLINE void store_bitmaps(const block_masks& m, std::uint64_t* o) noexcept {
  o[bits_repetition] = m.repetition;
  o[bits_component] = m.component;
  o[bits_subcomponent] = m.subcomponent;
  o[bits_any] = m.repetition | m.component | m.subcomponent;
  o[bits_special] = m.special;
}

// Appends a block's boundary offsets and its terminators' indices to the outputs, and stores its
// bitmaps. The usual block holds a handful of boundaries: eight offsets are stored whether or not
// there are that many (the rest land in the slack), so the loop has no data-dependent branch for it.
template <class Bits>
HL7V2_SIMD_INLINE void emit_block(const block_masks& m, std::uint32_t base, std::uint32_t* positions,
                                  std::uint32_t* terminators, std::uint64_t* bits, index_counts& n) noexcept {
  store_bitmaps(m, bits);
  std::uint64_t b = m.boundary;
  const std::size_t count = Bits::popcount(b);
  std::uint32_t* o = positions + n.positions;
  for (int j = 0; j < 8; ++j) {
    o[j] = base + Bits::ctz(b);
    b = Bits::clear_lowest(b);
  }
  if (count > 8) {
    for (int j = 8; j < 16; ++j) {
      o[j] = base + Bits::ctz(b);
      b = Bits::clear_lowest(b);
    }
    for (std::size_t j = 16; b != 0; ++j) {
      o[j] = base + Bits::ctz(b);
      b = Bits::clear_lowest(b);
    }
  }
  // Terminators are one in a segment: a loop over them costs nothing in most blocks.
  for (std::uint64_t t = m.terminator; t != 0; t &= t - 1) {
    const std::uint64_t below = (t & (0 - t)) - 1;
    terminators[n.terminators++] =
        static_cast<std::uint32_t>(n.positions + Bits::popcount(m.boundary & below));
  }
  n.positions += count;
}

// The block loop of the vector kernels built without a target attribute (SSE2, NEON): `masks(p)`
// classifies the 64 bytes at p. The tail is copied into a zeroed block (NUL matches no separator) and
// its special bits past the end are dropped. AVX2 keeps its own loop: a lambda does not inherit its
// caller's target attribute, so its compares could not inline into one.
template <class Masks>
HL7V2_SIMD_INLINE index_counts index_blocks(const char* data, std::size_t size, std::uint32_t base,
                                            std::uint32_t* positions, std::uint32_t* terminators,
                                            std::uint64_t* bits, const Masks& masks) noexcept {
  index_counts n;
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    emit_block<portable_bits>(masks(data + i), base + static_cast<std::uint32_t>(i), positions, terminators,
                              bits + i / 64 * bitmap_stride, n);
  }
  if (i < size) {
    alignas(16) char tail[64] = {};
    std::memcpy(tail, data + i, size - i);
    block_masks m = masks(static_cast<const char*>(tail));
    m.special &= (std::uint64_t{1} << (size - i)) - 1;
    emit_block<portable_bits>(m, base + static_cast<std::uint32_t>(i), positions, terminators,
                              bits + i / 64 * bitmap_stride, n);
  }
  return n;
}

// The masks of the `n` (1..64) bytes at p, byte by byte.
inline block_masks block_masks_scalar(const char* p, std::size_t n, const index_chars& c) noexcept {
  block_masks m;
  for (std::size_t j = 0; j < n; ++j) {
    const char x = p[j];
    const std::uint64_t bit = std::uint64_t{1} << j;
    if (x == c.field || x == c.terminator) m.boundary |= bit;
    if (x == c.terminator) m.terminator |= bit;
    if (c.repetition != '\0' && x == c.repetition) m.repetition |= bit;
    if (c.component != '\0' && x == c.component) m.component |= bit;
    if (c.subcomponent != '\0' && x == c.subcomponent) m.subcomponent |= bit;
    if (is_special_byte(x, c.escape)) m.special |= bit;
  }
  return m;
}

inline index_counts index_scalar(const char* data, std::size_t size, std::uint32_t base, const index_chars& c,
                                 std::uint32_t* positions, std::uint32_t* terminators,
                                 std::uint64_t* bits) noexcept {
  index_counts n;
  for (std::size_t i = 0; i < size; i += 64) {
    const std::size_t len = size - i < 64 ? size - i : 64;
    emit_block<portable_bits>(block_masks_scalar(data + i, len, c), base + static_cast<std::uint32_t>(i),
                              positions, terminators, bits + i / 64 * bitmap_stride, n);
  }
  return n;
}

}  // namespace hl7v2::detail::simd
