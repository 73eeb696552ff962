// `hl7v2 lake ingest`: inputs into the lake's zones (see zones.hpp), each message exactly once in
// staging or in error, safe to re-run, to run twice at once, to kill and (unless --no-fsync) to lose
// power during.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hl7v2::cli::lake {

struct ingest_options {
  std::string lake;
  std::string format = "named";
  bool typed = false;
  bool strict = false;          // also send messages that fail validation (errors) to the error zone
  std::string default_version;  // for messages with an empty MSH-12
  unsigned jobs = 0;            // worker threads; 0 = hardware threads
  std::string profile_path;
  std::vector<std::string> inputs;  // files, directories (recursive), "-" for stdin
  std::size_t batch_bytes = 0;      // input bytes per unit of parallel work (and per staged part file);
                                    // 0: from each input's size and the jobs, 1-8 MiB (batches.hpp)
  bool progress = true;             // on a TTY only
  bool fsync = true;                // flush files and directories before each commit point
};

// Exit status: 0 all staged, 1 some messages went to the error zone, 2 usage or I/O error.
int run_ingest(const ingest_options& options);

}  // namespace hl7v2::cli::lake
