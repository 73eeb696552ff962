#include "validate_cmd.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "hl7v2/fmt.hpp"

#include "converter_setup.hpp"
#include "engine.hpp"
#include "io.hpp"
#include "records.hpp"
#include "validation.hpp"

namespace hl7v2::cli {
namespace {

// Where a finding is, for both output forms: the message and, within the input, the byte where the
// segment (or the framing/parse error) is.
struct finding_place {
  std::string_view source;
  std::size_t message_index = 0;
  std::size_t message_offset = 0;  // where the message starts in the input
  bool batch_trailer = false;      // a BTS/FTS count error: message_index is the messages before it
};

class diagnostic_printer {
 public:
  diagnostic_printer(buffered_output& out, bool json) : out_(out), json_(json) {}

  void diagnostic(const finding_place& at, const validate::diagnostic& d) {
    std::string& b = out_.buffer();
    string_sink s(b);
    const std::size_t offset = at.message_offset + d.where.offset;
    if (json_) {
      begin_json(at, s);
      write_diagnostic_members(d, s, scratch_);
      append_raw(s, ",\"error_offset\":");
      append_uint(s, offset);
      append_raw(s, "}\n");
    } else {
      // The library's own text for a finding (hl7v2/fmt.hpp), its byte counted in the whole input.
      validate::diagnostic shown = d;
      shown.where.offset = offset;
      begin_line(at, s);
      fmt::format_to(std::back_inserter(b), " {}\n", shown);
    }
    out_.maybe_flush();
  }

  // A framing or parse error, or unknown_version: an error with the library's code and position.
  void error(const finding_place& at, const hl7v2::error& e, std::string_view path,
             std::string_view expectation) {
    std::string& b = out_.buffer();
    string_sink s(b);
    if (json_) {
      begin_json(at, s);
      append_raw(s, "\"severity\":\"error\",\"code\":");
      write_json_string(hl7v2::name(e.code), s);
      append_raw(s, ",\"reason\":");
      write_json_string(hl7v2::describe(e.code), s);
      append_raw(s, ",\"path\":");
      write_json_string(path, s);
      append_raw(s, ",\"segment\":");
      append_uint(s, e.segment);
      append_raw(s, ",\"field\":");
      append_uint(s, e.field);
      append_raw(s, ",\"expectation\":");
      write_json_string(expectation, s);
      append_raw(s, ",\"error_offset\":");
      append_uint(s, e.offset);
      append_raw(s, "}\n");
    } else {
      // As a finding reads: "error <code>[ <path>]: <description>[; expected ...] (segment, field, byte)".
      const auto out = std::back_inserter(b);
      begin_line(at, s);
      fmt::format_to(out, " error {}{}{}: {}", e.code, path.empty() ? "" : " ", path, describe(e.code));
      if (!expectation.empty()) fmt::format_to(out, "; expected {}", expectation);
      fmt::format_to(out, " (segment {}, field {}, byte {})\n", e.segment, e.field, e.offset);
    }
    out_.maybe_flush();
  }

 private:
  void begin_json(const finding_place& at, string_sink& s) {
    append_raw(s, "{\"source\":");
    write_json_bytes(at.source, s, scratch_);
    append_raw(s,
               at.batch_trailer ? ",\"kind\":\"batch_trailer\",\"messages_before\":" : ",\"message_index\":");
    append_uint(s, at.message_index);
    append_raw(s, ",\"byte_offset\":");
    append_uint(s, at.message_offset);
    s.push_back(',');
  }
  // "feed.hl7 #3", "feed.hl7 batch trailer (after 12 messages)"
  void begin_line(const finding_place& at, string_sink& s) {
    for (const char c : at.source) s.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);  // names only
    append_raw(s, at.batch_trailer ? " batch trailer (after " : " #");
    append_uint(s, at.message_index);
    if (at.batch_trailer) append_raw(s, " messages)");
  }

  buffered_output& out_;
  bool json_;
  std::string scratch_;
};

}  // namespace

int run_validate(const validate_cmd_options& o) {
  converter_setup setup;
  if (const std::string problem = setup.configure("named", false, false, o.default_version, o.profile_path);
      !problem.empty()) {
    fmt::print(stderr, "hl7v2 validate: {}\n", problem);
    return 2;
  }
  const validate::options checks{};
  buffered_output out(1);
  diagnostic_printer print(out, o.json);
  parser p;
  validate::report rep;
  std::size_t messages = 0, failed_messages = 0, errors = 0, warnings = 0, infos = 0;
  bool io_error = false;
  for (const std::string& path : inputs_or_stdin(o.inputs)) {
    stream_framer framer;
    auto on_frame = [&](const frame& f) {
      if (f.kind == frame_kind::batch_trailer && f.err.code != errc::ok) {
        print.error({path, f.message_index, f.offset, true}, f.err, "", "");  // a batch error: not a message
        ++errors;
        return;
      }
      if (f.kind != frame_kind::message && f.kind != frame_kind::error) return;
      const finding_place at{path, f.message_index, f.offset};
      ++messages;
      if (f.kind == frame_kind::error) {
        print.error(at, f.err, "", "");
        ++errors;
        ++failed_messages;
        return;
      }
      auto msg = p.parse(f.text);
      if (!msg) {
        hl7v2::error e = msg.error();
        e.offset += f.offset;
        print.error(at, e, "", "");
        ++errors;
        ++failed_messages;
        return;
      }
      if (validate_message(*msg, setup.options(), checks, rep) == nullptr) {
        print.error(at, hl7v2::error{errc::unknown_version, f.offset + msg->header().offset(), 1, 12},
                    "MSH-12", "an HL7 v2 version");
        ++errors;
        ++failed_messages;
        return;
      }
      for (const validate::diagnostic& d : rep) print.diagnostic(at, d);
      errors += rep.errors();
      warnings += rep.warnings();
      infos += rep.count(validate::severity::info);
      if (rep.has_errors()) ++failed_messages;
    };
    if (const int e = frame_input(path, framer, on_frame)) {
      fmt::print(stderr, "hl7v2 validate: {}: {}\n", path, os_reason(e));
      io_error = true;
    }
  }
  if (!out.flush()) {
    fmt::print(stderr, "hl7v2 validate: writing the output failed\n");
    io_error = true;
  }
  fmt::print(stderr, "hl7v2 validate: {} messages, {} with errors; {} errors, {} warnings, {} info\n",
             messages, failed_messages, errors, warnings, infos);
  if (io_error) return 2;
  return errors != 0 ? 1 : 0;
}

}  // namespace hl7v2::cli
