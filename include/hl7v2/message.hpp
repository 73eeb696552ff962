// The message tree: message -> segment -> field -> repetition -> component -> subcomponent.
//
// Every view is a small, trivially copyable value holding string_views into the parsed text and, for
// segments, pointers into the parser's index. Views stay valid while the text lives and the parser that
// produced them is neither reused nor destroyed. Positions are 1-based as in HL7; a position that is
// not present gives an empty view, never an exception or undefined behaviour.
//
// The parser indexes segments and field boundaries; the levels below a field are split on demand when
// you ask for them (fields are short, and most consumers never split most of them).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

#include "hl7v2/delimiters.hpp"
#include "hl7v2/detail/simd/bitmaps.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/path.hpp"

// The walk's hot path is many tiny functions; in a large program the compiler's inlining budget
// runs out and leaves calls (and views spilled to memory) in the loops. These are forced inline; the
// byte-reading fallback for views of bare text is kept out of line.
#if defined(__GNUC__) || defined(__clang__)
#define HL7V2_HOT inline __attribute__((always_inline))
#define HL7V2_COLD __attribute__((noinline))
#else
#define HL7V2_HOT inline
#define HL7V2_COLD
#endif

namespace hl7v2 {

class field;
class repetition;
class component;
class subcomponent;

namespace detail {

// The separators a part and the parts below it split at. '\0' means "not split at that level": MSH-1,
// MSH-2 and delimiters that MSH-2 does not declare.
// Four bytes (one unused) so it travels in one register: built or changed byte by byte through memory,
// it would stall the loads that follow.
struct part_seps {
  char repetition = '\0';
  char component = '\0';
  char subcomponent = '\0';
  char unused = '\0';
};
static_assert(sizeof(part_seps) == 4);

// The views keep their separators as one integer: a part_seps member is copied byte by byte, and
// reading it back as a word then waits for all four stores (a store-forwarding stall per view, which
// cost a third of the walk's time).
using packed_seps = std::uint32_t;
constexpr packed_seps pack(part_seps s) noexcept { return std::bit_cast<packed_seps>(s); }
constexpr part_seps unpack(packed_seps p) noexcept { return std::bit_cast<part_seps>(p); }

constexpr bool is_null_text(std::string_view s) noexcept {
  return s.size() == 2 && s[0] == '"' && s[1] == '"';
}

// Number of pieces of `s` split at `sep`: 0 for empty text, else separators + 1.
inline std::size_t count_pieces(std::string_view s, char sep) noexcept {
  if (s.empty()) return 0;
  if (sep == '\0') return 1;
  std::size_t n = 1;
  for (char c : s) n += static_cast<std::size_t>(c == sep);
  return n;
}

// Word-at-a-time (SWAR) helpers. Parts are mostly a few bytes long: a memchr call, or a byte loop
// whose trip count the branch predictor cannot guess, costs more than the search itself. Short texts
// are read as one or two overlapping words instead; long ones go to memchr.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HL7V2_SWAR 1
namespace swar {
inline constexpr std::uint64_t ones = 0x0101010101010101ull;
inline constexpr std::uint64_t highs = 0x8080808080808080ull;
constexpr std::uint64_t broadcast(char c) noexcept { return ones * static_cast<unsigned char>(c); }
// High bit set in each byte of `word` equal to the pattern's byte. The lowest set bit is exact; bits
// above a true match may be false (borrow), so use it for "any" and "first" only.
constexpr std::uint64_t matches(std::uint64_t word, std::uint64_t pattern) noexcept {
  const std::uint64_t x = word ^ pattern;
  return (x - ones) & ~x & highs;
}
inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline std::uint64_t load4(const char* p) noexcept {
  std::uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}
// n in 1..7 bytes as a word made only of bytes from the text, so no byte can falsely match.
inline std::uint64_t load_short(const char* p, std::size_t n) noexcept {
  if (n >= 4) return load4(p) | (load4(p + n - 4) << 32);
  const std::uint64_t first = broadcast(p[0]);
  return first ^ ((first ^ broadcast(p[n / 2])) & 0xFF00u) ^ ((first ^ broadcast(p[n - 1])) & 0xFF0000u);
}
}  // namespace swar
#endif

// The first `sep` in [from, end), or end.
HL7V2_COLD inline const char* find_char(const char* from, const char* end, char sep) noexcept {
  if (sep == '\0' || from == end) return end;
  const std::size_t n = static_cast<std::size_t>(end - from);
#if defined(HL7V2_SWAR)
  if (n <= 64) {
    const std::uint64_t pattern = swar::broadcast(sep);
    if (n < 8) {
      if (n >= 4) {  // two 4-byte halves, the second overlapping the first
        const std::uint64_t lo = swar::matches(swar::load4(from), pattern) & 0x80808080u;
        if (lo != 0) return from + (__builtin_ctzll(lo) >> 3);
        const std::uint64_t hi = swar::matches(swar::load4(end - 4), pattern) & 0x80808080u;
        return hi != 0 ? end - 4 + (__builtin_ctzll(hi) >> 3) : end;
      }
      for (; from != end; ++from) {
        if (*from == sep) return from;
      }
      return end;
    }
    for (; end - from >= 8; from += 8) {
      const std::uint64_t m = swar::matches(swar::load8(from), pattern);
      if (m != 0) return from + (__builtin_ctzll(m) >> 3);
    }
    if (from == end) return end;
    // The last word overlaps bytes already searched; none of them matched, so its first match is the one.
    const std::uint64_t m = swar::matches(swar::load8(end - 8), pattern);
    return m != 0 ? end - 8 + (__builtin_ctzll(m) >> 3) : end;
  }
#endif
  const void* p = std::memchr(from, sep, n);
  return p != nullptr ? static_cast<const char*>(p) : end;
}

// `seps` with the separators that `s` does not contain cleared, so the levels below skip searching for
// them: most fields hold no repetition or subcomponent separator, many no separator at all.
HL7V2_COLD inline packed_seps present_seps(std::string_view s, packed_seps packed) noexcept {
  if (s.empty()) return 0;
  const part_seps seps = unpack(packed);
#if defined(HL7V2_SWAR)
  const std::uint64_t pr = swar::broadcast(seps.repetition);
  const std::uint64_t pc = swar::broadcast(seps.component);
  const std::uint64_t ps = swar::broadcast(seps.subcomponent);
  std::uint64_t r = 0;
  std::uint64_t c = 0;
  std::uint64_t u = 0;
  const auto add = [&](std::uint64_t word) {
    r |= swar::matches(word, pr);
    c |= swar::matches(word, pc);
    u |= swar::matches(word, ps);
  };
  const char* p = s.data();
  const std::size_t n = s.size();
  if (n < 8) {
    add(swar::load_short(p, n));
  } else {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) add(swar::load8(p + i));
    if (i != n) add(swar::load8(p + n - 8));  // overlapping tail
  }
  const bool rep = r != 0;
  const bool comp = c != 0;
  const bool sub = u != 0;
#else
  bool rep = false;
  bool comp = false;
  bool sub = false;
  for (char ch : s) {
    rep |= ch == seps.repetition;
    comp |= ch == seps.component;
    sub |= ch == seps.subcomponent;
  }
#endif
  // Clear the absent ones as one 32-bit mask. A '\0' separator stays '\0' whatever NUL bytes the text
  // holds.
  const std::uint32_t keep = (rep ? 0xFFu : 0u) | (comp ? 0xFF00u : 0u) | (sub ? 0xFF0000u : 0u);
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
  packed = __builtin_bswap32(packed);
  packed &= keep;
  packed = __builtin_bswap32(packed);
#else
  packed &= keep;
#endif
  return packed;
}

// Where the views of a parsed message find separators: the message text and the parser's separator
// bitmaps (detail/simd/bitmaps.hpp), so finding the next separator is a shift and a bit scan whatever
// the part's length. Views built from a bare string_view have no index and read the bytes.
struct split_index {
  const char* text = nullptr;
  const std::uint64_t* bits = nullptr;  // simd::bitmap_stride words per 64 bytes, plus one zero block
};

inline constexpr std::size_t split_stride = simd::bitmap_stride;

// The first separator of bitmap `kind` in [from, end), or end. from..end lies inside ix.text.
HL7V2_HOT const char* find_sep(const split_index& ix, std::size_t kind, const char* from,
                               const char* end) noexcept {
  const auto i = static_cast<std::size_t>(from - ix.text);
  const auto e = static_cast<std::size_t>(end - ix.text);
  std::size_t w = i >> 6;
  // The zero block after the last one keeps this load in bounds when i is the text's size.
  std::uint64_t m = ix.bits[w * split_stride + kind] >> (i & 63);
  // Parts are short: the answer is nearly always in this word, or the part ends in it. Only a part
  // that runs on past the word with no separator left in it reads on.
  if ((m == 0) & ((w + 1) * 64 < e)) {
    do {
      m = ix.bits[++w * split_stride + kind];
    } while (m == 0 && (w + 1) * 64 < e);
    if (m == 0) return end;  // the part ends in this word
    const std::size_t r = w * 64 + static_cast<std::size_t>(__builtin_ctzll(m));
    return r < e ? ix.text + r : end;
  }
  // Where m is 0 the part ends in this word: any r >= e means "none".
  const std::size_t r = i + (m != 0 ? static_cast<std::size_t>(__builtin_ctzll(m)) : 64);
  return r < e ? ix.text + r : end;
}

// A packed_seps mask keeping the levels given as true.
constexpr packed_seps keep_mask(bool rep, bool comp, bool sub) noexcept {
  constexpr char all = static_cast<char>(-1);
  return pack(part_seps{rep ? all : '\0', comp ? all : '\0', sub ? all : '\0', '\0'});
}

// `seps` with the separators that [from, end) does not contain cleared (present_seps, from the
// bitmaps). from < end.
HL7V2_HOT packed_seps present_seps(const split_index& ix, const char* from, const char* end,
                                   packed_seps seps) noexcept {
  const auto i = static_cast<std::size_t>(from - ix.text);
  const auto e = static_cast<std::size_t>(end - ix.text);
  std::size_t w = i >> 6;
  const std::size_t last = (e - 1) >> 6;
  const std::uint64_t* b = ix.bits + w * split_stride;
  const std::uint64_t first = ~std::uint64_t{0} << (i & 63);
  const std::uint64_t tail = (e & 63) != 0 ? (std::uint64_t{1} << (e & 63)) - 1 : ~std::uint64_t{0};
  if (w == last) {
    // The usual case: the part lies in one word, and most hold no separator at all.
    const std::uint64_t mask = first & tail;
    if ((b[simd::bits_any] & mask) == 0) return 0;
    return seps & keep_mask((b[simd::bits_repetition] & mask) != 0, (b[simd::bits_component] & mask) != 0,
                            (b[simd::bits_subcomponent] & mask) != 0);
  }
  std::uint64_t r = b[simd::bits_repetition] & first;
  std::uint64_t c = b[simd::bits_component] & first;
  std::uint64_t u = b[simd::bits_subcomponent] & first;
  for (++w; w < last; ++w) {
    b = ix.bits + w * split_stride;
    r |= b[simd::bits_repetition];
    c |= b[simd::bits_component];
    u |= b[simd::bits_subcomponent];
  }
  b = ix.bits + last * split_stride;
  r |= b[simd::bits_repetition] & tail;
  c |= b[simd::bits_component] & tail;
  u |= b[simd::bits_subcomponent] & tail;
  return seps & keep_mask(r != 0, c != 0, u != 0);
}

// Separators of bitmap `kind` in [from, end).
inline std::size_t count_seps(const split_index& ix, std::size_t kind, const char* from,
                              const char* end) noexcept {
  const auto i = static_cast<std::size_t>(from - ix.text);
  const auto e = static_cast<std::size_t>(end - ix.text);
  if (i >= e) return 0;
  std::size_t w = i >> 6;
  const std::size_t last = (e - 1) >> 6;
  std::uint64_t m = ix.bits[w * split_stride + kind] & (~std::uint64_t{0} << (i & 63));
  std::size_t n = 0;
  for (; w != last; m = ix.bits[++w * split_stride + kind]) n += static_cast<std::size_t>(std::popcount(m));
  if ((e & 63) != 0) m &= (std::uint64_t{1} << (e & 63)) - 1;
  return n + static_cast<std::size_t>(std::popcount(m));
}

// The first `sep` (of bitmap `kind`) in [from, end), or end: from the bitmaps when there are some.
HL7V2_HOT const char* next_sep(const split_index* ix, std::size_t kind, char sep, const char* from,
                               const char* end) noexcept {
  if (sep == '\0') return end;
  return ix != nullptr ? find_sep(*ix, kind, from, end) : find_char(from, end, sep);
}

// Number of pieces of `s` split at `sep`: 0 for empty text, else separators + 1.
inline std::size_t count_pieces(const split_index* ix, std::size_t kind, std::string_view s,
                                char sep) noexcept {
  if (s.empty()) return 0;
  if (sep == '\0') return 1;
  if (ix != nullptr) return 1 + count_seps(*ix, kind, s.data(), s.data() + s.size());
  return count_pieces(s, sep);
}

// The n-th (1-based) piece of `s` split at `sep`; empty when there is none.
inline std::string_view nth_piece(const split_index* ix, std::size_t kind, std::string_view s, char sep,
                                  std::size_t n) noexcept {
  if (n == 0 || s.empty()) return {};
  const char* p = s.data();
  const char* const end = p + s.size();
  for (; n > 1; --n) {
    const char* q = next_sep(ix, kind, sep, p, end);
    if (q == end) return {};
    p = q + 1;
  }
  return {p, static_cast<std::size_t>(next_sep(ix, kind, sep, p, end) - p)};
}

// Forward range over the pieces of a text split at one separator (bitmap `Kind`), each handed out as
// a Part view.
template <class Part, std::size_t Kind>
class piece_range {
 public:
  class iterator {
   public:
    using value_type = Part;
    using difference_type = std::ptrdiff_t;
    using reference = Part;
    using pointer = void;
    using iterator_category = std::forward_iterator_tag;

