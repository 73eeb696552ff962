// Replaces the global allocation functions of one test program to count heap allocations, so tests
// can prove that hot paths allocate nothing per message. Include it in exactly one file per test
// program. A program whose allocations cross into a library built with other allocation functions
// (libsimdjson under AddressSanitizer) defines HL7V2_COUNT_ALLOCATIONS to 0 first and skips its checks.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#ifndef HL7V2_COUNT_ALLOCATIONS
#define HL7V2_COUNT_ALLOCATIONS 1
#endif

// g++ flags free() on memory from operator new once both are inlined into one function; here they are
// a matched pair by construction.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace hl7v2::test {
inline std::atomic<std::size_t> allocations{0};
}  // namespace hl7v2::test

#if HL7V2_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
  hl7v2::test::allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc{};
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif
