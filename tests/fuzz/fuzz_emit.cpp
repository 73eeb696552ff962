// libFuzzer target: arbitrary bytes → parser → every JSON layout and option. Each output must be valid
// JSON (simdjson), positional JSON must come back byte-exact, and named JSON must come back to ER7 that
// parses again; the strict policy may refuse a message but never crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/er7_writer.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/json/reader.hpp"
#include "hl7v2/parser.hpp"

#include "fuzz_check.hpp"

namespace {

bool valid_json(const std::string& text) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  return parser.parse(text).get(doc) == simdjson::SUCCESS && doc.is_object();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static hl7v2::parser parser;
  const auto msg = parser.parse(input);
  if (!msg) return 0;
  std::string expected;
  hl7v2::write_er7(*msg, expected);

  static hl7v2::json::converter positional{{.layout = hl7v2::json::layout::positional}};
  static hl7v2::json::converter named{};
  static hl7v2::json::converter typed{{.typed = true, .upper_keys = true, .format = hl7v2::formatting::keep}};
  static hl7v2::json::converter strict{{.bytes = hl7v2::invalid_bytes::strict}};
  static hl7v2::json::er7_from_json back;

  std::string json, er7;
  require(positional.write(*msg, json).has_value());
  require(valid_json(json));
  require(back.convert(json, er7).has_value());
  require(er7 == expected);

  // Named JSON holds text, not bytes: delimiters beyond ASCII (invalid UTF-8 on their own) cannot come
  // back; everything else must.
  const std::string_view header = (*msg)[1].raw().substr(0, 9);
  bool ascii_delimiters = true;
  for (char c : header) ascii_delimiters = ascii_delimiters && static_cast<unsigned char>(c) < 0x80;
  // Named JSON rebuilds the delimiters from its msh object, so only a message that starts with MSH can
  // come back (the parser also accepts a batch header first); anything else must be refused cleanly.
  const bool starts_with_msh = (*msg)[1].id() == "MSH";
  for (hl7v2::json::converter* c : {&named, &typed}) {
    json.clear();
    require(c->write(*msg, json).has_value());
    require(valid_json(json));
    er7.clear();
    const auto r = back.convert(json, er7);
    require(r.has_value() || !ascii_delimiters || !starts_with_msh);
    // Without an escape character (MSH-2 "^~") a line break in the text cannot be written back as text.
    if (!r || msg->delims().escape == '\0') continue;
    hl7v2::parser again;
    require(again.parse(er7).has_value());
  }
  json.clear();
  const auto r = strict.write(*msg, json);
  require(r.has_value() || (r.error().code == hl7v2::errc::invalid_byte && json.empty()));
  if (r) require(valid_json(json));
  return 0;
}
