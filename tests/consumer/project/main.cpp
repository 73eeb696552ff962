// A user's program on the full target: reads an HL7 file, prints each message's control id (MSH-10),
// and checks that positional JSON comes back to the same ER7 bytes (json/reader.hpp reads the JSON
// with simdjson, so the program links it).
#include <hl7v2/hl7v2.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ifstream in(argv[1], std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  hl7v2::parser parser;
  hl7v2::json::converter to_json{{.layout = hl7v2::json::layout::positional}};
  hl7v2::json::er7_from_json to_er7;
  std::string json, er7;
  for (const auto& frame : hl7v2::framer{bytes}) {
    if (frame.kind != hl7v2::frame_kind::message) continue;
    auto msg = parser.parse(frame.text);
    if (!msg) return 1;
    json.clear();
    er7.clear();
    if (!to_json.write(*msg, json) || !to_er7.convert(json, er7)) return 1;
    if (er7 != msg->raw()) return 1;
    const std::string_view id = msg->get("MSH-10");
    std::printf("%.*s\n", static_cast<int>(id.size()), id.data());
  }
  return 0;
}
