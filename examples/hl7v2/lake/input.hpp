// One input on its way into the lake, shared by the thread that frames it and the workers that convert
// its batches; the last of them to finish commits it (publish.hpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "io.hpp"
#include "lake/manifest.hpp"

namespace hl7v2::cli::lake {

struct staged_file {
  std::string temp_path;
  std::string relative;  // lake-relative destination
};

// What became of an input, for the caller that handed it in.
struct input_outcome {
  enum class status { committed, already_in_lake, failed } what = status::failed;
  const input_manifest* manifest = nullptr;  // committed: the manifest as written (valid during the call)
  std::string sha256;                        // empty when the input could not be read
  std::string source;
};
using input_done = std::function<void(const input_outcome&)>;

struct input_state {
  input_manifest manifest;
  int lock_fd = -1;
  bool raw_created = false;             // this run put raw/<sha>.hl7 there: removed again if the input fails
  std::string raw_temp;                 // the copy in the run directory, until it is renamed into raw/
  std::atomic<std::size_t> pending{1};  // batches and flushes in flight + the framing thread's own token
  std::mutex m;
  // Batches are converted while the input is still read and hashed (pipeline.cpp). Until the hash is
  // known their records hold a placeholder, and nothing is written; then exactly one of these is set
  // (under m, cv notified): sha_ready (manifest.sha256 is final, the input is this run's to commit) or
  // abandoned (in the lake already, locked by another process, or failed: the batches are dropped).
  std::atomic<bool> sha_ready{false};
  std::atomic<bool> abandoned{false};  // read without m too: a worker stops converting a dropped batch
  std::condition_variable cv;          // also: an abandoned input's batch was dropped (pending went down)
  std::vector<staged_file> files;
  bool failed = false;
  std::string failed_what;  // the first failure only: one line per input, however many writes failed
  int failed_errno = 0;
  input_done done;

  // Records a failure (the first one is kept for the report). Takes the lock.
  void fail(const std::string& what, int err) {
    std::lock_guard lock(m);
    fail_locked(what, err);
  }
  void fail_locked(const std::string& what, int err) {
    if (!failed) {
      failed_what = what;
      failed_errno = err;
    }
    failed = true;
  }
};

// "hl7v2 lake ingest: feed.hl7: lake/tmp/run-1/part-3: No space left on device"
inline void report_failure(const char* program, const std::string& source, const std::string& what, int err) {
  fmt::print(stderr, "hl7v2 {}: {}: {}: {}\n", program, source, what, os_reason(err));
}

}  // namespace hl7v2::cli::lake
