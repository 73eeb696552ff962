// The positional layout: lossless. Every segment, field, repetition, component and subcomponent in
// message order with its raw (still escaped) text, so ER7 rebuilt from it (reader.hpp) is byte-identical
// to the message (segment terminators normalized to CR, as er7_writer.hpp writes them).
//
//   {"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&","LAB",...],["PID","1","",[["DOE","JOHN"]]]]}
//
//  - "delimiters": MSH-1 followed by MSH-2, exactly as the message has them.
//  - each segment: an array whose first element is the id and then one element per field, empty and
//    trailing empty fields included. MSH-1 and MSH-2 are the separator and the encoding characters.
//  - a field is a string when it holds none of the repetition, component or subcomponent delimiters;
//    otherwise an array of repetitions. A repetition is a string when it holds no component or
//    subcomponent delimiter, else an array of components; a component is a string when it holds no
//    subcomponent delimiter, else an array of subcomponents. (A one-element array never holds a plain
//    string: ["a"] at field level would be written "a", so the shapes are unambiguous.)
//  - bytes: when the message is valid UTF-8 (ASCII included) and its delimiters are ASCII, the strings
//    are its text. Otherwise (Latin-1 data, a stray invalid byte, a delimiter that may cut a UTF-8
//    sequence) every string holds one character per byte, U+0000..U+00FF (Latin-1
//    decoding), and the object starts with "bytes":"latin1" so the way back re-encodes each character
//    as its byte. Either way no byte is lost or replaced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hl7v2/detail/utf8.hpp"
#include "hl7v2/json/emitter.hpp"
#include "hl7v2/json/writer.hpp"

namespace hl7v2::json {

template <class Sink>
class positional_emitter {
 public:
  static constexpr segment_order order = segment_order::as_received;
  static constexpr bool uses_definitions = false;

  positional_emitter(Sink& out, std::string& scratch, std::string_view extra_members = {})
      : w_(out), scratch_(&scratch), extra_(extra_members) {}

  // Whether the message was written in "bytes":"latin1" form.
  bool latin1_bytes() const noexcept { return latin1_; }

  void begin_message(const message_info& m) {
    d_ = m.msg->delims();
    bits_ = m.msg->split_bits();
    // A '\0' delimiter is none: the bitmaps' NUL bytes do not count as one.
    bit_classes_ = static_cast<std::uint8_t>((d_.repetition != '\0' ? rep_bit : 0) |
                                             (d_.component != '\0' ? comp_bit : 0) |
                                             (d_.subcomponent != '\0' ? sub_bit : 0) | escape_bits);
    if (bits_ == nullptr) build_classes();  // the table only the byte-by-byte path reads
    // A delimiter beyond ASCII may be part of a UTF-8 sequence the split cuts in two ("^~\xdc\xa6" then
    // "\xdc\xa6" in a field): its parts would not be UTF-8 on their own, so such messages take the
    // byte form too.
    const auto beyond_ascii = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
    latin1_ = beyond_ascii(d_.field) || beyond_ascii(d_.component) || beyond_ascii(d_.repetition) ||
              beyond_ascii(d_.subcomponent) ||
              !hl7v2::detail::validate_utf8(m.msg->raw().data(), m.msg->raw().size());
    w_.begin_object();
    if (!extra_.empty()) w_.raw(extra_);
    if (latin1_) {
      w_.plain_key("bytes");
      w_.string("latin1");
    }
    w_.plain_key("delimiters");
    // MSH-1 + MSH-2, or FHS's / BHS's when a batch header comes first.
    const segment first = (*m.msg)[1];
    const segment msh = first.is_header() ? first : m.msg->header();
    w_.begin_string();
    part(msh[1].raw());
    part(msh[2].raw());
    w_.end_string();
    w_.plain_key("segments");
    w_.begin_array();
  }
  void end_message(const message_info&) {
    w_.end_array();
    w_.end_object();
  }
  void begin_group(const group_info&) {}
  void end_group(const group_info&) {}

  bool begin_segment(const segment_info& s) {
    const segment& seg = s.seg;
    w_.begin_array();
    str(seg.id());
    const std::size_t n = seg.size();
    std::size_t pos = 1;
    if (seg.is_header()) {
      str(seg[1].raw());
      if (n >= 2) str(seg[2].raw());
      pos = 3;
    }
    for (; pos <= n; ++pos) write_field(seg[pos].raw());
    w_.end_array();
    return false;  // the fields are written: no need to walk them
  }
  void end_segment(const segment_info&) {}
  bool begin_field(const field_info&) { return false; }
  void end_field(const field_info&) {}
  bool begin_repetition(const repetition_info&) { return false; }
  void end_repetition(const repetition_info&) {}
  bool begin_component(const component_info&) { return false; }
  void end_component(const component_info&) {}
  void subcomponent(const subcomponent_info&) {}

