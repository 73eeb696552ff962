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

namespace hl7v2::validate {

enum class severity : std::uint8_t { info, warning, error };

constexpr std::string_view name(severity s) noexcept {
  switch (s) {
    case severity::info:
      return "info";
    case severity::warning:
      return "warning";
    case severity::error:
      return "error";
  }
  return "unknown";
}

// Stable codes: the names below appear in JSON output and must not change.
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
};

constexpr std::string_view name(code c) noexcept {
  switch (c) {
    case code::required_missing:
      return "required_missing";
    case code::too_many_repetitions:
      return "too_many_repetitions";
    case code::too_long:
      return "too_long";
    case code::bad_number:
      return "bad_number";
    case code::bad_sequence_id:
      return "bad_sequence_id";
    case code::bad_date:
      return "bad_date";
    case code::bad_time:
      return "bad_time";
    case code::bad_datetime:
      return "bad_datetime";
    case code::not_in_table:
      return "not_in_table";
    case code::unknown_segment:
      return "unknown_segment";
    case code::z_segment:
      return "z_segment";
    case code::extra_field:
      return "extra_field";
    case code::unexpected_segment:
      return "unexpected_segment";
    case code::out_of_order:
      return "out_of_order";
    case code::too_many_segments:
      return "too_many_segments";
    case code::missing_segment:
      return "missing_segment";
    case code::unknown_structure:
      return "unknown_structure";
  }
  return "unknown";
}

// A short static description, for logs and ACK text.
constexpr std::string_view describe(code c) noexcept {
  switch (c) {
    case code::required_missing:
      return "required value missing";
    case code::too_many_repetitions:
      return "too many repetitions";
    case code::too_long:
      return "value too long";
    case code::bad_number:
      return "not a number (NM)";
    case code::bad_sequence_id:
      return "not a sequence id (SI)";
    case code::bad_date:
      return "not a date (DT)";
    case code::bad_time:
      return "not a time (TM)";
    case code::bad_datetime:
      return "not a date/time (DTM)";
    case code::not_in_table:
      return "value not in table";
    case code::unknown_segment:
      return "segment not defined in this version";
    case code::z_segment:
      return "site-specific segment";
    case code::extra_field:
      return "field beyond the segment definition";
    case code::unexpected_segment:
      return "segment not part of the message structure";
    case code::out_of_order:
      return "segment out of order";
    case code::too_many_segments:
      return "segment or group repeats too often";
    case code::missing_segment:
      return "required segment or group missing";
    case code::unknown_structure:
      return "message structure unknown";
  }
  return "unknown";
}

// The HL7 error condition (table 0357) an ACK's ERR segment uses for a code.
constexpr std::string_view hl7_error_code(code c) noexcept {
  switch (c) {
    case code::required_missing:
      return "101";
    case code::bad_number:
    case code::bad_sequence_id:
    case code::bad_date:
    case code::bad_time:
    case code::bad_datetime:
    case code::too_long:
    case code::too_many_repetitions:
    case code::extra_field:
      return "102";
    case code::not_in_table:
      return "103";
    case code::unknown_structure:
      return "200";
    default:
      return "100";  // structure and segment findings: segment sequence error
  }
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
