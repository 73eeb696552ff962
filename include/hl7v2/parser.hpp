// The tokenizer: one message's text -> the index behind the message views (message.hpp).
//
// One vector pass (detail/simd) over the text finds the field separators and segment terminators and
// builds the separator and byte-class bitmaps; its output goes straight into the two flat arrays that
// the parser keeps and reuses: field boundaries and, from the terminators only, segment entries.
// Components and below are split on demand by the views, from the bitmaps. Once the arrays have grown
// to the largest message seen, parsing allocates nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "hl7v2/delimiters.hpp"
#include "hl7v2/detail/simd/scan.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/message.hpp"

namespace hl7v2 {

// Limits that keep hostile input bounded in time and memory.
struct parse_options {
  std::size_t max_segments = 1u << 20;
  std::size_t max_fields = 1u << 16;  // per segment
};

class parser {
 public:
  parser() noexcept : parser(scan_kernel::best) {}
  // Use one scanner kernel (a kernel this machine cannot run falls back to the best one).
  explicit parser(scan_kernel kernel) noexcept
      : index_(detail::simd::index_function(kernel)),
        kernel_(kernel == scan_kernel::best || !detail::simd::kernel_available(kernel)
                    ? detail::simd::best_kernel()
                    : kernel) {}

  scan_kernel kernel() const noexcept { return kernel_; }

  // Parses one message as the framer yields it. Leading line breaks are skipped. Segment terminators,
  // decided like the framer does: if the first line break after the header is CR (or CRLF), segments
  // end at CR and a bare LF is field content; if it is LF, segments end at LF and a bare CR is content.
  // A run of line breaks that holds a terminator ends the segment as a whole ("\r\n", "\n\r", blank
  // lines), and so does the end of the text: breaks of the other kind next to a terminator are never
  // content. Empty segments are skipped. The views of the result are valid until this parser parses again or
  // is destroyed. Error offsets are byte offsets into `text`; error::segment is the 1-based segment index.
  result<message> parse(std::string_view text, parse_options options = {});

 private:
  // Index this many bytes at a time (a multiple of 64): the index grows with what a chunk holds, not
  // with its size, and the terminator buffer stays small and hot.
  static constexpr std::size_t chunk_size = 8192;

  template <class T>
  static T* ensure(std::vector<T>& v, std::size_t needed) {
    if (v.size() < needed) v.resize(std::max(needed, v.size() * 2));
    return v.data();
  }

