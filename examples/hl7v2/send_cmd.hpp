// `hl7v2 send`: an MLLP client. Sends each message of the inputs, waits for its ACK, checks that the
// ACK answers it (MSA-2 equals the message's MSH-10), and retries with backoff when the ACK does not
// come (timeout) or the connection drops.
#pragma once

#include <string>
#include <vector>

namespace hl7v2::cli {

struct send_options {
  std::string host = "127.0.0.1";
  int port = -1;
  std::string tls_ca, tls_cert, tls_key;
  bool tls = false;      // TLS even without --tls-ca (then the system's CAs)
  double timeout = 10;   // seconds to wait for an ACK (and to connect)
  unsigned retries = 3;  // further attempts after a timeout or a dropped connection
  bool json = false;     // one record per message on stdout
  std::vector<std::string> inputs;
};

// Exit status: 0 every message got AA or CA, 1 some got another code or no valid ACK, 2 usage or I/O
// error.
int run_send(const send_options& options);

}  // namespace hl7v2::cli
