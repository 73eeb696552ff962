// A worker's part of the ingest: each message of a batch parsed, (with --strict) validated and
// converted, appended to the part file of its partition (staging) or to the batch's error part; the
// closed part files and the counts go to the batch's input, which publishes them when it commits.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "converter_setup.hpp"
#include "engine.hpp"
#include "hl7v2/validate/validate.hpp"
#include "lake/batches.hpp"
#include "lake/files.hpp"

namespace hl7v2::cli::lake {

struct worker_config {
  json::options conv;
  bool strict = false;  // validation errors send a message to the error zone
  bool durable = true;  // part files are flushed to disk before they are closed
  std::string run_dir;  // temporary files, on the lake's file system
  std::atomic<std::uint64_t>* messages_done = nullptr;  // progress
};

class batch_worker {
 public:
  explicit batch_worker(const worker_config& c);
  // Converts the batch and hands its files and counts to b.input (which it does not release). In a
  // durable run the files are left open in b.unsynced: the caller has them flushed before the commit.
  // When the input's hash is not known yet, waits for it at the end; false: the input was abandoned
  // meanwhile (input.hpp) and the batch dropped, nothing written or counted.
  bool handle(batch& b);

 private:
  struct part_out {
    std::string type, trigger, structure_id, version;  // raw MSH values, to find the part without allocating
    std::string structure;                             // the resolved structure ("" when none)
    std::string date;                                  // the input's ingest_date
    std::string relative_dir;
    std::string buf;
    std::vector<std::size_t> sha_at;         // in buf: placeholders for the input's hash (not known yet)
    std::vector<std::uint64_t> file_sha_at;  // the same, in the file: written before the hash was known
    private_file file;
    std::uint64_t records = 0;
  };

  bool flush_part(input_state& in, part_out& p, bool final);
  void finish_batch(batch& b);
  void reset_parts();
  bool strict_reject(const message& msg, hl7v2::error& err);
  part_out& part_for(const message& msg, const std::string& date);

  const worker_config& c_;
  parser p_;
  std::unique_ptr<json::converter> conv_;
  json::walker resolver_;  // the definitions the converter reads a message with, for its partition
  validate::report rep_;
  std::string extra_, scratch_, diagnostics_, path_scratch_;
  std::vector<part_out> parts_;
  part_out errors_;
  std::uint64_t batch_errors_ = 0;                    // of errors_.records, those that are batch trailers
  std::map<std::string, std::uint64_t> error_codes_;  // the batch's, added to the manifest's at its end
};

}  // namespace hl7v2::cli::lake