    iterator() = default;
    HL7V2_HOT iterator(std::string_view s, char sep, packed_seps seps, const split_index* ix) noexcept
        : cur_(s.empty() ? nullptr : s.data()), end_(s.data() + s.size()), ix_(ix), sep_(sep), seps_(seps) {
      if (cur_ != nullptr) piece_end_ = next_sep(ix_, Kind, sep_, cur_, end_);
    }
    HL7V2_HOT Part operator*() const noexcept {
      return Part{{cur_, static_cast<std::size_t>(piece_end_ - cur_)}, seps_, ix_};
    }
    HL7V2_HOT iterator& operator++() noexcept {
      if (piece_end_ == end_) {
        cur_ = nullptr;
      } else {
        cur_ = piece_end_ + 1;
        piece_end_ = next_sep(ix_, Kind, sep_, cur_, end_);
      }
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& x, const iterator& y) noexcept { return x.cur_ == y.cur_; }

   private:
    const char* cur_ = nullptr;  // nullptr: past the last piece
    const char* piece_end_ = nullptr;
    const char* end_ = nullptr;
    const split_index* ix_ = nullptr;
    char sep_ = '\0';
    packed_seps seps_ = 0;
  };

  piece_range(std::string_view s, char sep, packed_seps seps, const split_index* ix) noexcept
      : s_(s), ix_(ix), sep_(sep), seps_(seps) {}
  HL7V2_HOT iterator begin() const noexcept { return iterator{s_, sep_, seps_, ix_}; }
  iterator end() const noexcept { return iterator{}; }

