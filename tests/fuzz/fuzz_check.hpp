// The fuzz targets' assertion: abort (which libFuzzer reports, with the input that caused it) naming
// the line of the failed check. Not assert(): it must hold in release builds too.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace hl7v2::fuzz {
inline void require_at(bool ok, int line) {
  if (ok) return;
  std::fprintf(stderr, "check failed at line %d\n", line);
  std::abort();
}
}  // namespace hl7v2::fuzz

#define require(cond) ::hl7v2::fuzz::require_at((cond), __LINE__)
