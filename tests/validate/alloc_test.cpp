// Zero heap allocations per message once warm for validation (with its structure matcher) and the grouped
// layout, on every path of the matcher: messages that fit at once, that fit only with the look at what
// follows, that do not fit (fewest findings), long ones, and several structures and versions in turn.
#include <catch2/catch_test_macros.hpp>

#include <string>
#include <vector>

#include "../../bench/corpus/generator.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/validate/validate.hpp"

// Under AddressSanitizer the allocation functions are the sanitizer's; the counting needs a plain build.
#if defined(__SANITIZE_ADDRESS__)
#define HL7V2_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HL7V2_COUNT_ALLOCATIONS 0
#endif
#endif
#include "support/counting_allocator.hpp"

using hl7v2::test::allocations;

namespace {

std::string join(const std::vector<std::string>& segments) {
  std::string s;
  for (const std::string& seg : segments) s += seg + "\r";
  return s;
}

std::vector<std::string> messages() {
  std::vector<std::string> out;
  hl7v2::bench::corpus_generator gen{{.count = 0, .seed = 5, .z_segments = true}};
  for (int i = 0; i < 60; ++i) {
    std::string one;
    gen.append_next(one);
    out.push_back(std::move(one));
  }
  const std::string oml = "MSH|^~\\&|L|F|R|RF|20250101||OML^O21^OML_O21|C|P|2.5.1";
  out.push_back(
      join({oml, "PID|1||1", "ORC|NW|1", "OBR|1", "DG1|1", "ORC|NW|2", "OBR|2", "DG1|1"}));   // look ahead
  out.push_back(join({oml, "PID|1||1", "ORC|NW|1", "OBR|1", "DG1|1", "PID|2", "ORC|NW|2"}));  // no fit
  const std::string adt = "MSH|^~\\&|A|B|C|D|20250101||ADT^A01^ADT_A01|C|P|2.4";
  out.push_back(join({adt, "EVN|A01", "PID|1", "PV1|1", "NK1|1", "PV1|2", "ZZZ|1", "QRD|1"}));
  std::vector<std::string> lng = {"MSH|^~\\&|L|F|R|RF|20250101||ORU^R01^ORU_R01|C|P|2.5.1", "PID|1", "OBR|1"};
  for (int i = 0; i < 2000; ++i) lng.push_back(i % 2 ? "NTE|1" : "OBX|1");
  out.push_back(join(lng));
  lng.push_back("PV1|1");  // now it does not fit: the fewest-findings rows for 2000 segments
  lng.push_back("OBX|1");
  out.push_back(join(lng));
  return out;
}

}  // namespace

TEST_CASE("validation and the grouped layout allocate nothing per message once warm") {
  const std::vector<std::string> texts = messages();
  hl7v2::parser parser;
  hl7v2::validate::report rep;
  const hl7v2::defs::resolver definitions{hl7v2::defs::all_versions_registry};
  hl7v2::json::converter grouped{hl7v2::json::options{.layout = hl7v2::json::layout::grouped}};
  std::string out;
  std::size_t diagnostics = 0;
  [[maybe_unused]] std::size_t before = 0;  // read only where allocations are counted (not under ASan)
  [[maybe_unused]] const std::size_t start = allocations.load();
  for (int pass = 0; pass < 3; ++pass) {
    if (pass == 1) before = allocations.load();
    for (const std::string& text : texts) {
      const auto msg = parser.parse(text);
      REQUIRE(msg);
      REQUIRE(hl7v2::validate::validate(*msg, definitions, {}, rep) != nullptr);
      diagnostics += rep.size();
      out.clear();
      REQUIRE(grouped.write(*msg, out));
    }
  }
  CHECK(diagnostics > 0);
#if HL7V2_COUNT_ALLOCATIONS
  CHECK(before - start > 0);  // the counter sees the warm-up
  CHECK(allocations.load() - before == 0);
#endif
}
