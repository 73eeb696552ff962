// `hl7v2 validate` and `hl7v2 ack`: check messages against the definitions of their version, and build
// the acknowledgement a receiver would send for each.
#pragma once

#include <string>
#include <vector>

namespace hl7v2::cli {

struct validate_cmd_options {
  std::string default_version;  // used when MSH-12 is empty
  std::string profile_path;
  bool json = false;  // NDJSON, one diagnostic per line, instead of readable lines
  std::vector<std::string> inputs;
};

// Diagnostics on stdout (never a field value), a summary line on stderr.
// Exit status: 0 no errors (warnings and info allowed), 1 errors found, 2 usage or I/O error.
int run_validate(const validate_cmd_options& options);

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
