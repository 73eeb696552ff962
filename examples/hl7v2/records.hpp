// JSON records the CLI writes besides converted messages: error records and small helpers. An error
// record holds codes, static reasons and positions; the original message text is written only when the
// caller asks for it (the lake's error zone), never to stderr or a log.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine.hpp"

namespace hl7v2::cli {

template <class Sink>
void append_raw(Sink& out, std::string_view s) {
  out.append(s.data(), s.size());
}

template <class Sink>
void append_uint(Sink& out, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

// Length of the valid UTF-8 sequence at s[i], or 0 when the byte there does not start one.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  if (n == 3 && ((c == 0xE0 && b(i + 1) < 0xA0) || (c == 0xED && b(i + 1) > 0x9F)))
    return 0;  // overlong, surrogates
  if (n == 4 && ((c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) > 0x8F)))
    return 0;  // overlong, > U+10FFFF
  return n;
}

// A JSON string of arbitrary bytes: valid UTF-8 passes through, any other byte becomes U+FFFD (the exact
// bytes stay recoverable from the raw zone by offset and length). `scratch` is reused between calls.
template <class Sink>
void write_json_bytes(std::string_view bytes, Sink& out, std::string& scratch) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t n = utf8_sequence_length(bytes, i);
    if (n == 0) break;
    i += n;
  }
  if (i == bytes.size()) {
    write_json_string(bytes, out);
    return;
  }
  scratch.assign(bytes.data(), i);
  while (i < bytes.size()) {
    const std::size_t n = utf8_sequence_length(bytes, i);
    if (n == 0) {
      scratch.append("\xEF\xBF\xBD");
      ++i;
    } else {
      scratch.append(bytes.data() + i, n);
      i += n;
    }
  }
  write_json_string(scratch, out);
}

// What went wrong with one message (or with bytes that belong to none), or with a batch: a BTS/FTS
// trailer whose count disagrees with the messages found. A batch error is not a message: it has no
// message_index (it says how many messages came before it instead) and is counted apart.
struct error_record {
  hl7v2::error err;               // code; err.offset is absolute in the input; segment/field when known
  std::size_t message_index = 0;  // 0-based position of the message in its input; for a batch error the
                                  // number of messages before the trailer
  bool batch_trailer = false;
  std::size_t byte_offset = 0;  // where the message (or the offending bytes) starts in the input
  std::size_t byte_length = 0;
  std::size_t line = 0;            // 1-based line of byte_offset, 0 when unknown
  std::string_view source;         // the input's name as given on the command line
  std::string_view source_sha256;  // lake only
  std::string_view text;           // lake only (error zone): the original bytes
  std::string_view extra_members;  // raw JSON members written after the positions (e.g. diagnostics)
};

// One NDJSON line. `with_text` is true only for the lake's error zone.
template <class Sink>
void write_error_record(const error_record& r, Sink& out, bool with_text, std::string& scratch) {
  append_raw(out, "{\"code\":");
  write_json_string(hl7v2::name(r.err.code), out);
  append_raw(out, ",\"reason\":");
  write_json_string(hl7v2::describe(r.err.code), out);
  if (r.batch_trailer) {
    append_raw(out, ",\"kind\":\"batch_trailer\",\"messages_before\":");
  } else {
    append_raw(out, ",\"message_index\":");
  }
  append_uint(out, r.message_index);
  append_raw(out, ",\"byte_offset\":");
  append_uint(out, r.byte_offset);
  append_raw(out, ",\"byte_length\":");
  append_uint(out, r.byte_length);
  append_raw(out, ",\"error_offset\":");
  append_uint(out, r.err.offset);
  if (r.line != 0) {
    append_raw(out, ",\"line\":");
    append_uint(out, r.line);
  }
  append_raw(out, ",\"segment\":");
  append_uint(out, r.err.segment);
  append_raw(out, ",\"field\":");
  append_uint(out, r.err.field);
  append_raw(out, ",\"source\":");
  write_json_bytes(r.source, out, scratch);
  if (!r.source_sha256.empty()) {
    append_raw(out, ",\"source_sha256\":");
    write_json_string(r.source_sha256, out);
  }
  if (!r.extra_members.empty()) {
    out.push_back(',');
    append_raw(out, r.extra_members);
  }
  if (with_text) {
    append_raw(out, ",\"message\":");
    write_json_bytes(r.text, out, scratch);
  }
  out.push_back('}');
  out.push_back('\n');
}

}  // namespace hl7v2::cli
