// Acknowledgements: from a received message (and, usually, its validation diagnostics) build the ACK a
// receiving system sends back.
//
//   hl7v2::validate::ack_options o;  o.timestamp = "20250301083005";
//   std::string ack;
//   auto status = hl7v2::validate::write_ack(msg, version, ack_code_for(rep.items()), rep.items(), o, ack);
//   if (status == hl7v2::validate::ack_status::written) send(ack);
//
// The ACK: MSH with sender and receiver swapped (MSH-3/4 <-> MSH-5/6), the received encoding characters,
// processing id (MSH-11) and version (MSH-12), MSH-9 ACK^<trigger>[^ACK] (the third component only where
// the version's MSH-9 has one, 2.3.1+), a new control id (the caller's, or derived deterministically
// from the received header and the timestamp) and the caller's MSH-7; MSA with the code and the received
// control id; ERR for the error and warning diagnostics in the version's layout:
//   up to 2.4  one ERR, ERR-1 repeating: segment^occurrence^field^code&text&HL70357 (ELD)
//   2.5 on     one ERR per diagnostic: ERR-2 location (ERL), ERR-3 code^text^HL70357, ERR-4 E/W/I,
//              ERR-8 the expectation in words
// Codes are HL7 table 0357 (see diagnostic.hpp hl7_error_code). Nothing from the received message is
// copied except MSH-2/3/4/5/6/10/11/12, which a receiver is expected to echo.
//
// Modes: MSH-15/16 both empty is original mode: one application ACK (AA/AE/AR). Either valued is
// enhanced mode: ack_kind::automatic then means the accept (commit) ACK, CA/CE/CR, sent or not as MSH-15
// says (AL always, NE never, ER only on error/reject, SU only on success; empty or unknown = AL);
// ack_kind::application asks for the application ACK under the MSH-16 rule.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "hl7v2/defs/resolver.hpp"
#include "hl7v2/defs/types.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/message.hpp"
#include "hl7v2/validate/diagnostic.hpp"

namespace hl7v2::validate {

enum class ack_code : std::uint8_t { accept, error, reject };  // AA/CA, AE/CE, AR/CR
enum class ack_kind : std::uint8_t { automatic, application, commit };
enum class ack_status : std::uint8_t { written, not_needed };

struct ack_options {
  std::string_view
      control_id;  // MSH-10 of the ACK; empty: "A" + 16 hex digits derived from the received header
  std::string_view timestamp;  // MSH-7 (DTM text); the caller's clock, so tests stay deterministic
  ack_kind kind = ack_kind::automatic;
  std::size_t max_errors = 50;  // diagnostics written at most
  bool warnings = true;         // warnings go into ERR as well as errors (info never does)
};

// error when any diagnostic is an error, else accept. Reject (unsupported type, version, processing id)
// is the caller's decision.
inline ack_code ack_code_for(std::span<const diagnostic> diagnostics) noexcept {
  for (const diagnostic& d : diagnostics) {
    if (d.severity == severity::error) return ack_code::error;
  }
  return ack_code::accept;
}

namespace detail {

// HL7 table 0357 texts, for versions whose definitions do not list the table.
constexpr std::string_view error_text(std::string_view code357) noexcept {
  if (code357 == "101") return "Required field missing";
  if (code357 == "102") return "Data type error";
  if (code357 == "103") return "Table value not found";
  if (code357 == "200") return "Unsupported message type";
  return "Segment sequence error";
}

// Does an ACK follow under this MSH-15/16 value? (AL always, NE never, ER on failure, SU on success.)
constexpr bool rule_allows(std::string_view rule, ack_code c) noexcept {
  if (rule == "NE") return false;
  if (rule == "ER") return c != ack_code::accept;
  if (rule == "SU") return c == ack_code::accept;
  return true;
}

template <class Sink>
class ack_writer {
 public:
  ack_writer(const delimiters& d, Sink& out) noexcept : d_(d), out_(out) {}

