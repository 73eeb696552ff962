#include "lake/watch_cmd.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "converter_setup.hpp"
#include "io.hpp"
#include "lake/pipeline.hpp"

namespace hl7v2::cli::lake {
namespace {

namespace fs = std::filesystem;

bool watched_name(const std::string& name) { return !name.empty() && name[0] != '.'; }

}  // namespace

int run_watch(const watch_options& o) {
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);  // taken by signalfd below, in every thread
  const int sigfd = ::signalfd(-1, &sigs, SFD_CLOEXEC);

  converter_setup setup;
  if (const std::string problem =
          setup.configure(o.format, o.typed, false, o.default_version, o.profile_path);
      !problem.empty()) {
    fmt::print(stderr, "hl7v2 lake watch: {}\n", problem);
    return 2;
  }
  std::string root = o.lake;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  pipeline_options po;
  po.program = "lake watch";
  po.format = o.format;
  po.typed = o.typed;
  po.strict = o.strict;
  po.jobs = o.jobs != 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  po.durable = o.fsync;
  po.wait_for_locks = true;
  pipeline run(po, layout{root}, setup.options());
  if (!run.open()) return 2;

  const int in = ::inotify_init1(IN_CLOEXEC);
  if (in < 0) {
    fmt::print(stderr, "hl7v2 lake watch: inotify: {}\n", os_reason(errno));
    return 2;
  }
  std::map<int, std::string> dirs;  // watch descriptor → inbox
  for (const std::string& dir : o.inboxes) {
    const int wd = ::inotify_add_watch(in, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO);
    if (wd < 0) {
      fmt::print(stderr, "hl7v2 lake watch: {}: {}\n", dir, os_reason(errno));
      return 2;
    }
    dirs[wd] = dir;
  }

  std::uint64_t committed = 0, already = 0, failed = 0, removed = 0;
  const auto ingest = [&](const std::string& path) {
    std::promise<input_outcome::status> done;
    run.add(path, path, "watch", [&](const input_outcome& r) { done.set_value(r.what); });
    const input_outcome::status what = done.get_future().get();
    if (what == input_outcome::status::failed) {
      ++failed;  // reported by the pipeline; the file stays for a later try (a restart)
      return;
    }
    ++(what == input_outcome::status::committed ? committed : already);
    // The manifest is durable (or was already there): the input may go.
    if (o.remove_ingested && ::unlink(path.c_str()) == 0) ++removed;
  };

  // What arrived while we were down (events from now on are queued by inotify meanwhile).
  for (const std::string& dir : o.inboxes) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.is_regular_file(ec) && watched_name(e.path().filename().string()))
        found.push_back(e.path().string());
    }
    std::sort(found.begin(), found.end());
    for (const auto& f : found) ingest(f);
  }
  fmt::print(stderr, "hl7v2 lake watch: watching {} inboxes for lake {}\n", o.inboxes.size(), root);

  alignas(inotify_event) char buf[64 * 1024];
  for (;;) {
    pollfd fds[2] = {{in, POLLIN, 0}, {sigfd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) break;
    const ssize_t n = ::read(in, buf, sizeof buf);
    if (n <= 0) continue;
    for (ssize_t at = 0; at < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if ((ev->mask & IN_Q_OVERFLOW) != 0) {
        fmt::print(stderr, "hl7v2 lake watch: event queue overflowed: restart to pick up missed files\n");
        continue;
      }
      if (ev->len == 0 || (ev->mask & IN_ISDIR) != 0) continue;
      const std::string name(ev->name);
      const auto dir = dirs.find(ev->wd);
      if (dir == dirs.end() || !watched_name(name)) continue;
      const std::string path = dir->second + "/" + name;
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) continue;  // gone again (removed, renamed on)
      ingest(path);
    }
  }
  run.close();
  const pipeline_totals& t = run.totals();
  using ull = unsigned long long;
  fmt::print(stderr,
             "hl7v2 lake watch: stopped: {} inputs ingested, {} already in the lake, {} failed, {} "
             "removed; {} messages: {} staged, {} errors\n",
             ull(committed), ull(already), ull(failed), ull(removed), ull(t.messages.load()),
             ull(t.staged.load()), ull(t.errors.load()));
  return 0;
}

}  // namespace hl7v2::cli::lake
