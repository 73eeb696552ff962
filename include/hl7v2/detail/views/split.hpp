// The splitting kernels behind the views of message.hpp: where the next separator of a level is, how
// many pieces a part has, which separators a part holds at all. A parsed message's views read the
// parser's separator bitmaps (detail/simd/bitmaps.hpp); views of bare text read the bytes, a word at a
// time.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

#include "hl7v2/detail/simd/bitmaps.hpp"

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

namespace hl7v2::detail {

// The separators a part and the parts below it split at. '\0' means "not split at that level": MSH-1,
// MSH-2 and delimiters that MSH-2 does not declare. Four bytes (one unused) so it travels in one
// register: built or changed byte by byte through memory, it would stall the loads that follow.
struct part_seps {
  char repetition = '\0', component = '\0', subcomponent = '\0', unused = '\0';
};
static_assert(sizeof(part_seps) == 4);

// The member types of the views' iterators: forward iterators that hand out views by value.
template <class View>
struct view_iterator_types {
  using value_type = View;
  using difference_type = std::ptrdiff_t;
  using reference = View;
  using pointer = void;
  using iterator_category = std::forward_iterator_tag;
};

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

// Calls each(piece) for the pieces of `s` split at the separators of bitmap `kind`, found in the
// bitmaps: the index already delimits every part, so its bytes are not read again. `s` lies in ix.text
// and is not empty.
template <class Each>
HL7V2_HOT void for_each_piece(const split_index& ix, std::size_t kind, std::string_view s, Each&& each) {
  const char* const base = ix.text;
  const auto i = static_cast<std::size_t>(s.data() - base);
  const std::size_t e = i + s.size();
  std::size_t w = i >> 6;
  const std::size_t last = (e - 1) >> 6;
  const std::uint64_t* b = ix.bits + w * split_stride + kind;
  std::uint64_t m = *b & (~std::uint64_t{0} << (i & 63));
  std::size_t start = i;
  for (;;) {
    if (w == last && (e & 63) != 0) m &= (std::uint64_t{1} << (e & 63)) - 1;
    while (m != 0) {
      const std::size_t at = (w << 6) + static_cast<std::size_t>(__builtin_ctzll(m));
      each(std::string_view{base + start, at - start});
      start = at + 1;
      m &= m - 1;
    }
    if (w == last) break;
    ++w;
    b += split_stride;
    m = *b;
  }
  each(std::string_view{base + start, e - start});
}

// The pieces of `s` found by reading its bytes: a byte loop, faster than memchr on the short texts HL7
// parts are.
template <class Each>
void for_each_piece_of_bytes(char sep, std::string_view s, Each&& each) {
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* start = p;
  for (; p != end; ++p) {
    if (*p == sep) {
      each(std::string_view{start, static_cast<std::size_t>(p - start)});
      start = p + 1;
    }
  }
  each(std::string_view{start, static_cast<std::size_t>(end - start)});
}
// The same where the message may have no bitmaps (`ix` null): the one splitting call of the JSON walk
// and emitters. Empty text is one empty piece.
template <class Each>
HL7V2_HOT void for_each_piece(const split_index* ix, std::size_t kind, char sep, std::string_view s,
                              Each&& each) {
  if (s.empty()) {
    each(s);
  } else if (ix != nullptr) {
    for_each_piece(*ix, kind, s, each);
  } else {
    for_each_piece_of_bytes(sep, s, each);  // not forced inline: parsed messages always have bitmaps
  }
}

// Whether `s` (in ix.text, not empty) holds a separator of bitmap `kind`.
HL7V2_HOT bool holds_sep(const split_index& ix, std::size_t kind, std::string_view s) noexcept {
  const auto i = static_cast<std::size_t>(s.data() - ix.text);
  const std::size_t e = i + s.size();
  std::size_t w = i >> 6;
  const std::size_t last = (e - 1) >> 6;
  const std::uint64_t* b = ix.bits + w * split_stride + kind;
  std::uint64_t m = *b & (~std::uint64_t{0} << (i & 63));
  for (; w < last; ++w) {
    if (m != 0) return true;
    b += split_stride;
    m = *b;
  }
  if ((e & 63) != 0) m &= (std::uint64_t{1} << (e & 63)) - 1;
  return m != 0;
}

// Which bitmaps mark a byte of `s` (in ix.text, not empty): bit k set for bitmap k (repetition,
// component, subcomponent, special; `any` left out). One or two words for most parts.
HL7V2_HOT unsigned bitmap_classes(const split_index& ix, std::string_view s) noexcept {
  const auto i = static_cast<std::size_t>(s.data() - ix.text);
  const std::size_t e = i + s.size();
  std::size_t w = i >> 6;
  const std::size_t last = (e - 1) >> 6;
  const std::uint64_t* b = ix.bits + w * split_stride;
  std::uint64_t mask = ~std::uint64_t{0} << (i & 63);
  if (w == last) {
    // The usual case: the part lies in one word, and most hold no separator at all.
    if ((e & 63) != 0) mask &= (std::uint64_t{1} << (e & 63)) - 1;
    const unsigned special = (b[simd::bits_special] & mask) != 0 ? 1u << simd::bits_special : 0u;
    if ((b[simd::bits_any] & mask) == 0) return special;
    return special | ((b[simd::bits_repetition] & mask) != 0 ? 1u << simd::bits_repetition : 0u) |
           ((b[simd::bits_component] & mask) != 0 ? 1u << simd::bits_component : 0u) |
           ((b[simd::bits_subcomponent] & mask) != 0 ? 1u << simd::bits_subcomponent : 0u);
  }
  std::uint64_t r = 0, c = 0, u = 0, x = 0;
  for (; w < last; ++w, b += split_stride, mask = ~std::uint64_t{0}) {
    r |= b[simd::bits_repetition] & mask;
    c |= b[simd::bits_component] & mask;
    u |= b[simd::bits_subcomponent] & mask;
    x |= b[simd::bits_special] & mask;
  }
  if ((e & 63) != 0) mask &= (std::uint64_t{1} << (e & 63)) - 1;
  r |= b[simd::bits_repetition] & mask;
  c |= b[simd::bits_component] & mask;
  u |= b[simd::bits_subcomponent] & mask;
  x |= b[simd::bits_special] & mask;
  return (r != 0 ? 1u << simd::bits_repetition : 0u) | (c != 0 ? 1u << simd::bits_component : 0u) |
         (u != 0 ? 1u << simd::bits_subcomponent : 0u) | (x != 0 ? 1u << simd::bits_special : 0u);
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

}  // namespace hl7v2::detail
