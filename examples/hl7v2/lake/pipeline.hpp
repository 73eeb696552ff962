// The ingest engine behind `lake ingest`, `lake watch` and `lake listen`: an input is copied into raw/
// under its SHA-256 (once, whatever its name), framed by one thread into batches (sized from the input
// and the job count, batches.hpp; a regular file while it is read and hashed, pipeline.cpp), converted
// by worker threads (batch_worker.hpp), its files flushed by
// the flusher (flusher.hpp) while the workers go on, and committed by the last of them to finish
// (publish.hpp), so each message ends up exactly once in staging or in error. Inputs whose hash has a
// manifest are skipped; two processes on one lake coordinate through per-input locks (locks/<sha>.lock).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine.hpp"
#include "lake/batch_worker.hpp"
#include "lake/batches.hpp"
#include "lake/flusher.hpp"
#include "lake/input.hpp"
#include "lake/zones.hpp"
#include "progress.hpp"

namespace hl7v2::cli::lake {

struct pipeline_options {
  std::string program = "lake ingest";  // for messages on stderr
  std::string format = "named";
  bool typed = false;
  bool strict = false;
  unsigned jobs = 1;
  std::size_t batch_bytes = 0;  // input bytes per batch; 0: from each input's size and the jobs (batches.hpp)
  bool durable = true;          // fsync before each commit point (see publish.hpp)
  bool wait_for_locks = false;  // block on an input another process holds, instead of coming back to it
};

struct pipeline_totals {
  std::atomic<std::uint64_t> inputs{0}, skipped{0}, failed_inputs{0}, messages{0}, staged{0}, errors{0},
      batch_errors{0}, bytes{0};
};

class pipeline {
 public:
  pipeline(pipeline_options o, layout lake, const json::options& conv);
  ~pipeline();
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;

  // Creates the lake's directories, removes what dead runs left in tmp/, starts the workers.
  bool open();
  // Ingests one input ("-" is stdin) under the name `source`, arrived by `origin`. Returns once it is
  // read and framed; `done` is called (from a worker) when it is committed, skipped or failed. false
  // when it could not even be read (done is called then too).
  bool add(const std::string& path, const std::string& source, const std::string& origin,
           input_done done = {});
  // Finishes the inputs another process held, waits for every commit and stops the workers.
  void close();

  const pipeline_totals& totals() const { return totals_; }
  progress_counters& progress() { return progress_; }
  const layout& lake() const { return lake_; }

 private:
  struct framing;  // an input being cut into batches (pipeline.cpp)

  bool stage_raw(const std::string& path, input_state& in, framing& fr);
  int publish_raw(input_state& in);
  void settle_raw(input_state& in);
  void flush(flush_job& job);
  void take_frame(framing& fr, const frame& f);
  void frame_chunk(framing& fr, std::string_view chunk);
  void dispatch(framing& fr);
  void drop_early(framing& fr);
  void ingest_locked(std::unique_ptr<input_state> in, framing& fr);
  void release(input_state* in);
  void finalize(input_state* in);
  void worker_loop();

  pipeline_options o_;
  layout lake_;
  worker_config wc_;
  int run_dir_fd_ = -1;
  std::unique_ptr<batch_queue> queue_;
  std::unique_ptr<batch_pool> pool_;
  std::unique_ptr<flusher> flusher_;
  std::vector<std::thread> workers_;
  std::vector<std::unique_ptr<input_state>> deferred_;  // locked by another process when added
  pipeline_totals totals_;
  progress_counters progress_;
  bool open_ = false;
};

// "2026-11-26" or "2026-11-26T08:30:05Z": the UTC time now in a strftime format.
std::string utc_now(const char* format);

}  // namespace hl7v2::cli::lake
