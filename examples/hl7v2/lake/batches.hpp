// Units of parallel work: a batch holds a run of one input's framed messages (copied, so the framing
// thread can read on), handed to the workers through a bounded queue, its buffer reused afterwards.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine.hpp"

namespace hl7v2::cli::lake {

struct input_state;

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
  std::size_t batch_trailers = 0;  // items that are batch errors, not messages
};

// Batches are reused: their 8 MiB buffers stay allocated and touched, instead of a fresh mapping (and a
// page fault per 4 KiB) for every batch. At most `keep` wait here; the rest are freed.
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
