// MLLP (the Minimal Lower Layer Protocol of HL7 v2 over TCP) without sockets: a session a server or a
// client drives from its own event loop. Bytes in, in any chunking; events out; the host decides what
// to answer; the answer goes back framed.
//
//   hl7v2::mllp::session s({.max_message_bytes = 1 << 20});
//   s.feed(bytes_from_socket, [&](const hl7v2::mllp::event& e) {
//     if (e.kind == hl7v2::mllp::event_kind::message) { /* store e.content, then ACK it */ }
//   });
//   s.close(on_event);   // the peer closed: a frame in progress is reported as unterminated
//
// A frame is 0x0B, the content, 0x1C, 0x0D. Events:
//   message       a complete frame; `content` is the bytes between 0x0B and 0x1C (one HL7 message, or
//                 a batch, as the sender put it).
//   junk          bytes outside any frame (not counting CR/LF/blanks between frames): their count only,
//                 never their content, reported when the next frame starts or the session closes.
//   oversize      a frame whose content exceeded max_message_bytes: its size, and only the first
//                 header_bytes of it in `content` (enough for an ACK's MSH and MSA-2); the rest was
//                 dropped as it arrived.
//   unterminated  a frame cut short: a new 0x0B before its 0x1C, or close() in the middle of it.
// A 0x1C ends a frame at once (a missing 0x0D after it is tolerated, the 0x0D is optional).
//
// Memory: the session keeps at most max_message_bytes of one frame (nothing when a whole frame is
// inside one fed chunk: then `content` points into that chunk). Views are valid during the callback.
//
// Correlation: frames are numbered per session (event::index counts message, oversize and unterminated
// events); header_field() reads MSH-n (MSH-10 is the control id an ACK's MSA-2 must echo) and
// segment_field() e.g. MSA-1/MSA-2 from raw content, without a full parse; write_frame() wraps an ACK
// built by validate::write_ack (or minimal_ack() when the content cannot be parsed) for the wire.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hl7v2::mllp {

inline constexpr char start_block = '\x0B';
inline constexpr char end_block = '\x1C';
inline constexpr char carriage_return = '\x0D';

enum class event_kind : std::uint8_t { message, junk, oversize, unterminated };

constexpr std::string_view name(event_kind k) noexcept {
  switch (k) {
    case event_kind::message:
      return "message";
    case event_kind::junk:
      return "junk";
    case event_kind::oversize:
      return "oversize";
    case event_kind::unterminated:
      return "unterminated";
  }
  return "unknown";
}

struct event {
  event_kind kind = event_kind::message;
  std::string_view content;  // message: the frame's content; oversize/unterminated: its first bytes
  std::uint64_t offset = 0;  // stream offset of the 0x0B (junk: of its first byte)
  std::uint64_t size = 0;    // content bytes of the frame (junk: bytes outside frames)
  std::uint64_t index = 0;   // frames before this one on the session (junk: the next frame's index)
};

struct session_options {
  std::size_t max_message_bytes = 16u << 20;  // content larger than this is an oversize event
  std::size_t header_bytes = 4096;            // kept of an oversize or unterminated frame
};

class session {
 public:
  explicit session(session_options o = {}) : o_(o) {
    if (o_.max_message_bytes == 0) o_.max_message_bytes = 1;
  }

