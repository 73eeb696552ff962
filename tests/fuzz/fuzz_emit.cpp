// libFuzzer target: arbitrary bytes → parser → every JSON layout and option. Each output must be valid
// JSON (simdjson), positional JSON must come back byte-exact, and named JSON must come back to ER7 that
// parses again and gives the same JSON (numbers compared by value: typed 7.20 comes back as 7.2) for
// every message whose text named JSON can hold; the strict policy may refuse a message but never crash.
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

// The same JSON value: members in the same order, numbers by value.
bool same_json(simdjson::dom::element a, simdjson::dom::element b) {
  using t = simdjson::dom::element_type;
  const auto numeric = [](t x) { return x == t::INT64 || x == t::UINT64 || x == t::DOUBLE; };
  if (numeric(a.type()) && numeric(b.type())) return double(a.get_double()) == double(b.get_double());
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case t::STRING:
      return std::string_view(a.get_string()) == std::string_view(b.get_string());
    case t::BOOL:
      return bool(a.get_bool()) == bool(b.get_bool());
    case t::NULL_VALUE:
      return true;
    case t::ARRAY: {
      simdjson::dom::array x = a.get_array(), y = b.get_array();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (!same_json(*i, *j)) return false;
      }
      return true;
    }
    case t::OBJECT: {
      simdjson::dom::object x = a.get_object(), y = b.get_object();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if ((*i).key != (*j).key || !same_json((*i).value, (*j).value)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

bool same_json_text(const std::string& a, const std::string& b) {
  static simdjson::dom::parser pa, pb;
  simdjson::dom::element x, y;
  return pa.parse(a).get(x) == simdjson::SUCCESS && pb.parse(b).get(y) == simdjson::SUCCESS &&
         same_json(x, y);
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
  // A later header segment's second field is kept as raw text: a line break in it (text in an
  // LF-terminated message) cannot be written back.
  bool header_text_ok = true;
  for (std::size_t i = 2; i <= msg->size(); ++i) {
    const hl7v2::segment s = (*msg)[i];
    if (s.is_header() && s[2].raw().find_first_of("\r\n") != std::string_view::npos) header_text_ok = false;
  }
  std::string strict_json;
  const auto strict_result = strict.write(*msg, strict_json);
  require(strict_result.has_value() ||
          (strict_result.error().code == hl7v2::errc::invalid_byte && strict_json.empty()));
  if (strict_result) require(valid_json(strict_json));
  // The same JSON again needs text named JSON can hold: bytes valid in the declared character set (an
  // invalid one became U+FFFD) and an escape character (without one, a line break in the text cannot be
  // written back as text).
  const bool exact_text =
      strict_result.has_value() && ascii_delimiters && header_text_ok && msg->delims().escape != '\0';
  for (hl7v2::json::converter* c : {&named, &typed}) {
    json.clear();
    require(c->write(*msg, json).has_value());
    require(valid_json(json));
    er7.clear();
    const auto r = back.convert(json, er7);
    require(r.has_value() || !ascii_delimiters || !starts_with_msh || !header_text_ok);
    if (!r || msg->delims().escape == '\0') continue;
    hl7v2::parser again;
    const auto reparsed = again.parse(er7);
    require(reparsed.has_value());
    if (!exact_text) continue;
    std::string json2;
    require(c->write(*reparsed, json2).has_value());
    require(same_json_text(json, json2));
  }
  return 0;
}
