// A user's program: reads an HL7 file and prints each message's control id (MSH-10).
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
  for (const auto& frame : hl7v2::framer{bytes}) {
    if (frame.kind != hl7v2::frame_kind::message) continue;
    auto msg = parser.parse(frame.text);
    if (!msg) return 1;
    const std::string_view id = msg->get("MSH-10");
    std::printf("%.*s\n", static_cast<int>(id.size()), id.data());
  }
  return 0;
}
