// fmt::formatter specializations for hl7v2's public types, for programs that use fmt (9 or later).
// Optional: nothing else in hl7v2 includes this header, and neither hl7v2::core nor hl7v2::hl7v2
// depends on fmt; link hl7v2::fmt (CMake) or use `pkg-config hl7v2-fmt`, which add fmt.
//
//   fmt::print("{}\n", err);        // "bad_segment_id (segment id is not three letters or digits) at byte
//   12, segment 2" fmt::print("{}\n", e.code);     // "bad_segment_id": codes print their stable name
//   fmt::print("{}\n", d);          // "error required_missing PID-3: required value missing; expected
//   required (segment 2, byte 40)" fmt::print("{}\n", d.where);    // "OBX(2)-5-1": locations and paths print
//   their path fmt::print("{}\n", f);          // "error frame #3 at byte 120, line 4: missing_msh (...)"
//   fmt::print("{:>8}|\n", msg.find("PID")[3][1][1]);  // a view prints its raw ER7 text
//
// What they print:
// - codes (errc, validate::code, validate::severity, defs::profile_errc, mllp::event_kind): the
//   stable name;
// - hl7v2::error: name, description and position; defs::profile_error: its to_string();
// - hl7v2::path: its canonical spelling ("PID(2)-3(1)-1", occurrence 1 left out);
//   validate::location: its path; validate::diagnostic: severity, code, path, description,
//   expectation and position, as `hl7v2 validate` prints a finding;
// - hl7v2::frame: kind, index, byte offset, line and, when it has one, its error; mllp::event: kind,
//   index, stream offset and size. Never their bytes.
// - the views (segment, field, repetition, component, subcomponent): their raw ER7 text, still
//   escaped, byte for byte.
// Errors, diagnostics, frames and events never print message data, so their text is safe to log.
// The views are the message: their text is patient data, to be written only where the message
// itself may go.
//
// Every formatter takes the string format specs (fill, alignment, width, precision: "{:<20}").
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>

#include "hl7v2/defs/profile_error.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/frame.hpp"
#include "hl7v2/message.hpp"
#include "hl7v2/mllp.hpp"
#include "hl7v2/path.hpp"
#include "hl7v2/validate/diagnostic.hpp"

namespace hl7v2::detail {

// A formatter that writes text with the string format specs.
struct text_formatter : fmt::formatter<fmt::string_view> {
  template <class FormatContext>
  auto write(std::string_view text, FormatContext& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(text.data(), text.size()), ctx);
  }
};

// A fmt buffer as the sink write_path() and write_expectation() append to.
struct fmt_buffer_sink {
  fmt::memory_buffer& out;
  void append(const char* p, std::size_t n) { out.append(p, p + n); }
  void push_back(char c) { out.push_back(c); }
};

// Codes print their stable name.
template <class Code>
struct code_formatter : text_formatter {
  template <class FormatContext>
  auto format(Code c, FormatContext& ctx) const {
    return write(name(c), ctx);
  }
};

// Views print their raw ER7 text.
template <class View>
struct view_formatter : text_formatter {
  template <class FormatContext>
  auto format(const View& v, FormatContext& ctx) const {
    return write(v.raw(), ctx);
  }
};

inline void format_error(const hl7v2::error& e, fmt::memory_buffer& out) {
  fmt::format_to(std::back_inserter(out), "{} ({}) at byte {}", name(e.code), describe(e.code), e.offset);
  if (e.segment != 0) fmt::format_to(std::back_inserter(out), ", segment {}", e.segment);
  if (e.field != 0) fmt::format_to(std::back_inserter(out), ", field {}", e.field);
}

inline void format_path(const hl7v2::path& p, fmt::memory_buffer& out) {
  const auto it = std::back_inserter(out);
  fmt::format_to(it, "{}", p.segment_id);
  if (p.occurrence != 1) fmt::format_to(it, "({})", p.occurrence);
  if (p.field == 0) return;
  fmt::format_to(it, "-{}", p.field);
  if (p.repetition != 0) fmt::format_to(it, "({})", p.repetition);
  if (p.component == 0) return;
  fmt::format_to(it, "-{}", p.component);
  if (p.subcomponent != 0) fmt::format_to(it, "-{}", p.subcomponent);
}

constexpr std::string_view frame_kind_name(frame_kind k) noexcept {
  switch (k) {
    case frame_kind::message:
      return "message";
    case frame_kind::error:
      return "error";
    case frame_kind::batch_header:
      return "batch_header";
    case frame_kind::batch_trailer:
      return "batch_trailer";
  }
  return "unknown";
}

// The frame's place, never its text: "error frame #3 at byte 120, line 4: <its error>".
inline void format_frame(const hl7v2::frame& f, fmt::memory_buffer& out) {
  fmt::format_to(std::back_inserter(out), "{} frame #{} at byte {}, line {}", frame_kind_name(f.kind),
                 f.message_index, f.offset, f.line);
  if (f.err.code != errc::ok) {
    out.append(std::string_view(": "));
    format_error(f.err, out);
  }
}

