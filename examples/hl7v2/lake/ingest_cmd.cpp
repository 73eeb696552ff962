#include "lake/ingest_cmd.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "converter_setup.hpp"
#include "lake/pipeline.hpp"
#include "progress.hpp"

namespace hl7v2::cli::lake {
namespace {

namespace fs = std::filesystem;

// Directories become their regular files (recursively, sorted), never the lake itself.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs, const std::string& lake,
                                       bool& ok) {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path lake_root = fs::weakly_canonical(lake, ec);
  for (const std::string& in : inputs) {
    if (in == "-" || !fs::is_directory(in, ec)) {
      out.push_back(in);  // a missing file is reported when opened
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(in, ec), end;
    if (ec) {
      fmt::print(stderr, "hl7v2 lake ingest: {}: {}\n", in, ec.message());
      ok = false;
      continue;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) {
        fmt::print(stderr, "hl7v2 lake ingest: {}: {}\n", in, ec.message());
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

}  // namespace

int run_ingest(const ingest_options& o) {
  converter_setup setup;
  if (const std::string problem =
          setup.configure(o.format, o.typed, false, o.default_version, o.profile_path);
      !problem.empty()) {
    fmt::print(stderr, "hl7v2 lake ingest: {}\n", problem);
    return 2;
  }
  std::string root = o.lake;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  pipeline_options po;
  po.format = o.format;
  po.typed = o.typed;
  po.strict = o.strict;
  po.jobs = o.jobs != 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  po.batch_bytes = o.batch_bytes;
  po.durable = o.fsync;
  pipeline run(po, layout{root}, setup.options());
  if (!run.open()) return 2;

  bool inputs_ok = true;
  const std::vector<std::string> inputs = expand_inputs(o.inputs, root, inputs_ok);
  std::error_code ec;
  for (const auto& p : inputs) {
    if (p != "-") run.progress().bytes_total += fs::file_size(p, ec);
  }
  run.progress().files_total = inputs.size();
  const auto start = std::chrono::steady_clock::now();
  {
    progress_line progress(run.progress(), o.progress);
    for (const std::string& path : inputs) run.add(path, path, "ingest");
    run.close();
  }
  const pipeline_totals& t = run.totals();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mb = static_cast<double>(t.bytes.load()) / 1e6;
  using ull = unsigned long long;
  fmt::print(
      stderr,
      "hl7v2 lake ingest: {} inputs ingested, {} already in the lake, {} failed; {} messages: "
      "{} staged, {} errors; {} batch errors; {:.1f} MB in {:.2f} s ({:.1f} MB/s, {:.0f} messages/s)\n",
      ull(t.inputs.load()), ull(t.skipped.load()), ull(t.failed_inputs.load()), ull(t.messages.load()),
      ull(t.staged.load()), ull(t.errors.load()), ull(t.batch_errors.load()), mb, secs,
      secs > 0 ? mb / secs : 0.0, secs > 0 ? static_cast<double>(t.messages.load()) / secs : 0.0);
  if (!inputs_ok || t.failed_inputs != 0) return 2;
  return t.errors != 0 || t.batch_errors != 0 ? 1 : 0;
}

}  // namespace hl7v2::cli::lake
