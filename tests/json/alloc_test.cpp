// Zero heap allocations per message once warm: a reused parser, converter, er7_from_json and output
// string, for every layout and option, counted by replacing the global allocation functions here.
#include <catch2/catch_test_macros.hpp>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "../../bench/corpus/generator.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/json/reader.hpp"
#include "hl7v2/parser.hpp"

// Under AddressSanitizer the allocation functions are the sanitizer's: libsimdjson's new[] would meet
// our delete[]. The counting needs a plain build; sanitized builds skip it.
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

std::vector<std::string> corpus() {
  std::vector<std::string> messages;
  for (const bool latin1 : {false, true}) {
    hl7v2::bench::corpus_generator gen{{.count = 0, .seed = 9, .latin1 = latin1, .z_segments = true}};
    for (int i = 0; i < 100; ++i) {
      std::string one;
      gen.append_next(one);
      messages.push_back(std::move(one));
    }
  }
  return messages;
}

// Converts every message twice: the first pass warms buffers and caches, the second must not allocate.
std::size_t steady_state_allocations(const hl7v2::json::options& opts, bool and_back) {
  const std::vector<std::string> messages = corpus();
  hl7v2::parser parser;
  hl7v2::json::converter conv{opts};
  hl7v2::json::er7_from_json back;
  std::string out, er7;
  out.reserve(1 << 16);
  er7.reserve(1 << 16);
  std::size_t before = 0;
  const std::size_t start = allocations.load();
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) before = allocations.load();
    for (const std::string& text : messages) {
      const auto msg = parser.parse(text);
      REQUIRE(msg);
      out.clear();
      REQUIRE(conv.write(*msg, out));
      if (and_back) {
        er7.clear();
        REQUIRE(back.convert(out, er7));
      }
    }
  }
  const std::size_t steady = allocations.load() - before;
  CHECK(before - start > 0);  // the counter sees the warm-up
  return steady;
}

}  // namespace

TEST_CASE("named JSON allocates nothing per message once warm") {
  if (!HL7V2_COUNT_ALLOCATIONS) SKIP("allocation counting needs a build without AddressSanitizer");
  CHECK(steady_state_allocations({}, false) == 0);
  CHECK(steady_state_allocations({.typed = true, .upper_keys = true}, false) == 0);
}

TEST_CASE("positional JSON allocates nothing per message once warm") {
  if (!HL7V2_COUNT_ALLOCATIONS) SKIP("allocation counting needs a build without AddressSanitizer");
  CHECK(steady_state_allocations({.layout = hl7v2::json::layout::positional}, false) == 0);
}

TEST_CASE("JSON back to ER7 allocates nothing per message once warm") {
  if (!HL7V2_COUNT_ALLOCATIONS) SKIP("allocation counting needs a build without AddressSanitizer");
  CHECK(steady_state_allocations({.layout = hl7v2::json::layout::positional}, true) == 0);
  CHECK(steady_state_allocations({}, true) == 0);
}

// Runs in every build (sanitized ones too): reuse must not leak state from one message into the next.
TEST_CASE("a reused converter writes what a fresh one writes") {
  const std::vector<std::string> messages = corpus();
  for (const auto layout : {hl7v2::json::layout::named, hl7v2::json::layout::positional}) {
    hl7v2::parser parser;
    hl7v2::json::converter reused{{.layout = layout, .typed = true}};
    std::string warm;
    for (const std::string& text : messages) {
      const auto msg = parser.parse(text);
      REQUIRE(msg);
      warm.clear();
      REQUIRE(reused.write(*msg, warm));
      hl7v2::json::converter fresh{{.layout = layout, .typed = true}};
      std::string cold;
      REQUIRE(fresh.write(*msg, cold));
      CHECK(warm == cold);
    }
  }
}
