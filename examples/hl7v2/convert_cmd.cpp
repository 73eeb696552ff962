#include "convert_cmd.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "converter_setup.hpp"
#include "engine.hpp"
#include "io.hpp"
#include "records.hpp"

namespace hl7v2::cli {
namespace {

using output = buffered_output;

struct counters {
  std::size_t converted = 0;
  std::size_t failed = 0;
  bool io_error = false;
};

void report(output& errors, const error_record& r, std::string& scratch, counters& c) {
  string_sink sink(errors.buffer());
  write_error_record(r, sink, /*with_text=*/false, scratch);
  errors.maybe_flush();
  ++c.failed;
}

// ER7 → NDJSON for one input.
void convert_er7(const std::string& path, json::converter& conv, output& out, output& errors, counters& c) {
  parser p;
  stream_framer framer;
  std::string scratch;
  const std::string_view source = path;
  auto on_frame = [&](const frame& f) {
    if (f.kind == frame_kind::batch_trailer && f.err.code != errc::ok) {
      // A BTS/FTS count that disagrees with the messages found: messages may have been lost upstream.
      error_record r;
      r.source = source;
      r.batch_trailer = true;
      r.message_index = f.message_index;  // messages (and unframeable pieces) before the trailer
      r.byte_offset = f.offset;
      r.byte_length = f.text.size();
      r.line = f.line;
      r.err = f.err;
      report(errors, r, scratch, c);
      return;
    }
    if (f.kind != frame_kind::message && f.kind != frame_kind::error) return;  // batch envelopes
    error_record r;
    r.source = source;
    r.message_index = f.message_index;
    r.byte_offset = f.offset;
    r.byte_length = f.text.size();
    r.line = f.line;
    if (f.kind == frame_kind::error) {
      r.err = f.err;
      report(errors, r, scratch, c);
      return;
    }
    auto msg = p.parse(f.text);
    if (!msg) {
      r.err = msg.error();
      r.err.offset += f.offset;
      report(errors, r, scratch, c);
      return;
    }
    std::string& buf = out.buffer();
    string_sink sink(buf);
    auto written = conv.write(*msg, sink);  // appends the whole object or, on error, nothing
    if (!written) {
      r.err = written.error();
      r.err.offset += f.offset;
      report(errors, r, scratch, c);
      return;
    }
    buf.push_back('\n');
    ++c.converted;
    out.maybe_flush();
  };
  const int e = for_each_chunk(path, [&](std::string_view chunk) { framer.feed(chunk, on_frame); });
  framer.finish(on_frame);
  if (e != 0) {
    fmt::print(stderr, "hl7v2 convert: {}: {}\n", path, os_reason(e));
    c.io_error = true;
  }
}

// JSON lines → ER7 for one input. Lines are cut from the chunks with a carry buffer bounded by the
// size limit, so a runaway line cannot exhaust memory.
#ifdef HL7V2_CLI_HAS_JSON_READER
void convert_json(const std::string& path, output& out, output& errors, counters& c) {
  constexpr std::size_t max_line = 64u << 20;
  json::er7_from_json back;
  std::string carry;
  std::string scratch;
  std::size_t line_start = 0;  // absolute offset of carry[0]
  std::size_t index = 0;
  bool skipping = false;  // inside an oversized line
  auto one_line = [&](std::string_view line, std::size_t at) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    std::size_t lead = 0;
    while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
    if (lead == line.size()) return;
    error_record r;
    r.source = path;
    r.message_index = index++;
    r.byte_offset = at;
    r.byte_length = line.size();
    std::string& buf = out.buffer();
    const std::size_t mark = buf.size();
    auto done = back.convert(line, buf);
    if (!done) {
      buf.resize(mark);
      r.err = done.error();
      r.err.offset += at;
      report(errors, r, scratch, c);
      return;
    }
    if (buf.size() > mark && buf.back() != '\r' && buf.back() != '\n') buf.push_back('\r');
    ++c.converted;
    out.maybe_flush();
  };
  std::size_t consumed = 0;  // bytes before the current chunk
  auto on_chunk_abs = [&](std::string_view chunk) {
    std::size_t pos = 0;
    while (pos < chunk.size()) {
      const std::size_t nl = chunk.find('\n', pos);
      const std::size_t end = nl == std::string_view::npos ? chunk.size() : nl;
      if (!skipping) {
        if (carry.size() + (end - pos) > max_line) {
          error_record r;
          r.source = path;
          r.message_index = index++;
          r.byte_offset = line_start;
          r.err = hl7v2::error{errc::message_too_large, line_start, 0, 0};
          report(errors, r, scratch, c);
          carry.clear();
          skipping = true;
        } else {
          carry.append(chunk.substr(pos, end - pos));
        }
      }
      if (nl == std::string_view::npos) break;
      if (!skipping) one_line(carry, line_start);
      skipping = false;
      carry.clear();
      pos = nl + 1;
      line_start = consumed + pos;
    }
    consumed += chunk.size();
  };
  const int e = for_each_chunk(path, on_chunk_abs);
  if (!skipping && !carry.empty()) one_line(carry, line_start);
  if (e != 0) {
    fmt::print(stderr, "hl7v2 convert: {}: {}\n", path, os_reason(e));
    c.io_error = true;
  }
}
#endif

}  // namespace

int run_convert(const convert_options& o) {
  int errors_fd = 2;
  if (!o.errors_path.empty()) {
    errors_fd = ::open(o.errors_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (errors_fd < 0) {
      fmt::print(stderr, "hl7v2 convert: --errors {}: {}\n", o.errors_path, os_reason(errno));
      return 2;
    }
  }
  counters c;
  {
    output out(1);
    output errors(errors_fd);
    const std::vector<std::string> inputs = o.inputs.empty() ? std::vector<std::string>{"-"} : o.inputs;
    if (o.from == "json") {
#ifdef HL7V2_CLI_HAS_JSON_READER
      for (const auto& in : inputs) convert_json(in, out, errors, c);
#else
      fmt::print(stderr, "hl7v2 convert: --from json is not available in this build (no json/reader.hpp)\n");
      return 2;
#endif
    } else {
      converter_setup setup;
      if (const std::string problem =
              setup.configure(o.format, o.typed, o.upper_keys, o.default_version, o.profile_path);
          !problem.empty()) {
        fmt::print(stderr, "hl7v2 convert: {}\n", problem);
        if (errors_fd != 2) ::close(errors_fd);
        return 2;
      }
      json::converter conv(setup.options());
      for (const auto& in : inputs) convert_er7(in, conv, out, errors, c);
    }
    if (!out.flush()) {
      fmt::print(stderr, "hl7v2 convert: writing the output failed: {}\n", os_reason(errno));
      c.io_error = true;
    }
    if (!errors.flush()) c.io_error = true;
  }
  if (errors_fd != 2) ::close(errors_fd);
  if (c.io_error) return 2;
  return c.failed != 0 ? 1 : 0;
}

}  // namespace hl7v2::cli
