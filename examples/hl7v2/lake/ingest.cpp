#include "lake/ingest.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "converter_setup.hpp"
#include "engine.hpp"
#include "hl7v2/defs/all.hpp"
#include "io.hpp"
#include "lake/files.hpp"
#include "lake/manifest.hpp"
#include "lake/sha256.hpp"
#include "lake/zones.hpp"
#include "progress.hpp"
#include "records.hpp"
#include "validation.hpp"

namespace hl7v2::cli::lake {
namespace {

namespace fs = std::filesystem;

// A part file is flushed to disk when its buffer reaches this size.
constexpr std::size_t part_flush_bytes = 256u << 10;
// Partitions whose buffers a worker keeps between batches (message type x version; real feeds have few).
constexpr std::size_t max_kept_parts = 64;

std::string utc_now(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

void complain(const std::string& what, int err) {
  std::fprintf(stderr, "hl7v2 lake ingest: %s: %s\n", what.c_str(), os_reason(err).c_str());
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

struct input_state;

struct batch {
  input_state* input = nullptr;
  std::uint32_t seq = 0;
  std::string data;
  std::vector<item> items;
  std::size_t batch_trailers = 0;  // items that are batch errors, not messages
};

struct staged_file {
  std::string temp_path;
  std::string relative;  // lake-relative destination
};

// One input being ingested; shared by the reader and the workers handling its batches.
struct input_state {
  input_manifest manifest;
  int lock_fd = -1;
  std::atomic<std::size_t> pending{1};  // batches in flight + the reader's own token
  std::mutex m;
  std::vector<staged_file> files;
  bool failed = false;
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

struct run_totals {
  std::atomic<std::uint64_t> inputs{0}, skipped{0}, failed_inputs{0}, messages{0}, staged{0}, errors{0},
      batch_errors{0};
};

class ingest_run {
 public:
  ingest_run(const ingest_options& o, layout l, json::options conv, bool grouped)
      : o_(o), lake_(std::move(l)), conv_options_(conv), grouped_(grouped), date_(utc_now("%Y-%m-%d")) {}

  int run();

 private:
  struct part_out {
    std::string type, trigger, version;  // raw MSH values, to find the part without allocating
    std::string relative_dir;
    std::string buf;
    private_file file;
    std::uint64_t records = 0;
  };
  struct worker_state {
    parser p;
    std::unique_ptr<message_converter> conv;
    validate::report rep;
    std::string extra, scratch, diagnostics, path_scratch;
    std::vector<part_out> parts;
    part_out errors;
    std::uint64_t batch_errors = 0;  // of errors.records, those that are batch trailers
  };

  bool prepare_lake();
  std::vector<std::string> expand_inputs(bool& ok);
  bool stage_raw(const std::string& path, input_manifest& m);
  void ingest_locked(std::unique_ptr<input_state> in);
  void recover(const std::string& sha);
  void worker_loop();
  void handle(worker_state& w, batch& b);
  bool flush_part(part_out& p, bool final);
  void finish_batch(worker_state& w, batch& b);
  void release(input_state* in);
  void finalize(input_state* in);
  bool strict_reject(worker_state& w, const message& msg, hl7v2::error& err);

  const ingest_options& o_;
  layout lake_;
  json::options conv_options_;
  bool grouped_ = false;
  std::string date_;
  std::string run_dir_;
  int run_dir_fd_ = -1;
  std::unique_ptr<batch_queue> queue_;
  std::unique_ptr<batch_pool> pool_;
  run_totals totals_;
  progress_counters progress_;
};

bool ingest_run::prepare_lake() {
  for (const std::string& d : {lake_.root, lake_.raw(), lake_.staging(), lake_.error(), lake_.manifest(),
                               lake_.locks(), lake_.tmp()}) {
    if (const int e = make_dirs(d)) {
      complain(d, e);
      return false;
    }
  }
  // Temporary directories of runs that died (their lock is free) are removed; live runs hold theirs.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(lake_.tmp(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("run-", 0) != 0) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) fs::remove_all(entry.path(), ec);
    ::close(fd);
  }
  // Our own: locked before it gets the name the cleanup looks for.
  const std::string unique = unique_name("");
  const std::string fresh = lake_.tmp() + "/new" + unique;
  run_dir_ = lake_.tmp() + "/run" + unique;
  if (const int e = make_dirs(fresh)) {
    complain(fresh, e);
    return false;
  }
  run_dir_fd_ = ::open(fresh.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (run_dir_fd_ < 0 || ::flock(run_dir_fd_, LOCK_EX) != 0 ||
      ::rename(fresh.c_str(), run_dir_.c_str()) != 0) {
    complain(run_dir_, errno);
    return false;
  }
  return true;
}

std::vector<std::string> ingest_run::expand_inputs(bool& ok) {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path lake_root = fs::weakly_canonical(lake_.root, ec);
  for (const std::string& in : o_.inputs) {
    if (in == "-") {
      out.push_back(in);
      continue;
    }
    if (!fs::is_directory(in, ec)) {
      out.push_back(in);  // a missing file is reported when opened
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(in, ec), end;
    if (ec) {
      complain(in, ec.value());
      ok = false;
      continue;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) {
        complain(in, ec.value());
        ok = false;
        break;
      }
      if (it->is_directory(ec) && fs::equivalent(it->path(), lake_root, ec)) {
        it.disable_recursion_pending();  // never ingest the lake into itself
        continue;
      }
      if (it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// Copies the input into the run directory while hashing it, then names it by its hash in raw/.
bool ingest_run::stage_raw(const std::string& path, input_manifest& m) {
  private_file copy;
  if (const int e = copy.create(run_dir_ + "/" + unique_name("raw"))) {
    complain(run_dir_, e);
    return false;
  }
  sha256 hash;
  int write_error = 0;
  const int read_error = for_each_chunk(path, [&](std::string_view chunk) {
    hash.update(chunk);
    if (write_error == 0) write_error = copy.write(chunk);
  });
  if (read_error != 0 || write_error != 0) {
    complain(read_error != 0 ? path : copy.path(), read_error != 0 ? read_error : write_error);
    copy.discard();
    return false;
  }
  if (const int e = copy.close()) {
    complain(copy.path(), e);
    copy.discard();
    return false;
  }
  m.sha256 = sha256::hex(hash.finish());
  m.bytes = copy.size();
  m.source = path;
  const std::string raw = lake_.raw_file(m.sha256);
  if (exists(raw)) {
    copy.discard();
    return true;
  }
  if (const int e = publish(copy.path(), raw)) {
    complain(raw, e);
    copy.discard();
    return false;
  }
  return true;
}

// A previous run died while publishing this input: remove what it made visible, then redo it.
void ingest_run::recover(const std::string& sha) {
  const std::string journal = lake_.journal_file(sha);
  std::string text;
  if (read_small_file(journal, text) != 0) return;
  for (const std::string& rel : journal_files(text)) {
    // Only paths this program writes: no "..", inside staging/ or error/.
    if (rel.find("..") != std::string::npos) continue;
    if (rel.rfind("staging/", 0) != 0 && rel.rfind("error/", 0) != 0) continue;
    ::unlink((lake_.root + "/" + rel).c_str());
  }
  ::unlink(journal.c_str());
}

// --strict: a message whose version is unknown, or that has validation errors (warnings pass), goes to
// the error zone; its diagnostics (codes, paths, expectations) go into w.diagnostics for the record.
bool ingest_run::strict_reject(worker_state& w, const message& msg, hl7v2::error& err) {
  w.diagnostics.clear();
  if (validate_message(msg, conv_options_, validate::options{}, w.rep) == nullptr) {
    err = hl7v2::error{errc::unknown_version, msg.header().offset(), 1, 12};
    return true;
  }
  const validate::diagnostic* first = first_error(w.rep);
  if (first == nullptr) return false;
  err = hl7v2::error{errc::validation_failed, first->where.offset, first->where.segment_index,
                     first->where.field};
  write_diagnostics_member(w.rep, w.diagnostics, w.path_scratch);
  return true;
}

bool ingest_run::flush_part(part_out& p, bool final) {
  if (p.buf.empty() && (!final || p.file.is_open())) return true;
  if (!p.file.is_open() && !p.file.path().empty()) return false;  // failed before
  if (!p.file.is_open()) {
    if (const int e = p.file.create(run_dir_ + "/" + unique_name("part"))) {
      complain(run_dir_, e);
      return false;
    }
  }
  const int e = p.file.write(p.buf);
  p.buf.clear();
  if (e != 0) {
    complain(p.file.path(), e);
    return false;
  }
  return true;
}

void ingest_run::handle(worker_state& w, batch& b) {
  input_state& in = *b.input;
  const std::string& sha = in.manifest.sha256;
  bool io_ok = true;
  for (const item& it : b.items) {
    const std::string_view text(b.data.data() + it.begin, it.size);
    error_record r;
    r.message_index = it.index;
    r.byte_offset = it.offset;
    r.byte_length = it.size;
    r.line = it.line;
    r.source = in.manifest.source;
    r.source_sha256 = sha;
    r.text = text;
    bool failed = it.is_error;
    r.err = it.err;
    r.batch_trailer = it.batch_trailer;
    w.diagnostics.clear();
    part_out* part = nullptr;
    if (!failed) {
      auto msg = w.p.parse(text);
      if (!msg) {
        failed = true;
        r.err = msg.error();
        r.err.offset += it.offset;
      } else if (o_.strict && strict_reject(w, *msg, r.err)) {
        failed = true;
        r.err.offset += it.offset;
        r.extra_members = w.diagnostics;
      } else {
        const std::string_view type = msg->message_type(), trigger = msg->trigger_event(),
                               version = msg->version_id();
        for (auto& p : w.parts) {
          if (p.type == type && p.trigger == trigger && p.version == version) {
            part = &p;
            break;
          }
        }
        if (part == nullptr) {
          part = &w.parts.emplace_back();
          part->type = type;
          part->trigger = trigger;
          part->version = version;
          part->relative_dir = "staging/" + partition_key(type, trigger, version) + "/ingest_date=" + date_;
        }
        w.extra.clear();
        w.extra += "\"_source_sha256\":\"";
        w.extra += sha;
        w.extra += "\",\"_message_index\":";
        append_uint(w.extra, it.index);
        w.extra += ",\"_byte_offset\":";
        append_uint(w.extra, it.offset);
        const std::size_t mark = part->buf.size();
        string_sink sink(part->buf);
        auto written = w.conv->write(*msg, sink, w.extra);
        if (!written) {
          part->buf.resize(mark);
          failed = true;
          r.err = written.error();
          r.err.offset += it.offset;
        } else {
          part->buf.push_back('\n');
          ++part->records;
          if (part->buf.size() >= part_flush_bytes) io_ok &= flush_part(*part, false);
        }
      }
    }
    if (failed) {
      string_sink sink(w.errors.buf);
      write_error_record(r, sink, /*with_text=*/true, w.scratch);
      ++w.errors.records;
      if (it.batch_trailer) ++w.batch_errors;
      std::lock_guard lock(in.m);
      if (!it.batch_trailer) ++in.manifest.error_codes[std::string(hl7v2::name(r.err.code))];
      if (w.errors.buf.size() >= part_flush_bytes) io_ok &= flush_part(w.errors, false);
    }
  }
  progress_.messages += b.items.size() - b.batch_trailers;
  if (!io_ok) {
    std::lock_guard lock(in.m);
    in.failed = true;
  }
  finish_batch(w, b);
}

// Closes the batch's part files and hands them to its input for publishing.
void ingest_run::finish_batch(worker_state& w, batch& b) {
  input_state& in = *b.input;
  const std::string name =
      "part-" + in.manifest.sha256.substr(0, 16) + "-" + std::to_string(b.seq) + ".ndjson";
  std::vector<staged_file> made;
  bool ok = true;
  std::uint64_t staged = 0;
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  const auto close_part = [&](part_out& p, const std::string& dir) {
    if (p.records == 0) return;
    ok &= flush_part(p, true);
    if (const int e = p.file.close()) {
      complain(p.file.path(), e);
      ok = false;
    }
    made.push_back({p.file.path(), dir + "/" + name});
  };
  for (auto& p : w.parts) {
    close_part(p, p.relative_dir);
    staged += p.records;
    if (p.records != 0) counts.emplace_back(partition_key(p.type, p.trigger, p.version), p.records);
  }
  close_part(w.errors, "error/ingest_date=" + date_);
  {
    std::lock_guard lock(in.m);
    in.failed |= !ok;
    in.files.insert(in.files.end(), made.begin(), made.end());
    in.manifest.staged += staged;
    in.manifest.errors += w.errors.records - w.batch_errors;
    in.manifest.batch_errors += w.batch_errors;
    in.manifest.messages += b.items.size() - b.batch_trailers;
    for (const auto& [k, n] : counts) in.manifest.partitions[k] += n;
  }
  // The part buffers keep their capacity for the next batch (no page faults to grow them again); the
  // list is only dropped when an input has an unusual number of partitions.
  const auto reset = [](part_out& p) {
    p.file = private_file{};
    p.records = 0;
    p.buf.clear();
  };
  if (w.parts.size() > max_kept_parts) w.parts.clear();
  for (auto& p : w.parts) reset(p);
  reset(w.errors);
  w.batch_errors = 0;
  release(&in);
}

void ingest_run::release(input_state* in) {
  if (in->pending.fetch_sub(1) == 1) finalize(in);
}

// Every batch of the input is written: publish its files, then commit it with its manifest.
void ingest_run::finalize(input_state* raw_in) {
  std::unique_ptr<input_state> in(raw_in);
  input_manifest& m = in->manifest;
  const auto cleanup = [&] {
    for (const auto& f : in->files) ::unlink(f.temp_path.c_str());
    ::close(in->lock_fd);
  };
  if (in->failed) {
    ++totals_.failed_inputs;
    cleanup();
    return;
  }
  std::sort(in->files.begin(), in->files.end(),
            [](const staged_file& a, const staged_file& b) { return a.relative < b.relative; });
  for (const auto& f : in->files) m.files.push_back(f.relative);
  m.ingested_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
  // Journal first (what is about to become visible), then the files, then the manifest (the commit).
  int e = write_atomically(run_dir_, lake_.journal_file(m.sha256), journal_text(m.files));
  std::string failed_at = lake_.journal_file(m.sha256);
  for (const auto& f : in->files) {
    if (e != 0) break;
    failed_at = lake_.root + "/" + f.relative;
    e = publish(f.temp_path, failed_at);
  }
  if (e == 0) {
    failed_at = lake_.manifest_file(m.sha256);
    e = write_atomically(run_dir_, failed_at, m.to_json());
  }
  if (e != 0) {
    complain(failed_at, e);
    ++totals_.failed_inputs;
    cleanup();
    return;
  }
  ::unlink(lake_.journal_file(m.sha256).c_str());
  ::close(in->lock_fd);
  totals_.messages += m.messages;
  totals_.staged += m.staged;
  totals_.errors += m.errors;
  totals_.batch_errors += m.batch_errors;
  ++totals_.inputs;
  ++progress_.files_done;
}

void ingest_run::worker_loop() {
  worker_state w;
  w.conv = std::make_unique<message_converter>(conv_options_, grouped_);
  while (auto b = queue_->pop()) {
    handle(w, *b);
    pool_->put(std::move(b));
  }
}

// Holding the input's lock: frame it from raw/ and hand batches of messages to the workers.
void ingest_run::ingest_locked(std::unique_ptr<input_state> owned) {
  input_state* in = owned.get();
  const std::string& sha = in->manifest.sha256;
  if (exists(lake_.manifest_file(sha))) {  // another run committed it while we waited
    ::unlink(lake_.journal_file(sha).c_str());
    ::close(in->lock_fd);
    ++totals_.skipped;
    ++progress_.files_done;
    return;
  }
  recover(sha);
  owned.release();  // from here on the last batch to finish owns it (finalize)
  std::uint32_t seq = 0;
  std::size_t found = 0;
  auto current = pool_->get();
  const auto dispatch = [&] {
    current->input = in;
    current->seq = seq++;
    in->pending.fetch_add(1);
    queue_->push(std::move(current));
    current = pool_->get();
  };
  stream_framer framer;
  auto on_frame = [&](const frame& f) {
    const bool bad_trailer = f.kind == frame_kind::batch_trailer && f.err.code != errc::ok;
    if (f.kind != frame_kind::message && f.kind != frame_kind::error && !bad_trailer) return;  // envelopes
    item it;
    it.begin = current->data.size();
    it.size = f.text.size();
    it.offset = f.offset;
    it.line = f.line;
    it.index =
        bad_trailer ? found : found++;  // the framer's index is shared by an error and the next message
    it.is_error = f.kind != frame_kind::message;
    it.batch_trailer = bad_trailer;
    it.err = f.err;
    current->batch_trailers += bad_trailer ? 1 : 0;
    current->data.append(f.text);
    current->items.push_back(it);
    if (current->data.size() >= o_.batch_bytes) dispatch();
  };
  const int e = for_each_chunk(lake_.raw_file(sha), [&](std::string_view chunk) {
    framer.feed(chunk, on_frame);
    progress_.bytes_done += chunk.size();
  });
  framer.finish(on_frame);
  if (e != 0) {
    complain(lake_.raw_file(sha), e);
    std::lock_guard lock(in->m);
    in->failed = true;
  }
  if (!current->items.empty()) dispatch();
  pool_->put(std::move(current));
  release(in);
}

int ingest_run::run() {
  if (!prepare_lake()) return 2;
  bool inputs_ok = true;
  const std::vector<std::string> inputs = expand_inputs(inputs_ok);
  std::error_code ec;
  for (const auto& p : inputs) {
    if (p != "-") progress_.bytes_total += fs::file_size(p, ec);
  }
  progress_.files_total = inputs.size();
  const unsigned jobs = o_.jobs != 0 ? o_.jobs : std::max(1u, std::thread::hardware_concurrency());
  queue_ = std::make_unique<batch_queue>(jobs);
  // Enough for every batch that can be in flight: queued, being worked on, and being filled.
  pool_ = std::make_unique<batch_pool>(2 * jobs + 2, o_.batch_bytes + (64u << 10));
  const auto start = std::chrono::steady_clock::now();
  progress_line progress(progress_, o_.progress);
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < jobs; ++i) workers.emplace_back([this] { worker_loop(); });

  std::vector<std::unique_ptr<input_state>> deferred;  // locked by another run right now
  std::uint64_t bytes_in = 0;
  for (const std::string& path : inputs) {
    auto in = std::make_unique<input_state>();
    if (!stage_raw(path, in->manifest)) {
      inputs_ok = false;
      ++totals_.failed_inputs;
      continue;
    }
    bytes_in += in->manifest.bytes;
    if (exists(lake_.manifest_file(in->manifest.sha256))) {  // the same bytes are already in the lake
      ++totals_.skipped;
      ++progress_.files_done;
      progress_.bytes_done += in->manifest.bytes;
      continue;
    }
    in->manifest.ingest_date = date_;
    in->manifest.format = o_.format;
    in->manifest.typed = o_.typed;
    in->manifest.strict = o_.strict;
    in->lock_fd =
        ::open(lake_.lock_file(in->manifest.sha256).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, file_mode);
    if (in->lock_fd < 0) {
      complain(lake_.lock_file(in->manifest.sha256), errno);
      inputs_ok = false;
      ++totals_.failed_inputs;
      continue;
    }
    if (::flock(in->lock_fd, LOCK_EX | LOCK_NB) != 0) {
      deferred.push_back(std::move(in));
      continue;
    }
    ingest_locked(std::move(in));
  }
  for (auto& in : deferred) {
    if (::flock(in->lock_fd, LOCK_EX) != 0) {
      complain(lake_.lock_file(in->manifest.sha256), errno);
      ::close(in->lock_fd);
      ++totals_.failed_inputs;
      continue;
    }
    ingest_locked(std::move(in));
  }
  queue_->close();
  for (auto& t : workers) t.join();
  progress.stop();
  fs::remove_all(run_dir_, ec);
  ::close(run_dir_fd_);

  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mb = static_cast<double>(bytes_in) / 1e6;
  std::fprintf(
      stderr,
      "hl7v2 lake ingest: %llu inputs ingested, %llu already in the lake, %llu failed; %llu messages: "
      "%llu staged, %llu errors; %llu batch errors; %.1f MB in %.2f s (%.1f MB/s, %.0f messages/s)\n",
      static_cast<unsigned long long>(totals_.inputs.load()),
      static_cast<unsigned long long>(totals_.skipped.load()),
      static_cast<unsigned long long>(totals_.failed_inputs.load()),
      static_cast<unsigned long long>(totals_.messages.load()),
      static_cast<unsigned long long>(totals_.staged.load()),
      static_cast<unsigned long long>(totals_.errors.load()),
      static_cast<unsigned long long>(totals_.batch_errors.load()), mb, secs, secs > 0 ? mb / secs : 0.0,
      secs > 0 ? static_cast<double>(totals_.messages.load()) / secs : 0.0);
  if (!inputs_ok || totals_.failed_inputs != 0) return 2;
  return totals_.errors != 0 || totals_.batch_errors != 0 ? 1 : 0;
}

}  // namespace

int run_ingest(const ingest_options& o) {
  converter_setup setup;
  if (const std::string problem =
          setup.configure(o.format, o.typed, false, o.default_version, o.profile_path);
      !problem.empty()) {
    std::fprintf(stderr, "hl7v2 lake ingest: %s\n", problem.c_str());
    return 2;
  }
  std::string root = o.lake;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  ingest_run run(o, layout{root}, setup.options(), setup.grouped());
  return run.run();
}

}  // namespace hl7v2::cli::lake
