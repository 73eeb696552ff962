// Put first on the include path by the core-only consumer checks: hl7v2/core.hpp must not include it.
#error "simdjson.h was included by a program that uses hl7v2::core only"
