#include "lake/status_cmd.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "hl7v2/json/sink.hpp"
#include "hl7v2/json/writer.hpp"
#include "lake/files.hpp"
#include "lake/manifest.hpp"
#include "lake/zones.hpp"
#include "records.hpp"

namespace hl7v2::cli::lake {
namespace {

namespace fs = std::filesystem;

struct zone_size {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
};

zone_size walk(const std::string& dir) {
  zone_size z;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    ++z.files;
    z.bytes += it->file_size(ec);
  }
  return z;
}

// "structure=ADT_A01/version=2.3/message_type=ADT_A04" → ("ADT_A04", "2.3"); manifests written before
// the structure level ("message_type=ADT_A04/version=2.3") read the same.
std::pair<std::string, std::string> split_partition(const std::string& key) {
  std::string type, version;
  std::size_t at = 0;
  while (at <= key.size()) {
    std::size_t slash = key.find('/', at);
    if (slash == std::string::npos) slash = key.size();
    const std::string_view part = std::string_view(key).substr(at, slash - at);
    if (part.rfind("message_type=", 0) == 0) type = part.substr(13);
    if (part.rfind("version=", 0) == 0) version = part.substr(8);
    at = slash + 1;
  }
  return {type, version};
}

}  // namespace

int run_status(const status_options& o) {
  layout lake{o.lake};
  std::error_code ec;
  if (!fs::is_directory(lake.manifest(), ec)) {
    fmt::print(stderr, "hl7v2 lake status: {} is not a lake (no manifest/ directory)\n", o.lake);
    return 2;
  }
  std::uint64_t inputs = 0, bytes = 0, messages = 0, staged = 0, errors = 0, batch_errors = 0, unreadable = 0,
                journals = 0;
  std::map<std::string, std::uint64_t> by_type, by_version, by_code, by_origin;
  std::set<std::string> committed;     // hashes with a manifest
  std::vector<std::string> journaled;  // hashes with a journal: uncommitted unless also committed
  std::string text;
  for (const auto& entry : fs::directory_iterator(lake.manifest(), ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".journal") {
      journaled.push_back(entry.path().stem().string());
      continue;
    }
    if (entry.path().extension() != ".json") continue;
    input_manifest m;
    if (read_small_file(entry.path().string(), text) != 0 || !m.from_json(text)) {
      ++unreadable;
      continue;
    }
    ++inputs;
    committed.insert(m.sha256);
    by_origin[m.origin] += m.messages;
    bytes += m.bytes;
    messages += m.messages;
    staged += m.staged;
    errors += m.errors;
    batch_errors += m.batch_errors;
    for (const auto& [k, n] : m.partitions) {
      const auto [type, version] = split_partition(k);
      by_type[type] += n;
      by_version[version] += n;
    }
    for (const auto& [k, n] : m.error_codes) by_code[k] += n;
  }
  // A journal beside a manifest is stale (the run died after committing): not an uncommitted input.
  for (const std::string& sha : journaled) journals += committed.count(sha) == 0 ? 1 : 0;
  const zone_size raw = walk(lake.raw()), stg = walk(lake.staging()), err = walk(lake.error());
  // Raw files without a manifest: inputs stored but not (yet) converted, e.g. by a run that was killed
  // or a listener's segment waiting for conversion. The next ingest or listener start converts them.
  // The listener's counters (live/counts.json, across its runs) and its segments not yet converted.
  std::string listener_counts;
  if (read_small_file(lake.live() + "/counts.json", text) == 0) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.size() >= 2 && text.front() == '{' && text.back() == '}') listener_counts = text;
  }
  zone_size live = walk(lake.live());
  live.files = 0;
  live.bytes = 0;
  for (const auto& entry : fs::directory_iterator(lake.live(), ec)) {
    if (entry.path().extension() != ".mllp") continue;
    ++live.files;
    live.bytes += entry.file_size(ec);
  }
  zone_size pending;
  for (const auto& entry : fs::directory_iterator(lake.raw(), ec)) {
    if (entry.path().extension() != ".hl7" || committed.count(entry.path().stem().string()) != 0) continue;
    ++pending.files;
    pending.bytes += entry.file_size(ec);
  }

  std::string s;
  string_sink out(s);
  if (o.json) {
    const auto counts = [&](const char* key, const std::map<std::string, std::uint64_t>& m) {
      s += ",\"";
      s += key;
      s += "\":{";
      bool first = true;
      for (const auto& [k, n] : m) {
        if (!first) s += ',';
        first = false;
        write_json_string(k, out);
        s += ':';
        append_uint(s, n);
      }
      s += '}';
    };
    const auto zone = [&](const char* key, const zone_size& z) {
      s += s.back() == '{' ? "\"" : ",\"";
      s += key;
      s += "\":{\"files\":";
      append_uint(s, z.files);
      s += ",\"bytes\":";
      append_uint(s, z.bytes);
      s += '}';
    };
    s += "{\"inputs\":";
    append_uint(s, inputs);
    s += ",\"bytes\":";
    append_uint(s, bytes);
    s += ",\"messages\":";
    append_uint(s, messages);
    s += ",\"staged\":";
    append_uint(s, staged);
    s += ",\"errors\":";
    append_uint(s, errors);
    s += ",\"batch_errors\":";
    append_uint(s, batch_errors);
    s += ",\"uncommitted\":";
    append_uint(s, journals);
    s += ",\"pending_raw\":{\"files\":";
    append_uint(s, pending.files);
    s += ",\"bytes\":";
    append_uint(s, pending.bytes);
    s += '}';
    s += ",\"unreadable_manifests\":";
    append_uint(s, unreadable);
    s += ",\"zones\":{";
    zone("raw", raw);
    zone("staging", stg);
    zone("error", err);
    s += '}';
    counts("message_types", by_type);
    counts("versions", by_version);
    counts("error_codes", by_code);
    counts("messages_by_origin", by_origin);
    s += ",\"listener\":";
    s += listener_counts.empty() ? "null" : listener_counts;
    s += ",\"listener_unconverted\":{\"files\":";
    append_uint(s, live.files);
    s += ",\"bytes\":";
    append_uint(s, live.bytes);
    s += "}}\n";
  } else {
    const auto report = std::back_inserter(s);
    using ull = unsigned long long;
    fmt::format_to(report, "lake {}\n", o.lake);
    fmt::format_to(report, "  inputs    {} ({} bytes)\n", ull(inputs), ull(bytes));
    fmt::format_to(report, "  messages  {} = {} staged + {} errors\n", ull(messages), ull(staged),
                   ull(errors));
    if (batch_errors != 0)
      fmt::format_to(report, "  batch errors (trailer counts that disagree; in the error zone) {}\n",
                     ull(batch_errors));
    fmt::format_to(report,
                   "  zones     raw {} files ({} bytes), staging {} files ({} bytes), error {} files ({} "
                   "bytes)\n",
                   ull(raw.files), ull(raw.bytes), ull(stg.files), ull(stg.bytes), ull(err.files),
                   ull(err.bytes));
    if (journals != 0)
      fmt::format_to(report, "  uncommitted inputs (a run was interrupted; ingest again to finish): {}\n",
                     ull(journals));
    if (pending.files != 0)
      fmt::format_to(report,
                     "  pending   {} raw files ({} bytes) without a manifest: stored, not converted yet\n",
                     ull(pending.files), ull(pending.bytes));
    if (unreadable != 0) fmt::format_to(report, "  unreadable manifests: {}\n", ull(unreadable));
    const auto table = [&](const char* title, const std::map<std::string, std::uint64_t>& m) {
      if (m.empty()) return;
      fmt::format_to(report, "  {}\n", title);
      for (const auto& [k, n] : m) fmt::format_to(report, "    {:<24} {}\n", k, ull(n));
    };
    table("staged by message type:", by_type);
    table("staged by version:", by_version);
    table("errors by code:", by_code);
    table("messages by origin:", by_origin);
    if (!listener_counts.empty()) {
      simdjson::dom::parser jp;
      simdjson::dom::object obj;
      if (jp.parse(listener_counts).get(obj) == simdjson::SUCCESS) {
        s += "  listener (all runs):\n";
        for (auto f : obj) {
          std::uint64_t n = 0;
          if (f.value.get(n) == simdjson::SUCCESS)
            fmt::format_to(report, "    {:<24} {}\n", std::string(f.key), ull(n));
        }
      }
    }
    if (live.files != 0)
      fmt::format_to(report, "  listener segments stored, not yet converted: {} ({} bytes)\n",
                     ull(live.files), ull(live.bytes));
  }
  std::fwrite(s.data(), 1, s.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 2;
}

}  // namespace hl7v2::cli::lake
