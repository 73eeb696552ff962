#include "lake/pipeline.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "io.hpp"
#include "lake/files.hpp"
#include "lake/publish.hpp"
#include "lake/sha256.hpp"

namespace hl7v2::cli::lake {

namespace fs = std::filesystem;

namespace {
// Flusher threads (flusher.hpp): they wait on the disk, so more than the cores; 4 flushes at once
// already share most journal commits on this machine's disk.
constexpr unsigned flush_threads = 4;
// Chunks (read_chunk_size each) of an input being read and hashed while flusher threads write them.
constexpr unsigned copy_chunks = 4;
}  // namespace

std::string utc_now(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

pipeline::pipeline(pipeline_options o, layout lake, const json::options& conv)
    : o_(std::move(o)), lake_(std::move(lake)) {
  wc_.conv = conv;
  wc_.strict = o_.strict;
  wc_.durable = o_.durable;
  wc_.messages_done = &progress_.messages;
}

pipeline::~pipeline() { close(); }

bool pipeline::open() {
  const auto complain = [&](const std::string& what, int e) {
    fmt::print(stderr, "hl7v2 {}: {}: {}\n", o_.program, what, os_reason(e));
  };
  for (const std::string& d : {lake_.root, lake_.raw(), lake_.staging(), lake_.error(), lake_.manifest(),
                               lake_.locks(), lake_.tmp()}) {
    if (const int e = make_dirs(d, o_.durable)) {
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
  wc_.run_dir = lake_.tmp() + "/run" + unique;
  if (const int e = make_dirs(fresh)) {
    complain(fresh, e);
    return false;
  }
  run_dir_fd_ = ::open(fresh.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (run_dir_fd_ < 0 || ::flock(run_dir_fd_, LOCK_EX) != 0 ||
      ::rename(fresh.c_str(), wc_.run_dir.c_str()) != 0) {
    complain(wc_.run_dir, errno);
    return false;
  }
  const unsigned jobs = std::max(1u, o_.jobs);
  queue_ = std::make_unique<batch_queue>(jobs);
  // Enough for every batch that can be in flight: queued, being worked on, and being filled.
  pool_ = std::make_unique<batch_pool>(
      2 * jobs + 2, (o_.batch_bytes != 0 ? o_.batch_bytes : max_batch_bytes) + (64u << 10));
  // Threads that mostly wait on the disk: a few, so that flushes overlap (flusher.hpp).
  flusher_ = std::make_unique<flusher>(flush_threads, [this](flush_job& j) { flush(j); });
  for (unsigned i = 0; i < jobs; ++i) workers_.emplace_back([this] { worker_loop(); });
  open_ = true;
  return true;
}

void pipeline::worker_loop() {
  batch_worker w(wc_);
  while (auto b = queue_->pop()) {
    input_state* in = b->input;
    if (!w.handle(*b)) {  // its input was abandoned before its hash was known: drop_early waits for this
      pool_->put(std::move(b));
      std::lock_guard lock(in->m);
      in->pending.fetch_sub(1);
      in->cv.notify_all();
      continue;
    }
    for (private_file& f : b->unsynced) {  // durable runs: flushed while this thread converts the next batch
      in->pending.fetch_add(1);
      flush_job job;
      job.input = in;
      job.file = std::move(f);
      flusher_->push(std::move(job));
    }
    pool_->put(std::move(b));
    release(in);
  }
}

// On a flusher thread: a part file, or the raw copy, reaches the disk; then the job's token goes.
void pipeline::flush(flush_job& job) {
  if (job.task) {
    job.task();
    return;
  }
  input_state* in = job.input;
  if (job.raw) {
    if (const int e = publish_raw(*in)) in->fail(lake_.raw_file(in->manifest.sha256), e);
  } else if (const int e = job.file.close(true)) {
    in->fail(job.file.path(), e);
  }
  release(in);
}

// The raw copy (flushed first when durable) gets its name in raw/, and raw/ is flushed. 0 or errno.
int pipeline::publish_raw(input_state& in) {
  const std::string raw = lake_.raw_file(in.manifest.sha256);
  int e = 0;
  if (o_.durable) {
    const int fd = ::open(in.raw_temp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    if (::fdatasync(fd) != 0) e = errno;
    ::close(fd);
  }
  if (e == 0) e = publish(in.raw_temp, raw, o_.durable);
  if (e == 0 && o_.durable) e = sync_dir(lake_.raw());
  if (e != 0) return e;
  in.raw_created = true;
  in.raw_temp.clear();
  return 0;
}

// An input that is not converted after all (already in the lake): its copy goes, or, when raw/ lacks
// it, becomes the raw file.
void pipeline::settle_raw(input_state& in) {
  if (in.raw_temp.empty()) return;
  if (exists(lake_.raw_file(in.manifest.sha256))) {
    ::unlink(in.raw_temp.c_str());
    in.raw_temp.clear();
    return;
  }
  if (const int e = publish_raw(in))
    report_failure(o_.program.c_str(), in.manifest.source, lake_.raw_file(in.manifest.sha256), e);
}

// An input being cut into batches. A regular file (its size known up front, for the batch sizes) is
// framed while it is read and hashed ("early"), so the workers convert from its first megabytes on
// instead of idling through a whole first pass (on the 31 MB corpus with 2 jobs that pass was a fifth
// of the run). Early batches never wait for room in the queue: a worker that finished one waits for
// the input's hash, which only this thread computes. When the queue is full, framing stops and the
// rest is framed from the copy once the input is hashed (and locked). Other inputs (stdin) are framed
// from the copy only.
struct pipeline::framing {
  input_state* in = nullptr;
  stream_framer framer;
  std::unique_ptr<batch> current;
  std::vector<std::unique_ptr<batch>> held;  // early batches the queue had no room for (they hold tokens)
  std::uint32_t seq = 0;
  std::uint64_t input_bytes = 0;
  std::size_t batch_bytes = 0;
  std::uint64_t fed = 0;  // input bytes given to the framer so far
  bool early = false;     // framing during the first read: batches dispatched before the hash is known

  void start(input_state* i, std::uint64_t bytes, const pipeline_options& o, batch_pool& pool) {
    in = i;
    input_bytes = bytes;
    batch_bytes = o.batch_bytes != 0 ? o.batch_bytes : batch_bytes_for(bytes, std::max(1u, o.jobs));
    if (!current) current = pool.get();
  }
};

void pipeline::dispatch(framing& fr) {
  input_state* in = fr.in;
  fr.current->input = in;
  fr.current->seq = fr.seq++;
  in->pending.fetch_add(1);
  if (!fr.early) {
    queue_->push(std::move(fr.current));
  } else if (!fr.held.empty() || !queue_->try_push(fr.current)) {
    fr.held.push_back(std::move(fr.current));  // keeps the order: nothing is pushed past a held batch
  }
  fr.current = pool_->get();
}

void pipeline::take_frame(framing& fr, const frame& f) {
  const bool bad_trailer = f.kind == frame_kind::batch_trailer && f.err.code != errc::ok;
  if (f.kind != frame_kind::message && f.kind != frame_kind::error && !bad_trailer) return;  // envelopes
  batch& b = *fr.current;
  item it;
  it.begin = b.data.size();
  it.size = f.text.size();
  it.offset = f.offset;
  it.line = f.line;
  it.index = f.message_index;  // messages and unframeable pieces before it (a trailer: before it)
  it.is_error = f.kind != frame_kind::message;
  it.batch_trailer = bad_trailer;
  it.err = f.err;
  b.batch_trailers += bad_trailer ? 1 : 0;
  b.data.append(f.text);
  b.items.push_back(it);
  if (b.data.size() >= fr.batch_bytes) {
    dispatch(fr);
    const std::uint64_t batched = f.offset + f.text.size();
    if (o_.batch_bytes == 0)
      fr.batch_bytes = batch_bytes_for(fr.input_bytes, std::max(1u, o_.jobs),
                                       fr.input_bytes - std::min(fr.input_bytes, batched));
  }
}

void pipeline::frame_chunk(framing& fr, std::string_view chunk) {
  fr.framer.feed(chunk, [&](const frame& f) { take_frame(fr, f); });
  fr.fed += chunk.size();
  progress_.bytes_done += chunk.size();
}

// The input is not converted by this run after all (or not now): its early batches are dropped, the
// workers' included, and the framing starts over should it be ingested later.
void pipeline::drop_early(framing& fr) {
  input_state* in = fr.in;
  if (in == nullptr) return;
  std::unique_lock lock(in->m);
  in->abandoned = true;
  in->cv.notify_all();
  for (auto& b : fr.held) {
    pool_->put(std::move(b));
    in->pending.fetch_sub(1);
  }
  fr.held.clear();
  // The workers drop the batches they have (batch_worker::handle) and give their tokens back.
  in->cv.wait(lock, [&] { return in->pending.load() == 1; });
  in->abandoned = false;
  in->failed = false;  // a write of a dropped batch: should the input be ingested later, that starts over
  in->failed_what.clear();
  in->failed_errno = 0;
  lock.unlock();
  if (fr.current) pool_->put(std::move(fr.current));
  progress_.bytes_done -= fr.fed;
  fr.framer = stream_framer{};
  fr.seq = 0;
  fr.fed = 0;
  fr.early = false;
  fr.in = nullptr;
}

// Copies the input into the run directory while hashing it (and, early, framing it). The copy is named
// by its hash in raw/ later (publish_raw): while the input is converted, and after its data is flushed.
//
// This thread reads, hashes and frames; the flusher threads write the chunks it read into the copy
// (pwrite at their offsets, in any order) meanwhile. The chunks written are the bytes hashed and
// framed, whatever happens to the input file meanwhile.
bool pipeline::stage_raw(const std::string& path, input_state& in, framing& fr) {
  input_manifest& m = in.manifest;
  private_file copy;
  if (const int e = copy.create(wc_.run_dir + "/" + unique_name("raw"))) {
    report_failure(o_.program.c_str(), path, wc_.run_dir, e);
    return false;
  }
  sha256 hash;
  input_file source;
  int read_error = source.open(path);
  if (read_error == 0 && path != "-") {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      fr.start(&in, static_cast<std::uint64_t>(st.st_size), o_, *pool_);
      fr.early = true;
    }
  }
  bool framing_early = fr.early;
  int write_error = 0;
  std::uint64_t total = 0;
  {
    // The chunks in flight: read (and hashed) here, written by a flusher thread, then free again.
    struct shared {
      std::mutex m;
      std::condition_variable cv;
      std::vector<char*> free;
      unsigned writing = 0;
      int error = 0;
    } st;
    std::vector<std::unique_ptr<char[]>> chunks;
    for (unsigned i = 0; i < copy_chunks; ++i) {
      chunks.push_back(std::unique_ptr<char[]>(new char[read_chunk_size]));
      st.free.push_back(chunks.back().get());
    }
    const int fd = copy.fd();
    while (read_error == 0) {
      char* buf = nullptr;
      {
        std::unique_lock lock(st.m);
        st.cv.wait(lock, [&] { return !st.free.empty(); });
        buf = st.free.back();
        st.free.pop_back();
        if (st.error != 0) break;
      }
      const long n = source.read(buf, read_chunk_size);
      if (n <= 0) {
        if (n < 0) read_error = static_cast<int>(-n);
        std::lock_guard lock(st.m);
        st.free.push_back(buf);
        break;
      }
      const auto size = static_cast<std::size_t>(n);
      hash.update(std::string_view(buf, size));
      const auto offset = static_cast<off_t>(total);
      total += size;
      {
        std::lock_guard lock(st.m);
        ++st.writing;
      }
      flush_job job;
      job.task = [&st, buf, size, offset, fd] {
        std::size_t done = 0;
        int e = 0;
        while (done < size) {
          const ssize_t w = ::pwrite(fd, buf + done, size - done, offset + static_cast<off_t>(done));
          if (w < 0) {
            if (errno == EINTR) continue;
            e = errno;
            break;
          }
          done += static_cast<std::size_t>(w);
        }
        std::lock_guard lock(st.m);
        if (e != 0 && st.error == 0) st.error = e;
        st.free.push_back(buf);
        --st.writing;
        st.cv.notify_all();
      };
      // Framed before the write is queued; both only read the chunk. In pieces of about a batch: the
      // framing stops after the first that fills the queue (the rest is framed after hashing, from the
      // copy), so the batches held back stay few even with a small --batch-size.
      const std::size_t piece = std::max<std::size_t>(fr.batch_bytes, 64u << 10);
      for (std::size_t at = 0; framing_early && at < size; at += piece) {
        frame_chunk(fr, std::string_view(buf + at, std::min(piece, size - at)));
        framing_early = fr.held.empty();
      }
      flusher_->push(std::move(job));
      if (size < read_chunk_size && path != "-") break;  // a regular file's end
    }
    std::unique_lock lock(st.m);
    st.cv.wait(lock, [&] { return st.writing == 0; });
    write_error = st.error;
  }
  int e = read_error != 0 ? read_error : write_error;
  if (e == 0) e = copy.close(false);
  if (e != 0) {
    report_failure(o_.program.c_str(), path, read_error != 0 ? "reading it" : copy.path(), e);
    copy.discard();
    return false;
  }
  m.sha256 = sha256::hex(hash.finish());
  m.bytes = total;
  if (exists(lake_.raw_file(m.sha256))) {
    copy.discard();
    return true;
  }
  in.raw_temp = copy.path();
  return true;
}

bool pipeline::add(const std::string& path, const std::string& source, const std::string& origin,
                   input_done done) {
  auto in = std::make_unique<input_state>();
  in->manifest.source = source;
  in->manifest.origin = origin;
  in->manifest.format = o_.format;
  in->manifest.typed = o_.typed;
  in->manifest.strict = o_.strict;
  in->manifest.ingest_date = utc_now("%Y-%m-%d");  // early batches are partitioned by it
  in->done = std::move(done);
  framing fr;
  const auto give_up = [&](input_outcome::status what) {
    drop_early(fr);
    if (what == input_outcome::status::failed) ++totals_.failed_inputs;
    ++progress_.files_done;
    if (in->done) in->done(input_outcome{what, nullptr, in->manifest.sha256, source});
  };
  if (!stage_raw(path, *in, fr)) {
    give_up(input_outcome::status::failed);
    return false;
  }
  totals_.bytes += in->manifest.bytes;
  if (exists(lake_.manifest_file(in->manifest.sha256))) {  // the same bytes are already in the lake
    drop_early(fr);
    // A run killed between writing the manifest and removing the journal leaves it behind: the
    // input is committed, so the journal is stale and goes.
    ::unlink(lake_.journal_file(in->manifest.sha256).c_str());
    settle_raw(*in);
    ++totals_.skipped;
    progress_.bytes_done += in->manifest.bytes;
    give_up(input_outcome::status::already_in_lake);
    return true;
  }
  in->lock_fd = ::open(lake_.lock_file(in->manifest.sha256).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, file_mode);
  if (in->lock_fd < 0) {
    report_failure(o_.program.c_str(), source, lake_.lock_file(in->manifest.sha256), errno);
    give_up(input_outcome::status::failed);
    return false;
  }
  if (::flock(in->lock_fd, o_.wait_for_locks ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
    if (o_.wait_for_locks) {
      report_failure(o_.program.c_str(), source, lake_.lock_file(in->manifest.sha256), errno);
      ::close(in->lock_fd);
      give_up(input_outcome::status::failed);
      return false;
    }
    drop_early(fr);
    deferred_.push_back(std::move(in));
    return true;
  }
  ingest_locked(std::move(in), fr);
  return true;
}

// Holding the input's lock: frame (the rest of) it from its copy and hand batches to the workers.
void pipeline::ingest_locked(std::unique_ptr<input_state> owned, framing& fr) {
  input_state* in = owned.get();
  const std::string sha = in->manifest.sha256;
  if (exists(lake_.manifest_file(sha))) {  // another process committed it while we waited
    drop_early(fr);
    ::unlink(lake_.journal_file(sha).c_str());
    settle_raw(*in);
    ::close(in->lock_fd);
    ++totals_.skipped;
    ++progress_.files_done;
    if (in->done)
      in->done(input_outcome{input_outcome::status::already_in_lake, nullptr, sha, in->manifest.source});
    return;
  }
  recover_input(lake_, sha);
  const std::uint64_t input_bytes = in->manifest.bytes;
  if (fr.in == nullptr) {  // nothing framed yet
    in->manifest.ingest_date = utc_now("%Y-%m-%d");
    fr.start(in, input_bytes, o_, *pool_);
  }
  {
    // The early batches' records get their hash; from here on they are this run's to commit.
    std::lock_guard lock(in->m);
    in->sha_ready.store(true, std::memory_order_release);
    in->cv.notify_all();
  }
  owned.release();  // from here on the last batch (or flush) to finish owns it (finalize)
  fr.early = false;
  for (auto& b : fr.held) queue_->push(std::move(b));  // their tokens were taken in dispatch
  fr.held.clear();
  // The rest comes from the copy this run made (opened before the flusher may rename it) or from raw/.
  const std::string from = in->raw_temp.empty() ? lake_.raw_file(sha) : in->raw_temp;
  int fd = -1;
  int e = 0;
  if (fr.fed < input_bytes) {
    fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) e = errno;
  }
  if (!in->raw_temp.empty()) {
    if (o_.durable) {  // flushed and renamed while the batches are converted
      in->pending.fetch_add(1);
      flush_job job;
      job.input = in;
      job.raw = true;
      flusher_->push(std::move(job));
    } else if (const int pe = publish_raw(*in)) {
      in->fail(lake_.raw_file(sha), pe);
    }
  }
  if (fd >= 0) {
    std::unique_ptr<char[]> buf(new char[read_chunk_size]);
    while (fr.fed < input_bytes) {
      const ssize_t n = ::pread(fd, buf.get(), read_chunk_size, static_cast<off_t>(fr.fed));
      if (n < 0) {
        if (errno == EINTR) continue;
        e = errno;
        break;
      }
      if (n == 0) break;
      frame_chunk(fr, std::string_view(buf.get(), static_cast<std::size_t>(n)));
    }
    ::close(fd);
  }
  fr.framer.finish([&](const frame& f) { take_frame(fr, f); });
  if (e != 0) in->fail(from, e);
  if (!fr.current->items.empty()) dispatch(fr);
  pool_->put(std::move(fr.current));
  fr.in = nullptr;
  release(in);
}

void pipeline::release(input_state* in) {
  if (in->pending.fetch_sub(1) == 1) finalize(in);
}

// Every batch of the input is written: publish its files, then commit it with its manifest.
void pipeline::finalize(input_state* raw_in) {
  std::unique_ptr<input_state> in(raw_in);
  input_manifest& m = in->manifest;
  m.ingested_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
  std::string failed_at;
  int e = 0;
  if (!in->failed) {
    e = commit_input(lake_, wc_.run_dir, *in, o_.durable, failed_at);
    if (e != 0) {
      in->fail_locked(failed_at, e);
      recover_input(lake_, m.sha256);  // what was already renamed into place goes again
    }
  }
  if (in->failed) {
    report_failure(o_.program.c_str(), m.source, in->failed_what, in->failed_errno);
    for (const auto& f : in->files) ::unlink(f.temp_path.c_str());
    if (!in->raw_temp.empty()) ::unlink(in->raw_temp.c_str());
    // A raw copy this run made, for an input that did not commit, would be a raw file without a manifest.
    if (in->raw_created && !exists(lake_.manifest_file(m.sha256))) ::unlink(lake_.raw_file(m.sha256).c_str());
    ::close(in->lock_fd);
    ++totals_.failed_inputs;
    ++progress_.files_done;
    if (in->done) in->done(input_outcome{input_outcome::status::failed, nullptr, m.sha256, m.source});
    return;
  }
  ::close(in->lock_fd);
  totals_.messages += m.messages;
  totals_.staged += m.staged;
  totals_.errors += m.errors;
  totals_.batch_errors += m.batch_errors;
  ++totals_.inputs;
  ++progress_.files_done;
  if (in->done) in->done(input_outcome{input_outcome::status::committed, &m, m.sha256, m.source});
}

void pipeline::close() {
  if (!open_) return;
  for (auto& in : deferred_) {
    if (::flock(in->lock_fd, LOCK_EX) != 0) {
      report_failure(o_.program.c_str(), in->manifest.source, lake_.lock_file(in->manifest.sha256), errno);
      ::close(in->lock_fd);
      ++totals_.failed_inputs;
      if (in->done)
        in->done(
            input_outcome{input_outcome::status::failed, nullptr, in->manifest.sha256, in->manifest.source});
      continue;
    }
    framing fr;
    ingest_locked(std::move(in), fr);
  }
  deferred_.clear();
  queue_->close();
  for (auto& t : workers_) t.join();
  workers_.clear();
  if (flusher_) flusher_->stop();  // the last flushes, and the commits they end with
  flusher_.reset();
  std::error_code ec;
  fs::remove_all(wc_.run_dir, ec);
  ::close(run_dir_fd_);
  open_ = false;
}

}  // namespace hl7v2::cli::lake
