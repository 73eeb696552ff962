// Zero heap allocations per message in steady state: a reused parser, walked trees, paths and a reused
// output string, counted by replacing the global allocation functions in this test program.
#include <catch2/catch_test_macros.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "hl7v2/er7_writer.hpp"
#include "hl7v2/parser.hpp"

#include "support/counting_allocator.hpp"

using hl7v2::test::allocations;

namespace {

std::string read_file(const std::string& name) {
  std::ifstream in(std::string(HL7V2_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Touches every part of the tree; returns a checksum so nothing is optimized away.
std::size_t walk(const hl7v2::message& m) {
  std::size_t sum = 0;
  for (hl7v2::segment s : m.segments()) {
    for (hl7v2::field f : s) {
      for (hl7v2::repetition r : f) {
        for (hl7v2::component c : r) {
          for (hl7v2::subcomponent sc : c) sum += sc.raw().size();
        }
      }
    }
  }
  for (hl7v2::segment s : m.segments("OBX")) sum += s[5].size();
  sum += m.get("PID-3(1).1").size() + m.get("MSH-9-2").size() + m.control_id().size();
  return sum;
}

}  // namespace

TEST_CASE("the counter sees allocations", "[alloc]") {
  const std::size_t before = allocations.load();
  auto* v = new std::vector<int>(100);
  delete v;
  CHECK(allocations.load() >= before + 2);
}

TEST_CASE("parsing, walking and writing allocate nothing once warm", "[alloc]") {
  std::vector<std::string> messages = {read_file("blog_adt_a01.hl7"), read_file("oru_r01_lab.hl7")};
  std::string big = "MSH|^~\\&|A\r";
  for (int i = 0; i < 400; ++i) big += "OBX|" + std::to_string(i) + "|NM|a^b~c&d||x\r";
  messages.push_back(big);
  messages.emplace_back("MSH|^~\\&|A\rpid|bad\r");  // errors allocate nothing either

  hl7v2::parser parser;
  std::string out;
  std::size_t sum = 0;
  const auto once = [&] {
    for (const std::string& text : messages) {
      auto m = parser.parse(text);
      if (!m) continue;
      sum += walk(*m);
      out.clear();
      hl7v2::write_er7(*m, out);
      sum += out.size();
    }
  };
  once();  // warm: the index arrays and the output string grow to the largest message
  const std::size_t before = allocations.load();
  for (int round = 0; round < 100; ++round) once();
  const std::size_t after = allocations.load();
  CHECK(after - before == 0);
  CHECK(sum > 0);
}
