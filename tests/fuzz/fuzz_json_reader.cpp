// libFuzzer target: JSON → ER7 on arbitrary bytes. Input that is JSON goes to the reader as it is; any
// other input is parsed as ER7 first and its positional and named JSON are then mutated a little (one
// byte flipped) and read back, so the reader sees near-valid documents of both layouts. The reader
// must never crash, must append nothing on error, and on success must write header-first segments.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/json/reader.hpp"
#include "hl7v2/parser.hpp"

#include "fuzz_check.hpp"

namespace {

void read_back(std::string_view json) {
  static hl7v2::json::er7_from_json back;
  std::string er7 = "x";
  const auto r = back.convert(json, er7);
  if (!r) {
    require(er7 == "x");  // nothing appended on error
    require(r.error().code == hl7v2::errc::bad_json);
    return;
  }
  require(*r == er7.size() - 1);
  // Segments from a header on, each ended by CR. (Whether it parses again depends on what the JSON
  // said: a CR inside a field of a later segment is text the parser will take for a terminator.)
  const std::string_view text = std::string_view{er7}.substr(1);
  require(text.size() > 4 && text.back() == '\r');
  const std::string_view id = text.substr(0, 3);
  require(id == "MSH" || id == "FHS" || id == "BHS");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  read_back(input);
  static hl7v2::parser parser;
  const auto msg = parser.parse(input);
  if (!msg) return 0;
  static hl7v2::json::converter positional{{.layout = hl7v2::json::layout::positional}};
  static hl7v2::json::converter named{{.typed = true}};
  for (hl7v2::json::converter* c : {&positional, &named}) {
    std::string json;
    require(c->write(*msg, json).has_value());
    read_back(json);
    if (json.empty()) continue;
    // A deterministic small mutation: flip one byte chosen from the input.
    const std::size_t at = (size * 7919u + (size ? data[0] : 0u)) % json.size();
    json[at] = static_cast<char>(json[at] ^ (size ? data[size - 1] | 1 : 1));
    read_back(json);
  }
  return 0;
}
