// The bench's in-process stages (bench/stages.hpp): what they count, what they produce, and that a
// warm pass allocates nothing (the figure hl7v2-bench reports as allocs/msg).
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "../../bench/corpus/generator.hpp"
#include "../../bench/stages.hpp"

#include "support/counting_allocator.hpp"

using hl7v2::test::allocations;

namespace {

using hl7v2::bench::bench_state;
using hl7v2::bench::pass_result;
using hl7v2::bench::stage_kind;
using hl7v2::bench::stages;

std::vector<std::string> generated(std::size_t count, bool latin1 = false) {
  hl7v2::bench::corpus_options options;
  options.count = count;
  options.seed = 7;
  options.latin1 = latin1;
  options.z_segments = true;
  return {hl7v2::bench::generate_corpus(options)};
}

}  // namespace

TEST_CASE("every in-process stage sees every generated message, without errors, deterministically") {
  const bool latin1 = GENERATE(false, true);
  const std::vector<std::string> inputs = generated(60, latin1);
  for (const auto& s : stages) {
    if (s.kind != stage_kind::in_process) continue;
    INFO("stage " << s.name);
    bench_state state;
    const pass_result first = s.run(inputs, state);
    const pass_result second = s.run(inputs, state);
    CHECK(first.messages == 60);
    CHECK(first.errors == 0);
    CHECK(first.checksum != 0);
    CHECK(second.checksum == first.checksum);  // reused state changes nothing
  }
}

TEST_CASE("a message the parser refuses is counted as an error, not as a message") {
  std::vector<std::string> inputs = generated(5);
  inputs.push_back("MSH|^~\\&|APP|FAC|||20240101||ADT^A01|X1|P|2.5.1\rPID|1||42\rbad segment|1\r");
  for (const auto& s : stages) {
    if (s.kind != stage_kind::in_process) continue;
    INFO("stage " << s.name);
    bench_state state;
    const pass_result r = s.run(inputs, state);
    if (s.name == "framing") {
      CHECK(r.messages == 6);  // framing alone does not look inside segments
      CHECK(r.errors == 0);
    } else {
      CHECK(r.messages == 5);
      CHECK(r.errors == 1);
    }
  }
}

TEST_CASE("decode unescapes every value and converts it to UTF-8, skipping the delimiter fields") {
  // MSH-18 declares Latin-1: 0xE9 is é. MSH-1 and MSH-2 ("|" and "^~\&") are delimiters, not values.
  const std::vector<std::string> inputs = {
      "MSH|^~\\&|APP|FAC|||||ADT^A01|C1|P|2.5.1||||||8859/1\r"
      "PID|1||A\\T\\B^C~D||M\xe9ller^Ann\\S\\e||\\F\\x&y\r"};
  bench_state state;
  const pass_result r = hl7v2::bench::run_decode(inputs, state);
  REQUIRE(r.messages == 1);
  // Values in order, concatenated: MSH-3.. then PID-1, PID-3 (two repetitions), PID-5, PID-7 (two
  // subcomponents).
  CHECK(state.out == "APPFACADTA01C1P2.5.18859/11A&BCDM\xc3\xa9llerAnn^e|xy");
  CHECK(r.checksum == state.out.size());
}

TEST_CASE("the JSON stages write exactly what the converter writes, one object per message") {
  const std::vector<std::string> inputs = generated(20);
  struct row {
    hl7v2::bench::stage_fn run;
    hl7v2::json::options options;
  };
  const row rows[] = {
      {hl7v2::bench::run_named, {.layout = hl7v2::json::layout::named}},
      {hl7v2::bench::run_typed, {.layout = hl7v2::json::layout::named, .typed = true}},
      {hl7v2::bench::run_positional, {.layout = hl7v2::json::layout::positional}},
  };
  for (const row& r : rows) {
    // The reference: frame, parse and convert each message on its own, summing the JSON sizes.
    hl7v2::parser parser;
    hl7v2::json::converter conv{r.options};
    std::uint64_t total = 0;
    std::string last;
    for (const hl7v2::frame& f : hl7v2::framer{inputs[0]}) {
      auto msg = parser.parse(f.text);
      REQUIRE(msg);
      last.clear();
      REQUIRE(conv.write(*msg, last));
      total += last.size();
    }
    bench_state state;
    const pass_result got = r.run(inputs, state);
    CHECK(got.messages == 20);
    CHECK(got.checksum == total);
    CHECK(state.out == last);  // the output buffer is cleared per message: it holds the last one
  }
  // The layouts differ, so the stages are not measuring the same work under three names.
  bench_state a;
  bench_state b;
  CHECK(hl7v2::bench::run_named(inputs, a).checksum != hl7v2::bench::run_positional(inputs, b).checksum);
}

TEST_CASE("validate counts a message of an unknown HL7 version as an error and reports findings") {
  const std::vector<std::string> unknown = {"MSH|^~\\&|APP|FAC|||||ADT^A01|C1|P|3.0\rPID|1\r"};
  bench_state state;
  pass_result r = hl7v2::bench::run_validate(unknown, state);
  CHECK(r.messages == 0);
  CHECK(r.errors == 1);

  // PID-3 and PID-5 are required in 2.5.1: the finding changes the checksum.
  const std::vector<std::string> complete = {
      "MSH|^~\\&|APP|FAC|||20240101||ADT^A01^ADT_A01|C1|P|2.5.1\rEVN||20240101\rPID|1||42||Doe^J\rPV1|1|I\r"};
  const std::vector<std::string> missing = {
      "MSH|^~\\&|APP|FAC|||20240101||ADT^A01^ADT_A01|C1|P|2.5.1\rEVN||20240101\rPID|1\rPV1|1|I\r"};
  const pass_result ok = hl7v2::bench::run_validate(complete, state);
  const std::size_t ok_errors = state.report.errors();
  const pass_result bad = hl7v2::bench::run_validate(missing, state);
  CHECK(ok.messages == 1);
  CHECK(bad.messages == 1);
  CHECK(state.report.errors() >= ok_errors + 2);
  CHECK(bad.checksum != ok.checksum);
}

TEST_CASE("a warm pass of every in-process stage allocates nothing") {
  const std::vector<std::string> inputs = generated(40, true);
  for (const auto& s : stages) {
    if (s.kind != stage_kind::in_process) continue;
    INFO("stage " << s.name);
    bench_state state;
    (void)s.run(inputs, state);  // warm-up: buffers and caches reach their steady size
    const std::size_t before = allocations.load();
    const pass_result r = s.run(inputs, state);
    const std::size_t during = allocations.load() - before;
    CHECK(r.messages == 40);
    CHECK(during == 0);
  }
}
