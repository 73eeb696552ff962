// Quick start: frame a file into messages, parse each one, read values by path, and print one JSON
// object per message. Usage: example_quickstart FILE
#include <hl7v2/hl7v2.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE.hl7\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

  hl7v2::parser parser;          // reusable: owns its index, no allocation per message once warm
  hl7v2::json::converter named;  // definitions chosen from each message's MSH-12
  std::string line;              // reused output buffer

  for (const hl7v2::frame& frame : hl7v2::framer{bytes}) {
    if (frame.kind != hl7v2::frame_kind::message) {
      if (frame.kind == hl7v2::frame_kind::error) {  // codes and positions only, never message text
        std::fprintf(stderr, "line %zu: %s\n", frame.line, hl7v2::describe(frame.err.code).data());
      }
      continue;
    }
    auto msg = parser.parse(frame.text);
    if (!msg) {
      std::fprintf(stderr, "message %zu: %s at byte %zu\n", frame.message_index,
                   hl7v2::describe(msg.error().code).data(), frame.offset + msg.error().offset);
      continue;
    }
    // Values by terser path: raw (escaped) text, empty when absent.
    const std::string_view type = msg->get("MSH-9");
    std::printf("# message %zu: %.*s, %zu segments, %zu OBX\n", frame.message_index,
                static_cast<int>(type.size()), type.data(), msg->size(),
                static_cast<std::size_t>(std::ranges::distance(msg->segments("OBX"))));
    line.clear();
    if (auto written = named.write(*msg, line); written) std::printf("%s\n", line.c_str());
  }
  return 0;
}
