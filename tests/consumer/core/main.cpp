// A user's program on the tokenizer alone (hl7v2::core): prints each message's control id (MSH-10)
// and the number of OBX segments, with nothing but hl7v2/core.hpp.
#include <hl7v2/core.hpp>

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
    std::size_t obx = 0;
    for (hl7v2::segment s : msg->segments("OBX")) {
      (void)s;
      ++obx;
    }
    const std::string_view id = msg->get("MSH-10");
    std::printf("%.*s obx=%zu\n", static_cast<int>(id.size()), id.data(), obx);
  }
  return 0;
}
