// `hl7v2 lake listen`: an MLLP receiver that acknowledges a message only once it is on disk (see
// live_log.hpp), converts what it stored into the lake like `lake ingest`, recognizes resent messages
// by their SHA-256, and survives SIGKILL and power loss.
#pragma once

#include <cstddef>
#include <string>

namespace hl7v2::cli::lake {

struct listen_options {
  std::string lake;
  std::string bind = "127.0.0.1";
  int port = -1;
  std::string port_file;
  std::string tls_cert, tls_key, tls_client_ca;
  unsigned max_connections = 256;
  std::size_t max_message_bytes = 8u << 20;
  unsigned idle_timeout = 300;  // seconds without a byte from the peer (and for a write to make progress)
  bool strict = false;
  std::string default_version, profile_path;
  std::string format = "named";
  bool typed = false;
  unsigned jobs = 1;
  bool fsync = true;
  std::size_t dedupe_window = 262144;  // recent messages remembered for duplicate detection
};

// Runs until SIGTERM or SIGINT. Exit status: 0 after a clean stop, 2 when it cannot start.
int run_listen(const listen_options& options);

}  // namespace hl7v2::cli::lake
