// One call from a parsed message to JSON, for host programs (the CLI, the data lake):
//
//   hl7v2::json::converter conv{{.layout = hl7v2::json::layout::named, .typed = true}};  // every version
//   hl7v2::json::converter v251{only_251, {.typed = true}};  // a defs::registry: the versions you include
//   std::string line;                                   // reused: no allocation once warm
//   for (...) { line.clear(); auto n = conv.write(msg, line); if (!n) report(n.error()); ... }
//
// and back: er7_from_json (reader.hpp, which alone needs simdjson) turns one JSON object of either layout
// into ER7.
// The layouts are described in named.hpp, positional.hpp and grouped.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "hl7v2/charset.hpp"
#include "hl7v2/defs/registry.hpp"
#include "hl7v2/defs/site_profile.hpp"
#include "hl7v2/detail/compiled.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/json/emit_buffer.hpp"
#include "hl7v2/json/named.hpp"
#include "hl7v2/json/positional.hpp"
#include "hl7v2/json/walk.hpp"
#include "hl7v2/json/writer.hpp"
#include "hl7v2/message.hpp"

namespace hl7v2::json {

// named: one key per segment id (named.hpp); positional: lossless, by position (positional.hpp);
// grouped: named, with segments nested under the groups of the message structure (grouped.hpp).
enum class layout : std::uint8_t { named, positional, grouped };

namespace detail {
class grouped_writer;  // grouped.hpp: included only where the converter's bodies are defined, so that in
                       // compiled mode a user's translation unit never parses the structure matcher
struct grouped_writer_delete {
  void operator()(grouped_writer* g) const noexcept;
};
}  // namespace detail

struct options {
  json::layout layout = layout::named;
  bool typed = false;       // named and grouped: NM → number, SI → integer, DT/DTM/TS → ISO 8601
  bool upper_keys = false;  // named and grouped: "PID", "PATIENT_NAME" (hl7apy style)
  const defs::version_def* default_version =
      nullptr;                             // used when MSH-12 is empty/unknown; null → the registry's
  const defs::profile* profile = nullptr;  // site definitions (may be null): when set, every message is
                                           // read with profile->version(), whatever its MSH-12 says
  hl7v2::formatting format = hl7v2::formatting::map;
  hl7v2::invalid_bytes bytes = hl7v2::invalid_bytes::replace;
};

// Reusable: owns the scratch buffers and the per-structure caches. Not thread-safe: one per thread.
class converter {
 public:
  // Reads with the versions of `versions` (defs/registry.hpp).
  explicit converter(const defs::registry& versions, options opts = {})
      : opt_(opts),
        walker_(versions, walk_options{opts.default_version,
                                       opts.profile != nullptr ? &opts.profile->version() : nullptr}) {}
  // Reads with every built-in version (needs defs/all.hpp).
  template <class All = defs::all_versions_t>
  explicit converter(options opts = {}) : converter(defs::builtin_registry<All>::value, opts) {}

  const options& settings() const noexcept { return opt_; }

  // Appends one JSON object for `msg` to `out` (no newline) and returns the bytes appended.
  // `extra_members`, if not empty, is raw JSON text of members ("\"_source\":{...}") placed first
  // inside the object. The object is built in the converter's buffer and appended in one call, so on
  // error nothing is appended; a sink that fails (fixed_sink overflow, I/O) is reported with its status.
  template <class Sink>
  hl7v2::result<std::size_t> write(const hl7v2::message& msg, Sink& out,
                                   std::string_view extra_members = {}) {
    if (const hl7v2::error err = render(msg, extra_members); err.code != errc::ok) return err;
    out.append(buffer_.data(), buffer_.size());
    if constexpr (requires { out.status(); }) {
      if (out.status() != errc::ok) return hl7v2::error{out.status(), 0, 0, 0};
    }
    return buffer_.size();
  }

 private:
  // Builds msg's object in buffer_; in compiled mode (detail/compiled.hpp) defined once, by the library.
  hl7v2::error render(const hl7v2::message& msg, std::string_view extra_members);

  // The positional layout never loses a byte; under the strict policy a message that is not valid in
  // its declared character set is refused all the same, with the offset of the first bad byte.
  hl7v2::error strict_check(const hl7v2::message& msg) {
    scratch_.decoded.clear();
    const auto r = hl7v2::to_utf8(msg.raw(), hl7v2::charset_from_msh18(msg.charset_name()),
                                  hl7v2::invalid_bytes::strict, scratch_.decoded);
    if (r) return {};
    hl7v2::error e = r.error();
    e.segment = 0;
    e.field = 0;
    return e;
  }

  options opt_;
  walker walker_;
  named_scratch scratch_;
  detail::emit_buffer buffer_;
  std::unique_ptr<detail::grouped_writer, detail::grouped_writer_delete>
      grouped_;  // by the first grouped message
};

}  // namespace hl7v2::json

#if HL7V2_DEFINE_BODIES
#include "hl7v2/json/grouped.hpp"

namespace hl7v2::json {

HL7V2_COMPILED_INLINE void detail::grouped_writer_delete::operator()(grouped_writer* g) const noexcept {
  delete g;
}

HL7V2_COMPILED_INLINE hl7v2::error converter::render(const hl7v2::message& msg,
                                                     std::string_view extra_members) {
  buffer_.clear();
  hl7v2::error err{};
  if (opt_.layout == layout::grouped) {
    // A structure the version does not know, or one the message does not match: the named layout.
    const defs::version_def* version = walker_.version_of(msg);
    if (const defs::structure_def* structure = walker::structure_of(msg, *version); structure != nullptr) {
      if (!grouped_) grouped_.reset(new detail::grouped_writer);
      if (grouped_->render(walker_, msg, *structure,
                           named_options{opt_.typed, opt_.upper_keys, opt_.format, opt_.bytes}, scratch_,
                           buffer_, extra_members, err))
        return err;
      buffer_.clear();
    }
  }
  if (opt_.layout == layout::positional) {
    positional_emitter<detail::emit_buffer> e{buffer_, scratch_.utf8, extra_members};
    walker_.walk(msg, e);
    if (e.latin1_bytes() && opt_.bytes == hl7v2::invalid_bytes::strict) err = strict_check(msg);
  } else {
    named_emitter<detail::emit_buffer> e{buffer_,
                                         named_options{opt_.typed, opt_.upper_keys, opt_.format, opt_.bytes},
                                         scratch_, extra_members};
    walker_.walk(msg, e);
    err = e.error();
  }
  return err;
}

}  // namespace hl7v2::json
#endif
