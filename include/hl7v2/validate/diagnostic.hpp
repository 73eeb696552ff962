// What validation reports: one diagnostic per finding, with a severity, a stable code, a location in
// path form ("PID-3", "OBX(2)-5-1") and the expectation taken from the definitions ("required",
// "max length 250", "NM", "table 0001"). A diagnostic never holds text from the message: only segment
// ids, positions, numbers and strings from the definitions.
//
// report collects diagnostics in a vector it reuses: once warm, validating a message allocates nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/vocabulary.hpp"

namespace hl7v2::validate {

enum class severity : std::uint8_t { info, warning, error };

inline constexpr auto severity_table = std::to_array<code_info<severity>>({
    {severity::info, "info", "for information: nothing to correct"},
    {severity::warning, "warning", "worth a look: the message is still usable"},
    {severity::error, "error", "the message breaks its definition"},
});
static_assert(hl7v2::detail::is_complete_table<severity_table>(), "every severity needs its row, in order");

constexpr std::string_view name(severity s) noexcept { return hl7v2::detail::name_of(severity_table, s); }

// Stable codes: their names (code_table below, one row per code in this order, checked at compile
// time) appear in JSON output and must not change.
enum class code : std::uint8_t {
  required_missing,      // a required field or component is empty ("" counts as present)
  too_many_repetitions,  // a field repeats more often than its definition allows
  too_long,              // a value longer than the definition's maximum length
  bad_number,            // NM
  bad_sequence_id,       // SI
  bad_date,              // DT
  bad_time,              // TM
  bad_datetime,          // DTM, TS
  not_in_table,          // an ID/IS value that is not in its HL7 table
  unknown_segment,       // a segment id the version does not define (not a Z-segment)
  z_segment,             // a site-specific Z-segment
  extra_field,           // a non-empty field past the last one the segment defines
  unexpected_segment,    // a segment the message structure does not have
  out_of_order,          // a segment the structure has, but not at this point
  too_many_segments,     // a segment or group more often than the structure allows
  missing_segment,       // a required segment or group of the structure is absent
  unknown_structure,     // MSH-9 names no structure this version defines: order not checked
  withdrawn_field,       // a field the version has withdrawn holds data (kept, read with its last type)
};

// A code's row: its stable name (JSON output; never changes), a short static description (logs, ACK
// text), and the HL7 error condition (table 0357) an ACK's ERR segment reports for it.
struct code_row {
  validate::code code;
  std::string_view name;
  std::string_view description;
  std::string_view hl7_error_code;  // 101 required field missing, 102 data type error, 103 table
                                    // value not found, 200 unsupported message type, 100 segment
                                    // sequence error (structure and segment findings)
};

inline constexpr auto code_table = std::to_array<code_row>({
    {code::required_missing, "required_missing", "required value missing", "101"},
    {code::too_many_repetitions, "too_many_repetitions", "too many repetitions", "102"},
    {code::too_long, "too_long", "value too long", "102"},
    {code::bad_number, "bad_number", "not a number (NM)", "102"},
    {code::bad_sequence_id, "bad_sequence_id", "not a sequence id (SI)", "102"},
    {code::bad_date, "bad_date", "not a date (DT)", "102"},
    {code::bad_time, "bad_time", "not a time (TM)", "102"},
    {code::bad_datetime, "bad_datetime", "not a date/time (DTM)", "102"},
    {code::not_in_table, "not_in_table", "value not in table", "103"},
    {code::unknown_segment, "unknown_segment", "segment not defined in this version", "100"},
    {code::z_segment, "z_segment", "site-specific segment", "100"},
    {code::extra_field, "extra_field", "field beyond the segment definition", "102"},
    {code::unexpected_segment, "unexpected_segment", "segment not part of the message structure", "100"},
    {code::out_of_order, "out_of_order", "segment out of order", "100"},
    {code::too_many_segments, "too_many_segments", "segment or group repeats too often", "100"},
    {code::missing_segment, "missing_segment", "required segment or group missing", "100"},
    {code::unknown_structure, "unknown_structure", "message structure unknown", "200"},
    {code::withdrawn_field, "withdrawn_field", "withdrawn field holds data", "102"},
});
static_assert(hl7v2::detail::is_complete_table<code_table>(),
              "every code needs its row in code_table, in order");

constexpr std::string_view name(code c) noexcept { return hl7v2::detail::name_of(code_table, c); }

// A short static description, for logs and ACK text.
constexpr std::string_view describe(code c) noexcept { return hl7v2::detail::description_of(code_table, c); }

// The HL7 error condition (table 0357) an ACK's ERR segment uses for a code.
constexpr std::string_view hl7_error_code(code c) noexcept {
  const auto* row = hl7v2::detail::row_of(code_table, c);
  return row != nullptr ? row->hl7_error_code : "100";
}

// Where a finding is: SEG[(occurrence)][-FIELD[(repetition)][-COMPONENT[-SUBCOMPONENT]]], the grammar
// of path.hpp. 0 means "not applicable" for the numbers below the segment.
struct location {
  std::array<char, 4> segment_id{};  // NUL-padded; a group's first segment for a missing group
  std::uint8_t segment_id_size = 0;
  std::uint32_t segment_index = 0;  // 1-based position in the message; 0 = none (e.g. missing at the end)
  std::uint32_t occurrence = 0;     // 1-based among the segments with this id; 0 = none
  std::uint16_t field = 0;
  std::uint16_t repetition = 0;
  std::uint16_t component = 0;
  std::uint16_t subcomponent = 0;
  std::size_t offset = 0;  // byte offset of the segment in the message text

