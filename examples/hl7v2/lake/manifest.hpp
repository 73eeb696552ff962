// The per-input manifest: what one input held and where each of its messages went. Written last, as
// the commit point of the input: an input with a manifest is done and is never ingested again.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hl7v2::cli::lake {

struct input_manifest {
  std::string sha256;
  std::string source;             // the name the input had on the command line ("-" for stdin)
  std::string origin = "ingest";  // how it arrived: ingest (a file given), watch (an inbox), listen (MLLP)
  std::uint64_t bytes = 0;
  std::string ingest_date;  // partition value, UTC
  std::string ingested_at;  // ISO 8601, UTC
  std::string format;       // named | positional
  bool typed = false;
  bool strict = false;
  std::uint64_t messages = 0;  // found = staged + errors
  std::uint64_t staged = 0;
  std::uint64_t errors = 0;
  std::uint64_t batch_errors = 0;  // BTS/FTS trailers whose count is wrong: error-zone records, not messages
  std::map<std::string, std::uint64_t>
      partitions;  // "structure=ADT_A01/version=2.3/message_type=ADT_A04" → staged
  std::map<std::string, std::uint64_t> error_codes;  // "bad_segment_id" → count
  std::vector<std::string> files;                    // lake-relative paths this input published

  std::string to_json() const;
  // Fills from JSON written by to_json; false when the text is not such a manifest.
  bool from_json(const std::string& text);
};

// The journal lists the lake-relative files of an input being published, one per line, so a run that
// finds it (the previous run died mid-publish) removes them before redoing the input.
std::string journal_text(const std::vector<std::string>& files);
std::vector<std::string> journal_files(const std::string& text);

}  // namespace hl7v2::cli::lake
