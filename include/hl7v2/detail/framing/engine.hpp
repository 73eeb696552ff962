// The framing engine behind framer and stream_framer (framer.hpp states the rules it implements): a
// state machine over windows of the input that yields frames as soon as the bytes seen decide them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hl7v2/delimiters.hpp"
#include "hl7v2/detail/framing/scan.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/frame.hpp"

namespace hl7v2::detail::framing {

// A window on the input: bytes [base, base + bytes.size()) of the whole stream. `final` says nothing
// follows them.
struct window {
  std::string_view bytes;
  std::size_t base = 0;
  bool final = true;

  constexpr std::size_t end() const noexcept { return base + bytes.size(); }
  constexpr char at(std::size_t pos) const noexcept { return bytes[pos - base]; }
  constexpr unsigned char byte(std::size_t pos) const noexcept { return static_cast<unsigned char>(at(pos)); }
  constexpr const char* ptr(std::size_t pos) const noexcept { return bytes.data() + (pos - base); }
  constexpr std::string_view view(std::size_t from, std::size_t to) const noexcept {
    return {ptr(from), to - from};
  }
};

enum class step : std::uint8_t { frame, need_more, done };

constexpr char mllp_start = '\x0B';
constexpr char mllp_end = '\x1C';
constexpr char dos_eof = '\x1A';

// Bytes that carry nothing on a line: a line of only these is blank.
constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\f' || c == dos_eof; }
// Bytes skipped between messages (besides a byte-order mark).
constexpr bool is_gap(char c) noexcept { return is_blank(c) || c == '\r' || c == '\n' || c == mllp_end; }
constexpr bool ends_line(char c) noexcept {
  return c == '\r' || c == '\n' || c == mllp_start || c == mllp_end;
}

// The state machine behind framer and stream_framer. It sees the input through windows that grow at the
// end (and may drop bytes before keep_from()); every decision needs only bytes already seen or the
// knowledge that the input ended, so chunking never changes a result. All positions are absolute.
class engine {
 public:
  explicit constexpr engine(framer_options options = {}) noexcept
      : max_(options.max_message_size == 0 ? 1 : options.max_message_size) {}

  // Next frame into `out`; need_more when the window ends before a decision (never when w.final).
  step next(const window& w, frame& out) noexcept {
    for (;;) {
      // An open unit that has grown past the limit is handed out in pieces as soon as that is certain.
      if (unit_open_ && confirmed() - start_ > max_) {
        emit(w, out, frame_kind::error, start_, start_ + max_, piece_code());
        unit_line_ += count_line_ends(w.ptr(start_), w.ptr(start_ + max_), unit_prev_cr_);
        start_ += max_;
        ++pieces_;
        return step::frame;
      }
      if (state_ == state::finish) {
        if (finish(w, out)) return step::frame;
        continue;
      }
      if (!advance(w)) {
        const bool at_end = state_ == state::idle && pos_ == w.end() && w.final;
        return at_end ? step::done : step::need_more;
      }
    }
  }

  // The first position the engine may still read: a stream keeps the bytes from here on.
  constexpr std::size_t keep_from() const noexcept { return unit_open_ ? start_ : pos_; }

 private:
  enum class state : std::uint8_t { idle, probe, line_start, in_line, run, finish };
  enum class unit : std::uint8_t { message, orphan, bare, batch_header, batch_trailer, mllp };
  enum class seg : std::uint8_t { other, msh, fhs, bhs, bts, fts };
  enum class verdict : std::uint8_t { need_more, content, header, bare, trailer };
  static constexpr char any_break = '\x01';  // mode_ of units whose lines end at any CR, LF or CRLF

  struct classified {
    verdict what;
    seg id;
  };

  // ---- states; each returns false (state kept, progress saved) when it needs more input ----

  bool advance(const window& w) noexcept {
    switch (state_) {
      case state::idle:
        return idle(w);
      case state::probe:
        return probe(w);
      case state::line_start:
        return line_start(w);
      case state::in_line:
        return in_line(w);
      case state::run:
        return run(w);
      case state::finish:
        break;
    }
    return true;
  }

