// libFuzzer target for the framer: frames any bytes with framer and with stream_framer (chunk sizes and
// a size limit taken from the input) and aborts unless both agree and the frames account for every
// byte. tests/framer_test.cpp runs the same checks (check_framing) over its corpus and random inputs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/framer.hpp"

namespace hl7v2_fuzz {

// A frame with its own copy of the text (stream_framer's views die with the callback).
struct owned_frame {
  hl7v2::frame f;
  std::string text;
};

inline std::vector<owned_frame> frames_of(std::string_view input, hl7v2::framer_options options) {
  std::vector<owned_frame> out;
  for (const hl7v2::frame& f : hl7v2::framer{input, options}) out.push_back({f, std::string(f.text)});
  return out;
}

// Feeds `input` in chunks whose sizes cycle through `sizes` (each >= 1).
inline std::vector<owned_frame> stream_frames_of(std::string_view input, hl7v2::framer_options options,
                                                 const std::vector<std::size_t>& sizes) {
  std::vector<owned_frame> out;
  hl7v2::stream_framer s{options};
  auto on_frame = [&](const hl7v2::frame& f) { out.push_back({f, std::string(f.text)}); };
  std::size_t at = 0;
  for (std::size_t k = 0; at < input.size(); ++k) {
    const std::size_t n = sizes[k % sizes.size()];
    s.feed(input.substr(at, n), on_frame);
    at += n;
  }
  s.finish(on_frame);
  return out;
}

inline bool same(const std::vector<owned_frame>& a, const std::vector<owned_frame>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const hl7v2::frame& x = a[i].f;
    const hl7v2::frame& y = b[i].f;
    if (x.kind != y.kind || x.offset != y.offset || x.line != y.line || x.message_index != y.message_index ||
        !(x.err == y.err) || a[i].text != b[i].text) {
      return false;
    }
  }
  return true;
}

inline bool is_skippable(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x1A || c == 0x0B ||
         c == 0x1C || c == 0xEF || c == 0xBB || c == 0xBF;
}

// Does the line at t[i] start a unit the framer must have split at (a header after a hard terminator)?
inline bool starts_unit(std::string_view t, std::size_t i) {
  if (t.substr(i, 3) == "\xEF\xBB\xBF") i += 3;
  const std::string_view id = t.substr(i, 3);
  if (id != "MSH" && id != "FHS" && id != "BHS" && id != "BTS" && id != "FTS") return false;
  if (i + 3 >= t.size()) return true;
  const char c = t[i + 3];
  if (hl7v2::detail::can_delimit(c) || c == '\r' || c == '\n') return true;
  return c == '\0' && id[1] != 'T';  // "MSH"/"FHS"/"BHS" + NUL: a bare header
}

