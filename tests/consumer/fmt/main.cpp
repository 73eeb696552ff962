// A user's program on hl7v2::fmt (the tokenizer and hl7v2/fmt.hpp): prints each message's control id
// (MSH-10, a field view) and the error for a broken copy of it, both through fmt.
#include <hl7v2/core.hpp>
#include <hl7v2/fmt.hpp>

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
    std::string broken(frame.text);
    broken.insert(0, "X");  // no longer starts with MSH
    const auto bad = parser.parse(broken);
    if (bad) return 1;
    fmt::print("{} [{}]\n", msg->header()[10], bad.error().code);
  }
  return 0;
}
