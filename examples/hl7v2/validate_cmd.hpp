// `hl7v2 validate`: check messages against the definitions of their version.
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

}  // namespace hl7v2::cli
