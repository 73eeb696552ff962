// AVX2 index kernel: two 32-byte compares per class and 64 bytes. Compiled with a target attribute, so
// it exists even when the including program is built for baseline x86-64; call it only where the CPU
// has AVX2 and BMI (scan.hpp checks that at run time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hl7v2/detail/simd/avx2_ops.hpp"
#include "hl7v2/detail/simd/scalar.hpp"

#if defined(HL7V2_AVX2_OPS)
#define HL7V2_HAS_AVX2_KERNEL 1

// Functions, not lambdas: lambdas do not inherit the target attribute.
#define HL7V2_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2,popcnt")))

namespace hl7v2::detail::simd {

namespace o = avx2_ops;

struct avx2_chars {
  o::v256 field, terminator, repetition, component, subcomponent, quote, backslash, escape, space;
  std::uint64_t keep_rep, keep_comp, keep_sub;  // all-ones, or zero for an undeclared separator
};

HL7V2_AVX2_TARGET inline avx2_chars make_avx2_chars(const index_chars& c) noexcept {
  return {o::set1(c.field), o::set1(c.terminator), o::set1(c.repetition), o::set1(c.component),
          o::set1(c.subcomponent), o::set1('"'), o::set1('\\'),
          // An undeclared escape compares against NUL, which is special anyway (a control character).
          o::set1(c.escape), o::set1(0x20), c.repetition != '\0' ? ~std::uint64_t{0} : 0,
          c.component != '\0' ? ~std::uint64_t{0} : 0, c.subcomponent != '\0' ? ~std::uint64_t{0} : 0};
}

// Bit j set where byte j of the compare results lo:hi (64 bytes) is set.
HL7V2_AVX2_TARGET HL7V2_SIMD_INLINE std::uint64_t mask64_avx2(o::v256 lo, o::v256 hi) noexcept {
  return std::uint64_t{o::movemask(lo)} | (std::uint64_t{o::movemask(hi)} << 32);
}

// Signed x < 0x20 holds for control characters and for every byte >= 0x80.
HL7V2_AVX2_TARGET HL7V2_SIMD_INLINE o::v256 special_avx2(o::v256 x, const avx2_chars& c) noexcept {
  return o::or_(o::or_(o::cmpgt(c.space, x), o::cmpeq(x, c.quote)),
                o::or_(o::cmpeq(x, c.backslash), o::cmpeq(x, c.escape)));
}

HL7V2_AVX2_TARGET HL7V2_SIMD_INLINE block_masks block_masks_avx2(const char* p,
                                                                 const avx2_chars& v) noexcept {
  const o::v256 lo = o::load(p);
  const o::v256 hi = o::load(p + 32);
  const o::v256 t_lo = o::cmpeq(lo, v.terminator);
  const o::v256 t_hi = o::cmpeq(hi, v.terminator);
  block_masks m;
  m.boundary = mask64_avx2(o::or_(o::cmpeq(lo, v.field), t_lo), o::or_(o::cmpeq(hi, v.field), t_hi));
  m.terminator = mask64_avx2(t_lo, t_hi);
  m.repetition = mask64_avx2(o::cmpeq(lo, v.repetition), o::cmpeq(hi, v.repetition)) & v.keep_rep;
  m.component = mask64_avx2(o::cmpeq(lo, v.component), o::cmpeq(hi, v.component)) & v.keep_comp;
  m.subcomponent = mask64_avx2(o::cmpeq(lo, v.subcomponent), o::cmpeq(hi, v.subcomponent)) & v.keep_sub;
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
    m.special &= (std::uint64_t{1} << (size - i)) - 1;  // size - i < 64: a bzhi
    emit_block<block_bits<true>>(m, base + static_cast<std::uint32_t>(i), positions, terminators,
                                 bits + i / 64 * bitmap_stride, n);
  }
  return n;
}

}  // namespace hl7v2::detail::simd
#endif
