// Framing: a byte stream in, message spans out. Finds where each HL7 message begins and ends in a file,
// a socket stream or an MLLP capture, without copying and without judging what is inside a message
// (segment ids and delimiters are the parser's business).
//
// The rules, in the order they apply:
//
// Between messages, these bytes are skipped: space, tab, CR, LF, form feed, 0x1A (DOS end of file),
// a UTF-8 byte-order mark, and a stray MLLP end byte 0x1C. (So leading spaces before an "MSH" there are
// harmless, while inside a message a line " MSH|..." is content.)
//
// Segments and lines. A message's terminator is decided by the first line break after its MSH:
//   - CR (or CRLF) -> CR mode: segments end at CR or CRLF; a bare LF is field content (free text).
//   - LF           -> LF mode: segments end at LF (or CRLF); a bare CR is field content.
// Text outside messages (errors) and batch segments end lines at any CR, LF or CRLF.
// Several line breaks in a row are blank lines. A run of breaks that holds a terminator of the
// message's mode starts a new segment ("hard" line start); a run of content breaks only (bare LFs in a
// CR message) does not ("soft" line start).
//
// Where a message starts. Only at the start of a segment, never inside one:
//   - at a hard line start (after an optional byte-order mark): "MSH" followed by a character that can
//     be a field separator starts a message; "FHS"/"BHS" likewise start a batch_header frame, and
//     "BTS"/"FTS" (alone or followed by a separator or a blank) a batch_trailer frame. "MSH"/"FHS"/"BHS"
//     followed by nothing (end of line or input), a blank (space, tab, form feed, 0x1A) or NUL is a bare
//     header: an error frame (errc::bare_header). Anything else ("MSHX|", "PID|") is segment content.
//   - at a soft line start (free text of a CR message after a bare LF, or the mirror case) only a header
//     that really is one: "MSH"/"FHS"/"BHS" whose delimiters read_delimiters() accepts. So "...report
//     text\nMSH was normal" stays content, while a CR file with an LF message appended still splits.
//   - MLLP: 0x0B anywhere starts a frame, 0x1C anywhere ends one. A frame's content is framed by the same
//     rules (so one frame may hold a message, a batch, or junk that becomes an error). A frame without
//     its 0x1C before the next 0x0B or the end of input is one error frame (errc::unterminated_frame)
//     holding the frame from its 0x0B, and nothing inside it is yielded as a message.
//
// Where a message ends: at the next message, batch segment, MLLP byte or the end of input. Its text is
// its segments, each with its terminator, byte for byte; blank lines and a bare trailing LF after its
// last segment are not part of it. An unterminated last segment keeps its trailing spaces and tabs
// (they are data, as they are before a terminator); only a 0x1A or form feed after them, and what
// follows that, is left out.
//
// Errors are frames (kind == error) that hold the offending bytes, so nothing is lost, and framing goes
// on after them: lines that belong to no message (errc::no_message_header, e.g. text before the first
// MSH, or after a batch header), a bare header and the lines after it (errc::bare_header), unterminated
// MLLP frames.
//
// Size limit: a unit (message, batch segment, error text, or MLLP frame from 0x0B to 0x1C) whose
// extent, from its first byte to where the next unit starts, exceeds max_message_size is yielded as
// consecutive error frames of max_message_size bytes, the last one shorter and without trailing blanks
// or line breaks (errc::message_too_large; text outside messages keeps its own code). An oversized MLLP
// frame's content is not framed. So a stream never holds much more than max_message_size bytes.
//
// Batches follow HL7's grammar [FHS] {[BHS] {MSH...} [BTS]} [FTS]. A batch opens at a BHS, or at a
// message when no batch is open (messages without a BHS are one batch); a BTS or FTS closes it, and a
// BTS with no batch open closes an empty one. BTS-1 (when present) must equal the messages of its
// batch (each unit that starts with an MSH segment counts, well-formed or not), and FTS-1 the batches
// since the FHS (or the start of the input, or the previous FTS). So "FHS MSH MSH FTS|1" and
// "MSH MSH FTS|1" agree. A count that disagrees gives the trailer frame errc::batch_count_mismatch
// (offset of the count field); the frame is still yielded.
//
// Positions: every frame has its byte offset in the whole input and the 1-based line of that byte
// (CR, LF and CRLF each end one line), and message_index: the number of message and error frames
// before it. So a message or an error frame has its own 0-based index among the units of the input
// (messages and pieces that could not be framed as one), the number the CLI's error records and the
// lake's records call message_index; a batch header or trailer has the number of units before it.
//
// framer (a whole buffer) and stream_framer (chunks) run the same engine (detail/framing/engine.hpp)
// and yield identical frames (frame.hpp).
#pragma once

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "hl7v2/detail/framing/engine.hpp"
#include "hl7v2/frame.hpp"