 private:
  // The classes of `s`: from the parser's bitmaps when the message has them (a few word loads), else
  // byte by byte. The bitmaps' special bytes are those of escape_bits and the escape character:
  // more parts go the escaping way, which writes plain text unchanged.
  HL7V2_JSON_INLINE std::uint8_t classify(std::string_view s) const noexcept {
    if (bits_ == nullptr) return classify_bytes(s);
    if (s.empty()) return 0;
    namespace simd = hl7v2::detail::simd;
    const unsigned b = hl7v2::detail::bitmap_classes(*bits_, s);
    static_assert(rep_bit == 1u << simd::bits_repetition && comp_bit == 1u << simd::bits_component &&
                  sub_bit == 1u << simd::bits_subcomponent);
    const auto acc = static_cast<std::uint8_t>((b & all_split) | ((b >> simd::bits_special) & 1u) << 3);
    return static_cast<std::uint8_t>(acc & bit_classes_);
  }
  std::uint8_t classify_bytes(std::string_view s) const noexcept {
    std::uint8_t acc = 0;
    for (const char c : s) acc |= classes_[static_cast<unsigned char>(c)];
    return acc;
  }
  // Calls each(piece) for the pieces of `s` split at `sep` (bitmap `kind`).
  template <class Each>
  HL7V2_JSON_INLINE void pieces(std::string_view s, std::size_t kind, char sep, Each&& each) const {
    hl7v2::detail::for_each_piece(bits_, kind, sep, s, each);
  }

  void write_field(std::string_view f) {
    const std::uint8_t acc = classify(f);
    const bool plain = !(acc & escape_bits);
    if (!(acc & all_split)) {
      leaf(f, plain);
      return;
    }
    if (!(acc & rep_bit)) {
      w_.begin_array();
      write_repetition(f, plain, acc);
      w_.end_array();
      return;
    }
    w_.begin_array();
    pieces(f, hl7v2::detail::simd::bits_repetition, d_.repetition,
           [&](std::string_view rep) { write_repetition(rep, plain, classify(rep)); });
    w_.end_array();
  }
  void write_repetition(std::string_view r, bool plain, std::uint8_t acc) {
    if (!(acc & (comp_bit | sub_bit))) {
      leaf(r, plain);
      return;
    }
    w_.begin_array();
    if (acc & comp_bit) {
      pieces(r, hl7v2::detail::simd::bits_component, d_.component,
             [&](std::string_view c) { write_component(c, plain, acc & sub_bit); });
    } else {
      write_component(r, plain, true);
    }
    w_.end_array();
  }
  void write_component(std::string_view c, bool plain, bool may_split) {
    if (!may_split || c.empty() ||
        (bits_ != nullptr ? !hl7v2::detail::holds_sep(*bits_, hl7v2::detail::simd::bits_subcomponent, c)
                          : c.find(d_.subcomponent) == std::string_view::npos)) {
      leaf(c, plain);
      return;
    }
    w_.begin_array();
    pieces(c, hl7v2::detail::simd::bits_subcomponent, d_.subcomponent,
           [&](std::string_view s) { leaf(s, plain); });
    w_.end_array();
  }
  // A string; `plain`: known to need no JSON escaping or Latin-1 decoding.
  void leaf(std::string_view raw, bool plain) {
    if (plain) {
      w_.plain_string(raw);
    } else {
      str(raw);
    }
  }

  void str(std::string_view raw) {
    w_.begin_string();
    part(raw);
    w_.end_string();
  }
  void part(std::string_view raw) {
    if (!latin1_) {
      w_.string_part(raw);
      return;
    }
    std::string& s = *scratch_;
    s.clear();
    for (char ch : raw) {
      const auto b = static_cast<unsigned char>(ch);
      if (b < 0x80) {
        s.push_back(ch);
      } else {
        s.push_back(static_cast<char>(0xC0 | (b >> 6)));
        s.push_back(static_cast<char>(0x80 | (b & 0x3F)));
      }
    }
    w_.string_part(s);
  }

  static constexpr std::uint8_t rep_bit = 1, comp_bit = 2, sub_bit = 4, escape_bits = 8;
  static constexpr std::uint8_t all_split = rep_bit | comp_bit | sub_bit;

  // Per byte: which delimiter it is, and escape_bits for what JSON must escape and for bytes >= 0x80
  // (rebuilt only when the delimiters change).
  void build_classes() noexcept {
    if (classes_built_ && d_ == classes_for_) return;
    classes_built_ = true;
    classes_for_ = d_;
    for (std::size_t b = 0; b < 256; ++b) {
      classes_[b] = (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') ? escape_bits : 0;
    }
    if (d_.repetition != '\0') classes_[static_cast<unsigned char>(d_.repetition)] |= rep_bit;
    if (d_.component != '\0') classes_[static_cast<unsigned char>(d_.component)] |= comp_bit;
    if (d_.subcomponent != '\0') classes_[static_cast<unsigned char>(d_.subcomponent)] |= sub_bit;
  }

  json_writer<Sink> w_;
  std::uint8_t classes_[256] = {};
  hl7v2::delimiters classes_for_{};
  bool classes_built_ = false;
  std::uint8_t bit_classes_ = 0;  // the classes the bitmaps may report for these delimiters
  const hl7v2::detail::split_index* bits_ = nullptr;  // the message's bitmaps, if any
  std::string* scratch_;
  std::string_view extra_;
  hl7v2::delimiters d_{};
  bool latin1_ = false;
};

}  // namespace hl7v2::json
