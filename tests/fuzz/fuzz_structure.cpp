// libFuzzer target: a message structure and a message, both built from the input bytes, matched. Checks
// that every segment is placed, that the work stays within its linear bound, and, for small inputs, that
// the assignment and the findings are exactly those of the exhaustive reference search
// (tests/support/reference_matcher.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../support/reference_matcher.hpp"
#include "fuzz_check.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/validate/structure.hpp"

namespace {

using hl7v2::defs::node_kind;
using hl7v2::defs::structure_node;

// "Hxx" is HL7's any-segment place: a message id the structure does not name goes there.
constexpr std::string_view ids[] = {"AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "Hxx"};

// Reads a structure depth first: per node one byte (kind, bounds, id), groups and choices one more for
// their number of children. Past the input's end every node is an optional segment.
struct builder {
  const std::uint8_t* p;
  const std::uint8_t* end;
  std::vector<structure_node>& pool;

  std::uint8_t next() { return p < end ? *p++ : 0; }
  void fill(std::size_t at, std::size_t count, int depth) {
    for (std::size_t k = 0; k < count; ++k) {
      const std::uint8_t b = next();
      structure_node n{.id = ids[(b >> 4) & 7],
                       .min = static_cast<std::uint16_t>((b >> 2) & 1),
                       .max = static_cast<std::uint16_t>((b >> 3) & 1 ? 0 : 1)};
      const unsigned kind = b & 3;
      if (kind >= 2 && depth < 8 && pool.size() + 4 <= pool.capacity()) {
        n.kind = kind == 2 ? node_kind::group : node_kind::choice;
        n.id = kind == 2 ? std::string_view{"G"} : std::string_view{};
        const std::size_t kids = 1 + (next() & 3);
        const std::size_t first = pool.size();
        pool.resize(first + kids);
        n.child_data = &pool[first];
        n.child_count = static_cast<std::uint16_t>(kids);
        pool[at + k] = n;
        fill(first, kids, depth + 1);
        continue;
      }
      pool[at + k] = n;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static std::vector<structure_node> pool;
  pool.clear();
  pool.reserve(1024);  // never reallocates: the structure's addresses repeat from input to input
  const std::size_t structure_bytes = 1 + data[0] % 64;
  const std::uint8_t* msg_begin = data + 1 + (structure_bytes < size - 1 ? structure_bytes : size - 1);
  const std::size_t top = 1 + (data[1] & 7);
  pool.resize(1 + top);
  pool[0] = structure_node{.id = "MSH", .min = 1, .max = 1};
  builder b{data + 2, msg_begin, pool};
  b.fill(1, top, 1);
  const hl7v2::defs::structure_def s{"T_FUZZ", "T_FUZZ", pool.data(), static_cast<std::uint16_t>(1 + top)};

  std::string text = "MSH|^~\\&\r";
  std::vector<std::string_view> msg_ids = {"MSH"};
  for (const std::uint8_t* q = msg_begin; q < data + size; ++q) {
    const unsigned v = *q % 10;
    // A message never holds "Hxx" itself (not a segment id the parser reads): HHH stands in, and reaches
    // the Hxx place only as an id the structure does not name.
    const std::string_view id = v < 7    ? ids[v]
                                : v == 7 ? std::string_view{"HHH"}
                                : v == 8 ? std::string_view{"QQQ"}
                                         : std::string_view{"ZZZ"};
    text += id;
    text += "|\r";
    msg_ids.push_back(id);
  }
  static hl7v2::parser parser;
  auto m = parser.parse(text);
  require(m.has_value());
  require(m->size() == msg_ids.size());

  static hl7v2::validate::structure_map map;
  std::size_t findings = 0;
  map.build(*m, s, [&](const hl7v2::validate::structure_finding&, std::size_t) { ++findings; });
  require(map.matched());
  require(map.segments().size() == m->size());
  for (const auto& place : map.segments()) {
    require((place.placement == hl7v2::validate::placement::matched) == (place.node != nullptr));
    require(place.group < map.groups().size());
  }
  // Linear in the message: (segments + 1) x (states + moves per segment id), a few passes.
  const std::uint64_t states = pool.size() + 1;
  require(map.matcher().work() <= 4 * (m->size() + 1) * (states + states * states));

  if (m->size() <= 7 && pool.size() <= 40) {
    hl7v2::test::ref_matcher ref{s, msg_ids, std::numeric_limits<std::size_t>::max(), {}};
    // The search is exponential: compare where it completes quickly. 2^16 calls took 2 s under ASan on
    // one input (each call copies its frames and trace), past libFuzzer's timeout on a loaded machine.
    ref.budget = 1u << 13;
    const hl7v2::test::ref_trace want = ref.run();
    if (!ref.complete) return 0;
    static hl7v2::validate::structure_matcher matcher;
    const hl7v2::test::ref_trace got = hl7v2::test::matcher_trace(matcher, *m, s);
    require(got.steps == want.steps);
    require(got.findings == want.findings);
    require(findings == want.findings.size());
  }
  return 0;
}