  // Between units: skip gap bytes, then open the unit that starts at the first other byte.
  bool idle(const window& w) noexcept {
    std::size_t p = pos_;
    const std::size_t end = w.end();
    while (p < end) {
      const char c = w.at(p);
      if (is_gap(c)) {
        count(c);
        ++p;
        continue;
      }
      if (w.byte(p) == 0xEF) {
        if (p + 3 > end && !w.final) break;
        if (is_bom(w, p)) {
          last_cr_ = false;
          p += 3;
          continue;
        }
      }
      pos_ = p;
      if (c == mllp_start) {
        open(unit::mllp, seg::other, p);
        code_ = errc::unterminated_frame;
        probe_ = p + 1;
        state_ = state::probe;
        return true;
      }
      const classified k = classify(w, p, true);
      if (k.what == verdict::need_more) return false;
      open(k.what == verdict::header    ? (k.id == seg::msh ? unit::message : unit::batch_header)
           : k.what == verdict::bare    ? unit::bare
           : k.what == verdict::trailer ? unit::batch_trailer
                                        : unit::orphan,
           k.id, p);
      line_ = scan_ = p;
      state_ = state::in_line;
      return true;
    }
    pos_ = p;
    return false;
  }

  // Inside an MLLP frame opened at start_: find its end before framing what it holds.
  bool probe(const window& w) noexcept {
    const char* from = w.ptr(probe_);
    const char* stop = w.ptr(w.end());
    const char* hit = find_any(from, stop, mllp_start, mllp_end, mllp_start, mllp_end);
    if (hit == stop) {
      probe_ = w.end();
      if (!w.final) return false;
      end_ = w.end();
      state_ = state::finish;
      return true;
    }
    const std::size_t q = probe_ + static_cast<std::size_t>(hit - from);
    probe_ = q;
    if (*hit == mllp_end && pieces_ == 0 && q - start_ <= max_) {
      unit_open_ = false;  // a well-formed frame: its content is framed like any other input
      last_cr_ = false;    // (the 0x0B)
      pos_ = start_ + 1;
      state_ = state::idle;
      return true;
    }
    if (*hit == mllp_end) code_ = errc::message_too_large;
    end_ = q;
    state_ = state::finish;
    return true;
  }

  // At line_: does a new unit start here?
  bool line_start(const window& w) noexcept {
    const bool single_line = kind_ == unit::batch_header || kind_ == unit::batch_trailer;
    if (!single_line && line_ == w.end() && !w.final) return false;
    if (single_line || line_ == w.end()) {
      end_ = line_;
      state_ = state::finish;
      return true;
    }
    std::size_t q = line_;
    if (hard_ && w.byte(q) == 0xEF) {
      if (q + 3 > w.end() && !w.final) return false;
      if (is_bom(w, q)) q += 3;
    }
    const classified k = classify(w, q, hard_);
    if (k.what == verdict::need_more) return false;
    if (k.what != verdict::content) {
      end_ = line_;
      state_ = state::finish;
      return true;
    }
    scan_ = line_;
    state_ = state::in_line;
    return true;
  }

  // Scanning a line that began at line_ for its end. The common case (a line break, then a line that
  // cannot start a unit) loops here without going back through next().
  bool in_line(const window& w) noexcept {
    for (;;) {
      const char* from = w.ptr(scan_);
      const char* stop = w.ptr(w.end());
      const char* hit = find_any(from, stop, '\r', '\n', mllp_start, mllp_end);
      if (hit != from) last_cr_ = false;
      if (hit == stop) {
        scan_ = w.end();
        if (!w.final) return false;
        line_done(w, w.end());
        end_ = w.end();
        state_ = state::finish;
        return true;
      }
      const std::size_t q = scan_ + static_cast<std::size_t>(hit - from);
      scan_ = q;
      line_done(w, q);
      if (*hit == mllp_start || *hit == mllp_end) {
        end_ = q;
        state_ = state::finish;
        return true;
      }
      run_ = q;
      hard_ = false;
      state_ = state::run;
      if (!run(w)) return false;  // now in line_start
      if (line_ == w.end() || kind_ == unit::batch_header || kind_ == unit::batch_trailer) return true;
      const char c = w.at(line_);
      if (c == 'M' || c == 'F' || c == 'B' || w.byte(line_) == 0xEF) return true;
      if (line_ - start_ > max_) return true;  // let next() cut a piece first
      scan_ = line_;
      state_ = state::in_line;
    }
  }

