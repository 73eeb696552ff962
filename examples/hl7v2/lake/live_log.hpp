// The listener's durable raw data: messages are appended, MLLP-framed, to a segment file under live/
// and flushed with group commit (one fdatasync for all the messages that arrived while the previous
// flush ran), so acknowledging after the flush costs about one disk flush per round, not per message.
// A segment is sealed at 8 MiB or a second after its first message and handed on for conversion
// (which copies it into raw/ and commits it like `lake ingest`); it is removed once its manifest is
// durable. At start, segments left by a crash are cut back to their last whole frame (what follows
// was never acknowledged) and converted first.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "lake/zones.hpp"

namespace hl7v2::cli::lake {

class live_log {
 public:
  struct options {
    bool durable = true;
    std::size_t seal_bytes = 8u << 20;
    std::chrono::milliseconds seal_after{1000};
  };
  // on_sealed(path) is called from the committer thread for each sealed, flushed segment.
  live_log(layout lake, options o, std::function<void(const std::string&)> on_sealed);
  ~live_log();

  // Starts the committer with a new segment. Returns an empty string or what is wrong.
  std::string start();
  // Queues one message's content; returns its ticket for wait().
  std::uint64_t append(std::string_view content);
  // Blocks until the ticket's write is flushed; false when it failed (full disk, I/O error): then
  // the message is not stored and must not be acknowledged.
  bool wait(std::uint64_t ticket);
  // Whether a ticket's write failed (known only once it is done).
  bool failed(std::uint64_t ticket);
  // Flushes what is queued, seals the open segment and stops the committer.
  void stop();

  std::uint64_t failed_writes() const { return failed_writes_; }

  // Segment files under live/, oldest first.
  static std::vector<std::string> segments(const layout& lake);
  // Cuts a segment back to its last whole frame; calls on_message(content) for each frame kept.
  // Returns the number kept, or -1 when the file cannot be read.
  static long recover_segment(const std::string& path,
                              const std::function<void(std::string_view)>& on_message);

 private:
  void run();
  bool open_segment();
  void seal_locked();
  bool failed_locked(std::uint64_t ticket) const;

  layout lake_;
  options o_;
  std::function<void(const std::string&)> on_sealed_;
  std::mutex m_;
  std::condition_variable work_, done_;
  std::string pending_, writing_;
  std::uint64_t queued_ = 0, done_upto_ = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> failed_;  // ticket ranges whose write failed
  std::uint64_t failed_writes_ = 0;
  bool stopping_ = false;
  int fd_ = -1;
  std::string path_;
  std::size_t size_ = 0;
  std::chrono::steady_clock::time_point first_at_{};
  std::thread thread_;
};

}  // namespace hl7v2::cli::lake
