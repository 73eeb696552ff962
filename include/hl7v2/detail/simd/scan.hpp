// Picks an index kernel: the best the CPU runs (checked once at run time on x86-64, so a program built
// for baseline x86-64 still gets AVX2), or one named kernel, which the differential tests use.
#pragma once

#include <cstdint>

#include "hl7v2/detail/simd/avx2.hpp"
#include "hl7v2/detail/simd/neon.hpp"
#include "hl7v2/detail/simd/scalar.hpp"
#include "hl7v2/detail/simd/sse2.hpp"

namespace hl7v2 {

// The delimiter-scanning code paths. All produce identical results; they differ only in speed.
enum class scan_kernel : std::uint8_t { best, scalar, sse2, avx2, neon };

namespace detail::simd {

// Whether this build and this CPU can run `k`.
inline bool kernel_available(scan_kernel k) noexcept {
  switch (k) {
    case scan_kernel::best:
    case scan_kernel::scalar:
      return true;
    case scan_kernel::sse2:
#if defined(HL7V2_HAS_SSE2_KERNEL)
      return true;
#else
      return false;
#endif
    case scan_kernel::avx2:
#if defined(HL7V2_HAS_AVX2_KERNEL)
#if defined(__AVX2__)
      return true;
#else
      __builtin_cpu_init();  // harmless if done already; needed when called before static constructors ran
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
             __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
#endif
#else
      return false;
#endif
    case scan_kernel::neon:
#if defined(HL7V2_HAS_NEON_KERNEL)
      return true;
#else
      return false;
#endif
  }
  return false;
}

// The kernel that `best` stands for on this machine.
inline scan_kernel best_kernel() noexcept {
  if (kernel_available(scan_kernel::avx2)) return scan_kernel::avx2;
  if (kernel_available(scan_kernel::neon)) return scan_kernel::neon;
  if (kernel_available(scan_kernel::sse2)) return scan_kernel::sse2;
  return scan_kernel::scalar;
}

// The index kernel of `k` (scalar.hpp states the contract); a kernel this machine cannot run falls
// back to `best`.
inline index_fn index_function(scan_kernel k) noexcept {
  if (k == scan_kernel::best || !kernel_available(k)) k = best_kernel();
  switch (k) {
#if defined(HL7V2_HAS_AVX2_KERNEL)
    case scan_kernel::avx2:
      return &index_avx2;
#endif
#if defined(HL7V2_HAS_SSE2_KERNEL)
    case scan_kernel::sse2:
      return &index_sse2;
#endif
#if defined(HL7V2_HAS_NEON_KERNEL)
    case scan_kernel::neon:
      return &index_neon;
#endif
    default:
      return &index_scalar;
  }
}

}  // namespace detail::simd
}  // namespace hl7v2