  void raw(std::string_view s) { out_.append(s.data(), s.size()); }
  void ch(char c) { out_.push_back(c); }
  void field() { out_.push_back(d_.field); }
  void component() { out_.push_back(d_.component); }
  void subcomponent() { out_.push_back(d_.subcomponent != '\0' ? d_.subcomponent : d_.component); }
  // Text we produce (static or from the definitions), escaped for these delimiters; without an escape
  // character a delimiter in it becomes a space rather than breaking the structure.
  void text(std::string_view s) {
    if (d_.escape != '\0') {
      escape(s, d_, out_);
      return;
    }
    for (char c : s) out_.push_back(hl7v2::detail::escape_code(c, d_) != '\0' ? ' ' : c);
  }
  void number(std::uint64_t n) {
    char buf[20];
    std::size_t i = sizeof buf;
    do {
      buf[--i] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0);
    out_.append(buf + i, sizeof buf - i);
  }
  void end_segment() { out_.push_back('\r'); }

 private:
  const delimiters& d_;
  Sink& out_;
};

// Lets diagnostic::write_expectation write through ack_writer::text.
template <class Sink>
struct escaping_sink {
  ack_writer<Sink>& w;
  void append(const char* p, std::size_t n) { w.text({p, n}); }
  void push_back(char c) { w.text({&c, 1}); }
};

// A deterministic control id: FNV-1a over the received header fields an ACK echoes and the timestamp.
inline void derived_control_id(const segment& msh, std::string_view timestamp, char (&out)[17]) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    h ^= 0xFF;  // field boundary
    h *= 1099511628211ull;
  };
  for (std::size_t pos : {3u, 4u, 5u, 6u, 7u, 10u}) mix(msh[pos].raw());
  mix(timestamp);
  constexpr char hex[] = "0123456789ABCDEF";
  out[0] = 'A';
  for (int i = 0; i < 16; ++i) out[1 + i] = hex[(h >> (60 - 4 * i)) & 0xF];
}

}  // namespace detail

