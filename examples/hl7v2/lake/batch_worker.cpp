#include "lake/batch_worker.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "lake/input.hpp"
#include "lake/zones.hpp"
#include "records.hpp"
#include "validation.hpp"

namespace hl7v2::cli::lake {
namespace {

// A part file is flushed to disk when its buffer reaches this size.
constexpr std::size_t part_flush_bytes = 256u << 10;
// Partitions whose buffers a worker keeps between batches (message type x version; real feeds have few).
constexpr std::size_t max_kept_parts = 64;
// Stands for the input's hash (64 hex digits) in records written before it is known; patched in place.
constexpr std::string_view sha_placeholder =
    "0000000000000000000000000000000000000000000000000000000000000000";
constexpr std::string_view staged_sha_key = "\"_source_sha256\":\"";
constexpr std::string_view error_sha_key = ",\"source_sha256\":\"";

int pwrite_all(int fd, std::string_view bytes, std::uint64_t at) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(at + done));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(w);
  }
  return 0;
}

// Where the hash goes in a record just appended to buf at `mark`: after its key, the first one from
// there (a key cannot occur inside a JSON string, whose quotes are escaped).
void note_placeholder(std::vector<std::size_t>& sha_at, const std::string& buf, std::size_t mark,
                      std::string_view key) {
  const std::size_t at = buf.find(key, mark);
  if (at != std::string::npos) sha_at.push_back(at + key.size());
}

}  // namespace

batch_worker::batch_worker(const worker_config& c)
    : c_(c),
      conv_(std::make_unique<json::converter>(c.conv)),
      resolver_(json::walk_options{c.conv.default_version,
                                   c.conv.profile != nullptr ? &c.conv.profile->version() : nullptr}) {}

// --strict: a message whose version is unknown, or that has validation errors (warnings pass), goes to
// the error zone; its diagnostics (codes, paths, expectations) go into diagnostics_ for the record.
bool batch_worker::strict_reject(const message& msg, hl7v2::error& err) {
  diagnostics_.clear();
  if (validate_message(msg, c_.conv, validate::options{}, rep_) == nullptr) {
    err = hl7v2::error{errc::unknown_version, msg.header().offset(), 1, 12};
    return true;
  }
  const validate::diagnostic* first = first_error(rep_);
  if (first == nullptr) return false;
  err = hl7v2::error{errc::validation_failed, first->where.offset, first->where.segment_index,
                     first->where.field};
  write_diagnostics_member(rep_, diagnostics_, path_scratch_);
  return true;
}

// Once the input's hash is known, it replaces the placeholders, those already in the file too (one
// pwrite each: only records converted while the input was still being read have them). Before, the
// buffer is written with them: holding it in memory instead had the kernel copy it cold later, which
// cost more than the patches.
bool batch_worker::flush_part(input_state& in, part_out& p, bool final) {
  if (in.sha_ready.load(std::memory_order_acquire)) {
    const std::string& sha = in.manifest.sha256;
    for (const std::size_t at : p.sha_at) sha.copy(p.buf.data() + at, sha.size());
    p.sha_at.clear();
    for (const std::uint64_t at : p.file_sha_at) {
      if (const int e = pwrite_all(p.file.fd(), sha, at)) {
        in.fail(p.file.path(), e);
        return false;
      }
    }
    p.file_sha_at.clear();
  }
  if (p.buf.empty() && (!final || p.file.is_open())) return true;
  if (!p.file.is_open() && !p.file.path().empty()) return false;  // failed before
  if (!p.file.is_open()) {
    if (const int e = p.file.create(c_.run_dir + "/" + unique_name("part"))) {
      in.fail(c_.run_dir, e);
      return false;
    }
  }
  for (const std::size_t at : p.sha_at) p.file_sha_at.push_back(p.file.size() + at);
  p.sha_at.clear();
  const int e = p.file.write(p.buf);
  p.buf.clear();
  if (e != 0) {
    in.fail(p.file.path(), e);
    return false;
  }
  return true;
}

batch_worker::part_out& batch_worker::part_for(const message& msg, const std::string& date) {
  const std::string_view type = msg.message_type(), trigger = msg.trigger_event(),
                         structure_id = msg.structure_id(), version = msg.version_id();
  for (auto& p : parts_) {
    if (p.type == type && p.trigger == trigger && p.structure_id == structure_id && p.version == version &&
        p.date == date)
      return p;
  }
  part_out& part = parts_.emplace_back();
  part.type = type;
  part.trigger = trigger;
  part.structure_id = structure_id;
  part.version = version;
  part.date = date;
  if (const defs::structure_def* s = json::walker::structure_of(msg, *resolver_.version_of(msg)))
    part.structure = s->id;
  part.relative_dir = "staging/";
  part.relative_dir += partition_key(part.structure, type, trigger, version);
  part.relative_dir += "/ingest_date=";
  part.relative_dir += date;
  return part;
}

