#include "lake/listen_cmd.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "acknowledge.hpp"
#include "converter_setup.hpp"
#include "hl7v2/mllp.hpp"
#include "io.hpp"
#include "lake/files.hpp"
#include "lake/live_log.hpp"
#include "lake/pipeline.hpp"
#include "lake/sha256.hpp"
#include "net/stream.hpp"
#include "records.hpp"

namespace hl7v2::cli::lake {
namespace {

// One line on stderr, written at once (connection threads log concurrently).
template <class... Args>
void listen_log(fmt::format_string<Args...> format, Args&&... args) {
  fmt::memory_buffer line;
  fmt::format_to(std::back_inserter(line), "hl7v2 lake listen: ");
  fmt::format_to(std::back_inserter(line), format, std::forward<Args>(args)...);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

// 128 bits of a message's SHA-256: enough to tell resent messages from new ones.
struct message_key {
  std::uint64_t a = 0, b = 0;
  friend bool operator==(const message_key&, const message_key&) = default;
};
struct message_key_hash {
  std::size_t operator()(const message_key& k) const noexcept { return static_cast<std::size_t>(k.a); }
};

message_key key_of(std::string_view content) {
  sha256 h;
  h.update(content);
  const auto d = h.finish();
  message_key k;
  std::memcpy(&k.a, d.data(), 8);
  std::memcpy(&k.b, d.data() + 8, 8);
  return k;
}

// The messages seen recently, each with the ticket of its write (0: stored before this run), oldest
// forgotten first. A write that failed marks its messages not_stored, so a resend is stored rather
// than acknowledged as a duplicate of nothing.
class recent_messages {
 public:
  static constexpr std::uint64_t not_stored = ~std::uint64_t{0};
  explicit recent_messages(std::size_t cap) : cap_(cap == 0 ? 1 : cap) {}
  std::mutex& mutex() { return m_; }
  const std::uint64_t* find_locked(const message_key& k) const {
    const auto it = map_.find(k);
    return it == map_.end() ? nullptr : &it->second;
  }
  void forget_failed(const message_key& k, std::uint64_t ticket) {
    std::lock_guard lock(m_);
    const auto it = map_.find(k);
    if (it != map_.end() && it->second == ticket) it->second = not_stored;
  }
  void put_locked(const message_key& k, std::uint64_t ticket) {
    auto [it, fresh] = map_.try_emplace(k, ticket);
    if (!fresh) {
      it->second = ticket;
      return;
    }
    order_.push_back(k);
    while (order_.size() > cap_) {
      map_.erase(order_.front());
      order_.pop_front();
    }
  }

 private:
  std::size_t cap_;
  std::mutex m_;
  std::unordered_map<message_key, std::uint64_t, message_key_hash> map_;
  std::deque<message_key> order_;
};

// Counters kept in live/counts.json across runs (what `lake status` shows for the listener).
struct counters {
  std::atomic<std::uint64_t> connections{0}, connections_refused{0}, tls_failures{0}, messages{0}, stored{0},
      duplicates{0}, refused_oversize{0}, unterminated{0}, junk_bytes{0}, store_failures{0}, positive_acks{0},
      negative_acks{0}, idle_timeouts{0};
};

constexpr const char* counter_names[] = {
    "connections",   "connections_refused", "tls_failures", "messages",   "stored",
    "duplicates",    "refused_oversize",    "unterminated", "junk_bytes", "store_failures",
    "positive_acks", "negative_acks",       "idle_timeouts"};

std::atomic<std::uint64_t>* counter_fields(counters& c, std::size_t i) {
  std::atomic<std::uint64_t>* f[] = {
      &c.connections,   &c.connections_refused, &c.tls_failures, &c.messages,   &c.stored,
      &c.duplicates,    &c.refused_oversize,    &c.unterminated, &c.junk_bytes, &c.store_failures,
      &c.positive_acks, &c.negative_acks,       &c.idle_timeouts};
  return f[i];
}
constexpr std::size_t counter_count = sizeof counter_names / sizeof counter_names[0];

class listener {
 public:
  explicit listener(const listen_options& o) : o_(o), recent_(o.dedupe_window) {
    std::string root = o.lake;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    lake_.root = root;
  }
  int run();

 private:
  bool recover();
  bool convert_segment(const std::string& path);
  void converter_loop();
  void serve(int fd);
  void load_counts();
  void save_counts();
  void remember_converted(const std::string& sha);
  static void* serve_thread(void* arg);

  const listen_options& o_;
  layout lake_;
  converter_setup setup_;
  net::tls_context tls_;
  std::unique_ptr<pipeline> pipe_;
  std::unique_ptr<live_log> log_;
  recent_messages recent_;
  counters c_;
  std::uint64_t base_[counter_count] = {};  // counts of earlier runs
  std::deque<std::string>
      converted_;  // recent converted inputs (live/recent), for duplicates after a restart

  std::mutex sealed_m_;
  std::condition_variable sealed_cv_;
  std::deque<std::string> sealed_;
  bool converter_stop_ = false;
  std::thread converter_;

  std::mutex conns_m_;
  std::condition_variable conns_cv_;
  std::unordered_set<net::stream*> conns_;
  unsigned active_ = 0;
  std::atomic<bool> stopping_{false};
};

struct serve_arg {
  listener* self;
  int fd;
};

void* listener::serve_thread(void* arg) {
  std::unique_ptr<serve_arg> a(static_cast<serve_arg*>(arg));
  a->self->serve(a->fd);
  return nullptr;
}

void listener::load_counts() {
  std::string text;
  if (read_small_file(lake_.live() + "/counts.json", text) != 0) return;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(text).get(doc) != simdjson::SUCCESS) return;
  for (std::size_t i = 0; i < counter_count; ++i) {
    std::uint64_t v = 0;
    if (doc[counter_names[i]].get(v) == simdjson::SUCCESS) base_[i] = v;
  }
}

void listener::save_counts() {
  std::string s = "{";
  for (std::size_t i = 0; i < counter_count; ++i) {
    if (i != 0) s += ',';
    s += '"';
    s += counter_names[i];
    s += "\":";
    append_uint(s, base_[i] + counter_fields(c_, i)->load());
  }
  s += "}\n";
  write_atomically(lake_.tmp(), lake_.live() + "/counts.json", s, false);  // counters, not data
}

void listener::remember_converted(const std::string& sha) {
  converted_.push_back(sha);
  while (converted_.size() > 32) converted_.pop_front();
  std::string s;
  for (const auto& x : converted_) s += x + "\n";
  write_atomically(lake_.tmp(), lake_.live() + "/recent", s, o_.fsync);
}

// Copies a sealed segment into the lake (raw/, staging/, error/, its manifest) and removes it once the
// manifest is durable. false when that failed (it stays, and is tried again).
bool listener::convert_segment(const std::string& path) {
  std::promise<input_outcome::status> done;
  std::string sha;
  const std::string name = path.substr(path.find_last_of('/') + 1);
  pipe_->add(path, "listen:" + name.substr(0, name.size() - 5), "listen", [&](const input_outcome& r) {
    sha = r.sha256;
    done.set_value(r.what);
  });
  const input_outcome::status what = done.get_future().get();
  if (what == input_outcome::status::failed) return false;
  ::unlink(path.c_str());
  remember_converted(sha);
  save_counts();
  return true;
}

// Before listening: segments a crash left are cut back to their last whole frame and converted; the
// messages of recently converted inputs are remembered, so that resent ones are known.
bool listener::recover() {
  std::string text;
  if (read_small_file(lake_.live() + "/recent", text) == 0) {
    for (const std::string& sha : journal_files(text)) {
      if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) continue;
      converted_.push_back(sha);
      std::string raw;
      if (for_each_chunk(lake_.raw_file(sha), [&](std::string_view c) { raw.append(c); }) != 0) continue;
      mllp::session s({raw.size() + 1, 0});
      std::lock_guard lock(recent_.mutex());
      s.feed(raw, [&](const mllp::event& e) {
        if (e.kind == mllp::event_kind::message) recent_.put_locked(key_of(e.content), 0);
      });
    }
  }
  for (const std::string& seg : live_log::segments(lake_)) {
    const long kept = live_log::recover_segment(seg, [&](std::string_view content) {
      std::lock_guard lock(recent_.mutex());
      recent_.put_locked(key_of(content), 0);
    });
    if (kept < 0) {
      listen_log("{}: cannot be read: {}", seg, os_reason(errno));
      return false;
    }
    if (kept == 0) {
      ::unlink(seg.c_str());
      continue;
    }
    listen_log("recovering {} stored messages from an earlier run", kept);
    if (!convert_segment(seg)) {
      std::lock_guard lock(sealed_m_);
      sealed_.push_back(seg);  // tried again by the converter
    }
  }
  return true;
}

void listener::converter_loop() {
  std::unique_lock lock(sealed_m_);
  for (;;) {
    sealed_cv_.wait(lock, [&] { return !sealed_.empty() || converter_stop_; });
    if (sealed_.empty()) return;
    const std::string path = sealed_.front();
    sealed_.pop_front();
    lock.unlock();
    const bool ok = convert_segment(path);
    lock.lock();
    if (!ok) {
      sealed_.push_front(path);
      if (converter_stop_) {
        listen_log("{} stored segments not converted yet: converted at the next start", sealed_.size());
        return;
      }
      sealed_cv_.wait_for(lock, std::chrono::seconds(2));  // e.g. a full disk: try again later
    }
  }
}

void listener::serve(int fd) {
  net::stream s(fd);
  {
    std::lock_guard lock(conns_m_);
    conns_.insert(&s);
  }
  const std::string peer = net::peer_name(fd);
  const int idle_ms = static_cast<int>(o_.idle_timeout) * 1000;
  s.set_timeouts(idle_ms, idle_ms);
  std::uint64_t messages = 0, duplicates = 0, refused = 0;
  const char* end_reason = "closed by peer";
  do {
    if (tls_.enabled()) {
      std::string why;
      if (!s.tls_accept(tls_, why)) {
        ++c_.tls_failures;
        listen_log("{}: TLS handshake failed: {}", peer, why);
        end_reason = "TLS handshake failed";
        break;
      }
    }
    mllp::session session({o_.max_message_bytes, 4096});
    parser p;
    acknowledger acks(setup_.options(), o_.strict);
    validate::ack_options ack_opts;
    std::string out, ts;
    std::vector<std::uint64_t> tickets;
    std::vector<std::pair<message_key, std::uint64_t>> appended;  // this round's writes, by message
    std::uint64_t minimal_ids = 0;
    auto on_event = [&](const mllp::event& e) {
      switch (e.kind) {
        case mllp::event_kind::junk:
          c_.junk_bytes += e.size;
          listen_log("{}: {} bytes outside MLLP frames ignored", peer,
                     static_cast<unsigned long long>(e.size));
          return;
        case mllp::event_kind::unterminated:
          ++c_.unterminated;
          listen_log("{}: frame {} cut short after {} bytes: not stored, not acknowledged", peer,
                     static_cast<unsigned long long>(e.index), static_cast<unsigned long long>(e.size));
          return;
        case mllp::event_kind::oversize:
        case mllp::event_kind::message:
          break;
      }
      if (ts.empty()) ts = local_timestamp();
      const bool enhanced =
          !mllp::header_field(e.content, 15).empty() || !mllp::header_field(e.content, 16).empty();
      const std::size_t mark = out.size();
      out.push_back(mllp::start_block);
      if (e.kind == mllp::event_kind::oversize) {
        ++refused;
        ++c_.refused_oversize;
        ++c_.negative_acks;
        listen_log("{}: frame {} of {} bytes refused (over --max-message-bytes): {}, not stored", peer,
                   static_cast<unsigned long long>(e.index), static_cast<unsigned long long>(e.size),
                   enhanced ? "CR" : "AR");
        char id[24];
        std::snprintf(id, sizeof id, "R%llu", static_cast<unsigned long long>(++minimal_ids));
        mllp::minimal_ack(e.content, enhanced ? "CR" : "AR", ts, id, out);
        out.push_back(mllp::end_block);
        out.push_back(mllp::carriage_return);
        return;
      }
      ++messages;
      ++c_.messages;
      // The ACK is decided now, sent after the message is durable.
      bool positive = false;
      auto msg = p.parse(e.content);
      if (msg) {
        ack_opts.timestamp = ts;
        const validate::ack_code code = acks.decide(*msg);
        positive = code == validate::ack_code::accept;
        if (acks.write(*msg, code, ack_opts, out) == validate::ack_status::not_needed) {
          out.resize(mark);
        } else {
          out.push_back(mllp::end_block);
          out.push_back(mllp::carriage_return);
        }
      } else {
        char id[24];
        std::snprintf(id, sizeof id, "R%llu", static_cast<unsigned long long>(++minimal_ids));
        mllp::minimal_ack(e.content, enhanced ? "CR" : "AR", ts, id, out);
        out.push_back(mllp::end_block);
        out.push_back(mllp::carriage_return);
      }
      ++(positive ? c_.positive_acks : c_.negative_acks);
      const message_key k = key_of(e.content);
      std::lock_guard lock(recent_.mutex());
      const std::uint64_t* seen = recent_.find_locked(k);
      if (seen != nullptr && *seen != recent_messages::not_stored && (*seen == 0 || !log_->failed(*seen))) {
        ++duplicates;
        ++c_.duplicates;
        if (*seen != 0) tickets.push_back(*seen);
        return;
      }
      const std::uint64_t t = log_->append(e.content);
      recent_.put_locked(k, t);
      tickets.push_back(t);
      appended.emplace_back(k, t);
      ++c_.stored;
    };
    // ACKs go out only when every message they answer is on disk.
    const auto flush = [&]() -> bool {
      bool stored = true;
      for (const std::uint64_t t : tickets) stored = log_->wait(t) && stored;
      if (!stored) {
        // The log forgets old failures (it keeps a bounded list); the recent set must not.
        for (const auto& [k, t] : appended) {
          if (!log_->wait(t)) recent_.forget_failed(k, t);
        }
        ++c_.store_failures;
        listen_log(
            "{}: storing failed (disk full or I/O error): no ACK, connection closed so the sender "
            "resends",
            peer);
        end_reason = "store failed";
        return false;
      }
      tickets.clear();
      appended.clear();
      ts.clear();
      if (out.empty()) return true;
      const net::io_status w = s.write_all(out);
      out.clear();
      if (w != net::io_status::ok) {
        end_reason =
            w == net::io_status::timeout ? "peer does not read its ACKs (write timeout)" : "write failed";
        return false;
      }
      return true;
    };
    char buf[16384];
    for (;;) {
      std::size_t got = 0;
      const net::io_status r = s.read_some(buf, sizeof buf, got);
      if (r == net::io_status::ok) {
        session.feed(std::string_view(buf, got), on_event);
        if (!flush()) break;
        continue;
      }
      if (r == net::io_status::timeout) {
        ++c_.idle_timeouts;
        end_reason = "idle timeout";
      } else if (r == net::io_status::error) {
        end_reason = "read error";
      } else if (stopping_) {
        end_reason = "listener stopping";
      }
      session.close(on_event);
      flush();
      break;
    }
  } while (false);
  listen_log("{}: {}; {} messages, {} duplicates, {} refused", peer, end_reason,
             static_cast<unsigned long long>(messages), static_cast<unsigned long long>(duplicates),
             static_cast<unsigned long long>(refused));
  std::lock_guard lock(conns_m_);
  conns_.erase(&s);
  --active_;
  conns_cv_.notify_all();
}

int listener::run() {
  // Signals are taken by the accept loop (signalfd); every thread started from here inherits the mask.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  const int sigfd = ::signalfd(-1, &sigs, SFD_CLOEXEC);

  if (const std::string problem =
          setup_.configure(o_.format, o_.typed, false, o_.default_version, o_.profile_path);
      !problem.empty()) {
    listen_log("{}", problem);
    return 2;
  }
  if (o_.port < 0 || o_.port > 65535) {
    listen_log("--port must be 0..65535 (0: any free port)");
    return 2;
  }
  if (!o_.tls_cert.empty() || !o_.tls_key.empty() || !o_.tls_client_ca.empty()) {
    if (o_.tls_cert.empty() || o_.tls_key.empty()) {
      listen_log("TLS needs both --tls-cert and --tls-key");
      return 2;
    }
    if (const std::string why = tls_.make_server(o_.tls_cert, o_.tls_key, o_.tls_client_ca); !why.empty()) {
      listen_log("{}", why);
      return 2;
    }
  }
  pipeline_options po;
  po.program = "lake listen";
  po.format = o_.format;
  po.typed = o_.typed;
  po.strict = o_.strict;
  po.jobs = std::max(1u, o_.jobs);
  po.durable = o_.fsync;
  po.wait_for_locks = true;
  pipe_ = std::make_unique<pipeline>(po, lake_, setup_.options());
  if (!pipe_->open()) return 2;
  if (const int e = make_dirs(lake_.live(), o_.fsync)) {
    listen_log("{}: {}", lake_.live(), os_reason(e));
    return 2;
  }
  load_counts();
  if (!recover()) return 2;

  live_log::options lo;
  lo.durable = o_.fsync;
  log_ = std::make_unique<live_log>(lake_, lo, [this](const std::string& path) {
    std::lock_guard lock(sealed_m_);
    sealed_.push_back(path);
    sealed_cv_.notify_one();
  });
  if (const std::string why = log_->start(); !why.empty()) {
    listen_log("{}", why);
    return 2;
  }
  converter_ = std::thread([this] { converter_loop(); });

  std::string why;
  const int lfd = net::listen_on(o_.bind, o_.port, 1024, why);
  if (lfd < 0) {
    listen_log("{}", why);
    log_->stop();
    {
      std::lock_guard lock(sealed_m_);
      converter_stop_ = true;
      sealed_cv_.notify_all();
    }
    converter_.join();
    pipe_->close();
    return 2;
  }
  const int port = net::bound_port(lfd);
  if (!o_.port_file.empty()) {
    const std::string tmp = o_.port_file + ".tmp";
    const std::string text = std::to_string(port) + "\n";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0 ||
        std::rename(tmp.c_str(), o_.port_file.c_str()) != 0) {
      listen_log("--port-file {}: {}", o_.port_file, os_reason(errno));
    }
  }
  listen_log("listening on {} port {} ({}{}), lake {}", o_.bind, port, tls_.enabled() ? "TLS" : "plain TCP",
             !o_.tls_client_ca.empty() ? ", client certificates required" : "", lake_.root);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512u << 10);  // a thousand idle connections stay cheap
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (;;) {
    pollfd fds[2] = {{lfd, POLLIN, 0}, {sigfd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) break;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard lock(conns_m_);
      if (active_ >= o_.max_connections) {
        ++c_.connections_refused;
        listen_log("{}: refused: --max-connections {} reached", net::peer_name(fd), o_.max_connections);
        ::close(fd);
        continue;
      }
      ++active_;
    }
    ++c_.connections;
    pthread_t t;
    if (pthread_create(&t, &attr, &listener::serve_thread, new serve_arg{this, fd}) != 0) {
      listen_log("cannot start a connection thread: {}", os_reason(errno));
      ::close(fd);
      std::lock_guard lock(conns_m_);
      --active_;
    }
  }
  pthread_attr_destroy(&attr);

  // Stop: accept no more; every connection finishes what it has received (stored, acknowledged).
  ::close(lfd);
  stopping_ = true;
  {
    std::unique_lock lock(conns_m_);
    listen_log("stopping: finishing {} connections", active_);
    for (net::stream* s : conns_) s->shutdown_read();
    // A peer that does not read its ACKs would hold a write until the idle timeout: after 10 s its
    // connection is cut (what it sent is stored; unacknowledged, it is resent and recognized).
    if (!conns_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return active_ == 0; })) {
      for (net::stream* s : conns_) s->shutdown_all();
    }
    conns_cv_.wait(lock, [&] { return active_ == 0; });
  }
  log_->stop();  // flushes and seals the open segment
  {
    std::lock_guard lock(sealed_m_);
    converter_stop_ = true;
    sealed_cv_.notify_all();
  }
  converter_.join();
  pipe_->close();
  save_counts();
  const pipeline_totals& t = pipe_->totals();
  using ull = unsigned long long;
  listen_log(
      "stopped: {} connections, {} messages received: {} stored, {} duplicates; {} refused; "
      "converted {} messages ({} staged, {} errors)",
      ull(c_.connections.load()), ull(c_.messages.load()), ull(c_.stored.load()), ull(c_.duplicates.load()),
      ull(c_.refused_oversize.load()), ull(t.messages.load()), ull(t.staged.load()), ull(t.errors.load()));
  return 0;
}

}  // namespace

int run_listen(const listen_options& o) {
  listener l(o);
  return l.run();
}

}  // namespace hl7v2::cli::lake
