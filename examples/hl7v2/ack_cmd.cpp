#include "ack_cmd.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "acknowledge.hpp"
#include "converter_setup.hpp"
#include "engine.hpp"
#include "io.hpp"
#include "records.hpp"

namespace hl7v2::cli {

int run_ack(const ack_cmd_options& o) {
  converter_setup setup;
  if (const std::string problem = setup.configure("named", false, false, o.default_version, o.profile_path);
      !problem.empty()) {
    fmt::print(stderr, "hl7v2 ack: {}\n", problem);
    return 2;
  }
  const std::string timestamp = o.timestamp.empty() ? local_timestamp() : o.timestamp;
  // On a terminal, segments end with CR LF so that each shows on its own line; elsewhere exact ER7 (CR).
  const bool tty = ::isatty(1) == 1 && !o.mllp && !o.code_only;
  acknowledger acks(setup.options(), /*validate=*/true);
  validate::ack_options ack_opts;
  ack_opts.timestamp = timestamp;
  buffered_output out(1), errors(2);
  parser p;
  std::string ack, scratch;
  std::size_t not_accepted = 0;
  bool io_error = false;
  for (const std::string& path : inputs_or_stdin(o.inputs)) {
    stream_framer framer;
    auto cannot_ack = [&](const frame& f, std::size_t index, hl7v2::error e, bool batch) {
      error_record r;
      r.source = path;
      r.message_index = index;
      r.batch_trailer = batch;
      r.byte_offset = f.offset;
      r.byte_length = f.text.size();
      r.line = f.line;
      r.err = e;
      string_sink s(errors.buffer());
      write_error_record(r, s, /*with_text=*/false, scratch);
      errors.maybe_flush();
      ++not_accepted;
    };
    auto on_frame = [&](const frame& f) {
      if (f.kind == frame_kind::batch_trailer && f.err.code != errc::ok)
        return cannot_ack(f, f.message_index, f.err, true);
      if (f.kind != frame_kind::message && f.kind != frame_kind::error) return;
      const std::size_t index = f.message_index;
      if (f.kind == frame_kind::error) return cannot_ack(f, index, f.err, false);
      auto msg = p.parse(f.text);
      if (!msg) {
        hl7v2::error e = msg.error();
        e.offset += f.offset;
        return cannot_ack(f, index, e, false);
      }
      const validate::ack_code code = acks.decide(*msg);
      ack.clear();
      const auto status = acks.write(*msg, code, ack_opts, ack);
      if (code != validate::ack_code::accept) ++not_accepted;
      if (status != validate::ack_status::written) return;
      std::string& b = out.buffer();
      if (o.code_only) {
        const std::string_view msa1 = msa1_of(ack);
        for (const char c : path) b.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
        b.push_back('\t');
        append_uint(b, index);
        b.push_back('\t');
        b.append(msa1);
        b.push_back('\n');
      } else if (o.mllp) {
        b.push_back('\x0b');
        b.append(ack);
        b.append("\x1c\r");
      } else if (tty) {
        for (const char c : ack) {
          b.push_back(c);
          if (c == '\r') b.push_back('\n');
        }
        b.push_back('\n');
      } else {
        b.append(ack);
        b.push_back('\n');
      }
      out.maybe_flush();
    };
    if (const int e = frame_input(path, framer, on_frame)) {
      fmt::print(stderr, "hl7v2 ack: {}: {}\n", path, os_reason(e));
      io_error = true;
    }
  }
  if (!out.flush() || !errors.flush()) io_error = true;
  if (io_error) return 2;
  return not_accepted != 0 ? 1 : 0;
}

}  // namespace hl7v2::cli