 private:
  std::string_view s_;
  const split_index* ix_;
  char sep_;
  packed_seps seps_;
};

}  // namespace detail

// Parts below the segment. The constructors taking a split_index are the parser's (through the
// views); a part built from a bare string_view splits by reading its bytes.
class subcomponent {
 public:
  subcomponent() = default;
  explicit subcomponent(std::string_view raw, detail::part_seps = {}) noexcept : raw_(raw) {}
  subcomponent(std::string_view raw, detail::packed_seps, const detail::split_index*) noexcept : raw_(raw) {}
  std::string_view raw() const noexcept { return raw_; }
  bool empty() const noexcept { return raw_.empty(); }
  bool is_null() const noexcept { return detail::is_null_text(raw_); }

 private:
  std::string_view raw_;
};

class component {
 public:
  component() = default;
  explicit component(std::string_view raw, detail::part_seps seps = {}) noexcept
      : raw_(raw), seps_(detail::pack(seps)) {}
  HL7V2_HOT component(std::string_view raw, detail::packed_seps seps, const detail::split_index* ix) noexcept
      : raw_(raw), ix_(ix), seps_(seps) {}
  std::string_view raw() const noexcept { return raw_; }
  bool empty() const noexcept { return raw_.empty(); }
  bool is_null() const noexcept { return detail::is_null_text(raw_); }
  std::size_t size() const noexcept { return detail::count_pieces(ix_, kind, raw_, sep()); }
  subcomponent operator[](std::size_t n) const noexcept {
    return subcomponent{detail::nth_piece(ix_, kind, raw_, sep(), n)};
  }
  HL7V2_HOT auto begin() const noexcept { return range().begin(); }
  HL7V2_HOT auto end() const noexcept { return range().end(); }

