// libFuzzer target: parse arbitrary bytes with every scanner kernel, walk the whole tree, write it back
// as ER7 and check that the output is the input with terminators normalized, and that every kernel
// built the same tree.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../support/reference_normalize.hpp"
#include "hl7v2/er7_writer.hpp"
#include "hl7v2/parser.hpp"

#include "fuzz_check.hpp"

namespace {

using hl7v2::test::normalized;

// Every part of the tree, with its nesting, as text; views are checked to lie inside the input.
std::string dump(const hl7v2::result<hl7v2::message>& m, std::string_view text) {
  if (!m) {
    const hl7v2::error& e = m.error();
    require(e.offset <= text.size());
    return "E" + std::to_string(static_cast<int>(e.code)) + "@" + std::to_string(e.offset) + "/" +
           std::to_string(e.segment);
  }
  const auto inside = [&](std::string_view v) {
    require(v.empty() || (v.data() >= text.data() && v.data() + v.size() <= text.data() + text.size()));
  };
  std::string out;
  for (hl7v2::segment s : m->segments()) {
    inside(s.raw());
    require(s.id().size() == 3);
    out += std::string(s.id()) + std::to_string(s.size()) + ":";
    std::size_t fields = 0;
    for (hl7v2::field f : s) {
      ++fields;
      inside(f.raw());
      out += '|';
      std::size_t reps = 0;
      for (hl7v2::repetition r : f) {
        ++reps;
        out += '~';
        std::size_t comps = 0;
        for (hl7v2::component c : r) {
          ++comps;
          out += '^';
          std::size_t subs = 0;
          for (hl7v2::subcomponent sc : c) {
            ++subs;
            inside(sc.raw());
            out += '&';
            out += sc.raw();
          }
          require(subs == c.size());
        }
        require(comps == r.size());
      }
      require(reps == f.size());
    }
    require(fields == s.size());
    out += '\n';
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static hl7v2::parser parsers[] = {hl7v2::parser{hl7v2::scan_kernel::scalar},
                                    hl7v2::parser{hl7v2::scan_kernel::sse2},
                                    hl7v2::parser{hl7v2::scan_kernel::best}};
  const hl7v2::parse_options limits{.max_segments = 1000, .max_fields = 1000};
  const auto m = parsers[0].parse(text, limits);
  const std::string tree = dump(m, text);
  for (std::size_t k = 1; k < std::size(parsers); ++k)
    require(dump(parsers[k].parse(text, limits), text) == tree);
  if (!m) return 0;

  std::string er7;
  hl7v2::write_er7(*m, er7);
  require(er7 == normalized(text));
  // Written text parses to the same tree and writes the same bytes, unless a bare CR was content (an
  // LF message): after normalization to CR terminators it ends a segment.
  if (static_cast<std::size_t>(std::count(er7.begin(), er7.end(), '\r')) != m->size()) return 0;
  static hl7v2::parser again;
  const auto m2 = again.parse(er7, limits);
  require(m2.has_value());
  std::string er7_again;
  hl7v2::write_er7(*m2, er7_again);
  require(er7_again == er7);
  return 0;
}
