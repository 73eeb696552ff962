// One call from a parsed message to JSON, for host programs (the CLI, the data lake):
//
//   hl7v2::json::converter conv{{.layout = hl7v2::json::layout::named, .typed = true}};
//   std::string line;                                   // reused: no allocation once warm
//   for (...) { line.clear(); auto n = conv.write(msg, line); if (!n) report(n.error()); ... }
//
// and back: er7_from_json (reader.hpp) turns one JSON object of either layout into ER7.
// The layouts are described in named.hpp and positional.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "hl7v2/charset.hpp"
#include "hl7v2/defs/profile.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/json/named.hpp"
#include "hl7v2/json/positional.hpp"
#include "hl7v2/json/reader.hpp"
#include "hl7v2/json/walk.hpp"
#include "hl7v2/json/writer.hpp"
#include "hl7v2/message.hpp"

namespace hl7v2::json {

enum class layout : std::uint8_t { named, positional };

struct options {
  json::layout layout = layout::named;
  bool typed = false;       // named only: NM → number, SI → integer, DT/DTM/TS → ISO 8601
  bool upper_keys = false;  // named only: "PID", "PATIENT_NAME" (hl7apy style)
  const defs::version_def* default_version = nullptr;  // used when MSH-12 is empty/unknown; nullptr → 2.5.1
  const defs::profile* profile = nullptr;  // site definitions (may be null): when set, every message is
                                           // read with profile->version(), whatever its MSH-12 says
  hl7v2::formatting format = hl7v2::formatting::map;
  hl7v2::invalid_bytes bytes = hl7v2::invalid_bytes::replace;
};

// Reusable: owns the scratch buffers and the per-structure caches. Not thread-safe: one per thread.
class converter {
 public:
  explicit converter(options opts = {})
      : opt_(opts),
        walker_(walk_options{opts.default_version, opts.profile != nullptr ? &opts.profile->version() : nullptr}) {}

  const options& settings() const noexcept { return opt_; }

  // Appends one JSON object for `msg` to `out` (no newline) and returns the bytes appended.
  // `extra_members`, if not empty, is raw JSON text of members ("\"_source\":{...}") placed first
  // inside the object. On error nothing is appended (std::string and string_sink are rolled back;
  // other sinks receive the object only once it is complete); a sink that fails (fixed_sink overflow,
  // I/O) is reported with its status.
  template <class Sink>
  hl7v2::result<std::size_t> write(const hl7v2::message& msg, Sink& out, std::string_view extra_members = {}) {
    if constexpr (std::is_same_v<Sink, std::string>) {
      return write_to_string(msg, out, extra_members);
    } else if constexpr (std::is_same_v<Sink, hl7v2::string_sink>) {
      return write_to_string(msg, out.str(), extra_members);
    } else {
      buffer_.clear();
      const hl7v2::result<std::size_t> r = write_to_string(msg, buffer_, extra_members);
      if (!r) return r;
      out.append(buffer_.data(), buffer_.size());
      if constexpr (requires { out.status(); }) {
        if (out.status() != errc::ok) return hl7v2::error{out.status(), 0, 0, 0};
      }
      return r;
    }
  }

 private:
  hl7v2::result<std::size_t> write_to_string(const hl7v2::message& msg, std::string& out, std::string_view extra) {
    const std::size_t start = out.size();
    hl7v2::error err{};
    if (opt_.layout == layout::positional) {
      positional_emitter<std::string> e{out, scratch_.utf8, extra};
      walker_.walk(msg, e);
      if (e.latin1_bytes() && opt_.bytes == hl7v2::invalid_bytes::strict) err = strict_check(msg);
    } else {
      named_emitter<std::string> e{out, named_options{opt_.typed, opt_.upper_keys, opt_.format, opt_.bytes}, scratch_,
                                   extra};
      walker_.walk(msg, e);
      err = e.error();
    }
    if (err.code != errc::ok) {
      out.resize(start);
      return err;
    }
    return out.size() - start;
  }

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
  std::string buffer_;
};

}  // namespace hl7v2::json