 private:
  static constexpr std::size_t kind = detail::simd::bits_subcomponent;
  char sep() const noexcept { return detail::unpack(seps_).subcomponent; }
  HL7V2_HOT detail::piece_range<subcomponent, kind> range() const noexcept {
    return {raw_, sep(), seps_, ix_};
  }
  std::string_view raw_;
  const detail::split_index* ix_ = nullptr;
  detail::packed_seps seps_ = 0;
};

class repetition {
 public:
  repetition() = default;
  explicit repetition(std::string_view raw, detail::part_seps seps = {}) noexcept
      : raw_(raw), seps_(detail::pack(seps)) {}
  HL7V2_HOT repetition(std::string_view raw, detail::packed_seps seps, const detail::split_index* ix) noexcept
      : raw_(raw), ix_(ix), seps_(seps) {}
  std::string_view raw() const noexcept { return raw_; }
  bool empty() const noexcept { return raw_.empty(); }
  bool is_null() const noexcept { return detail::is_null_text(raw_); }
  std::size_t size() const noexcept { return detail::count_pieces(ix_, kind, raw_, sep()); }  // components
  component operator[](std::size_t n) const noexcept {
    return component{detail::nth_piece(ix_, kind, raw_, sep(), n), seps_, ix_};
  }
  HL7V2_HOT auto begin() const noexcept { return range().begin(); }
  HL7V2_HOT auto end() const noexcept { return range().end(); }

