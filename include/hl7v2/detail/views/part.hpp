// One implementation for the three levels of the tree that split (field -> repetitions, repetition ->
// components, component -> subcomponents); message.hpp names them. A part is a string_view, its
// separators packed in one integer, and the parser's separator bitmaps when it came from a parse.
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

#include "hl7v2/detail/simd/bitmaps.hpp"
#include "hl7v2/detail/views/split.hpp"

namespace hl7v2::detail {

// Forward range over the pieces of a text split at one separator (bitmap `Kind`), each handed out as
// a Part view.
template <class Part, std::size_t Kind>
class piece_range {
 public:
  class iterator : public view_iterator_types<Part> {
   public:
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

// A part that splits at the separator of bitmap `Kind` into `Child` parts. `Narrow`: before handing
// out children, clear the separators the part does not hold, so the levels below skip searching for
// them (done once per field: most fields hold no separator at all).
template <class Child, std::size_t Kind, bool Narrow>
class part_view {
 public:
  part_view() = default;
  explicit part_view(std::string_view raw, part_seps seps = {}) noexcept : raw_(raw), seps_(pack(seps)) {}
  HL7V2_HOT part_view(std::string_view raw, packed_seps seps, const split_index* ix) noexcept
      : raw_(raw), ix_(ix), seps_(seps) {}

  std::string_view raw() const noexcept { return raw_; }
  bool empty() const noexcept { return raw_.empty(); }
  bool is_null() const noexcept { return is_null_text(raw_); }  // HL7's "" (explicitly null)
  // Number of children: 0 for an empty part, else separators + 1.
  std::size_t size() const noexcept { return count_pieces(ix_, Kind, raw_, sep_of(seps_)); }
  // The n-th child (1-based); empty when there is none.
  Child operator[](std::size_t n) const noexcept {
    const packed_seps seps = child_seps();
    return Child{nth_piece(ix_, Kind, raw_, sep_of(seps), n), seps, ix_};
  }
  HL7V2_HOT auto begin() const noexcept { return range().begin(); }
  HL7V2_HOT auto end() const noexcept { return range().end(); }

 private:
  static constexpr char sep_of(packed_seps seps) noexcept {
    const part_seps s = unpack(seps);
    if constexpr (Kind == simd::bits_repetition) {
      return s.repetition;
    } else if constexpr (Kind == simd::bits_component) {
      return s.component;
    } else {
      static_assert(Kind == simd::bits_subcomponent);
      return s.subcomponent;
    }
  }
  HL7V2_HOT packed_seps child_seps() const noexcept {
    if constexpr (!Narrow) {
      return seps_;
    } else {
      if (raw_.empty()) return 0;
      if (ix_ == nullptr) return present_seps(raw_, seps_);
      return present_seps(*ix_, raw_.data(), raw_.data() + raw_.size(), seps_);
    }
  }
  HL7V2_HOT piece_range<Child, Kind> range() const noexcept {
    const packed_seps seps = child_seps();
    return {raw_, sep_of(seps), seps, ix_};
  }

  std::string_view raw_;
  const split_index* ix_ = nullptr;
  packed_seps seps_ = 0;
};

}  // namespace hl7v2::detail