  std::string_view segment() const noexcept { return {segment_id.data(), segment_id_size}; }

  // Appends the path ("OBX(2)-5-1"); occurrence and repetition are written only when above 1.
  template <class Sink>
  void write_path(Sink& out) const {
    out.append(segment_id.data(), segment_id_size);
    if (occurrence > 1) put_number(out, occurrence, '(', ')');
    if (field == 0) return;
    put_number(out, field, '-', '\0');
    if (repetition > 1) put_number(out, repetition, '(', ')');
    if (component == 0) return;
    put_number(out, component, '-', '\0');
    if (subcomponent != 0) put_number(out, subcomponent, '-', '\0');
  }
  std::string path() const {
    std::string s;
    write_path(s);
    return s;
  }

 private:
  template <class Sink>
  static void put_number(Sink& out, std::uint32_t n, char open, char close) {
    char buf[12];
    std::size_t i = sizeof buf;
    do {
      buf[--i] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0);
    out.push_back(open);
    out.append(buf + i, sizeof buf - i);
    if (close != '\0') out.push_back(close);
  }
};

// What the definition expects. `text` is static or points into the definitions (a data-type id, a
// segment or group name); `number` completes it where the kind needs one.
enum class expectation : std::uint8_t {
  required,         // "required"
  max_length,       // "max length <number>"
  max_repetitions,  // "at most <number> repetition(s)"
  data_type,        // "<text>" (NM, SI, DT, TM, DTM)
  table,            // "table <number, 4 digits>"
  defined_segment,  // "defined in <text>" (the version)
  no_field,         // "at most <number> fields"
  in_structure,     // "in <text>" (structure id)
  position,         // "in <text> at its position" (the group or structure whose order was broken)
  max_occurrences,  // "at most <number> in <text>"
  present,          // "required in <text>"
  group_required,   // "group <text> required"
  choice_required,  // "one alternative required in <text>" (a choice; the path names its first one)
  not_withdrawn,    // "withdrawn in <text>" (the version)
  none,             // ""
};

struct diagnostic {
  validate::severity severity = severity::error;
  validate::code code = code::required_missing;
  validate::location where{};
  validate::expectation expect = expectation::none;
  std::uint32_t number = 0;
  std::string_view text{};  // from the definitions or static; never message data

  // Appends the expectation in words ("max length 250", "table 0001").
  template <class Sink>
  void write_expectation(Sink& out) const {
    auto put = [&out](std::string_view s) { out.append(s.data(), s.size()); };
    auto num = [&out](std::uint32_t n, std::size_t min_digits) {
      char buf[12];
      std::size_t i = sizeof buf;
      do {
        buf[--i] = static_cast<char>('0' + n % 10);
        n /= 10;
      } while (n != 0 || sizeof buf - i < min_digits);
      out.append(buf + i, sizeof buf - i);
    };
    switch (expect) {
      case expectation::required:
        put("required");
        break;
      case expectation::max_length:
        put("max length ");
        num(number, 1);
        break;
      case expectation::max_repetitions:
        put("at most ");
        num(number, 1);
        put(number == 1 ? " repetition" : " repetitions");
        break;
      case expectation::data_type:
        put(text);
        break;
      case expectation::table:
        put("table ");
        num(number, 4);
        break;
      case expectation::defined_segment:
        put("defined in ");
        put(text);
        break;
      case expectation::no_field:
        put("at most ");
        num(number, 1);
        put(" fields");
        break;
      case expectation::in_structure:
        put("in ");
        put(text);
        break;
      case expectation::position:
        put("in ");
        put(text);
        put(" at its position");
        break;
      case expectation::max_occurrences:
        put("at most ");
        num(number, 1);
        put(" in ");
        put(text);
        break;
      case expectation::present:
        put("required in ");
        put(text);
        break;
      case expectation::group_required:
        put("group ");
        put(text);
        put(" required");
        break;
      case expectation::not_withdrawn:
        put("withdrawn in ");
        put(text);
        break;
      case expectation::choice_required:
        put("one alternative required in ");
        put(text);
        break;
      case expectation::none:
        break;
    }
  }
  std::string expectation_text() const {
    std::string s;
    write_expectation(s);
    return s;
  }
};

// A reusable collection of diagnostics; it is also a sink (callable with a diagnostic).
class report {
 public:
  void clear() noexcept {
    items_.clear();
    counts_ = {};
    dropped_ = 0;
  }
  // Keeps at most this many diagnostics (later ones are counted, not stored): hostile input stays bounded.
  void set_limit(std::size_t limit) noexcept { limit_ = limit; }

  void operator()(const diagnostic& d) {
    ++counts_[static_cast<std::size_t>(d.severity)];
    if (items_.size() < limit_) {
      items_.push_back(d);
    } else {
      ++dropped_;
    }
  }

  const std::vector<diagnostic>& items() const noexcept { return items_; }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  std::size_t count(validate::severity s) const noexcept { return counts_[static_cast<std::size_t>(s)]; }
  std::size_t errors() const noexcept { return count(severity::error); }
  std::size_t warnings() const noexcept { return count(severity::warning); }
  std::size_t dropped() const noexcept { return dropped_; }  // over the limit, counted but not kept
  bool has_errors() const noexcept { return errors() != 0; }

 private:
  std::vector<diagnostic> items_;
  std::array<std::size_t, 3> counts_{};
  std::size_t limit_ = 1000;
  std::size_t dropped_ = 0;
};

}  // namespace hl7v2::validate