 private:
  static constexpr std::size_t kind = detail::simd::bits_component;
  char sep() const noexcept { return detail::unpack(seps_).component; }
  HL7V2_HOT detail::piece_range<component, kind> range() const noexcept { return {raw_, sep(), seps_, ix_}; }
  std::string_view raw_;
  const detail::split_index* ix_ = nullptr;
  detail::packed_seps seps_ = 0;
};

class field {
 public:
  field() = default;
  explicit field(std::string_view raw, detail::part_seps seps = {}) noexcept
      : raw_(raw), seps_(detail::pack(seps)) {}
  HL7V2_HOT field(std::string_view raw, detail::packed_seps seps, const detail::split_index* ix) noexcept
      : raw_(raw), ix_(ix), seps_(seps) {}
  std::string_view raw() const noexcept { return raw_; }
  bool empty() const noexcept { return raw_.empty(); }
  bool is_null() const noexcept { return detail::is_null_text(raw_); }
  std::size_t size() const noexcept { return detail::count_pieces(ix_, kind, raw_, sep()); }  // repetitions
  repetition operator[](std::size_t n) const noexcept {
    const detail::packed_seps seps = split_seps();
    return repetition{detail::nth_piece(ix_, kind, raw_, detail::unpack(seps).repetition, n), seps, ix_};
  }
  // Component n of the first repetition: the common case of a field that does not repeat.
  component component_at(std::size_t n) const noexcept { return (*this)[1][n]; }
  HL7V2_HOT auto begin() const noexcept { return range().begin(); }
  HL7V2_HOT auto end() const noexcept { return range().end(); }

 private:
  static constexpr std::size_t kind = detail::simd::bits_repetition;
  char sep() const noexcept { return detail::unpack(seps_).repetition; }
  // The separators the levels below split at; those the field does not hold are cleared, so the
  // levels below skip searching for them (most fields hold no separator at all).
  HL7V2_HOT detail::packed_seps split_seps() const noexcept {
    if (raw_.empty()) return 0;
    if (ix_ == nullptr) return detail::present_seps(raw_, seps_);
    return detail::present_seps(*ix_, raw_.data(), raw_.data() + raw_.size(), seps_);
  }
  HL7V2_HOT detail::piece_range<repetition, kind> range() const noexcept {
    const detail::packed_seps seps = split_seps();
    return {raw_, detail::unpack(seps).repetition, seps, ix_};
  }
  std::string_view raw_;
  const detail::split_index* ix_ = nullptr;
  detail::packed_seps seps_ = 0;
};

namespace detail {

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

}  // namespace detail

class segment_field_iterator;

class segment {
 public:
  segment() = default;
  // Built by message; `bounds` points at this segment's first bound.
  segment(const char* text, const detail::segment_entry* entry, const std::uint32_t* bounds,
          std::size_t index, detail::part_seps seps, const detail::split_index* ix = nullptr) noexcept
      : text_(text), entry_(entry), bounds_(bounds), ix_(ix), index_(index), seps_(detail::pack(seps)) {}

