// Validation as the commands use it (`validate`, `ack`, `lake ingest --strict`): which definitions a
// message is checked with, and diagnostics written as JSON. Diagnostics hold codes, paths, positions and
// expectations from the definitions, never text from the message, so they may go to logs and stderr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/defs/resolver.hpp"
#include "hl7v2/validate/validate.hpp"
#include "records.hpp"

namespace hl7v2::cli {

// Which definitions the commands read a message with, as the converter does: a profile's when one was
// given (for every message), else MSH-12's version among all built-in ones, the default version (else
// 2.5.1) when MSH-12 is empty.
inline defs::resolver resolver_for(const json::options& setup) {
  return defs::resolver{defs::all_versions_registry, setup.default_version,
                        setup.profile != nullptr ? &setup.profile->version() : nullptr};
}

// Validates `msg` with the definitions resolver_for(setup) chooses and returns them; nullptr when MSH-12
// names no HL7 v2 version (then `rep` is left empty). Unlike JSON output, validation reads an empty MSH-12
// only with --default-version: without one the message names no version and is rejected.
inline const defs::version_def* validate_message(const message& msg, const json::options& setup,
                                                 const validate::options& checks, validate::report& rep) {
  const defs::resolver definitions{defs::all_versions_registry.with_default(setup.default_version), nullptr,
                                   setup.profile != nullptr ? &setup.profile->version() : nullptr};
  return validate::validate(msg, definitions, checks, rep);
}

// The members of one diagnostic, without braces: severity, code, reason, path, segment (1-based index in
// the message), field and expectation.
template <class Sink>
void write_diagnostic_members(const validate::diagnostic& d, Sink& out, std::string& scratch) {
  append_raw(out, "\"severity\":");
  write_json_string(validate::name(d.severity), out);
  append_raw(out, ",\"code\":");
  write_json_string(validate::name(d.code), out);
  append_raw(out, ",\"reason\":");
  write_json_string(validate::describe(d.code), out);
  append_raw(out, ",\"path\":");
  scratch.clear();
  d.where.write_path(scratch);
  write_json_string(scratch, out);
  append_raw(out, ",\"segment\":");
  append_uint(out, d.where.segment_index);
  append_raw(out, ",\"field\":");
  append_uint(out, d.where.field);
  append_raw(out, ",\"expectation\":");
  scratch.clear();
  d.write_expectation(scratch);
  write_json_string(scratch, out);
}

// `"diagnostics":[{...},...]` with the errors and warnings of a report (info findings such as Z-segments
// are left out), at most `limit` of them; `"diagnostics_omitted":n` follows when some were left out.
template <class Sink>
void write_diagnostics_member(const validate::report& rep, Sink& out, std::string& scratch,
                              std::size_t limit = 50) {
  append_raw(out, "\"diagnostics\":[");
  std::size_t written = 0, omitted = rep.dropped();
  for (const validate::diagnostic& d : rep) {
    if (d.severity == validate::severity::info) continue;
    if (written == limit) {
      ++omitted;
      continue;
    }
    if (written++ != 0) out.push_back(',');
    out.push_back('{');
    write_diagnostic_members(d, out, scratch);
    out.push_back('}');
  }
  out.push_back(']');
  if (omitted != 0) {
    append_raw(out, ",\"diagnostics_omitted\":");
    append_uint(out, omitted);
  }
}

// The first error of a report, for an error record's segment/field; nullptr when there is none.
inline const validate::diagnostic* first_error(const validate::report& rep) noexcept {
  for (const validate::diagnostic& d : rep) {
    if (d.severity == validate::severity::error) return &d;
  }
  return nullptr;
}

}  // namespace hl7v2::cli
