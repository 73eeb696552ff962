#include "send_cmd.hpp"

#include <poll.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>

#include "hl7v2/fmt.hpp"

#include "engine.hpp"
#include "hl7v2/mllp.hpp"
#include "io.hpp"
#include "net/stream.hpp"
#include "records.hpp"

namespace hl7v2::cli {
namespace {

enum class outcome { accepted, error, rejected, failed, skipped };

constexpr const char* outcome_name(outcome o) {
  switch (o) {
    case outcome::accepted:
      return "accepted";
    case outcome::error:
      return "error";
    case outcome::rejected:
      return "rejected";
    case outcome::failed:
      return "failed";
    case outcome::skipped:
      return "skipped";
  }
  return "failed";
}

// One connection to the receiver, made again after it drops or an ACK does not come.
class client {
 public:
  client(const send_options& o, const net::tls_context& tls) : o_(o), tls_(tls) {}

  // Sends one message and waits for its ACK: the ACK's content, or why there is none ("timeout",
  // "closed", ...). Drops the connection on any failure, so a late ACK never answers the next message.
  bool exchange(std::string_view framed, std::string& ack, std::string& why) {
    if (!s_.is_open() && !connect(why)) return false;
    if (s_.write_all(framed) != net::io_status::ok) {
      why = "connection dropped while sending";
      s_.close();
      return false;
    }
    bool got = false;
    session_.reset();
    const auto deadline = std::chrono::steady_clock::now() + timeout();
    char buf[8192];
    while (!got) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        why = "no ACK within the timeout";
        break;
      }
      s_.set_timeouts(static_cast<int>(left.count()) + 1, static_cast<int>(timeout().count()));
      std::size_t n = 0;
      const net::io_status r = s_.read_some(buf, sizeof buf, n);
      if (r == net::io_status::timeout) continue;
      if (r != net::io_status::ok) {
        why = "connection closed before the ACK";
        break;
      }
      session_.feed(std::string_view(buf, n), [&](const mllp::event& e) {
        if (e.kind == mllp::event_kind::message && !got) {
          ack.assign(e.content);
          got = true;
        }
      });
    }
    if (!got) s_.close();
    return got;
  }
  void drop() { s_.close(); }

 private:
  std::chrono::milliseconds timeout() const {
    return std::chrono::milliseconds(static_cast<long long>(o_.timeout * 1000));
  }
  bool connect(std::string& why) {
    const int fd = net::connect_to(o_.host, o_.port, static_cast<int>(timeout().count()), why);
    if (fd < 0) return false;
    s_ = net::stream(fd);
    s_.set_timeouts(static_cast<int>(timeout().count()), static_cast<int>(timeout().count()));
    if (tls_.enabled() && !s_.tls_connect(tls_, o_.host, why)) {
      why = "TLS: " + why;
      s_.close();
      return false;
    }
    return true;
  }

  const send_options& o_;
  const net::tls_context& tls_;
  net::stream s_;
  mllp::session session_{{16u << 20, 0}};
};

}  // namespace