  detail::simd::index_fn index_;
  scan_kernel kernel_;
  std::vector<std::uint32_t> terminators_;  // per chunk: which boundaries are terminators
  std::vector<std::uint64_t> bits_;         // separator bitmaps, for the views to split parts with
  // Where the views look the bitmaps up: on the heap, so views stay valid when the parser is moved.
  std::unique_ptr<detail::split_index> split_;
  std::vector<std::uint32_t> bounds_;
  std::vector<detail::segment_entry> segments_;
};

namespace detail {
constexpr bool is_header_id(const char* p) noexcept {
  return (p[0] == 'M' && p[1] == 'S' && p[2] == 'H') || (p[0] == 'F' && p[1] == 'H' && p[2] == 'S') ||
         (p[0] == 'B' && p[1] == 'H' && p[2] == 'S');
}
}  // namespace detail

inline result<message> parser::parse(std::string_view text, parse_options options) {
  const std::size_t n = text.size();
  // Offsets are stored as 32 bits; the framer's size limit keeps real messages far below this.
  if (n >= std::numeric_limits<std::uint32_t>::max()) return error{errc::message_too_large, 0, 0, 0};
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
  // The first line break after the header decides the terminator (as the framer decides it).
  const char* const cr = static_cast<const char*>(std::memchr(t + start, '\r', n - start));
  const std::size_t before_cr = cr != nullptr ? static_cast<std::size_t>(cr - t) : n;
  const bool lf_first = std::memchr(t + start, '\n', before_cr - start) != nullptr;
  const char terminator = lf_first ? '\n' : '\r';
  const char other = lf_first ? '\r' : '\n';

  const detail::simd::index_chars chars{
      fs, terminator, delims->repetition, delims->component, delims->subcomponent, delims->escape};
  // One zero block past the end keeps the views' word loads in bounds at the text's end.
  const std::size_t words = detail::simd::bitmap_words(n);
  std::uint64_t* const bits = ensure(bits_, words + detail::simd::bitmap_stride);
  std::memset(bits + words, 0, detail::simd::bitmap_stride * sizeof(std::uint64_t));
  std::uint32_t* const terms = ensure(terminators_, chunk_size + detail::simd::scan_slack);
  std::uint32_t* bounds = bounds_.data();
  detail::segment_entry* segs = segments_.data();
  std::size_t nb = 0;           // bounds used: the offsets of every field separator and terminator
  std::size_t ns = 0;           // segments indexed
  std::size_t first_bound = 0;  // where the current segment's bounds start
  std::size_t seg_start = start;

  // Closes the segment [seg_start, end), whose last boundary is bounds[last] (its terminator, or the
  // text's end): validates its id and records it. Returns false on error.
  error err{};
  const auto close_segment = [&](std::size_t end, std::size_t last) -> bool {
    // Breaks of the other kind right before a terminator belong to it (CRLF in an LF message).
    while (end > seg_start && t[end - 1] == other) --end;
    if (end == seg_start) {  // an empty line: its terminator bounds nothing
      first_bound = last + 1;
      return true;
    }
    const std::size_t len = end - seg_start;
    const char* s = t + seg_start;
    if (len < 3 || !detail::is_segment_id_char(s[0]) || !detail::is_segment_id_char(s[1]) ||
        !detail::is_segment_id_char(s[2]) || (len > 3 && s[3] != fs)) {
      err = error{errc::bad_segment_id, seg_start, static_cast<std::uint32_t>(ns + 1), 0};
      return false;
    }
    if (ns == options.max_segments) {
      err = error{errc::too_many_segments, seg_start, static_cast<std::uint32_t>(ns + 1), 0};
      return false;
    }
    const std::size_t separators = last - first_bound;
    if (separators > options.max_fields) {
      err = error{errc::too_many_fields, seg_start, static_cast<std::uint32_t>(ns + 1), 0};
      return false;
    }
    bounds[last] = static_cast<std::uint32_t>(end);
    detail::segment_entry& e = segs[ns++];
    e.begin = static_cast<std::uint32_t>(seg_start);
    e.end = static_cast<std::uint32_t>(end);
    e.first_bound = static_cast<std::uint32_t>(first_bound);
    e.separators = static_cast<std::uint32_t>(separators);
    e.key = detail::segment_key({s, 3});
    e.header = detail::is_header_key(e.key) && separators != 0;
    first_bound = last + 1;
    return true;
  };

  // Chunks start at 0, not at `start`, so their blocks are the bitmaps' blocks.
  for (std::size_t chunk = 0; chunk < n; chunk += chunk_size) {
    const std::size_t len = std::min(chunk_size, n - chunk);
    // Every byte may be a boundary; one more for the final segment's end.
    bounds = ensure(bounds_, nb + len + detail::simd::scan_slack + 1);
    const detail::simd::index_counts found =
        index_(t + chunk, len, static_cast<std::uint32_t>(chunk), chars, bounds + nb, terms,
               bits + chunk / 64 * detail::simd::bitmap_stride);
    // Every terminator closes at most one segment; one more for the final segment.
    segs = ensure(segments_, ns + found.terminators + 1);
    for (std::size_t j = 0; j < found.terminators; ++j) {
      const std::size_t last = nb + terms[j];
      const std::size_t p = bounds[last];
      if (p < start) {  // a line break before the header
        first_bound = last + 1;
        continue;
      }
      if (!close_segment(p, last)) return err;
      seg_start = p + 1;
      // ... and so do those right after it (CRLF in a CR message).
      while (seg_start < n && t[seg_start] == other) ++seg_start;
    }
    nb += found.positions;
    // Checked per chunk, so one huge segment cannot grow the index without bound.
    if (nb - first_bound > options.max_fields) {
      return error{errc::too_many_fields, seg_start, static_cast<std::uint32_t>(ns + 1), 0};
    }
  }
  if (seg_start < n) {
    bounds[nb] = static_cast<std::uint32_t>(n);
    if (!close_segment(n, nb)) return err;
    ++nb;
  }

  if (!split_) split_ = std::make_unique<detail::split_index>();
  split_->text = t;
  split_->bits = bits;
  return message{text, *delims, segs, ns, bounds, split_.get()};
}

}  // namespace hl7v2
