// Error codes, positions and the result type of the parse path. No exceptions are thrown there, and no
// error carries text from a message: only a code, a static description and positions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "hl7v2/vocabulary.hpp"

namespace hl7v2 {

// Each code has its row in errc_table below, in the same order (checked at compile time).
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

// Every code with its stable machine name (JSON error records) and a short static description
// (logs): never message data.
inline constexpr auto errc_table = std::to_array<code_info<errc>>({
    {errc::ok, "ok", "ok"},
    {errc::no_message_header, "no_message_header", "text outside any message (no MSH segment)"},
    {errc::bare_header, "bare_header", "header segment without field separator"},
    {errc::bad_segment_id, "bad_segment_id", "segment id is not three letters or digits"},
    {errc::unterminated_frame, "unterminated_frame", "MLLP frame not terminated"},
    {errc::batch_count_mismatch, "batch_count_mismatch",
     "batch trailer count differs from the messages found"},
    {errc::unterminated_batch, "unterminated_batch", "batch header without trailer"},
    {errc::message_too_large, "message_too_large", "message exceeds the size limit"},
    {errc::bad_field_separator, "bad_field_separator", "invalid field separator (MSH-1)"},
    {errc::encoding_too_short, "encoding_too_short", "encoding characters (MSH-2) shorter than 2"},
    {errc::encoding_too_long, "encoding_too_long", "encoding characters (MSH-2) longer than 5"},
    {errc::duplicate_delimiter, "duplicate_delimiter", "one character used for two delimiter roles"},
    {errc::bad_delimiter, "bad_delimiter", "invalid delimiter character"},
    {errc::empty_message, "empty_message", "empty message"},
    {errc::not_a_message_header, "not_a_message_header", "message does not start with MSH"},
    {errc::too_many_segments, "too_many_segments", "message has more segments than the parser allows"},
    {errc::too_many_fields, "too_many_fields", "segment has more fields than the parser allows"},
    {errc::bad_path, "bad_path", "malformed path"},
    {errc::unknown_charset, "unknown_charset", "unknown character set (MSH-18)"},
    {errc::invalid_byte, "invalid_byte", "byte invalid in the declared character set"},
    {errc::buffer_overflow, "buffer_overflow", "output buffer full"},
    {errc::io_error, "io_error", "input/output error"},
    {errc::bad_json, "bad_json", "invalid JSON"},
    {errc::bad_profile, "bad_profile", "invalid profile"},
    {errc::unknown_version, "unknown_version", "unknown HL7 version"},
    {errc::validation_failed, "validation_failed", "message failed validation"},
});
static_assert(detail::is_complete_table<errc_table>(), "every errc needs its row in errc_table, in order");

// A short static description of a code, suitable for logs: it never contains message data.
constexpr std::string_view describe(errc code) noexcept {
  return detail::description_of(errc_table, code, "unknown error");
}

// The stable machine name of a code ("bad_segment_id"), for JSON error records.
constexpr std::string_view name(errc code) noexcept { return detail::name_of(errc_table, code); }

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

// A value or an error, cheap to check. T must be default-constructible (all our views are; an error
// result holds T{}). E is the error type: hl7v2::error on the parse path, a richer one where the
// caller needs more than a code and a position (defs::profile_error).
template <class T, class E = hl7v2::error>
class [[nodiscard]] result {
 public:
  constexpr result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  constexpr result(E err) : error_(std::move(err)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  constexpr explicit operator bool() const noexcept { return ok_; }
  constexpr bool has_value() const noexcept { return ok_; }
  constexpr T& operator*() noexcept { return value_; }
  constexpr const T& operator*() const noexcept { return value_; }
  constexpr T* operator->() noexcept { return &value_; }
  constexpr const T* operator->() const noexcept { return &value_; }
  constexpr T& value() noexcept { return value_; }
  constexpr const T& value() const noexcept { return value_; }
  constexpr const E& error() const noexcept { return error_; }

 private:
  T value_{};
  E error_{};
  bool ok_ = true;
};

}  // namespace hl7v2