  // Through a run of CR/LF bytes after a line: which of them terminate the line, and what follows.
  bool run(const window& w) noexcept {
    std::size_t r = run_;
    const std::size_t end = w.end();
    for (; r < end; ++r) {
      const char c = w.at(r);
      if (c != '\r' && c != '\n') break;
      if (mode_ == '\0') mode_ = c;  // a message's first line break decides its mode
      if (!hard_) {
        if (mode_ == any_break || c == mode_) {
          hard_ = true;
          hard_end_ = r + 1;
          if (line_content_) text_end_ = hard_end_;
        }
      } else if (c == '\n' && last_cr_ && r == hard_end_) {
        hard_end_ = r + 1;  // CRLF: one terminator
        if (line_content_) text_end_ = hard_end_;
      }
      count(c);
    }
    run_ = r;
    if (r == end && !w.final) return false;
    line_ = r;
    state_ = state::line_start;
    return true;
  }

  // The unit ends at end_ (its pieces past the limit are out already): yield what is left of it.
  bool finish(const window& w, frame& out) noexcept {
    unit_open_ = false;
    state_ = state::idle;
    pos_ = end_;
    if (kind_ == unit::mllp) {
      // The probe skipped the frame's bytes: count their line ends now.
      lines_ = unit_line_ - 1 + count_line_ends(w.ptr(start_), w.ptr(end_), unit_prev_cr_);
      last_cr_ = unit_prev_cr_;
    }
    std::size_t text_end = text_end_;
    if (kind_ == unit::mllp || pieces_ != 0) {
      // Raw bytes, not segments: the rest up to the end, without trailing blanks. (For a unit cut into
      // pieces this looks only at bytes after the last cut, so it does not depend on when cuts happen.)
      text_end = end_;
      while (text_end > start_ &&
             (is_blank(w.at(text_end - 1)) || w.at(text_end - 1) == '\r' || w.at(text_end - 1) == '\n')) {
        --text_end;
      }
    }
    if (text_end <= start_) return false;  // only blank bytes after the last piece
    if (pieces_ != 0 || kind_ == unit::mllp || kind_ == unit::orphan || kind_ == unit::bare) {
      emit(w, out, frame_kind::error, start_, text_end, kind_ == unit::mllp ? code_ : piece_code());
      return true;
    }
    switch (kind_) {
      case unit::message:
        emit(w, out, frame_kind::message, start_, text_end, errc::ok);
        return true;
      case unit::batch_header:
        emit(w, out, frame_kind::batch_header, start_, text_end, errc::ok);
        return true;
      default:
        emit(w, out, frame_kind::batch_trailer, start_, text_end, errc::ok);
        check_count(out);
        return true;
    }
  }

  // ---- helpers ----

  void open(unit kind, seg id, std::size_t at) noexcept {
    unit_open_ = true;
    unit_line_ = lines_ + 1;
    unit_prev_cr_ = last_cr_;
    kind_ = kind;
    id_ = id;
    start_ = text_end_ = at;
    pieces_ = 0;
    mode_ = kind == unit::message ? '\0' : any_break;
    // [FHS] {[BHS] {MSH...} [BTS]} [FTS]: a BHS opens a batch, and so does a message outside one.
    if (id == seg::bhs || (id == seg::msh && !in_batch_)) open_batch();
    if (id == seg::msh) ++batch_messages_;
    if (id == seg::fhs) {
      file_batches_ = batch_messages_ = 0;
      in_batch_ = false;
    }
  }

