#include "lake/manifest.hpp"

#include <simdjson.h>

#include <string>
#include <string_view>

#include "hl7v2/json/sink.hpp"
#include "hl7v2/json/writer.hpp"
#include "records.hpp"

namespace hl7v2::cli::lake {

std::string input_manifest::to_json() const {
  std::string s;
  string_sink out(s);
  std::string scratch;
  bool first_key = true;
  const auto key = [&](std::string_view k) {
    out.push_back(first_key ? '{' : ',');
    first_key = false;
    write_json_string(k, out);
    out.push_back(':');
  };
  key("sha256");
  write_json_string(sha256, out);
  key("source");
  write_json_bytes(source, out, scratch);
  key("origin");
  write_json_string(origin, out);
  key("bytes");
  append_uint(out, bytes);
  key("raw");
  write_json_string("raw/" + sha256 + ".hl7", out);
  key("ingest_date");
  write_json_string(ingest_date, out);
  key("ingested_at");
  write_json_string(ingested_at, out);
  key("format");
  write_json_string(format, out);
  key("typed");
  append_raw(out, typed ? "true" : "false");
  key("strict");
  append_raw(out, strict ? "true" : "false");
  key("messages");
  append_uint(out, messages);
  key("staged");
  append_uint(out, staged);
  key("errors");
  append_uint(out, errors);
  key("batch_errors");
  append_uint(out, batch_errors);
  const auto counts = [&](const std::map<std::string, std::uint64_t>& m) {
    out.push_back('{');
    bool first = true;
    for (const auto& [k, v] : m) {
      if (!first) out.push_back(',');
      first = false;
      write_json_string(k, out);
      out.push_back(':');
      append_uint(out, v);
    }
    out.push_back('}');
  };
  key("partitions");
  counts(partitions);
  key("error_codes");
  counts(error_codes);
  key("files");
  out.push_back('[');
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i != 0) out.push_back(',');
    write_json_string(files[i], out);
  }
  out.push_back(']');
  append_raw(out, "}\n");
  return s;
}

bool input_manifest::from_json(const std::string& text) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(text).get(doc) != simdjson::SUCCESS) return false;
  const auto str = [&](const char* k, std::string& to) {
    std::string_view v;
    if (doc[k].get(v) != simdjson::SUCCESS) return false;
    to = v;
    return true;
  };
  const auto num = [&](const char* k, std::uint64_t& to) { return doc[k].get(to) == simdjson::SUCCESS; };
  const auto counts = [&](const char* k, std::map<std::string, std::uint64_t>& to) {
    simdjson::dom::object obj;
    if (doc[k].get(obj) != simdjson::SUCCESS) return false;
    for (auto field : obj) {
      std::uint64_t n = 0;
      if (field.value.get(n) != simdjson::SUCCESS) return false;
      to[std::string(field.key)] = n;
    }
    return true;
  };
  bool ok = str("sha256", sha256) && str("source", source) && num("bytes", bytes) &&
            str("ingest_date", ingest_date) && str("ingested_at", ingested_at) && str("format", format) &&
            num("messages", messages) && num("staged", staged) && num("errors", errors) &&
            counts("partitions", partitions) && counts("error_codes", error_codes);
  if (!ok) return false;
  if (!str("origin", origin)) origin = "ingest";                                     // manifests before it
  if (doc["batch_errors"].get(batch_errors) != simdjson::SUCCESS) batch_errors = 0;  // manifests before it
  if (doc["typed"].get(typed) != simdjson::SUCCESS || doc["strict"].get(strict) != simdjson::SUCCESS)
    return false;
  simdjson::dom::array arr;
  if (doc["files"].get(arr) != simdjson::SUCCESS) return false;
  for (auto f : arr) {
    std::string_view v;
    if (f.get(v) != simdjson::SUCCESS) return false;
    files.emplace_back(v);
  }
  return true;
}

std::string journal_text(const std::vector<std::string>& files) {
  std::string s;
  for (const auto& f : files) {
    s += f;
    s += '\n';
  }
  return s;
}

std::vector<std::string> journal_files(const std::string& text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t e = text.find('\n', i);
    if (e == std::string::npos) e = text.size();
    if (e > i) out.emplace_back(text.substr(i, e - i));
    i = e + 1;
  }
  return out;
}

}  // namespace hl7v2::cli::lake
