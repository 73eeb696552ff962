// Portable reference scanner: every other kernel must produce exactly what this one produces.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hl7v2::detail::simd {

// The scanner contract, shared by every kernel: writes to `out` the offset (from `data`) of every byte
// equal to `a` or `b`, in ascending order, and returns how many it found. `out` must have room for
// `size + scan_slack` entries (kernels may store junk past the last offset), and `size` must fit in 32
// bits.
inline constexpr std::size_t scan_slack = 16;

using scan_fn = std::size_t (*)(const char* data, std::size_t size, char a, char b,
                                std::uint32_t* out) noexcept;

// Scans data[from, size) and appends at out[k]; returns the new count. The vector kernels finish their
// tail with it.
inline std::size_t scan_scalar_from(const char* data, std::size_t from, std::size_t size, char a, char b,
                                    std::uint32_t* out, std::size_t k) noexcept {
  for (std::size_t i = from; i < size; ++i) {
    // Branch-free: always store, advance only on a match.
    out[k] = static_cast<std::uint32_t>(i);
    k += static_cast<std::size_t>((data[i] == a) | (data[i] == b));
  }
  return k;
}

inline std::size_t scan_scalar(const char* data, std::size_t size, char a, char b,
                               std::uint32_t* out) noexcept {
  return scan_scalar_from(data, 0, size, a, b, out, 0);
}

}  // namespace hl7v2::detail::simd
