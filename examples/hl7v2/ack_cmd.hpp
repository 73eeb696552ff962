// `hl7v2 ack`: the acknowledgement a receiver would send for each message (see acknowledge.hpp).
#pragma once

#include <string>
#include <vector>

namespace hl7v2::cli {

struct ack_cmd_options {
  std::string default_version;
  std::string profile_path;
  std::string timestamp;   // MSH-7 of the ACKs; empty: the local time now
  bool code_only = false;  // one line per ACK: source, message index, MSA-1
  bool mllp = false;       // wrap each ACK in MLLP framing (0x0B ... 0x1C 0x0D)
  std::vector<std::string> inputs;
};

// ACKs on stdout; messages that cannot be acknowledged (unframeable, unparseable) as error records on
// stderr. Exit status: 0 every message accepted (AA/CA, or no ACK wanted), 1 some ACK is an error or
// reject or some message could not be acknowledged, 2 usage or I/O error.
int run_ack(const ack_cmd_options& options);

}  // namespace hl7v2::cli