  // The line [line_, le) is complete: if it holds anything, the unit's text reaches at least its end.
  void line_done(const window& w, std::size_t le) noexcept {
    // Bytes before start_ may be handed out (and dropped) already: look only at what is left. (Only a
    // unit that was never cut uses text_end_, and for it start_ <= line_.)
    const std::size_t from = std::max(line_, start_);
    std::size_t i = le;
    while (i > from && is_blank(w.at(i - 1))) --i;
    line_content_ = i > from;
    if (!line_content_) return;
    // Spaces and tabs after the last visible byte are data; a 0x1A or form feed ends the line's text.
    while (i < le && (w.at(i) == ' ' || w.at(i) == '\t')) ++i;
    text_end_ = i;
  }

  // What the line at p starts: a header, a bare header, a batch trailer, or content. Decided by the first
  // four bytes at a hard line start; a soft one may need ten ("MSH|" + MSH-2 of up to five characters +
  // the separator after it) or the line's end. Answers need_more only when the bytes seen do not decide.
  static constexpr classified classify(const window& w, std::size_t p, bool hard) noexcept {
    const std::size_t avail = w.end() - p;
    if (avail == 0) return {w.final ? verdict::content : verdict::need_more, seg::other};
    const char first = w.at(p);
    if (first != 'M' && first != 'F' && first != 'B') return {verdict::content, seg::other};
    // Views made by hand: substr's range check is a call the compiler keeps out of line.
    std::string_view v{w.ptr(p), std::min<std::size_t>(avail, 10)};
    std::size_t cut = 0;
    while (cut < v.size() && !ends_line(v[cut])) ++cut;
    const bool complete = w.final || cut < v.size() || v.size() == 10;
    v = std::string_view{v.data(), cut};
    if (v.size() >= 2 && v[1] != 'S' && v[1] != 'H' && v[1] != 'T') return {verdict::content, seg::other};
    if (v.size() < 3) return {complete ? verdict::content : verdict::need_more, seg::other};
    const seg id = id_of(v);
    if (id == seg::other) return {verdict::content, id};
    if (v.size() == 3 && !complete) return {verdict::need_more, id};  // does the line end after the id?
    // A blank (space, tab, 0x1A) after the id is no field separator anyone uses: the header is bare.
    const bool has_sep = v.size() > 3;
    const bool blank_sep = has_sep && (is_blank(v[3]) || v[3] == '\0');
    const bool sep_ok = has_sep && !blank_sep && detail::can_delimit(v[3]);
    if (id == seg::msh || id == seg::fhs || id == seg::bhs) {
      if (sep_ok) {
        if (hard) return {verdict::header, id};
        if (!complete) return {verdict::need_more, id};
        return {read_delimiters(v) ? verdict::header : verdict::content, id};
      }
      if (hard && (!has_sep || blank_sep)) return {verdict::bare, id};
      return {verdict::content, id};
    }
    if (hard && (!has_sep || sep_ok || (blank_sep && v[3] != '\0'))) return {verdict::trailer, id};
    return {verdict::content, id};
  }

  // The segment the first three bytes of `line` name (at least three bytes).
  static constexpr seg id_of(std::string_view line) noexcept {
    const char a = line[0];
    const char b = line[1];
    if (a == 'M') return b == 'S' && line[2] == 'H' ? seg::msh : seg::other;
    if ((a != 'F' && a != 'B') || line[2] != 'S') return seg::other;
    if (b == 'H') return a == 'F' ? seg::fhs : seg::bhs;
    if (b == 'T') return a == 'F' ? seg::fts : seg::bts;
    return seg::other;
  }

  static constexpr bool is_bom(const window& w, std::size_t p) noexcept {
    return p + 3 <= w.end() && w.byte(p) == 0xEF && w.byte(p + 1) == 0xBB && w.byte(p + 2) == 0xBF;
  }

  // How far the open unit is known to reach without a boundary.
  constexpr std::size_t confirmed() const noexcept {
    switch (state_) {
      case state::probe:
        return probe_;
      case state::line_start:
        return line_;
      case state::in_line:
        return scan_;
      case state::run:
        return run_;
      case state::finish:
        return end_;
      case state::idle:
        break;
    }
    return start_;
  }

  constexpr errc piece_code() const noexcept {
    return kind_ == unit::orphan ? errc::no_message_header
           : kind_ == unit::bare ? errc::bare_header
                                 : errc::message_too_large;
  }