// Writes the ACK for `received` (ER7, segments ended by CR) to `out`, or nothing when the enhanced-mode
// rules say no ACK is wanted. `version` decides MSH-9 and the ERR layout (use the version the message was
// validated with). A Sink has append(const char*, size_t) and push_back(char).
template <class Sink>
ack_status write_ack(const message& received, const defs::version_def& version, ack_code code,
                     std::span<const diagnostic> diagnostics, const ack_options& opts, Sink& out) {
  const segment msh = received.header();
  const std::string_view accept_rule = msh[15][1][1].raw();
  const std::string_view app_rule = msh[16][1][1].raw();
  const bool enhanced = !accept_rule.empty() || !app_rule.empty();
  const bool commit = opts.kind == ack_kind::commit || (opts.kind == ack_kind::automatic && enhanced);
  if (enhanced && !detail::rule_allows(commit ? accept_rule : app_rule, code)) return ack_status::not_needed;

  const delimiters& d = received.delims();
  detail::ack_writer<Sink> w(d, out);
  // MSH
  w.raw("MSH");
  w.field();
  if (std::string_view enc = msh[2].raw(); !enc.empty()) {
    w.raw(enc);
  } else {
    std::array<char, 5> storage{};
    w.raw(d.encoding_characters(storage));
  }
  for (std::size_t pos : {5u, 6u, 3u, 4u}) {
    w.field();
    w.raw(msh[pos].raw());
  }
  w.field();
  w.text(opts.timestamp);
  w.field();  // MSH-8 security
  w.field();
  w.raw("ACK");
  const std::string_view trigger = received.trigger_event();
  if (!trigger.empty()) {
    w.component();
    w.raw(trigger);
  }
  const defs::segment_def* msh_def = version.segment("MSH");
  const defs::field_def* msh9 = msh_def != nullptr ? msh_def->field(9) : nullptr;
  if (msh9 != nullptr && msh9->type != nullptr && msh9->type->component_count >= 3) {
    if (trigger.empty()) w.component();
    w.component();
    w.raw("ACK");
  }
  w.field();
  if (!opts.control_id.empty()) {
    w.text(opts.control_id);
  } else {
    char id[17];
    detail::derived_control_id(msh, opts.timestamp, id);
    w.raw({id, sizeof id});
  }
  w.field();
  w.raw(msh[11].raw());
  w.field();
  w.raw(msh[12].raw());
  w.end_segment();

  // MSA
  w.raw("MSA");
  w.field();
  w.ch(commit ? 'C' : 'A');
  w.ch(code == ack_code::accept ? 'A' : code == ack_code::error ? 'E' : 'R');
  w.field();
  w.raw(received.control_id());
  w.end_segment();

  // ERR
  const defs::segment_def* err_def = version.segment("ERR");
  const bool erl_layout = err_def != nullptr && err_def->field_count >= 4;
  const defs::table_def* t357 = version.table(357);
  auto error_text = [t357](std::string_view c) {
    const std::string_view name = t357 != nullptr ? t357->name_of(c) : std::string_view{};
    return !name.empty() ? name : detail::error_text(c);
  };
  std::size_t written = 0;
  for (const diagnostic& diag : diagnostics) {
    if (written == opts.max_errors) break;
    if (diag.severity == severity::info || (diag.severity == severity::warning && !opts.warnings)) continue;
    const location& at = diag.where;
    const std::string_view c357 = hl7_error_code(diag.code);
    if (erl_layout) {
      w.raw("ERR");
      w.field();  // ERR-1 (backward compatibility only)
      w.field();
      w.text(at.segment());
      if (at.occurrence != 0) {
        w.component();
        w.number(at.occurrence);
        const std::uint32_t rep = at.repetition != 0 ? at.repetition : (at.component != 0 ? 1u : 0u);
        const std::uint32_t parts[] = {at.field, rep, at.component, at.subcomponent};
        for (std::uint32_t p : parts) {
          if (p == 0) break;
          w.component();
          w.number(p);
        }
      }
      w.field();
      w.raw(c357);
      w.component();
      w.text(error_text(c357));
      w.component();
      w.raw("HL70357");
      w.field();
      w.ch(diag.severity == severity::error ? 'E' : 'W');
      w.field();  // ERR-5
      w.field();  // ERR-6
      w.field();  // ERR-7
      w.field();
      w.text(describe(diag.code));
      if (diag.expect != expectation::none) {
        w.text(": ");
        detail::escaping_sink<Sink> escaped{w};
        diag.write_expectation(escaped);
      }
      w.end_segment();
    } else {
      w.raw(written == 0 ? "ERR" : "");
      if (written == 0) {
        w.field();
      } else {
        w.ch(d.repetition != '\0' ? d.repetition : d.field);
      }
      w.text(at.segment());
      w.component();
      if (at.occurrence != 0) w.number(at.occurrence);
      w.component();
      if (at.field != 0) w.number(at.field);
      w.component();
      w.raw(c357);
      w.subcomponent();
      w.text(error_text(c357));
      w.subcomponent();
      w.raw("HL70357");
    }
    ++written;
  }
  if (!erl_layout && written != 0) w.end_segment();
  return ack_status::written;
}

// The same, in the layout of the version the resolver reads `received` with: MSH-12's, else the default
// (an AR for a message whose MSH-12 names no version still needs a layout; MSH-12 is echoed as sent).
template <class Sink>
ack_status write_ack(const message& received, const defs::resolver& definitions, ack_code code,
                     std::span<const diagnostic> diagnostics, const ack_options& opts, Sink& out) {
  return write_ack(received, definitions.version_or_default(received), code, diagnostics, opts, out);
}

}  // namespace hl7v2::validate
