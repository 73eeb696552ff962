#include "lake/live_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "hl7v2/mllp.hpp"
#include "io.hpp"
#include "lake/files.hpp"

namespace hl7v2::cli::lake {

namespace fs = std::filesystem;

live_log::live_log(layout lake, options o, std::function<void(const std::string&)> on_sealed)
    : lake_(std::move(lake)), o_(o), on_sealed_(std::move(on_sealed)) {}

live_log::~live_log() { stop(); }

std::string live_log::start() {
  if (const int e = make_dirs(lake_.live(), o_.durable)) return lake_.live() + ": " + os_reason(e);
  if (!open_segment()) return path_ + ": " + os_reason(errno);
  thread_ = std::thread([this] { run(); });
  return {};
}

// A new segment, named so that names sort in time order; its directory entry is flushed before any
// message in it is acknowledged.
bool live_log::open_segment() {
  static std::atomic<unsigned> counter{0};
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char name[64];
  std::snprintf(name, sizeof name, "/seg-%016llx-%04x.mllp", static_cast<unsigned long long>(us),
                counter.fetch_add(1) & 0xFFFF);
  path_ = lake_.live() + name;
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, file_mode);
  if (fd_ < 0) return false;
  if (o_.durable && sync_dir(lake_.live()) != 0) {
    const int e = errno;
    ::close(fd_);
    ::unlink(path_.c_str());
    fd_ = -1;
    errno = e;
    return false;
  }
  size_ = 0;
  return true;
}

std::uint64_t live_log::append(std::string_view content) {
  std::lock_guard lock(m_);
  if (pending_.empty()) work_.notify_one();
  mllp::write_frame(content, pending_);
  return ++queued_;
}

bool live_log::failed(std::uint64_t ticket) {
  std::lock_guard lock(m_);
  return failed_locked(ticket);
}

bool live_log::failed_locked(std::uint64_t ticket) const {
  for (const auto& [a, b] : failed_) {
    if (ticket >= a && ticket <= b) return true;
  }
  return false;
}

bool live_log::wait(std::uint64_t ticket) {
  std::unique_lock lock(m_);
  done_.wait(lock, [&] { return done_upto_ >= ticket; });
  return !failed_locked(ticket);
}

void live_log::seal_locked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (size_ == 0) {
    ::unlink(path_.c_str());
  } else if (on_sealed_) {
    on_sealed_(path_);
  }
  size_ = 0;
}

void live_log::run() {
  std::unique_lock lock(m_);
  for (;;) {
    work_.wait_for(lock, std::chrono::milliseconds(100), [&] { return !pending_.empty() || stopping_; });
    const auto now = std::chrono::steady_clock::now();
    if (pending_.empty()) {
      if (size_ != 0 && now - first_at_ >= o_.seal_after) {
        seal_locked();
        open_segment();
      }
      if (stopping_) break;
      continue;
    }
    writing_.swap(pending_);
    const std::uint64_t first = done_upto_ + 1, last = queued_;
    lock.unlock();
    // A segment that could not be opened (full disk) is tried again at each round.
    bool ok = fd_ >= 0 || open_segment();
    if (ok) ok = write_all(fd_, writing_) == 0 && (!o_.durable || ::fdatasync(fd_) == 0);
    if (!ok && fd_ >= 0 && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      // The segment cannot be put back to its last good length: leave it (recovery at the next
      // start cuts it at its last whole frame) and go on in a new one.
      ::close(fd_);
      fd_ = -1;
    }
    lock.lock();
    if (ok) {
      if (size_ == 0) first_at_ = now;
      size_ += writing_.size();
    } else {
      ++failed_writes_;
      // Consecutive failed rounds (a full disk) are one range, so the list stays short; it is bounded
      // for a disk failing on and off, long after every connection has waited for those tickets.
      if (!failed_.empty() && failed_.back().second + 1 == first) {
        failed_.back().second = last;
      } else {
        failed_.emplace_back(first, last);
      }
      if (failed_.size() > 65536) failed_.erase(failed_.begin(), failed_.begin() + 32768);
    }
    writing_.clear();
    done_upto_ = last;
    done_.notify_all();
    if (size_ >= o_.seal_bytes) {
      seal_locked();
      open_segment();
    }
  }
  seal_locked();
}

void live_log::stop() {
  {
    std::lock_guard lock(m_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    work_.notify_one();
  }
  thread_.join();
}

std::vector<std::string> live_log::segments(const layout& lake) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(lake.live(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("seg-", 0) == 0 && e.path().extension() == ".mllp") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

long live_log::recover_segment(const std::string& path,
                               const std::function<void(std::string_view)>& on_message) {
  std::string data;
  if (for_each_chunk(path, [&](std::string_view c) { data.append(c); }) != 0) return -1;
  std::size_t good = 0;
  long kept = 0;
  while (good < data.size()) {
    if (data[good] != mllp::start_block) break;
    const std::size_t end = data.find(mllp::end_block, good + 1);
    if (end == std::string::npos || end + 1 >= data.size() || data[end + 1] != mllp::carriage_return) break;
    const std::string_view content(data.data() + good + 1, end - good - 1);
    if (content.find(mllp::start_block) != std::string_view::npos) break;
    on_message(content);
    ++kept;
    good = end + 2;
  }
  if (good < data.size() && ::truncate(path.c_str(), static_cast<off_t>(good)) != 0) return -1;
  return kept;
}

}  // namespace hl7v2::cli::lake