  // Calls on_event(const event&) for each event the bytes complete.
  template <class OnEvent>
  void feed(std::string_view bytes, OnEvent&& on_event) {
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
      switch (state_) {
        case state::between: {
          const char c = bytes[i];
          if (c == start_block) {
            flush_junk(on_event);
            open_frame(offset_ + i);
            ++i;
            break;
          }
          if (after_end_ && c == carriage_return) {
            after_end_ = false;
            ++i;
            break;
          }
          after_end_ = false;
          if (!is_space(c)) {
            if (junk_ == 0) junk_offset_ = offset_ + i;
            ++junk_;
          }
          ++i;
          break;
        }
        case state::in_frame: {
          // Up to the next MLLP byte. A frame that starts and ends in this chunk is not copied: while
          // direct_, `piece` is all of its content.
          std::size_t j = i;
          while (j < n && bytes[j] != end_block && bytes[j] != start_block) ++j;
          const std::string_view piece = bytes.substr(i, j - i);
          if (size_ + piece.size() > o_.max_message_bytes) {
            start_discarding(piece);
            i = j;  // the MLLP byte at j, if any, is handled there
            break;
          }
          size_ += piece.size();
          if (j == n) {  // the frame goes on in a later chunk
            if (direct_)
              buffer_.assign(piece);
            else
              buffer_.append(piece);
            direct_ = false;
            i = n;
            break;
          }
          if (!direct_) buffer_.append(piece);
          const std::string_view content = direct_ ? piece : std::string_view(buffer_);
          if (bytes[j] == end_block) {
            emit(on_event, event_kind::message, content);
            state_ = state::between;
            after_end_ = true;
          } else {  // a new 0x0B inside a frame: the open one was cut short
            cut(on_event, content);
            open_frame(offset_ + j);
          }
          i = j + 1;
          break;
        }
        case state::discarding: {
          std::size_t j = i;
          while (j < n && bytes[j] != end_block && bytes[j] != start_block) ++j;
          if (buffer_.size() < o_.header_bytes)
            buffer_.append(bytes.substr(i, std::min(j - i, o_.header_bytes - buffer_.size())));
          size_ += j - i;
          if (j == n) {
            i = n;
            break;
          }
          if (bytes[j] == end_block) {
            emit(on_event, event_kind::oversize, buffer_);
            state_ = state::between;
            after_end_ = true;
            i = j + 1;
            break;
          }
          cut(on_event, buffer_);
          open_frame(offset_ + j);
          i = j + 1;
          break;
        }
      }
    }
    offset_ += n;
  }

  // The stream ended (the peer closed): reports a frame in progress as unterminated and bytes outside
  // frames as junk, then starts over for a new stream.
  template <class OnEvent>
  void close(OnEvent&& on_event) {
    if (state_ != state::between) cut(on_event, buffer_);
    flush_junk(on_event);
    reset();
  }

  void reset() {
    state_ = state::between;
    buffer_.clear();
    if (buffer_.capacity() > (64u << 10)) buffer_.shrink_to_fit();  // an idle session stays small
    direct_ = false;
    after_end_ = false;
    junk_ = 0;
    offset_ = 0;
    frames_ = 0;
  }

  // Bytes held for a frame not yet complete (at most max_message_bytes, or header_bytes when discarding).
  std::size_t buffered() const noexcept { return buffer_.size(); }
  bool in_frame() const noexcept { return state_ != state::between; }
  std::uint64_t frames() const noexcept { return frames_; }
  const session_options& options() const noexcept { return o_; }

 private:
  enum class state : std::uint8_t { between, in_frame, discarding };

  static constexpr bool is_space(char c) noexcept {
    return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '\f';
  }

  void open_frame(std::uint64_t at) {
    state_ = state::in_frame;
    frame_offset_ = at;
    size_ = 0;
    buffer_.clear();
    direct_ = true;  // until the frame has to outlive the chunk
  }

  // The frame is too large: keep its first header_bytes (for the ACK), count and drop the rest.
  void start_discarding(std::string_view piece) {
    if (direct_) buffer_.clear();
    direct_ = false;
    if (buffer_.size() > o_.header_bytes) buffer_.resize(o_.header_bytes);
    if (buffer_.size() < o_.header_bytes) buffer_.append(piece.substr(0, o_.header_bytes - buffer_.size()));
    size_ += piece.size();
    state_ = state::discarding;
  }

  template <class OnEvent>
  void emit(OnEvent& on_event, event_kind k, std::string_view content) {
    event e;
    e.kind = k;
    e.content = content;
    e.offset = frame_offset_;
    e.size = size_;
    e.index = frames_++;
    on_event(static_cast<const event&>(e));
    buffer_.clear();
    direct_ = false;
  }

  template <class OnEvent>
  void cut(OnEvent& on_event, std::string_view content) {
    emit(on_event, event_kind::unterminated, content.substr(0, o_.header_bytes));
    state_ = state::between;
  }

  template <class OnEvent>
  void flush_junk(OnEvent& on_event) {
    if (junk_ == 0) return;
    event e;
    e.kind = event_kind::junk;
    e.offset = junk_offset_;
    e.size = junk_;
    e.index = frames_;
    junk_ = 0;
    on_event(static_cast<const event&>(e));
  }

  session_options o_;
  state state_ = state::between;
  std::string buffer_;
  bool direct_ = false;     // the open frame's content so far is in the caller's chunk, not in buffer_
  bool after_end_ = false;  // just after a 0x1C: a 0x0D here is the frame's trailer
  std::uint64_t offset_ = 0, frame_offset_ = 0, size_ = 0, junk_ = 0, junk_offset_ = 0, frames_ = 0;
};

