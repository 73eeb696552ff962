// The lake's layout. Everything below DIR:
//   raw/<sha256>.hl7                         each input once, byte for byte, named by content hash
//   staging/structure=S/version=V/message_type=T/ingest_date=D/part-<sha256:16>-<batch>.ndjson
//   error/ingest_date=D/part-<sha256:16>-<batch>.ndjson
//   manifest/<sha256>.json                   per input: the commit point, written last
//   manifest/<sha256>.journal                files being published for an input not yet committed
//   locks/<sha256>.lock                      per-input lock (flock) between concurrent ingests
//   tmp/run-*/                               a running ingest's temporary files; never queried
//   live/seg-*.mllp                          the listener's received messages not yet converted
//   live/counts.json, live/recent            the listener's counters; its last converted inputs
// Partition values come from the message (MSH-9, MSH-12), so they are sanitized before they touch a
// path; nothing else from a message (MSH-10, names, ids) is ever used in a path.
// Staging is partitioned by what decides the named layout's shapes: the message structure the
// definitions resolve (MSH-9.3, else MSH-9.1 + MSH-9.2: ADT^A04 is ADT_A01; "unknown" when none) and
// the version, so every structure=S/version=V prefix has one schema (one type per key). message_type
// below them keeps MSH-9.1_MSH-9.2 as sent, for counting and filtering.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hl7v2::cli::lake {

struct layout {
  std::string root;
  std::string raw() const { return root + "/raw"; }
  std::string staging() const { return root + "/staging"; }
  std::string error() const { return root + "/error"; }
  std::string manifest() const { return root + "/manifest"; }
  std::string locks() const { return root + "/locks"; }
  std::string tmp() const { return root + "/tmp"; }
  std::string live() const { return root + "/live"; }  // the listener's segments and counters
  std::string raw_file(std::string_view sha) const { return raw() + "/" + std::string(sha) + ".hl7"; }
  std::string manifest_file(std::string_view sha) const {
    return manifest() + "/" + std::string(sha) + ".json";
  }
  std::string journal_file(std::string_view sha) const {
    return manifest() + "/" + std::string(sha) + ".journal";
  }
  std::string lock_file(std::string_view sha) const { return locks() + "/" + std::string(sha) + ".lock"; }
};

inline constexpr std::size_t max_partition_value = 64;

// A partition value safe as one path component and for Hive/Spark/Athena: only [A-Za-z0-9._-] (others
// become '_'), at most 64 characters, starting with a letter or digit (engines skip paths starting
// with '.' or '_'; so "." and ".." cannot occur), and "unknown" when empty.
inline std::string sanitize_partition_value(std::string_view v) {
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  if (v.empty()) return "unknown";
  std::string out;
  const auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  };
  if (!alnum(v.front())) out.push_back('x');
  for (const char c : v) {
    if (out.size() == max_partition_value) break;
    out.push_back(alnum(c) || c == '.' || c == '-' || c == '_' ? c : '_');
  }
  return out;
}

// "ADT_A01" from MSH-9.1 and MSH-9.2 (just the type when there is no trigger event).
inline std::string message_type_value(std::string_view type, std::string_view trigger) {
  std::string t(type);
  if (!trigger.empty()) {
    t.push_back('_');
    t.append(trigger);
  }
  return sanitize_partition_value(t);
}

// "structure=ADT_A01/version=2.5.1/message_type=ADT_A04" (the ingest date is added by the writer).
// `structure`: the resolved structure's id, empty when the definitions know none.
inline std::string partition_key(std::string_view structure, std::string_view type, std::string_view trigger,
                                 std::string_view version) {
  std::string key = "structure=";
  key += sanitize_partition_value(structure);
  key += "/version=";
  key += sanitize_partition_value(version);
  key += "/message_type=";
  key += message_type_value(type, trigger);
  return key;
}

}  // namespace hl7v2::cli::lake
