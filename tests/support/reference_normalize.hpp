// What ER7 writing must produce from a text, computed independently of the parser: the terminators
// normalized. Shared by tests/er7_writer_test.cpp and tests/fuzz/fuzz_parser.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hl7v2::test {

// What the writer must produce, computed independently of the parser: skip leading breaks; the first
// line break decides the terminator; a maximal run of CR/LF bytes that holds it (or reaches the end)
// ends the segment, any other run is content; empty segments are dropped; every segment ends with CR.
inline std::string normalized(std::string_view text) {
  const auto is_break = [](char c) { return c == '\r' || c == '\n'; };
  std::size_t i = 0;
  while (i < text.size() && is_break(text[i])) ++i;
  char term = '\r';
  for (std::size_t j = i; j < text.size(); ++j) {
    if (is_break(text[j])) {
      term = text[j];
      break;
    }
  }
  std::string out;
  std::string seg;
  while (i < text.size()) {
    if (!is_break(text[i])) {
      seg += text[i++];
      continue;
    }
    std::size_t j = i;
    bool ends = false;
    while (j < text.size() && is_break(text[j])) ends |= text[j++] == term;
    if (ends || j == text.size()) {
      if (!seg.empty()) out += seg + '\r';
      seg.clear();
    } else {
      seg.append(text.substr(i, j - i));
    }
    i = j;
  }
  if (!seg.empty()) out += seg + '\r';
  return out;
}

}  // namespace hl7v2::test