bool batch_worker::handle(batch& b) {
  input_state& in = *b.input;
  bool ready = in.sha_ready.load(std::memory_order_acquire);
  std::string_view sha = ready ? std::string_view(in.manifest.sha256) : sha_placeholder;
  for (const item& it : b.items) {
    if (!ready) {
      if (in.sha_ready.load(std::memory_order_acquire)) {
        ready = true;
        sha = in.manifest.sha256;
      } else if (in.abandoned.load(std::memory_order_relaxed)) {
        break;  // dropped below: on a rerun, no more work wasted than this
      }
    }
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
    diagnostics_.clear();
    if (!failed) {
      auto msg = p_.parse(text);
      if (!msg) {
        failed = true;
        r.err = msg.error();
        r.err.offset += it.offset;
      } else if (c_.strict && strict_reject(*msg, r.err)) {
        failed = true;
        r.err.offset += it.offset;
        r.extra_members = diagnostics_;
      } else {
        part_out& part = part_for(*msg, in.manifest.ingest_date);
        extra_.clear();
        extra_ += "\"_source_sha256\":\"";
        extra_ += sha;
        extra_ += "\",\"_message_index\":";
        append_uint(extra_, it.index);
        extra_ += ",\"_byte_offset\":";
        append_uint(extra_, it.offset);
        const std::size_t mark = part.buf.size();
        string_sink sink(part.buf);
        auto written = conv_->write(*msg, sink, extra_);
        if (!written) {
          part.buf.resize(mark);
          failed = true;
          r.err = written.error();
          r.err.offset += it.offset;
        } else {
          part.buf.push_back('\n');
          ++part.records;
          if (!ready) note_placeholder(part.sha_at, part.buf, mark, staged_sha_key);
          if (part.buf.size() >= part_flush_bytes) flush_part(in, part, false);
        }
      }
    }
    if (failed) {
      const std::size_t mark = errors_.buf.size();
      string_sink sink(errors_.buf);
      write_error_record(r, sink, /*with_text=*/true, scratch_);
      ++errors_.records;
      if (it.batch_trailer) ++batch_errors_;
      if (!it.batch_trailer) ++error_codes_[std::string(hl7v2::name(r.err.code))];
      if (!ready) note_placeholder(errors_.sha_at, errors_.buf, mark, error_sha_key);
      if (errors_.buf.size() >= part_flush_bytes) flush_part(in, errors_, false);
    }
  }
  if (!ready) {
    std::unique_lock lock(in.m);
    in.cv.wait(lock, [&] { return in.sha_ready.load(std::memory_order_relaxed) || in.abandoned.load(); });
    if (!in.sha_ready.load(std::memory_order_relaxed)) {
      lock.unlock();
      reset_parts();  // its part files (in the run directory) are removed
      return false;
    }
  }
  if (c_.messages_done != nullptr) *c_.messages_done += b.items.size() - b.batch_trailers;
  finish_batch(b);
  return true;
}

// Closes the batch's part files (durable: leaves them in b.unsynced for the flusher) and hands them to
// its input for publishing.
void batch_worker::finish_batch(batch& b) {
  input_state& in = *b.input;
  const std::string name =
      "part-" + in.manifest.sha256.substr(0, 16) + "-" + std::to_string(b.seq) + ".ndjson";
  std::vector<staged_file> made;
  std::uint64_t staged = 0;
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  const auto close_part = [&](part_out& p, const std::string& dir) {
    if (p.records == 0) return;
    if (!flush_part(in, p, true)) return;
    made.push_back({p.file.path(), dir + "/" + name});
    if (c_.durable) {  // flushed and closed by the flusher (flusher.hpp), not on this thread
      b.unsynced.push_back(std::move(p.file));
      return;
    }
    if (const int e = p.file.close(false)) in.fail(p.file.path(), e);
  };
  for (auto& p : parts_) {
    close_part(p, p.relative_dir);
    staged += p.records;
    if (p.records != 0)
      counts.emplace_back(partition_key(p.structure, p.type, p.trigger, p.version), p.records);
  }
  close_part(errors_, "error/ingest_date=" + in.manifest.ingest_date);
  {
    std::lock_guard lock(in.m);
    in.files.insert(in.files.end(), made.begin(), made.end());
    in.manifest.staged += staged;
    in.manifest.errors += errors_.records - batch_errors_;
    in.manifest.batch_errors += batch_errors_;
    in.manifest.messages += b.items.size() - b.batch_trailers;
    for (const auto& [k, n] : counts) in.manifest.partitions[k] += n;
    for (const auto& [k, n] : error_codes_) in.manifest.error_codes[k] += n;
  }
  reset_parts();
}

void batch_worker::reset_parts() {
  // The part buffers keep their capacity for the next batch (no page faults to grow them again); the
  // list is only dropped when an input has an unusual number of partitions.
  const auto reset = [](part_out& p) {
    if (p.file.is_open()) p.file.discard();  // a part that failed: its temporary file goes
    p.file = private_file{};
    p.records = 0;
    p.buf.clear();
    p.sha_at.clear();
    p.file_sha_at.clear();
  };
  if (parts_.size() > max_kept_parts) parts_.clear();
  for (auto& p : parts_) reset(p);
  reset(errors_);
  batch_errors_ = 0;
  error_codes_.clear();
}

}  // namespace hl7v2::cli::lake