int run_send(const send_options& o) {
  if (o.port <= 0 || o.port > 65535) {
    fmt::print(stderr, "hl7v2 send: --port must be 1..65535\n");
    return 2;
  }
  net::tls_context tls;
  if (o.tls || !o.tls_ca.empty() || !o.tls_cert.empty()) {
    if (o.tls_cert.empty() != o.tls_key.empty()) {
      fmt::print(stderr, "hl7v2 send: --tls-cert and --tls-key go together\n");
      return 2;
    }
    if (const std::string why = tls.make_client(o.tls_ca, o.tls_cert, o.tls_key); !why.empty()) {
      fmt::print(stderr, "hl7v2 send: {}\n", why);
      return 2;
    }
  }
  client c(o, tls);
  buffered_output out(1);
  std::string framed, ack, why, scratch, text;
  std::size_t counts[5] = {};
  bool io_error = false;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& path : inputs_or_stdin(o.inputs)) {
    stream_framer framer;
    std::size_t index = 0;
    auto on_frame = [&](const frame& f) {
      if (f.kind != frame_kind::message && f.kind != frame_kind::error) return;  // batch envelopes
      const std::size_t i = index++;
      outcome result = outcome::failed;
      std::string_view code;
      unsigned attempts = 0;
      std::size_t control_offset = 0;
      if (f.kind == frame_kind::error) {
        result = outcome::skipped;  // not a message: nothing to send
        fmt::print(stderr, "hl7v2 send: {} #{}: not sent: {} (byte {})\n", path, i, f.err.code, f.offset);
      } else {
        // Segments end with CR on the wire; an LF-terminated input is converted.
        text.assign(f.text);
        if (text.find('\r') == std::string::npos) {
          for (char& ch : text) ch = ch == '\n' ? '\r' : ch;
        }
        const std::string_view control = mllp::header_field(text, 10);
        control_offset =
            control.empty() ? 0 : f.offset + static_cast<std::size_t>(control.data() - text.data());
        framed.clear();
        mllp::write_frame(text, framed);
        why.clear();
        for (unsigned attempt = 0; attempt <= o.retries; ++attempt) {
          if (attempt != 0) {
            const auto backoff = std::chrono::milliseconds(std::min(5000, 200 << std::min(attempt - 1, 5u)));
            std::this_thread::sleep_for(backoff);
          }
          ++attempts;
          if (!c.exchange(framed, ack, why)) continue;
          if (mllp::field_of(ack, "MSA", 2) != control) {
            why = "the ACK answers another message (MSA-2 differs from MSH-10)";
            c.drop();
            continue;
          }
          code = mllp::field_of(ack, "MSA", 1);
          result = code == "AA" || code == "CA"   ? outcome::accepted
                   : code == "AE" || code == "CE" ? outcome::error
                   : code == "AR" || code == "CR" ? outcome::rejected
                                                  : outcome::failed;
          if (result == outcome::failed) why = "the ACK has no MSA-1 code";
          break;
        }
        if (result == outcome::failed)
          fmt::print(stderr, "hl7v2 send: {} #{}: no valid ACK after {} attempts: {}\n", path, i, attempts,
                     why);
      }
      ++counts[static_cast<int>(result)];
      if (o.json) {
        std::string& b = out.buffer();
        append_raw(b, "{\"source\":");
        write_json_bytes(path, b, scratch);
        append_raw(b, ",\"message_index\":");
        append_uint(b, i);
        append_raw(b, ",\"byte_offset\":");
        append_uint(b, f.offset);
        append_raw(b, ",\"control_id_offset\":");
        append_uint(b, control_offset);
        append_raw(b, ",\"result\":\"");
        append_raw(b, outcome_name(result));
        append_raw(b, "\",\"ack\":");
        // MSA-1 is a code from HL7 table 0008; anything else is not echoed.
        const bool known =
            code == "AA" || code == "AE" || code == "AR" || code == "CA" || code == "CE" || code == "CR";
        if (known) {
          b.push_back('"');
          append_raw(b, code);
          b.push_back('"');
        } else {
          append_raw(b, "null");
        }
        append_raw(b, ",\"attempts\":");
        append_uint(b, attempts);
        append_raw(b, "}\n");
        out.maybe_flush();
      }
    };
    if (const int e = frame_input(path, framer, on_frame)) {
      fmt::print(stderr, "hl7v2 send: {}: {}\n", path, os_reason(e));
      io_error = true;
    }
  }
  if (!out.flush()) io_error = true;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::size_t total = counts[0] + counts[1] + counts[2] + counts[3];
  fmt::print(stderr,
             "hl7v2 send: {} messages: {} accepted (AA/CA), {} errors (AE/CE), {} rejected (AR/CR), "
             "{} without a valid ACK; {} pieces not sent; {:.2f} s\n",
             total, counts[0], counts[1], counts[2], counts[3], counts[4], secs);
  if (io_error) return 2;
  return total == counts[0] && counts[4] == 0 ? 0 : 1;
}

}  // namespace hl7v2::cli
