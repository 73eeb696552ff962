// A byte-at-a-time model of hl7v2::mllp::session, written for clarity, not speed: what the session
// must report for any input, whatever the chunking. Shared by tests/mllp_test.cpp and fuzz_mllp.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/mllp.hpp"

namespace hl7v2_test {

struct owned_event {
  hl7v2::mllp::event_kind kind;
  std::string content;
  std::uint64_t offset, size, index;
  friend bool operator==(const owned_event&, const owned_event&) = default;
};

inline owned_event own(const hl7v2::mllp::event& e) {
  return {e.kind, std::string(e.content), e.offset, e.size, e.index};
}

inline std::vector<owned_event> reference_events(std::string_view in, hl7v2::mllp::session_options o) {
  using hl7v2::mllp::event_kind;
  if (o.max_message_bytes == 0) o.max_message_bytes = 1;
  std::vector<owned_event> out;
  enum { between, inside, dropping } st = between;
  std::string kept;  // content (inside) or its first header_bytes (dropping)
  std::uint64_t start = 0, size = 0, frames = 0, junk = 0, junk_at = 0;
  bool after_end = false;
  const auto event = [&](event_kind k) {
    std::string c = k == event_kind::message ? kept : kept.substr(0, o.header_bytes);
    out.push_back({k, c, start, size, frames++});
    kept.clear();
  };
  const auto flush_junk = [&] {
    if (junk != 0) out.push_back({event_kind::junk, "", junk_at, junk, frames});
    junk = 0;
  };
  const auto open = [&](std::uint64_t at) {
    st = inside;
    start = at;
    size = 0;
    kept.clear();
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (st == between) {
      if (c == '\x0B') {
        flush_junk();
        open(i);
      } else if (after_end && c == '\r') {
        after_end = false;
        continue;
      } else if (!(c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '\f')) {
        if (junk == 0) junk_at = i;
        ++junk;
      }
      after_end = false;
      continue;
    }
    if (c == '\x1C') {
      event(st == inside ? event_kind::message : event_kind::oversize);
      st = between;
      after_end = true;
    } else if (c == '\x0B') {
      event(event_kind::unterminated);
      open(i);
    } else {
      ++size;
      if (st == inside && size > o.max_message_bytes) st = dropping;
      if (st == inside || kept.size() < o.header_bytes) kept.push_back(c);
    }
  }
  if (st != between) event(event_kind::unterminated);
  flush_junk();
  return out;
}

// The session's events for `in` fed in chunks whose sizes cycle through `sizes` (each >= 1).
inline std::vector<owned_event> session_events(std::string_view in, hl7v2::mllp::session_options o,
                                               const std::vector<std::size_t>& sizes,
                                               std::size_t* max_buffered = nullptr) {
  std::vector<owned_event> out;
  hl7v2::mllp::session s(o);
  auto on = [&](const hl7v2::mllp::event& e) { out.push_back(own(e)); };
  std::size_t at = 0;
  for (std::size_t k = 0; at < in.size(); ++k) {
    const std::size_t n = sizes[k % sizes.size()];
    s.feed(in.substr(at, n), on);
    at += n;
    if (max_buffered != nullptr && s.buffered() > *max_buffered) *max_buffered = s.buffered();
  }
  s.close(on);
  return out;
}

}  // namespace hl7v2_test
