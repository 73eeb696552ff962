// JSON → ER7: one JSON object of either layout back into one ER7 message (segments ended by CR).
//
//  - positional (an object with a "segments" array): joined back with the message's own delimiters,
//    byte for byte as it came ("bytes":"latin1" turns each character back into its byte). A string that
//    holds a delimiter, or a line break in the header segment, is refused (it could not have come from
//    a message), as is anything that is not the shape positional.hpp describes.
//  - named (any other object): members in JSON order, each segment key ("pid", "PID", "pid(2)") an
//    object or an array of objects; keys are matched case-insensitively against the definitions of the
//    version MSH-12 names within the registry (defs/resolver.hpp; every built-in version unless one is
//    given); positional keys ("7", "5(2)") place the parts the definitions
//    do not know. Members that are not segment keys (e.g. "_source" metadata from extra_members) are
//    skipped. Text is escaped for ER7 (escape.hpp), null becomes "", numbers their shortest text,
//    ISO 8601 dates in date/time fields go back to HL7 form. When MSH-18 says 8859/1 the text is written
//    as Latin-1 bytes (characters beyond U+00FF become '?').
// Errors are errc::bad_json with error::segment (1-based JSON segment) and error::field where known;
// never any text from the input.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "hl7v2/defs/registry.hpp"
#include "hl7v2/detail/compiled.hpp"
#include "hl7v2/error.hpp"

namespace hl7v2::json {

struct reader_options {
  const defs::version_def* default_version =
      nullptr;  // for a named message without MSH-12; null → the registry's
  const defs::version_def* definitions =
      nullptr;  // when set, used whatever MSH-12 says (a profile's version())
};

namespace detail {
class er7_reader;
}

// Reusable: owns the JSON parser and scratch buffers. Not thread-safe: one per thread. Its state lives
// behind a pointer, so this header does not need simdjson.h (detail/er7_reader.hpp does); a moved-from
// reader may only be assigned to or destroyed.
class er7_from_json {
 public:
  // Reads named JSON with the versions of `versions` (defs/registry.hpp).
  explicit er7_from_json(const defs::registry& versions, reader_options options = {});
  // Reads named JSON with every built-in version (needs defs/all.hpp).
  template <class All = defs::all_versions_t>
  explicit er7_from_json(reader_options options = {})
      : er7_from_json(defs::builtin_registry<All>::value, options) {}
  er7_from_json(er7_from_json&&) noexcept;
  er7_from_json& operator=(er7_from_json&&) noexcept;
  ~er7_from_json();

  // Appends the ER7 message to `out` and returns the bytes appended; on error appends nothing.
  hl7v2::result<std::size_t> convert(std::string_view json_text, std::string& out);

 private:
  std::unique_ptr<detail::er7_reader> impl_;
};

}  // namespace hl7v2::json

#if HL7V2_DEFINE_BODIES
#include "hl7v2/detail/er7_reader.hpp"
#endif