  std::string_view id() const noexcept {
    return entry_->end - entry_->begin >= 3 ? std::string_view{text_ + entry_->begin, 3} : std::string_view{};
  }
  std::string_view raw() const noexcept {
    return text_ != nullptr ? std::string_view{text_ + entry_->begin, entry_->end - entry_->begin}
                            : std::string_view{};
  }
  std::size_t index() const noexcept {
    return index_;
  }  // 1-based position in the message; 0 for an absent one
  std::size_t offset() const noexcept { return entry_->begin; }
  bool empty() const noexcept { return text_ == nullptr; }  // true for an absent segment
  bool is_header() const noexcept { return entry_->header; }
  // Highest field position present. MSH/FHS/BHS count MSH-1 (the field separator).
  std::size_t size() const noexcept { return entry_->separators + (entry_->header ? 1u : 0u); }

  HL7V2_HOT field operator[](std::size_t pos) const noexcept {
    if (pos == 0 || pos > size()) return {};
    if (entry_->header) {
      if (pos == 1) return field{{text_ + entry_->begin + 3, 1}};  // the field separator, unsplit
      if (pos == 2) return field{piece(0)};                        // the encoding characters, unsplit
      return field{piece(pos - 2), seps_, ix_};
    }
    return field{piece(pos - 1), seps_, ix_};
  }

  // Fields 1 .. size(), empty ones included; the iterator's position() is the HL7 field position.
  segment_field_iterator begin() const noexcept;
  segment_field_iterator end() const noexcept;

 private:
  // The text between separator k and the next boundary (k is 0-based, k < separators).
  std::string_view piece(std::size_t k) const noexcept {
    return {text_ + bounds_[k] + 1, static_cast<std::size_t>(bounds_[k + 1] - bounds_[k] - 1)};
  }

  const char* text_ = nullptr;
  const detail::segment_entry* entry_ = &detail::no_segment;
  const std::uint32_t* bounds_ = nullptr;
  const detail::split_index* ix_ = nullptr;
  std::size_t index_ = 0;
  detail::packed_seps seps_ = 0;
};

// Walks a segment's fields in position order.
class segment_field_iterator {
 public:
  using value_type = field;
  using difference_type = std::ptrdiff_t;
  using reference = field;
  using pointer = void;
  using iterator_category = std::forward_iterator_tag;
  segment_field_iterator() = default;
  segment_field_iterator(const segment& seg, std::size_t pos) noexcept : seg_(seg), pos_(pos) {}
  HL7V2_HOT field operator*() const noexcept { return seg_[pos_]; }
  segment_field_iterator& operator++() noexcept {
    ++pos_;
    return *this;
  }
  segment_field_iterator operator++(int) noexcept {
    segment_field_iterator old = *this;
    ++pos_;
    return old;
  }
  std::size_t position() const noexcept { return pos_; }
  friend bool operator==(const segment_field_iterator& x, const segment_field_iterator& y) noexcept {
    return x.pos_ == y.pos_;
  }

 private:
  segment seg_;
  std::size_t pos_ = 0;
};

inline segment_field_iterator segment::begin() const noexcept { return {*this, 1}; }
inline segment_field_iterator segment::end() const noexcept { return {*this, size() + 1}; }

namespace detail {

// What a message view is: the text and the parser's index. Ranges copy it, so they stay valid when the
// message they came from was a temporary.
struct message_index {
  const char* text = nullptr;
  const segment_entry* segs = nullptr;
  std::size_t count = 0;
  const std::uint32_t* bounds = nullptr;
  packed_seps seps = 0;
  const split_index* ix = nullptr;  // null: views split by reading bytes

  segment make(std::size_t i) const noexcept {
    return segment{text, segs + i, bounds + segs[i].first_bound, i + 1, unpack(seps), ix};
  }
};

}  // namespace detail

// Range over a message's segments, all of them or those with one id.
class segment_range {
 public:
  class iterator {
   public:
    using value_type = segment;
    using difference_type = std::ptrdiff_t;
    using reference = segment;
    using pointer = void;
    using iterator_category = std::forward_iterator_tag;
    iterator() = default;
    iterator(const detail::message_index* m, std::size_t i, std::uint32_t key, bool all) noexcept
        : m_(m), i_(i), key_(key), all_(all) {
      skip();
    }
    segment operator*() const noexcept { return m_->make(i_); }
    iterator& operator++() noexcept {
      ++i_;
      skip();
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& x, const iterator& y) noexcept { return x.i_ == y.i_; }

