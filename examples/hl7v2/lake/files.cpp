#include "lake/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <string>

#include "io.hpp"

namespace hl7v2::cli::lake {

int make_dirs(const std::string& path, bool sync) {
  if (path.empty()) return 0;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  const std::size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash != 0) {
    if (const int e = make_dirs(path.substr(0, slash), sync)) return e;
  }
  if (::mkdir(path.c_str(), dir_mode) != 0) {
    if (errno == EEXIST) return 0;  // another process made it first
    return errno;
  }
  if (::chmod(path.c_str(), dir_mode) != 0) return errno;
  if (sync) {
    if (const int e = sync_dir(parent_dir(path))) return e;
  }
  return 0;
}

int sync_dir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int r = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  return r == 0 ? 0 : e;
}

std::string parent_dir(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

private_file::private_file(private_file&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), size_(other.size_) {
  other.fd_ = -1;
}

private_file& private_file::operator=(private_file&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);  // a closed file keeps its path: it may still be published
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    size_ = other.size_;
    other.fd_ = -1;
  }
  return *this;
}

private_file::~private_file() {
  if (fd_ >= 0) ::close(fd_);
}

int private_file::create(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file_mode);
  if (fd_ < 0) return errno;
  path_ = path;
  size_ = 0;
  if (::fchmod(fd_, file_mode) != 0) {
    const int e = errno;
    discard();
    return e;
  }
  return 0;
}

int private_file::write(std::string_view bytes) {
  size_ += bytes.size();
  return write_all(fd_, bytes);
}

int private_file::close(bool sync) {
  if (fd_ < 0) return 0;
  int e = 0;
  if (sync && ::fdatasync(fd_) != 0) e = errno;
  if (::close(fd_) != 0 && e == 0) e = errno;
  fd_ = -1;
  return e;
}

void private_file::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
}

int publish(const std::string& from, const std::string& to, bool sync) {
  const std::size_t slash = to.find_last_of('/');
  if (slash != std::string::npos) {
    if (const int e = make_dirs(to.substr(0, slash), sync)) return e;
  }
  return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

int write_atomically(const std::string& temp_dir, const std::string& to, std::string_view content,
                     bool sync) {
  private_file f;
  if (const int e = f.create(temp_dir + "/" + unique_name("w"))) return e;
  int e = f.write(content);
  if (e == 0) e = f.close(sync);
  if (e == 0) e = publish(f.path(), to, sync);
  if (e != 0) {
    f.discard();
    return e;
  }
  return sync ? sync_dir(parent_dir(to)) : 0;
}

int read_small_file(const std::string& path, std::string& out) {
  out.clear();
  return for_each_chunk(
      path, [&](std::string_view chunk) { out.append(chunk); }, 64u << 10);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string unique_name(std::string_view prefix) {
  static std::atomic<unsigned long> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(now) + "-" +
         std::to_string(counter.fetch_add(1));
}

}  // namespace hl7v2::cli::lake
