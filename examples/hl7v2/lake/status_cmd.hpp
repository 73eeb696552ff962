// `hl7v2 lake status`: what the lake holds, from the manifests (counts per zone, message type,
// version and error code) and a walk of the zone directories (files and bytes).
#pragma once

#include <string>

namespace hl7v2::cli::lake {

struct status_options {
  std::string lake;
  bool json = false;
};

// Exit status: 0, or 2 when the lake cannot be read.
int run_status(const status_options& options);

}  // namespace hl7v2::cli::lake