   private:
    void skip() noexcept {
      if (all_) return;
      while (i_ < m_->count && m_->segs[i_].key != key_) ++i_;
    }
    const detail::message_index* m_ = nullptr;
    std::size_t i_ = 0;
    std::uint32_t key_ = 0;
    bool all_ = true;
  };

  segment_range(const detail::message_index& m, std::uint32_t key, bool all) noexcept
      : m_(m), key_(key), all_(all) {}
  iterator begin() const noexcept { return {&m_, 0, key_, all_}; }
  iterator end() const noexcept { return {&m_, m_.count, key_, all_}; }

 private:
  detail::message_index m_;
  std::uint32_t key_;
  bool all_;
};

class message {
 public:
  message() = default;
  // Built by parser: `segments` and `bounds` are its index arrays, `ix` its separator bitmaps.
  message(std::string_view text, const delimiters& delims, const detail::segment_entry* segments,
          std::size_t count, const std::uint32_t* bounds, const detail::split_index* ix = nullptr) noexcept
      : text_(text),
        delims_(delims),
        index_{text.data(),
               segments,
               count,
               bounds,
               detail::pack(detail::part_seps{delims.repetition, delims.component, delims.subcomponent}),
               ix} {}

  std::string_view raw() const noexcept { return text_; }
  const delimiters& delims() const noexcept { return delims_; }
  std::size_t size() const noexcept { return index_.count; }  // segments

  segment operator[](std::size_t n) const noexcept {
    if (n == 0 || n > index_.count) return {};
    return index_.make(n - 1);
  }

  segment_range segments() const noexcept { return {index_, 0, true}; }
  segment_range segments(std::string_view id) const noexcept {
    return {index_, detail::segment_key(id), false};
  }

  // The occurrence-th (1-based) segment with this id; an empty segment when there is none.
  segment find(std::string_view id, std::size_t occurrence = 1) const noexcept {
    const std::uint32_t key = detail::segment_key(id);
    for (std::size_t i = 0; i < index_.count; ++i) {
      if (index_.segs[i].key == key && --occurrence == 0) return index_.make(i);
    }
    return {};
  }

  // The raw (still escaped) text a path addresses (grammar in path.hpp); empty when absent.
  result<std::string_view> at(std::string_view path_text) const noexcept {
    const result<path> p = parse_path(path_text);
    if (!p) return p.error();
    return at(*p);
  }
  std::string_view at(const path& p) const noexcept {
    const segment seg = find(p.segment_id, p.occurrence);
    if (p.field == 0) return seg.raw();
    const field f = seg[p.field];
    if (p.component == 0) return p.repetition == 0 ? f.raw() : f[p.repetition].raw();
    const component c = f[p.repetition == 0 ? 1 : p.repetition][p.component];
    return p.subcomponent == 0 ? c.raw() : c[p.subcomponent].raw();
  }
  // Like at(), with a malformed path giving an empty view too.
  std::string_view get(std::string_view path_text) const noexcept {
    const result<std::string_view> r = at(path_text);
    return r ? *r : std::string_view{};
  }

  // The MSH segment when the message starts with one (an empty segment otherwise), and the header
  // fields the emitters need, raw.
  segment header() const noexcept {
    return index_.count != 0 && index_.segs[0].key == detail::msh_key ? index_.make(0) : segment{};
  }
  std::string_view message_type() const noexcept { return header()[9][1][1].raw(); }   // MSH-9.1, "ADT"
  std::string_view trigger_event() const noexcept { return header()[9][1][2].raw(); }  // MSH-9.2, "A01"
  std::string_view structure_id() const noexcept { return header()[9][1][3].raw(); }   // MSH-9.3, "ADT_A01"
  std::string_view control_id() const noexcept { return header()[10].raw(); }          // MSH-10
  std::string_view version_id() const noexcept { return header()[12][1][1].raw(); }    // MSH-12.1, "2.5.1"
  std::string_view charset_name() const noexcept {
    return header()[18][1].raw();
  }  // MSH-18, first repetition

 private:
  std::string_view text_;
  delimiters delims_{};
  detail::message_index index_{};
};

}  // namespace hl7v2
