// `hl7v2 lake watch`: ingest files as they land in inbox directories (inotify). A file counts once it is
// closed after writing or renamed into the inbox, so a half-written upload is never read; files that
// arrived while the watcher was down are ingested at start. Names starting with '.' are left alone
// (uploaders write there first, then rename).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hl7v2::cli::lake {

struct watch_options {
  std::string lake;
  std::vector<std::string> inboxes;
  bool remove_ingested = false;  // delete an input once its manifest is durable (or it was already in)
  std::string format = "named";
  bool typed = false;
  bool strict = false;
  std::string default_version, profile_path;
  unsigned jobs = 0;
  bool fsync = true;
};

// Runs until SIGTERM or SIGINT. Exit status: 0 after a clean stop, 2 when it cannot start.
int run_watch(const watch_options& options);

}  // namespace hl7v2::cli::lake
