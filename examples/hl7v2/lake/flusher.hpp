// Durability off the converting threads. An fdatasync waits milliseconds for the disk (a journal commit
// and a cache flush: ~3-5 ms per part file on this VM's virtio disk, whatever its size), so a worker
// that flushed each part file itself sat idle for about as long as it converted. Workers (and the
// framing thread, for the raw copy) hand their written files here instead, and go on converting; a few
// threads that only wait on the disk flush them, several at once (concurrent flushes share the file
// system's journal commits: 48 files of 2.5 MB took 0.20 s one after the other, 0.07 s four at a time).
//
// Each job holds a token of its input (input_state::pending), so the input is committed (publish.hpp)
// only once every one of its files is on disk: the order of the power-loss guarantee is unchanged.
// The same threads also write the raw copy while the reading thread hashes (pipeline.cpp).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "lake/files.hpp"

namespace hl7v2::cli::lake {

struct input_state;

struct flush_job {
  input_state* input = nullptr;
  private_file file;  // a part file, written and still open: flushed and closed by the job
  bool raw = false;   // instead: the input's raw copy (input_state::raw_temp), flushed and renamed into raw/
  std::function<void()> task;  // instead: run this (a write of the raw copy, pipeline.cpp); no token
};

class flusher {
 public:
  using handler = std::function<void(flush_job&)>;

  flusher(unsigned threads, handler run) : run_(std::move(run)) {
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~flusher() { stop(); }
  flusher(const flusher&) = delete;
  flusher& operator=(const flusher&) = delete;

  void push(flush_job job) {
    std::lock_guard lock(m_);
    q_.push_back(std::move(job));
    cv_.notify_one();
  }

  // Runs every job pushed so far, then joins the threads.
  void stop() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
      cv_.notify_all();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void loop() {
    for (;;) {
      flush_job job;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [this] { return !q_.empty() || stopping_; });
        if (q_.empty()) return;
        job = std::move(q_.front());
        q_.pop_front();
      }
      run_(job);
    }
  }

  handler run_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<flush_job> q_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace hl7v2::cli::lake