  void emit(const window& w, frame& out, frame_kind kind, std::size_t from, std::size_t to,
            errc code) noexcept {
    out.kind = kind;
    out.text = w.view(from, to);
    out.offset = from;
    out.line = unit_line_;
    out.message_index = units_;
    if (kind == frame_kind::message || kind == frame_kind::error) ++units_;
    out.err = code == errc::ok ? error{} : error{code, from, 0, 0};
  }

  void open_batch() noexcept {
    ++file_batches_;
    batch_messages_ = 0;
    in_batch_ = true;
  }

  // BTS-1 / FTS-1 against what was counted; the trailer's text is in out. A BTS closes its batch (one
  // with no BHS and no message is an empty batch of its own); an FTS closes the file.
  void check_count(frame& out) noexcept {
    const std::string_view t = out.text;
    std::size_t expected = 0;
    if (id_ == seg::bts) {
      if (!in_batch_) open_batch();
      expected = batch_messages_;
      batch_messages_ = 0;
    } else {
      expected = file_batches_;
      file_batches_ = 0;
    }
    in_batch_ = false;
    if (t.size() <= 4) return;
    const char sep = t[3];
    std::size_t i = 4;
    std::size_t j = i;
    while (j < t.size() && t[j] != sep && t[j] != '\r' && t[j] != '\n') ++j;
    std::size_t a = i;
    std::size_t b = j;
    while (a < b && t[a] == ' ') ++a;
    while (b > a && t[b - 1] == ' ') --b;
    if (a == b) return;  // no count given
    bool ok = b - a <= 18;
    std::size_t n = 0;
    for (std::size_t k = a; ok && k < b; ++k) {
      if (t[k] < '0' || t[k] > '9') ok = false;
      n = n * 10 + static_cast<std::size_t>(t[k] - '0');
    }
    if (!ok || n != expected) out.err = error{errc::batch_count_mismatch, out.offset + i, 0, 1};
  }

  // Line ends are counted as the states pass over them (in_line skips no CR or LF); CRLF counts once.
  constexpr void count(char c) noexcept {
    if (c == '\r' || (c == '\n' && !last_cr_)) ++lines_;
    last_cr_ = c == '\r';
  }

  std::size_t max_;
  state state_ = state::idle;
  unit kind_ = unit::orphan;
  seg id_ = seg::other;
  bool unit_open_ = false;
  bool hard_ = true;                // run: a terminator seen; line_start: the line starts a new segment
  bool line_content_ = false;       // the last complete line holds something
  bool last_cr_ = false;            // the last byte passed over was CR
  bool unit_prev_cr_ = false;       // the byte before start_ was CR
  bool in_batch_ = false;           // a batch is open: after its BHS or first message, before its BTS/FTS
  char mode_ = '\0';                // '\r', '\n', any_break, or '\0' (message before its first line break)
  errc code_ = errc::ok;            // mllp unit: what its final frame reports
  std::size_t pos_ = 0;             // idle: next byte to look at
  std::size_t start_ = 0;           // open unit: first byte not yet handed out
  std::size_t text_end_ = 0;        // open unit: end of its text so far
  std::size_t line_ = 0;            // start of the current line
  std::size_t scan_ = 0;            // in_line: bytes before it hold no line end
  std::size_t run_ = 0;             // run: next byte
  std::size_t hard_end_ = 0;        // run: end of the first terminator in it
  std::size_t probe_ = 0;           // probe: bytes before it (after the 0x0B) hold no MLLP byte
  std::size_t end_ = 0;             // finish: where the unit ends
  std::size_t pieces_ = 0;          // open unit: pieces handed out because it outgrew max_
  std::size_t units_ = 0;           // message and error frames so far
  std::size_t batch_messages_ = 0;  // units starting with MSH in the open batch
  std::size_t file_batches_ = 0;    // batches since the FHS (or the start, or the last FTS)
  std::size_t lines_ = 0;           // line ends before the position the states have reached
  std::size_t unit_line_ = 1;       // line of start_
};

}  // namespace hl7v2::detail::framing
