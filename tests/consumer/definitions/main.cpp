// A user's program that converts messages to named JSON, built twice from this file: header-only and in
// compiled mode (linked with hl7v2::definitions). Both must print the same JSON: every message read
// with all versions, then with a registry of 2.5.1 alone, then the ER7 that er7_from_json makes of the
// first (compiled mode: the library's reader, which links simdjson).
#include <hl7v2/hl7v2.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#if defined(EXPECT_COMPILED) != defined(HL7V2_DEFINITIONS_COMPILED)
#error "the build did not select the definitions mode it was meant to"
#endif

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ifstream in(argv[1], std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const hl7v2::defs::registry only_251{hl7v2::defs::v2_5_1};  // const, not constexpr: compiled mode
  hl7v2::parser parser;
  hl7v2::json::converter every_version{{.typed = true}};
  hl7v2::json::converter one_version{only_251, {.typed = true}};
  hl7v2::json::er7_from_json back;
  std::string json, er7;
  for (const auto& frame : hl7v2::framer{bytes}) {
    if (frame.kind != hl7v2::frame_kind::message) continue;
    auto msg = parser.parse(frame.text);
    if (!msg) return 1;
    for (hl7v2::json::converter* c : {&every_version, &one_version}) {
      json.clear();
      if (!c->write(*msg, json)) return 1;
      std::printf("%s\n", json.c_str());
      if (c == &every_version) {
        er7.clear();
        if (!back.convert(json, er7)) return 1;
        for (char& ch : er7) ch = ch == '\r' ? '\n' : ch;
        std::printf("%s", er7.c_str());
      }
    }
  }
  return 0;
}
