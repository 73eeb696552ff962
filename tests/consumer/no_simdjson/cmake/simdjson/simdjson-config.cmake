# Put first on CMAKE_PREFIX_PATH by the core-only consumer checks: any lookup of simdjson, even a
# QUIET or optional one, stops the configure.
message(FATAL_ERROR "simdjson was looked for, but this consumer uses hl7v2::core only")
