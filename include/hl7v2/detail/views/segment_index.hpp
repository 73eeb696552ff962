// The index behind a message view: one entry per segment, filled by the parser (parser.hpp), and the
// segment-id keys lookups compare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hl7v2/detail/views/split.hpp"

namespace hl7v2::detail {

// One indexed segment. Its field boundaries live in the parser's bounds array at [first_bound,
// first_bound + separators]: the offsets of its field separators, then the offset of its end.
struct segment_entry {
  std::uint32_t begin = 0;  // offset of the id in the message text
  std::uint32_t end = 0;    // offset one past the last byte (the terminator is not part of the segment)
  std::uint32_t first_bound = 0;
  std::uint32_t separators = 0;  // field separators in the segment
  std::uint32_t key = 0;         // the id as an integer (see segment_key)
  bool header = false;           // MSH/FHS/BHS with a field separator: MSH-1 is the separator itself
};

// The 3-byte id as an integer, so lookups compare one word. Anything that is not 3 bytes gets a key no
// segment has (segment keys never use the top byte).
constexpr std::uint32_t segment_key(std::string_view id) noexcept {
  if (id.size() != 3) return 0xFFFFFFFFu;
  return std::uint32_t{static_cast<unsigned char>(id[0])} |
         (std::uint32_t{static_cast<unsigned char>(id[1])} << 8) |
         (std::uint32_t{static_cast<unsigned char>(id[2])} << 16);
}

inline constexpr std::uint32_t msh_key = segment_key("MSH");
inline constexpr std::uint32_t fhs_key = segment_key("FHS");
inline constexpr std::uint32_t bhs_key = segment_key("BHS");
constexpr bool is_header_key(std::uint32_t key) noexcept {
  return key == msh_key || key == fhs_key || key == bhs_key;
}

inline constexpr segment_entry no_segment{};

// What a message view is: the text and the parser's index. Ranges copy it, so they stay valid when the
// message they came from was a temporary.
struct message_index {
  const char* text = nullptr;
  const segment_entry* segs = nullptr;
  std::size_t count = 0;
  const std::uint32_t* bounds = nullptr;
  packed_seps seps = 0;
  const split_index* ix = nullptr;  // null: views split by reading bytes
};

}  // namespace hl7v2::detail
