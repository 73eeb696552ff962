// A reference for the parser's index, for differential tests: the same rules as parser::parse
// (parser.hpp states them), implemented the plain way, one byte at a time, with no vector kernel and
// no bitmaps, so the views of its messages split by reading bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "hl7v2/delimiters.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/message.hpp"
#include "hl7v2/parser.hpp"

namespace hl7v2::test {

class reference_parser {
 public:
  result<message> parse(std::string_view text, parse_options options = {}) {
    const std::size_t n = text.size();
    const char* const t = text.data();
    std::size_t start = 0;
    while (start < n && (t[start] == '\r' || t[start] == '\n')) ++start;
    if (start == n) return error{errc::empty_message, 0, 0, 0};
    if (n - start < 3 || !detail::is_header_id(t + start))
      return error{errc::not_a_message_header, start, 1, 0};
    const result<delimiters> delims = read_delimiters(text.substr(start));
    if (!delims) {
      error e = delims.error();
      e.offset += start;
      return e;
    }
    const char fs = delims->field;
    char terminator = '\r';
    for (std::size_t i = start; i < n; ++i) {
      if (t[i] == '\r' || t[i] == '\n') {
        terminator = t[i];
        break;
      }
    }
    const char other = terminator == '\r' ? '\n' : '\r';

    bounds_.clear();
    segments_.clear();
    std::size_t seg_start = start;
    std::size_t first_bound = 0;
    std::size_t ns = 0;
    const auto close = [&](std::size_t end) -> error {
      while (end > seg_start && t[end - 1] == other) --end;
      if (end == seg_start) return {};
      const std::size_t len = end - seg_start;
      const char* s = t + seg_start;
      const auto seg = static_cast<std::uint32_t>(ns + 1);
      if (len < 3 || !detail::is_segment_id_char(s[0]) || !detail::is_segment_id_char(s[1]) ||
          !detail::is_segment_id_char(s[2]) || (len > 3 && s[3] != fs)) {
        return error{errc::bad_segment_id, seg_start, seg, 0};
      }
      if (ns == options.max_segments) return error{errc::too_many_segments, seg_start, seg, 0};
      const std::size_t separators = bounds_.size() - first_bound;
      if (separators > options.max_fields) return error{errc::too_many_fields, seg_start, seg, 0};
      bounds_.push_back(static_cast<std::uint32_t>(end));
      detail::segment_entry e;
      e.begin = static_cast<std::uint32_t>(seg_start);
      e.end = static_cast<std::uint32_t>(end);
      e.first_bound = static_cast<std::uint32_t>(first_bound);
      e.separators = static_cast<std::uint32_t>(separators);
      e.key = detail::segment_key({s, 3});
      e.header = detail::is_header_key(e.key) && separators != 0;
      segments_.push_back(e);
      ++ns;
      first_bound = bounds_.size();
      return {};
    };
    for (std::size_t p = start; p < n; ++p) {
      if (t[p] == fs) {
        bounds_.push_back(static_cast<std::uint32_t>(p));
      } else if (t[p] == terminator) {
        if (const error e = close(p); e.code != errc::ok) return e;
        seg_start = p + 1;
        while (seg_start < n && t[seg_start] == other) ++seg_start;
      }
      // The parser checks the open segment's size at the end of every 8192-byte chunk of the text.
      if (((p + 1) % 8192 == 0 || p + 1 == n) && bounds_.size() - first_bound > options.max_fields) {
        return error{errc::too_many_fields, seg_start, static_cast<std::uint32_t>(ns + 1), 0};
      }
    }
    if (seg_start < n) {
      if (const error e = close(n); e.code != errc::ok) return e;
    }
    return message{text, *delims, segments_.data(), ns, bounds_.data()};
  }

 private:
  std::vector<std::uint32_t> bounds_;
  std::vector<detail::segment_entry> segments_;
};

}  // namespace hl7v2::test
