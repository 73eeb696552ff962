// Error codes, positions and the result type of the parse path. No exceptions are thrown there, and no
// error carries text from a message: only a code, a static description and positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace hl7v2 {

enum class errc : std::uint8_t {
  ok = 0,
  // framing: bytes -> messages
  no_message_header,     // text that belongs to no message (before the first MSH, no MSH at all)
  bare_header,           // "MSH" (or FHS/BHS) with no field separator after it
  bad_segment_id,        // a segment id that is not three uppercase letters/digits
  unterminated_frame,    // an MLLP frame (0x0B) without its end (0x1C 0x0D) before the input ended
  batch_count_mismatch,  // BTS-1 / FTS-1 disagree with what the batch holds
  unterminated_batch,    // BHS/FHS without BTS/FTS (reported, not fatal)
  message_too_large,     // a message over the configured size limit
  // delimiters: MSH-1 / MSH-2
  bad_field_separator,  // MSH-1 is a letter, digit, CR, LF or NUL
  encoding_too_short,   // MSH-2 has fewer than 2 characters
  encoding_too_long,    // MSH-2 has more than 5 characters
  duplicate_delimiter,  // one character used for two roles
  bad_delimiter,        // a delimiter that is a letter, digit, CR, LF or NUL
  // parsing: message -> tree
  empty_message,
  not_a_message_header,  // the message does not start with MSH
  too_many_segments,     // over the parser's configured limits
  too_many_fields,
  // paths
  bad_path,
  // character sets
  unknown_charset,
  invalid_byte,  // a byte invalid in the declared character set (strict policy)
  // output
  buffer_overflow,  // a fixed output buffer is full
  io_error,
  // JSON (profiles, JSON -> ER7)
  bad_json,
  bad_profile,
  unknown_version,
  // validation
  validation_failed,
};

// A short static description of a code, suitable for logs: it never contains message data.
constexpr std::string_view describe(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::no_message_header:
      return "text outside any message (no MSH segment)";
    case errc::bare_header:
      return "header segment without field separator";
    case errc::bad_segment_id:
      return "segment id is not three letters or digits";
    case errc::unterminated_frame:
      return "MLLP frame not terminated";
    case errc::batch_count_mismatch:
      return "batch trailer count differs from the messages found";
    case errc::unterminated_batch:
      return "batch header without trailer";
    case errc::message_too_large:
      return "message exceeds the size limit";
    case errc::bad_field_separator:
      return "invalid field separator (MSH-1)";
    case errc::encoding_too_short:
      return "encoding characters (MSH-2) shorter than 2";
    case errc::encoding_too_long:
      return "encoding characters (MSH-2) longer than 5";
    case errc::duplicate_delimiter:
      return "one character used for two delimiter roles";
    case errc::bad_delimiter:
      return "invalid delimiter character";
    case errc::empty_message:
      return "empty message";
    case errc::not_a_message_header:
      return "message does not start with MSH";
    case errc::too_many_segments:
      return "message has more segments than the parser allows";
    case errc::too_many_fields:
      return "segment has more fields than the parser allows";
    case errc::bad_path:
      return "malformed path";
    case errc::unknown_charset:
      return "unknown character set (MSH-18)";
    case errc::invalid_byte:
      return "byte invalid in the declared character set";
    case errc::buffer_overflow:
      return "output buffer full";
    case errc::io_error:
      return "input/output error";
    case errc::bad_json:
      return "invalid JSON";
    case errc::bad_profile:
      return "invalid profile";
    case errc::unknown_version:
      return "unknown HL7 version";
    case errc::validation_failed:
      return "message failed validation";
  }
  return "unknown error";
}

// The stable machine name of a code ("bad_segment_id"), for JSON error records.
constexpr std::string_view name(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::no_message_header:
      return "no_message_header";
    case errc::bare_header:
      return "bare_header";
    case errc::bad_segment_id:
      return "bad_segment_id";
    case errc::unterminated_frame:
      return "unterminated_frame";
    case errc::batch_count_mismatch:
      return "batch_count_mismatch";
    case errc::unterminated_batch:
      return "unterminated_batch";
    case errc::message_too_large:
      return "message_too_large";
    case errc::bad_field_separator:
      return "bad_field_separator";
    case errc::encoding_too_short:
      return "encoding_too_short";
    case errc::encoding_too_long:
      return "encoding_too_long";
    case errc::duplicate_delimiter:
      return "duplicate_delimiter";
    case errc::bad_delimiter:
      return "bad_delimiter";
    case errc::empty_message:
      return "empty_message";
    case errc::not_a_message_header:
      return "not_a_message_header";
    case errc::too_many_segments:
      return "too_many_segments";
    case errc::too_many_fields:
      return "too_many_fields";
    case errc::bad_path:
      return "bad_path";
    case errc::unknown_charset:
      return "unknown_charset";
    case errc::invalid_byte:
      return "invalid_byte";
    case errc::buffer_overflow:
      return "buffer_overflow";
    case errc::io_error:
      return "io_error";
    case errc::bad_json:
      return "bad_json";
    case errc::bad_profile:
      return "bad_profile";
    case errc::unknown_version:
      return "unknown_version";
    case errc::validation_failed:
      return "validation_failed";
  }
  return "unknown";
}

// Where an error happened. offset is a byte offset into the input the failing call was given;
// segment (1-based, 0 = not known) and field (1-based HL7 position, 0 = not known) locate it in the tree.
struct error {
  errc code = errc::ok;
  std::size_t offset = 0;
  std::uint32_t segment = 0;
  std::uint16_t field = 0;

  constexpr std::string_view what() const noexcept { return describe(code); }
  friend constexpr bool operator==(const error&, const error&) = default;
};

// A value or an error, cheap to check. T must be default-constructible (all our views are).
template <class T>
class [[nodiscard]] result {
 public:
  constexpr result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  constexpr result(hl7v2::error err) : error_(err), ok_(false) {}  // NOLINT(google-explicit-constructor)

  constexpr explicit operator bool() const noexcept { return ok_; }
  constexpr bool has_value() const noexcept { return ok_; }
  constexpr T& operator*() noexcept { return value_; }
  constexpr const T& operator*() const noexcept { return value_; }
  constexpr T* operator->() noexcept { return &value_; }
  constexpr const T* operator->() const noexcept { return &value_; }
  constexpr T& value() noexcept { return value_; }
  constexpr const T& value() const noexcept { return value_; }
  constexpr const hl7v2::error& error() const noexcept { return error_; }

 private:
  T value_{};
  hl7v2::error error_{};
  bool ok_ = true;
};

}  // namespace hl7v2