// Appends 0x0B payload 0x1C 0x0D.
template <class Sink>
void write_frame(std::string_view payload, Sink& out) {
  out.push_back(start_block);
  out.append(payload.data(), payload.size());
  out.push_back(end_block);
  out.push_back(carriage_return);
}

// The segment of `content` (HL7 ER7, segments ended by CR or LF) that starts with `id`, the first one;
// empty when there is none.
constexpr std::string_view find_segment(std::string_view content, std::string_view id) noexcept {
  std::size_t at = 0;
  while (at < content.size()) {
    std::size_t end = at;
    while (end < content.size() && content[end] != '\r' && content[end] != '\n') ++end;
    const std::string_view seg = content.substr(at, end - at);
    if (seg.size() >= id.size() + 1 && seg.substr(0, id.size()) == id) return seg;
    at = end + 1;
  }
  return {};
}

// Field n of a segment with field separator `sep` (for MSH, n counts as HL7 does: MSH-1 is the
// separator itself, so MSH-10 is the 9th piece after "MSH"). Empty when absent.
constexpr std::string_view segment_field(std::string_view seg, char sep, std::size_t n,
                                         bool is_msh) noexcept {
  if (seg.size() < 4 || n == 0) return {};
  if (is_msh && n == 1) return seg.substr(3, 1);
  std::size_t want = is_msh ? n - 1 : n;  // pieces after the id to skip
  std::size_t i = 3;                      // at the separator after the id
  while (want > 0) {
    if (i >= seg.size() || seg[i] != sep) return {};
    const std::size_t start = i + 1;
    std::size_t end = start;
    while (end < seg.size() && seg[end] != sep) ++end;
    if (--want == 0) return seg.substr(start, end - start);
    i = end;
  }
  return {};
}

// MSH-n of raw content, read without parsing the message: MSH-10 is the control id. Empty when the
// content does not start with a header.
constexpr std::string_view header_field(std::string_view content, std::size_t n) noexcept {
  const std::string_view msh = find_segment(content, "MSH");
  if (msh.size() < 4 || msh.data() != content.data()) return {};
  return segment_field(msh, msh[3], n, true);
}

// Field n of the first `id` segment of raw content (MSA-1 the ACK code, MSA-2 the control id it
// answers), with the field separator from its MSH.
constexpr std::string_view field_of(std::string_view content, std::string_view id, std::size_t n) noexcept {
  const std::string_view msh = find_segment(content, "MSH");
  if (msh.size() < 4) return {};
  return segment_field(find_segment(content, id), msh[3], n, false);
}

// An ACK for content that could not be parsed (or was never kept whole: an oversize frame): MSH with
// the received sender and receiver swapped, MSA with `code` ("AR", "CR", "AE", ...) and the received
// MSH-10 when the header can be read. The received delimiters are reused when they are plain
// printable characters, else |^~\&. Echoed fields never hold CR or LF (they are inside one segment).
template <class Sink>
void minimal_ack(std::string_view received, std::string_view code, std::string_view timestamp,
                 std::string_view ack_control_id, Sink& out) {
  const std::string_view msh = find_segment(received, "MSH");
  const bool readable = msh.size() >= 8 && msh.data() == received.data() && msh[3] > ' ' && msh[3] < 0x7F;
  const char sep = readable ? msh[3] : '|';
  std::string_view enc = readable ? segment_field(msh, sep, 2, true) : std::string_view{};
  for (const char c : enc) {
    if (c <= ' ' || c >= 0x7F || c == sep) enc = {};
  }
  if (enc.empty()) enc = "^~\\&";
  const auto field = [&](std::size_t n) {
    return readable ? segment_field(msh, sep, n, true) : std::string_view{};
  };
  const auto put = [&](std::string_view s) { out.append(s.data(), s.size()); };
  put("MSH");
  out.push_back(sep);
  put(enc);
  for (std::size_t n : {5u, 6u, 3u, 4u}) {
    out.push_back(sep);
    put(field(n));
  }
  out.push_back(sep);
  put(timestamp);
  out.push_back(sep);
  out.push_back(sep);
  put("ACK");
  out.push_back(sep);
  put(ack_control_id);
  out.push_back(sep);
  put(field(11).empty() ? std::string_view("P") : field(11));
  out.push_back(sep);
  put(field(12).empty() ? std::string_view("2.5") : field(12));
  out.push_back('\r');
  put("MSA");
  out.push_back(sep);
  put(code);
  out.push_back(sep);
  put(field(10));
  out.push_back('\r');
}

}  // namespace hl7v2::mllp
