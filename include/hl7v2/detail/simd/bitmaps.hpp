// Separator and byte-class bitmaps: the parser records, for every 64 bytes of a message, which bytes
// are repetition, component and subcomponent separators, and which ones keep a part from being its own
// decoded text. So the views find the next separator of a part with a shift and a bit scan instead of
// reading its bytes, and know with a word test whether a value needs unescaping, transcoding or JSON
// escaping. The index kernels (scalar.hpp and the vector ones) build them in the same pass that finds
// the field separators and terminators.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hl7v2::detail::simd {

// Words per 64-byte block, in this order: repetition, component, subcomponent separators, the three
// together ("any"), and the special bytes. Bit j of a word stands for byte 64 * block + j.
inline constexpr std::size_t bitmap_stride = 5;
enum bitmap_kind : std::size_t {
  bits_repetition = 0,
  bits_component = 1,
  bits_subcomponent = 2,
  bits_any = 3,
  // Bytes a value cannot be copied through as it is: the escape character, '"', '\\', control
  // characters (below 0x20) and bytes >= 0x80. A part with none of them is already its decoded
  // UTF-8 text in any charset, and a JSON string body.
  bits_special = 4,
};

// Words a text of `size` bytes needs.
constexpr std::size_t bitmap_words(std::size_t size) noexcept { return (size + 63) / 64 * bitmap_stride; }

// Is byte `c` special (bits_special) in a message whose escape character is `escape` ('\0': none)?
constexpr bool is_special_byte(char c, char escape) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u >= 0x80 || c == '"' || c == '\\' || (escape != '\0' && c == escape);
}

}  // namespace hl7v2::detail::simd
