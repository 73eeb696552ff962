// `hl7v2 convert`: ER7 in (files or stdin, any framing the framer handles), one JSON object per line
// out; or, with --from json, JSON lines back to ER7.
#pragma once

#include <string>
#include <vector>

namespace hl7v2::cli {

struct convert_options {
  std::string format = "named";  // named | positional
  bool typed = false;
  bool upper_keys = false;
  std::string default_version;  // used when MSH-12 is empty
  std::string profile_path;
  std::string errors_path;   // error records go here instead of stderr
  std::string from = "er7";  // er7 | json
  std::vector<std::string> inputs;
};

// Exit status: 0 all converted, 1 some messages failed (error records written), 2 usage or I/O error.
int run_convert(const convert_options& options);

}  // namespace hl7v2::cli
