// The process stages of hl7v2-bench: the `hl7v2` CLI as a child process on the corpus files, timed by
// the wall clock, as a user runs it. `ingest`: `hl7v2 lake ingest --jobs N` into a fresh lake per run;
// `convert`: `hl7v2 convert` (named JSON) with its standard output to a file (not a pipe, not
// /dev/null: the bytes are written as they would be), removed after each run. The child's peak RSS
// comes from wait4. Its stderr (and ingest's stdout) go to /dev/null: the bench prints figures only.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

extern char** environ;

namespace hl7v2::bench {

struct ingest_setup {
  std::string cli;                 // the hl7v2 binary
  std::vector<std::string> files;  // corpus files on disk
  std::filesystem::path tmp;       // parent of the throw-away lakes
};

struct ingest_figures {
  std::vector<double> seconds;  // one per timed run, sorted; empty when a run failed
  long peak_rss_kb = 0;         // the child's, highest over the timed runs
  int exit_status = 0;          // of the last run: 0 all staged, 1 some messages went to the error zone
  std::string failure;          // why the runs stopped (empty when they all ran)
};

namespace detail {

// Runs the CLI with `args` (stdout to `stdout_path`, or /dev/null when empty) and waits for it. False
// (with `why`) when it could not start, died from a signal, or reported a usage or I/O error (status 2
// and up).
inline bool spawn_and_wait(const ingest_setup& setup, std::vector<std::string> args,
                           const std::string& stdout_path, double& seconds, long& rss_kb, int& status,
                           std::string& why) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (stdout_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_TRUNC, 0);
  }
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const auto start = std::chrono::steady_clock::now();
  const int spawned = posix_spawn(&pid, setup.cli.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  bool ok = false;
  if (spawned != 0) {
    why = "cannot start " + setup.cli;
  } else {
    int wstatus = 0;
    rusage usage{};
    pid_t waited = -1;
    do {
      waited = wait4(pid, &wstatus, 0, &usage);
    } while (waited < 0 && errno == EINTR);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rss_kb = usage.ru_maxrss;  // kilobytes on Linux
    if (waited < 0) {
      why = "lost the CLI child process";
    } else if (WIFSIGNALED(wstatus)) {
      status = 128 + WTERMSIG(wstatus);
      why = "the CLI died from signal " + std::to_string(WTERMSIG(wstatus));
    } else {
      status = WEXITSTATUS(wstatus);
      ok = status < 2;
      if (!ok) why = "the CLI exited with status " + std::to_string(status);
    }
  }
  return ok;
}

// One `hl7v2 lake ingest --jobs N` into a fresh lake, removed afterwards.
inline bool run_ingest_once(const ingest_setup& setup, unsigned jobs, double& seconds, long& rss_kb,
                            int& status, std::string& why) {
  std::string lake = (setup.tmp / "hl7v2-bench-lake-XXXXXX").string();
  if (mkdtemp(lake.data()) == nullptr) {
    why = "cannot create a temporary lake directory under " + setup.tmp.string();
    return false;
  }
  std::vector<std::string> args = {
      setup.cli, "lake", "ingest", "--lake", lake, "--jobs", std::to_string(jobs), "--no-progress"};
  args.insert(args.end(), setup.files.begin(), setup.files.end());
  const bool ok = spawn_and_wait(setup, std::move(args), "", seconds, rss_kb, status, why);
  std::error_code ec;
  std::filesystem::remove_all(lake, ec);
  return ok;
}

// One `hl7v2 convert FILES > OUT` (named JSON), OUT a fresh file removed afterwards.
inline bool run_convert_once(const ingest_setup& setup, double& seconds, long& rss_kb, int& status,
                             std::string& why) {
  std::string out = (setup.tmp / "hl7v2-bench-convert-XXXXXX").string();
  const int fd = mkstemp(out.data());
  if (fd < 0) {
    why = "cannot create a temporary output file under " + setup.tmp.string();
    return false;
  }
  ::close(fd);
  std::vector<std::string> args = {setup.cli, "convert"};
  args.insert(args.end(), setup.files.begin(), setup.files.end());
  const bool ok = spawn_and_wait(setup, std::move(args), out, seconds, rss_kb, status, why);
  std::error_code ec;
  std::filesystem::remove(out, ec);
  return ok;
}

// One warm-up run (page cache for the binary and the corpus), then `repeat` timed runs of `once`.
template <class Once>
ingest_figures run_repeated(unsigned repeat, Once&& once) {
  ingest_figures out;
  double seconds = 0;
  long rss = 0;
  for (unsigned i = 0; i <= repeat; ++i) {
    if (!once(seconds, rss, out.exit_status, out.failure)) {
      out.seconds.clear();
      return out;
    }
    if (i == 0) continue;
    out.seconds.push_back(seconds);
    out.peak_rss_kb = std::max(out.peak_rss_kb, rss);
  }
  std::sort(out.seconds.begin(), out.seconds.end());
  return out;
}

}  // namespace detail

// `hl7v2 lake ingest --jobs N`: one warm-up run, then `repeat` timed runs.
inline ingest_figures run_ingest(const ingest_setup& setup, unsigned jobs, unsigned repeat) {
  return detail::run_repeated(repeat, [&](double& s, long& rss, int& status, std::string& why) {
    return detail::run_ingest_once(setup, jobs, s, rss, status, why);
  });
}

// `hl7v2 convert` to a file: one warm-up run, then `repeat` timed runs.
inline ingest_figures run_convert(const ingest_setup& setup, unsigned repeat) {
  return detail::run_repeated(repeat, [&](double& s, long& rss, int& status, std::string& why) {
    return detail::run_convert_once(setup, s, rss, status, why);
  });
}

// Default CLI: where the build tree puts it, relative to this binary (build/bench/../examples/hl7v2).
inline std::string default_cli_path() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "../examples/hl7v2/hl7v2";
  return (self.parent_path() / ".." / "examples" / "hl7v2" / "hl7v2").lexically_normal().string();
}

}  // namespace hl7v2::bench
