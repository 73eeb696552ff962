// The message tree: message -> segment -> field -> repetition -> component -> subcomponent.
//
// Every view is a small, trivially copyable value holding string_views into the parsed text and, for
// segments, pointers into the parser's index. Views stay valid while the text lives and the parser that
// produced them is neither reused nor destroyed. Positions are 1-based as in HL7; a position that is
// not present gives an empty view, never an exception or undefined behaviour.
//
// The parser indexes segments and field boundaries; the levels below a field are split on demand when
// you ask for them (fields are short, and most consumers never split most of them).
//
// The views share their splitting code (detail/views/part.hpp over the kernels of detail/views/split.hpp);
// the parser's index behind segments is detail/views/segment_index.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "hl7v2/delimiters.hpp"
#include "hl7v2/detail/simd/bitmaps.hpp"
#include "hl7v2/detail/views/part.hpp"
#include "hl7v2/detail/views/segment_index.hpp"
#include "hl7v2/detail/views/split.hpp"
#include "hl7v2/error.hpp"
#include "hl7v2/path.hpp"

namespace hl7v2 {

// Parts below the segment. Each holds its raw (still escaped) text: raw(), empty(), is_null() (HL7's
// ""), and, above the subcomponent, size() (children: 0 when empty, else separators + 1), [n] (1-based
// child, empty when absent) and range-for over the children. Built from a bare string_view (and the
// separators), a part splits by reading its bytes; the parser's views split with its bitmaps.
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

// Splits into subcomponents at the subcomponent separator ('&').
class component : public detail::part_view<subcomponent, detail::simd::bits_subcomponent, false> {
 public:
  using part_view::part_view;
};

// Splits into components at the component separator ('^').
class repetition : public detail::part_view<component, detail::simd::bits_component, false> {
 public:
  using part_view::part_view;
};

// Splits into repetitions at the repetition separator ('~').
class field : public detail::part_view<repetition, detail::simd::bits_repetition, true> {
 public:
  using part_view::part_view;
  // Component n of the first repetition: the common case of a field that does not repeat.
  component component_at(std::size_t n) const noexcept { return (*this)[1][n]; }
};

class segment_field_iterator;

class segment {
 public:
  segment() = default;
  // Segment i (0-based) of a message's index: built by message.
  segment(const detail::message_index& m, std::size_t i) noexcept
      : text_(m.text),
        entry_(m.segs + i),
        bounds_(m.bounds + m.segs[i].first_bound),
        ix_(m.ix),
        index_(i + 1),
        seps_(m.seps) {}

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
class segment_field_iterator : public detail::view_iterator_types<field> {
 public:
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

// Range over a message's segments, all of them or those with one id.
class segment_range {
 public:
  class iterator : public detail::view_iterator_types<segment> {
   public:
    iterator() = default;
    iterator(const detail::message_index* m, std::size_t i, std::uint32_t key, bool all) noexcept
        : m_(m), i_(i), key_(key), all_(all) {
      skip();
    }
    segment operator*() const noexcept { return segment{*m_, i_}; }
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
  // The parser's separator and byte-class bitmaps over raw() (detail/simd/bitmaps.hpp); null for a
  // message not built by parser.
  const detail::split_index* split_bits() const noexcept { return index_.ix; }
  std::size_t size() const noexcept { return index_.count; }  // segments

  segment operator[](std::size_t n) const noexcept {
    if (n == 0 || n > index_.count) return {};
    return segment{index_, n - 1};
  }

  segment_range segments() const noexcept { return {index_, 0, true}; }
  segment_range segments(std::string_view id) const noexcept {
    return {index_, detail::segment_key(id), false};
  }

  // The occurrence-th (1-based) segment with this id; an empty segment when there is none.
  segment find(std::string_view id, std::size_t occurrence = 1) const noexcept {
    const std::uint32_t key = detail::segment_key(id);
    for (std::size_t i = 0; i < index_.count; ++i) {
      if (index_.segs[i].key == key && --occurrence == 0) return segment{index_, i};
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
    return index_.count != 0 && index_.segs[0].key == detail::msh_key ? segment{index_, 0} : segment{};
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