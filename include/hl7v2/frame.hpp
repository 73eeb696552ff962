// What the framer yields (framer.hpp): one frame per message, per piece of input that belongs to no
// message (an error), and per batch segment, each with where it is in the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hl7v2/error.hpp"

namespace hl7v2 {

enum class frame_kind : std::uint8_t {
  message,        // one HL7 message: MSH and the segments after it
  error,          // bytes that form no message (err says why); framing goes on after them
  batch_header,   // an FHS or BHS segment
  batch_trailer,  // a BTS or FTS segment; err is batch_count_mismatch when its count disagrees
};

struct frame {
  frame_kind kind = frame_kind::message;
  // message: its segments with their terminators (MLLP bytes stripped); error: the offending bytes;
  // batch_*: the FHS/BHS/BTS/FTS segment with its terminator.
  std::string_view text;
  std::size_t offset = 0;  // byte offset of text.data() in the whole input (across chunks)
  std::size_t line = 1;    // 1-based line of that byte
  // Message and error frames before this one: a message's or error's own 0-based index in the input
  // (the CLI's and the lake's message_index); for a batch header or trailer, the units before it.
  std::size_t message_index = 0;
  hl7v2::error err;  // error frames, and batch trailers whose count is wrong

  // Same kind, bytes and positions (the text is compared by content).
  friend bool operator==(const frame&, const frame&) = default;
};

// Limits of framer and stream_framer.
struct framer_options {
  std::size_t max_message_size = 64u << 20;  // bytes; larger messages become message_too_large errors
};

}  // namespace hl7v2
