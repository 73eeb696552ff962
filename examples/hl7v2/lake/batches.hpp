// Units of parallel work: a batch holds a run of one input's framed messages (copied, so the framing
// thread can read on), handed to the workers through a bounded queue, its buffer reused afterwards.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine.hpp"
#include "lake/files.hpp"

namespace hl7v2::cli::lake {

struct input_state;

// Batch sizing (when --batch-size is not given). An input is cut into about `batches_per_job` batches
// per worker: with fewer, the workers run out of work at different times (a 31 MB input in 8 MiB
// batches was 4 batches: with 2 workers, one idled while the other finished a quarter of the input).
// Towards the end of the input the batches get smaller (at most half of what is left per worker), so
// that the workers finish together. The bounds keep part files reasonable: each batch writes one part
// file per partition it touches (and flushes it), so not below 1 MiB of input; and memory bounded, so
// not above 8 MiB (2 x jobs + 2 batch buffers are kept for reuse).
inline constexpr std::size_t min_batch_bytes = 1u << 20;
inline constexpr std::size_t max_batch_bytes = 8u << 20;
inline constexpr unsigned batches_per_job = 4;

// The size of the next batch of an input of `input_bytes`, of which `remaining` are not batched yet.
inline std::size_t batch_bytes_for(std::uint64_t input_bytes, unsigned jobs,
                                   std::uint64_t remaining = UINT64_MAX) {
  const std::uint64_t workers = std::max(1u, jobs);
  const std::uint64_t even = input_bytes / (workers * batches_per_job);
  const std::uint64_t want = std::min(even, std::min(remaining, input_bytes) / (2 * workers));
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(want, min_batch_bytes, max_batch_bytes));
}

// One framed message (or the bytes of a framing error), copied into its batch.
struct item {
  std::size_t begin = 0;  // in batch::data
  std::size_t size = 0;
  std::size_t offset = 0;  // in the input
  std::size_t line = 0;
  std::size_t index = 0;  // message index; for a batch trailer, the messages before it
  bool is_error = false;
  bool batch_trailer = false;  // a BTS/FTS whose count is wrong: an error, but not a message
  hl7v2::error err{};
};

struct batch {
  input_state* input = nullptr;
  std::uint32_t seq = 0;
  std::string data;
  std::vector<item> items;
  std::size_t batch_trailers = 0;      // items that are batch errors, not messages
  std::vector<private_file> unsynced;  // part files written but not yet flushed (durable runs: flusher.hpp)
};

// Batches are reused: their buffers (up to 8 MiB) stay allocated and touched, instead of a fresh mapping (and
// a page fault per 4 KiB) for every batch. At most `keep` wait here; the rest are freed.
class batch_pool {
 public:
  explicit batch_pool(std::size_t keep, std::size_t reserve) : keep_(keep), reserve_(reserve) {}
  std::unique_ptr<batch> get() {
    {
      std::lock_guard lock(m_);
      if (!free_.empty()) {
        auto b = std::move(free_.back());
        free_.pop_back();
        return b;
      }
    }
    auto b = std::make_unique<batch>();
    b->data.reserve(reserve_);
    return b;
  }
  void put(std::unique_ptr<batch> b) {
    b->input = nullptr;
    b->data.clear();
    b->items.clear();
    b->batch_trailers = 0;
    b->unsynced.clear();
    std::lock_guard lock(m_);
    if (free_.size() < keep_) free_.push_back(std::move(b));
  }

 private:
  std::size_t keep_, reserve_;
  std::mutex m_;
  std::vector<std::unique_ptr<batch>> free_;
};

// Blocking queue with a capacity, so the reader cannot run ahead of the workers (bounded memory).
class batch_queue {
 public:
  explicit batch_queue(std::size_t capacity) : cap_(capacity) {}
  void push(std::unique_ptr<batch> b) {
    std::unique_lock lock(m_);
    not_full_.wait(lock, [this] { return q_.size() < cap_; });
    q_.push_back(std::move(b));
    not_empty_.notify_one();
  }
  // Never waits: false (b kept) when the queue is full. For a reader that must not depend on the
  // workers (pipeline.cpp: batches converted before their input's hash is known).
  bool try_push(std::unique_ptr<batch>& b) {
    std::lock_guard lock(m_);
    if (q_.size() >= cap_) return false;
    q_.push_back(std::move(b));
    not_empty_.notify_one();
    return true;
  }
  std::unique_ptr<batch> pop() {
    std::unique_lock lock(m_);
    not_empty_.wait(lock, [this] { return !q_.empty() || closed_; });
    if (q_.empty()) return nullptr;
    auto b = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return b;
  }
  void close() {
    std::lock_guard lock(m_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  std::size_t cap_;
  std::mutex m_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::unique_ptr<batch>> q_;
  bool closed_ = false;
};

}  // namespace hl7v2::cli::lake
