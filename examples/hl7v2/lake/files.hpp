// Files and directories in the lake: created private (files 0600, directories 0700, set explicitly so
// the umask cannot widen or narrow them) and made visible only by rename, so a reader or a crash never
// sees a half-written file.
//
// Durability (`sync` arguments): a file's data is flushed (fdatasync) before it is renamed into place,
// and a directory is flushed (fsync) after an entry was added to or created in it, so that after a
// power cut a visible name always has its complete content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hl7v2::cli::lake {

inline constexpr unsigned file_mode = 0600;
inline constexpr unsigned dir_mode = 0700;

// mkdir -p; directories it creates get dir_mode (and, with sync, are flushed into their parent).
// Returns 0 or an errno value.
int make_dirs(const std::string& path, bool sync = false);

// fsync of a directory, so entries renamed or created in it survive a power cut. 0 or errno.
int sync_dir(const std::string& path);

// A new private file, written through a buffer. Closed (and on failure removed) by its owner.
class private_file {
 public:
  private_file() = default;
  private_file(const private_file&) = delete;
  private_file& operator=(const private_file&) = delete;
  private_file(private_file&& other) noexcept;
  private_file& operator=(private_file&& other) noexcept;
  ~private_file();

  int create(const std::string& path);  // O_EXCL: never reuses an existing file; 0 or errno
  int write(std::string_view bytes);    // 0 or errno
  int close(bool sync = false);         // with sync, the data reaches the disk first; 0 or errno
  void discard();                       // close and unlink
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  std::size_t size() const { return size_; }
  int fd() const { return fd_; }  // for positioned writes (pwrite) from other threads

 private:
  int fd_ = -1;
  std::string path_;
  std::size_t size_ = 0;
};

// Makes `from` visible as `to` (creating to's directories); atomic on one file system. With sync, the
// directories it creates are flushed; the caller flushes to's directory (once for many files). 0 or errno.
int publish(const std::string& from, const std::string& to, bool sync = false);

// Writes `content` to `to` atomically via a temporary file in `temp_dir`; with sync the file and then
// to's directory are flushed before it returns. 0 or errno.
int write_atomically(const std::string& temp_dir, const std::string& to, std::string_view content,
                     bool sync = false);

// Reads a whole small file (manifests, journals). 0 or errno.
int read_small_file(const std::string& path, std::string& out);

bool exists(const std::string& path);

// The directory part of a path ("a/b/c" → "a/b"; "." when there is none).
std::string parent_dir(const std::string& path);

// A name unique to this process and call, for temporary files.
std::string unique_name(std::string_view prefix);

}  // namespace hl7v2::cli::lake
