// The six AVX2 operations the kernels use, as GCC/clang vector extensions and builtins instead of
// <immintrin.h>: that header declares every x86 intrinsic (AVX-512 included) and costs each including
// translation unit about 0.5 s and 100 MB of compiler memory. The functions carry the AVX2 target
// attribute, so they exist in baseline x86-64 builds; call them only where the CPU has AVX2.
#pragma once

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cstdint>
#include <cstring>

#define HL7V2_AVX2_OPS 1

namespace hl7v2::detail::simd::avx2_ops {

using v256 = signed char __attribute__((vector_size(32)));  // 32 signed bytes, as vpcmpgtb compares
using v256c = char __attribute__((vector_size(32)));        // the type __builtin_ia32_pmovmskb256 takes

#define HL7V2_AVX2_OP __attribute__((target("avx2"), always_inline)) inline

HL7V2_AVX2_OP v256 set1(char c) noexcept { return v256{} + static_cast<signed char>(c); }
HL7V2_AVX2_OP v256 load(const char* p) noexcept {
  v256 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
HL7V2_AVX2_OP v256 cmpeq(v256 a, v256 b) noexcept { return a == b; }
HL7V2_AVX2_OP v256 cmpgt(v256 a, v256 b) noexcept { return a > b; }  // signed, per byte
HL7V2_AVX2_OP v256 or_(v256 a, v256 b) noexcept { return a | b; }
// Bit j set where byte j has its top bit set.
HL7V2_AVX2_OP std::uint32_t movemask(v256 v) noexcept {
  v256c c;
  std::memcpy(&c, &v, sizeof c);
  return static_cast<std::uint32_t>(__builtin_ia32_pmovmskb256(c));
}

#undef HL7V2_AVX2_OP

}  // namespace hl7v2::detail::simd::avx2_ops
#endif
