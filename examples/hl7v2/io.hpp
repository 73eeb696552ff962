// Reading inputs in fixed-size chunks (files or "-" for stdin), so memory stays bounded whatever the
// input size, and small output helpers. I/O errors are reported with the path and the OS reason only.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hl7v2::cli {

inline constexpr std::size_t read_chunk_size = 1u << 20;

// An input opened for sequential reading; "-" is standard input.
class input_file {
 public:
  input_file() = default;
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;
  ~input_file() {
    if (fd_ > 0) ::close(fd_);
  }

  // Returns 0 or an errno value.
  int open(const std::string& path) {
    if (path == "-") {
      fd_ = 0;
      return 0;
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    return fd_ < 0 ? errno : 0;
  }

  // Fills up to n bytes; returns the count (0 at end) or -errno.
  long read(char* buf, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::read(fd_, buf + got, n - got);
      if (r < 0) {
        if (errno == EINTR) continue;
        return -static_cast<long>(errno);
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    return static_cast<long>(got);
  }

 private:
  int fd_ = -1;
};

// Calls on_chunk(std::string_view) for each chunk of the input; returns 0 or an errno value.
template <class OnChunk>
int for_each_chunk(const std::string& path, OnChunk&& on_chunk, std::size_t chunk_size = read_chunk_size) {
  input_file in;
  if (const int e = in.open(path)) return e;
  std::unique_ptr<char[]> buf(new char[chunk_size]);
  for (;;) {
    const long n = in.read(buf.get(), chunk_size);
    if (n < 0) return static_cast<int>(-n);
    if (n == 0) return 0;
    on_chunk(std::string_view(buf.get(), static_cast<std::size_t>(n)));
    if (static_cast<std::size_t>(n) < chunk_size && path != "-") return 0;
  }
}

// Writes all of `bytes` to a descriptor; returns 0 or an errno value.
inline int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t w = ::write(fd, bytes.data(), bytes.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(w));
  }
  return 0;
}

inline std::string os_reason(int err) { return std::strerror(err); }

// The command's inputs, standard input when none was named.
inline std::vector<std::string> inputs_or_stdin(const std::vector<std::string>& inputs) {
  return inputs.empty() ? std::vector<std::string>{"-"} : inputs;
}

// Output collected in a buffer and written in large pieces: one write per ~1 MiB, not per message.
class buffered_output {
 public:
  static constexpr std::size_t flush_threshold = 1u << 20;

  explicit buffered_output(int fd) : fd_(fd) { buf_.reserve(flush_threshold + (64u << 10)); }
  std::string& buffer() { return buf_; }
  bool maybe_flush() { return buf_.size() < flush_threshold || flush(); }
  bool flush() {
    if (failed_) return false;
    if (write_all(fd_, buf_) != 0) failed_ = true;
    buf_.clear();
    return !failed_;
  }
  bool failed() const { return failed_; }

 private:
  int fd_;
  std::string buf_;
  bool failed_ = false;
};

// Feeds an input through a stream framer: on_frame(const frame&) for each frame. 0 or an errno value.
template <class Framer, class OnFrame>
int frame_input(const std::string& path, Framer& framer, OnFrame&& on_frame) {
  const int e = for_each_chunk(path, [&](std::string_view chunk) { framer.feed(chunk, on_frame); });
  framer.finish(on_frame);
  return e;
}

}  // namespace hl7v2::cli
