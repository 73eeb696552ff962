// libFuzzer target: terser paths. The first input line is a path, the rest a message. Checks that
// path parsing never misreads (a parsed path written back parses the same) and that resolving it
// against the message gives exactly what walking the tree by hand gives.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hl7v2/parser.hpp"
#include "hl7v2/path.hpp"

#include "fuzz_check.hpp"

namespace {

std::string spell(const hl7v2::path& p) {
  std::string s(p.segment_id);
  s += "(" + std::to_string(p.occurrence) + ")";
  if (p.field == 0) return s;
  s += "-" + std::to_string(p.field);
  if (p.repetition != 0) s += "(" + std::to_string(p.repetition) + ")";
  if (p.component == 0) return s;
  s += "." + std::to_string(p.component);
  if (p.subcomponent != 0) s += "." + std::to_string(p.subcomponent);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string_view path_text = input.substr(0, nl);
  const std::string_view text = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);

  const hl7v2::result<hl7v2::path> p = hl7v2::parse_path(path_text);
  if (!p) {
    require(p.error().code == hl7v2::errc::bad_path && p.error().offset <= path_text.size());
  } else {
    const std::string again = spell(*p);
    const auto q = hl7v2::parse_path(again);
    require(q.has_value() && *q == *p);
  }

  static hl7v2::parser parser;
  const auto m = parser.parse(text);
  if (!m) return 0;
  const auto got = m->at(path_text);
  require(got.has_value() == p.has_value());
  if (!p) {
    require(m->get(path_text).empty());
    return 0;
  }
  // The same part, found by hand.
  const hl7v2::segment seg = m->find(p->segment_id, p->occurrence);
  std::string_view expected;
  if (p->field == 0) {
    expected = seg.raw();
  } else if (p->component == 0) {
    expected = p->repetition == 0 ? seg[p->field].raw() : seg[p->field][p->repetition].raw();
  } else {
    const hl7v2::component c = seg[p->field][p->repetition == 0 ? 1 : p->repetition][p->component];
    expected = p->subcomponent == 0 ? c.raw() : c[p->subcomponent].raw();
  }
  require(*got == expected);
  require(got->empty() ||
          (got->data() >= text.data() && got->data() + got->size() <= text.data() + text.size()));
  return 0;
}