namespace hl7v2 {

// Frames of a whole input in memory: for (const frame& f : framer{bytes}). Views into `input`; no
// allocation. A forward range (iterators can be copied and resumed independently).
class framer {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using iterator_concept = std::forward_iterator_tag;
    using value_type = frame;
    using difference_type = std::ptrdiff_t;
    using reference = const frame&;
    using pointer = const frame*;

    iterator() = default;
    const frame& operator*() const noexcept { return frame_; }
    const frame* operator->() const noexcept { return &frame_; }
    iterator& operator++() noexcept {
      advance();
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator before = *this;
      advance();
      return before;
    }
    // Frames never overlap and are never empty, so the offset identifies one within an input.
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.done_ == b.done_ && (a.done_ || a.frame_.offset == b.frame_.offset);
    }
    friend bool operator==(const iterator& a, std::default_sentinel_t) noexcept { return a.done_; }

   private:
    friend class framer;
    iterator(std::string_view input, framer_options options) noexcept : engine_(options), input_(input) {
      advance();
    }
    void advance() noexcept {
      done_ = engine_.next(detail::framing::window{input_, 0, true}, frame_) != detail::framing::step::frame;
    }

    detail::framing::engine engine_{};
    std::string_view input_;
    frame frame_{};
    bool done_ = true;
  };

  explicit framer(std::string_view input, framer_options options = {}) noexcept
      : input_(input), options_(options) {}

  iterator begin() const noexcept { return iterator{input_, options_}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::string_view input_;
  framer_options options_;
};

// Frames of a stream fed in chunks (a socket, a large file): the same frames as framer over the
// concatenated input. Holds only the unfinished tail (at most about max_message_size plus a chunk) in
// a buffer it reuses. Frame views are valid only during the callback.
class stream_framer {
 public:
  explicit stream_framer(framer_options options = {}) : options_(options), engine_(options) {}

  // Calls on_frame(const frame&) for each frame the chunk completes.
  template <class OnFrame>
  void feed(std::string_view chunk, OnFrame&& on_frame) {
    if (buffer_.empty()) {
      // Nothing pending: frame straight from the caller's chunk and copy only what is left unfinished.
      const detail::framing::window w{chunk, base_, false};
      drain(w, on_frame);
      keep_tail(w, true);
      return;
    }
    buffer_.append(chunk);
    const detail::framing::window w{buffer_, base_, false};
    drain(w, on_frame);
    keep_tail(w, false);
  }

  // End of input: yields what is still pending (the last message), then starts over for a new stream.
  template <class OnFrame>
  void finish(OnFrame&& on_frame) {
    const detail::framing::window w{buffer_, base_, true};
    drain(w, on_frame);
    reset();
  }

  // Drops pending bytes and state: the next feed starts a new stream at offset 0, line 1.
  void reset() noexcept {
    engine_ = detail::framing::engine{options_};
    buffer_.clear();
    base_ = 0;
  }

  // Bytes held for frames not yet complete.
  std::size_t buffered() const noexcept { return buffer_.size(); }

 private:
  template <class OnFrame>
  void drain(const detail::framing::window& w, OnFrame& on_frame) {
    frame f;
    while (engine_.next(w, f) == detail::framing::step::frame) on_frame(std::as_const(f));
  }

  // Keeps the bytes the engine may still read. Compacts only when the dropped prefix is at least as
  // long as what moves, so each byte is moved a bounded number of times.
  void keep_tail(const detail::framing::window& w, bool window_is_chunk) {
    const std::size_t keep = engine_.keep_from();
    const std::size_t drop = keep - w.base;
    if (window_is_chunk) {
      buffer_.assign(w.bytes.substr(drop));
      base_ = keep;
      return;
    }
    if (drop == 0 || drop < buffer_.size() - drop) return;
    buffer_.erase(0, drop);
    base_ = keep;
  }

  framer_options options_;
  detail::framing::engine engine_;
  std::string buffer_;
  std::size_t base_ = 0;  // offset of buffer_[0] in the whole stream
};

}  // namespace hl7v2