// Independent checks of one framing of `input`: an empty string when all hold, else what failed.
inline std::string check_frames(std::string_view input, const std::vector<owned_frame>& frames,
                                hl7v2::framer_options options) {
  std::size_t covered_to = 0;
  std::size_t line = 1;
  std::size_t lines_to = 0;
  std::size_t units = 0;  // message and error frames: each has its own index, batch frames the next one
  const std::size_t max = options.max_message_size == 0 ? 1 : options.max_message_size;
  for (const owned_frame& of : frames) {
    const hl7v2::frame& f = of.f;
    const std::string_view t = of.text;
    if (t.empty()) return "empty frame";
    if (f.offset < covered_to) return "frames overlap or go backwards";
    if (f.offset + t.size() > input.size() || input.substr(f.offset, t.size()) != t)
      return "text is not the input at offset";
    if (t.size() > max) return "frame larger than max_message_size";
    for (std::size_t i = covered_to; i < f.offset; ++i) {
      if (!is_skippable(static_cast<unsigned char>(input[i])))
        return "a non-skippable byte belongs to no frame";
    }
    for (; lines_to < f.offset; ++lines_to) {
      const char c = input[lines_to];
      if (c == '\r' || (c == '\n' && (lines_to == 0 || input[lines_to - 1] != '\r'))) ++line;
    }
    if (f.line != line) return "wrong line number";
    if (f.message_index != units) return "wrong message index";
    if (f.kind == hl7v2::frame_kind::message || f.kind == hl7v2::frame_kind::error) ++units;
    if (t.find('\x1C') != std::string_view::npos) return "MLLP end byte inside a frame";
    if (t.find('\x0B', 1) != std::string_view::npos ||
        (t[0] == '\x0B' && f.kind != hl7v2::frame_kind::error)) {
      return "MLLP start byte inside a frame";
    }
    switch (f.kind) {
      case hl7v2::frame_kind::message: {
        if (f.err.code != hl7v2::errc::ok) return "message frame with an error";
        if (t.size() < 4 || t.substr(0, 3) != "MSH" || !hl7v2::detail::can_delimit(t[3]))
          return "message not at MSH";
        // No header may sit at a hard line start inside a message.
        const std::size_t first_break = t.find_first_of("\r\n");
        if (first_break == std::string_view::npos) break;
        const char mode = t[first_break];
        for (std::size_t i = first_break; i < t.size();) {
          if (t[i] != '\r' && t[i] != '\n') {
            ++i;
            continue;
          }
          bool hard = false;
          while (i < t.size() && (t[i] == '\r' || t[i] == '\n')) hard |= t[i++] == mode;
          if (hard && i < t.size() && starts_unit(t, i)) return "message holds a header at a segment start";
        }
        break;
      }
      case hl7v2::frame_kind::error:
        if (f.err.code == hl7v2::errc::ok || f.err.offset != f.offset) return "error frame without its error";
        break;
      case hl7v2::frame_kind::batch_header:
        if (f.err.code != hl7v2::errc::ok) return "batch header with an error";
        if (t.substr(0, 3) != "FHS" && t.substr(0, 3) != "BHS") return "batch header not at FHS/BHS";
        break;
      case hl7v2::frame_kind::batch_trailer:
        if (f.err.code != hl7v2::errc::ok && f.err.code != hl7v2::errc::batch_count_mismatch)
          return "bad trailer error";
        if (t.substr(0, 3) != "FTS" && t.substr(0, 3) != "BTS") return "batch trailer not at FTS/BTS";
        break;
    }
    covered_to = f.offset + t.size();
  }
  for (std::size_t i = covered_to; i < input.size(); ++i) {
    if (!is_skippable(static_cast<unsigned char>(input[i])))
      return "a non-skippable byte at the end belongs to no frame";
  }
  return {};
}

// framer and stream_framer agree (for each chunking given) and the frames pass check_frames.
inline std::string check_framing(std::string_view input, hl7v2::framer_options options,
                                 const std::vector<std::vector<std::size_t>>& chunkings) {
  const std::vector<owned_frame> whole = frames_of(input, options);
  std::string why = check_frames(input, whole, options);
  if (!why.empty()) return why;
  for (const auto& sizes : chunkings) {
    if (!same(whole, stream_frames_of(input, options, sizes))) return "stream_framer differs from framer";
  }
  return {};
}

}  // namespace hl7v2_fuzz

#ifndef HL7V2_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Chunk sizes from the input's own bytes (1..64), plus byte-at-a-time; a limit from its first byte.
  std::vector<std::size_t> sizes;
  for (std::size_t i = 0; i < size && i < 16; ++i) sizes.push_back(1 + data[i] % 64);
  if (sizes.empty()) sizes.push_back(1);
  const std::vector<std::vector<std::size_t>> chunkings{sizes, {1}};
  const hl7v2::framer_options small{size == 0 ? std::size_t{1} : std::size_t{1} + data[0] % 96u};
  for (const hl7v2::framer_options& options : {hl7v2::framer_options{}, small}) {
    const std::string why = hl7v2_fuzz::check_framing(input, options, chunkings);
    if (!why.empty()) {
      std::fprintf(stderr, "framer check failed: %s (max_message_size %zu)\n", why.c_str(),
                   options.max_message_size);
      std::abort();
    }
  }
  return 0;
}
#endif
