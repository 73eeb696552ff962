// Progress on a terminal: files, messages, MB/s and ETA on one stderr line, redrawn twice a second by a
// background thread; silent when stderr is not a TTY (pipes, logs, CI). Only counts are shown.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace hl7v2::cli {

struct progress_counters {
  std::atomic<std::uint64_t> files_done{0};
  std::atomic<std::uint64_t> files_total{0};
  std::atomic<std::uint64_t> bytes_done{0};
  std::atomic<std::uint64_t> bytes_total{0};  // 0 when unknown (stdin)
  std::atomic<std::uint64_t> messages{0};
};

class progress_line {
 public:
  progress_line(const progress_counters& c, bool enabled) : c_(c), enabled_(enabled && ::isatty(2) == 1) {
    if (enabled_) thread_ = std::thread([this] { loop(); });
  }
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;
  ~progress_line() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(m_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    fmt::print(stderr, "\r\033[K");
  }

 private:
  void loop() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(m_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return done_; })) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double mb = static_cast<double>(c_.bytes_done.load()) / 1e6;
      const double rate = secs > 0 ? mb / secs : 0;
      const double total_mb = static_cast<double>(c_.bytes_total.load()) / 1e6;
      fmt::print(stderr, "\r\033[Kfiles {}/{}  messages {}  {:.1f} MB/s", c_.files_done.load(),
                 c_.files_total.load(), c_.messages.load(), rate);
      if (total_mb > 0 && rate > 0 && total_mb >= mb)
        fmt::print(stderr, "  ETA {:.0f} s", (total_mb - mb) / rate);
      std::fflush(stderr);
    }
  }

  const progress_counters& c_;
  bool enabled_;
  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace hl7v2::cli