inline void format_diagnostic(const validate::diagnostic& d, fmt::memory_buffer& out) {
  fmt_buffer_sink sink{out};
  fmt::format_to(std::back_inserter(out), "{} {} ", name(d.severity), name(d.code));
  d.where.write_path(sink);
  fmt::format_to(std::back_inserter(out), ": {}", describe(d.code));
  if (d.expect != validate::expectation::none) {
    sink.append("; expected ", 11);
    d.write_expectation(sink);
  }
  if (d.where.segment_index != 0) {
    fmt::format_to(std::back_inserter(out), " (segment {}, byte {})", d.where.segment_index, d.where.offset);
  }
}

}  // namespace hl7v2::detail

template <>
struct fmt::formatter<hl7v2::errc> : hl7v2::detail::code_formatter<hl7v2::errc> {};
template <>
struct fmt::formatter<hl7v2::validate::code> : hl7v2::detail::code_formatter<hl7v2::validate::code> {};
template <>
struct fmt::formatter<hl7v2::validate::severity> : hl7v2::detail::code_formatter<hl7v2::validate::severity> {
};
template <>
struct fmt::formatter<hl7v2::defs::profile_errc> : hl7v2::detail::code_formatter<hl7v2::defs::profile_errc> {
};

template <>
struct fmt::formatter<hl7v2::mllp::event_kind> : hl7v2::detail::code_formatter<hl7v2::mllp::event_kind> {};

template <>
struct fmt::formatter<hl7v2::segment> : hl7v2::detail::view_formatter<hl7v2::segment> {};
template <>
struct fmt::formatter<hl7v2::field> : hl7v2::detail::view_formatter<hl7v2::field> {};
template <>
struct fmt::formatter<hl7v2::repetition> : hl7v2::detail::view_formatter<hl7v2::repetition> {};
template <>
struct fmt::formatter<hl7v2::component> : hl7v2::detail::view_formatter<hl7v2::component> {};
template <>
struct fmt::formatter<hl7v2::subcomponent> : hl7v2::detail::view_formatter<hl7v2::subcomponent> {};

// "bad_segment_id (segment id is not three letters or digits) at byte 12, segment 2, field 3": the
// segment and field when known.
template <>
struct fmt::formatter<hl7v2::error> : hl7v2::detail::text_formatter {
  template <class FormatContext>
  auto format(const hl7v2::error& e, FormatContext& ctx) const {
    fmt::memory_buffer text;
    hl7v2::detail::format_error(e, text);
    return write({text.data(), text.size()}, ctx);
  }
};

// "segments.ZPI.fields[2].type: unknown data type: XYZ"
template <>
struct fmt::formatter<hl7v2::defs::profile_error> : hl7v2::detail::text_formatter {
  template <class FormatContext>
  auto format(const hl7v2::defs::profile_error& e, FormatContext& ctx) const {
    return write(e.to_string(), ctx);
  }
};

// "PID(2)-3(1)-1-2"
template <>
struct fmt::formatter<hl7v2::path> : hl7v2::detail::text_formatter {
  template <class FormatContext>
  auto format(const hl7v2::path& p, FormatContext& ctx) const {
    fmt::memory_buffer text;
    hl7v2::detail::format_path(p, text);
    return write({text.data(), text.size()}, ctx);
  }
};

// "error frame #3 at byte 120, line 4: missing_msh (...) at byte 120"
template <>
struct fmt::formatter<hl7v2::frame> : hl7v2::detail::text_formatter {
  template <class FormatContext>
  auto format(const hl7v2::frame& f, FormatContext& ctx) const {
    fmt::memory_buffer text;
    hl7v2::detail::format_frame(f, text);
    return write({text.data(), text.size()}, ctx);
  }
};

// "oversize frame #7 at byte 1048600, 2097152 bytes" (junk: "junk before frame #7 ...")
template <>
struct fmt::formatter<hl7v2::mllp::event> : hl7v2::detail::text_formatter {
  template <class FormatContext>
  auto format(const hl7v2::mllp::event& e, FormatContext& ctx) const {
    fmt::memory_buffer text;
    if (e.kind == hl7v2::mllp::event_kind::junk) {
      fmt::format_to(std::back_inserter(text), "junk before frame #{} at byte {}, {} bytes", e.index,
                     e.offset, e.size);
    } else {
      fmt::format_to(std::back_inserter(text), "{} frame #{} at byte {}, {} bytes", name(e.kind), e.index,
                     e.offset, e.size);
    }
    return write({text.data(), text.size()}, ctx);
  }
};

// "OBX(2)-5-1"
template <>
struct fmt::formatter<hl7v2::validate::location> : hl7v2::detail::text_formatter {
  template <class FormatContext>
  auto format(const hl7v2::validate::location& where, FormatContext& ctx) const {
    fmt::memory_buffer text;
    hl7v2::detail::fmt_buffer_sink sink{text};
    where.write_path(sink);
    return write({text.data(), text.size()}, ctx);
  }
};

// "error not_in_table PV1-2: value not in table; expected table 0004 (segment 3, byte 58)": the
// segment and its byte offset in the message when the finding has a segment.
template <>
struct fmt::formatter<hl7v2::validate::diagnostic> : hl7v2::detail::text_formatter {
  template <class FormatContext>
  auto format(const hl7v2::validate::diagnostic& d, FormatContext& ctx) const {
    fmt::memory_buffer text;
    hl7v2::detail::format_diagnostic(d, text);
    return write({text.data(), text.size()}, ctx);
  }
};
