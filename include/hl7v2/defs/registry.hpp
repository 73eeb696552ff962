#pragma once
// The versions a program reads messages with: a registry lists them (oldest first) and says which
// one a message whose MSH-12 is empty gets. Pass one to the walker, the converters, er7_from_json and
// validation to pay only for the versions you include:
//
//   #include <hl7v2/defs/v2_5_1.hpp>
//   constexpr hl7v2::defs::registry only_251{hl7v2::defs::v2_5_1};   // the first listed is the default
//   hl7v2::json::converter conv{only_251, {.typed = true}};
//
// Without one they read every built-in version (defs::all_versions_registry, in defs/all.hpp, which
// hl7v2/hl7v2.hpp includes); using that default without defs/all.hpp fails to compile with a message
// that says so, instead of silently reading with no definitions.
//
// The rules, all inside the registry's set:
//  - MSH-12 (its first component, blanks trimmed) "2.x[.y]" → the newest version not newer than it
//    ("2.5.2" → 2.5.1, "2.9" → the newest); older than every version listed → the oldest;
//  - empty → the default; anything else (not 2-3 dot-separated numbers with major 2) → nullptr;
//  - a segment the version does not define → the nearest LATER listed version's definition (a 2.3
//    message carrying a segment introduced in 2.5), never an older one's.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "hl7v2/defs/types.hpp"

namespace hl7v2::defs {

namespace detail {

/// "2.5.1" → {2, 5, 1}; at most three numbers. ok == false for anything else.
struct version_number {
  std::uint32_t part[3] = {0, 0, 0};
  bool ok = false;

  constexpr bool operator<=(const version_number& other) const noexcept {
    for (int i = 0; i < 3; ++i) {
      if (part[i] != other.part[i]) return part[i] < other.part[i];
    }
    return true;
  }
};

constexpr version_number parse_version_number(std::string_view text) noexcept {
  version_number v;
  std::size_t count = 0;
  bool in_number = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      if (count == 3) return {};
      const std::uint32_t digit = static_cast<std::uint32_t>(c - '0');
      if (v.part[count] > 99999) return {};  // keeps the arithmetic far from overflow
      v.part[count] = v.part[count] * 10 + digit;
      in_number = true;
    } else if (c == '.' && in_number) {
      ++count;
      in_number = false;
    } else {
      return {};
    }
  }
  if (!in_number || count == 0) return {};  // needs "major.minor" at least, no trailing '.'
  v.ok = true;
  return v;
}

constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <class>
inline constexpr bool always_false = false;

struct presorted_t {};
inline constexpr presorted_t presorted{};

/// MSH-12 as the rules read it: the first component, blanks trimmed.
constexpr std::string_view version_text(std::string_view msh12) noexcept {
  return trim(msh12.substr(0, msh12.find('^')));
}

}  // namespace detail

/// A set of versions, oldest first, and the default for an empty MSH-12. A value (a few pointers):
/// copy it freely; the version_defs it lists must outlive it (the built-ins are static).
class registry {
 public:
  static constexpr std::size_t capacity = 16;

  /// No versions: every lookup finds nothing.
  constexpr registry() noexcept = default;

  /// These versions, in any order; the first one listed is the default.
  template <class... More>
  constexpr explicit registry(const version_def& first, const More&... more) noexcept {
    static_assert(sizeof...(More) + 1 <= capacity, "a registry holds at most 16 versions");
    add(first);
    (add(more), ...);
    default_ = &first;
  }

  /// The versions of a list, in any order; `default_version` may be null (empty MSH-12 → nullptr).
  constexpr registry(std::span<const version_def* const> versions,
                     const version_def* default_version) noexcept {
    for (const version_def* v : versions) {
      if (v != nullptr && size_ < capacity) add(*v);
    }
    default_ = default_version;
  }

  /// Versions already sorted oldest first with their numbers: a registry built without reading the
  /// version_defs, so it is a constant even where they are only declared (compiled mode, types.hpp).
  constexpr registry(detail::presorted_t, std::span<const version_def* const> versions,
                     std::span<const detail::version_number> numbers,
                     const version_def* default_version) noexcept {
    for (std::size_t i = 0; i < versions.size() && i < numbers.size() && i < capacity; ++i) {
      versions_[i] = versions[i];
      numbers_[i] = numbers[i];
      ++size_;
    }
    default_ = default_version;
  }

  /// The same versions with another default (which need not be one of them: a profile's version).
  constexpr registry with_default(const version_def* default_version) const noexcept {
    registry r = *this;
    r.default_ = default_version;
    return r;
  }

  constexpr std::span<const version_def* const> versions() const noexcept {
    return {versions_.data(), size_};
  }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr const version_def* default_version() const noexcept { return default_; }
  constexpr bool contains(const version_def& v) const noexcept {
    for (std::size_t i = 0; i < size_; ++i) {
      if (versions_[i] == &v) return true;
    }
    return false;
  }

  /// The version for an MSH-12 text, by the rules at the top of this header.
  constexpr const version_def* find(std::string_view msh12) const noexcept {
    msh12 = detail::version_text(msh12);
    if (msh12.empty()) return default_;
    const detail::version_number wanted = detail::parse_version_number(msh12);
    if (!wanted.ok || wanted.part[0] != 2) return nullptr;
    if (size_ == 0) return nullptr;
    const version_def* best = versions_[0];
    for (std::size_t i = 0; i < size_; ++i) {
      if (numbers_[i] <= wanted) best = versions_[i];
    }
    return best;
  }

  /// v's definition of the segment, else the nearest later listed version's, else nullptr (Z-segments,
  /// unknown ids). v need not be listed (a profile's version): its id says which versions are later.
  constexpr const segment_def* segment(const version_def& v, std::string_view seg_id) const noexcept {
    if (const segment_def* own = v.segment(seg_id)) return own;
    const detail::version_number from = detail::parse_version_number(v.id);
    for (std::size_t i = 0; i < size_; ++i) {
      if (numbers_[i] <= from) continue;
      if (const segment_def* s = versions_[i]->segment(seg_id)) return s;
    }
    return nullptr;
  }

 private:
  constexpr void add(const version_def& v) noexcept {
    for (std::size_t i = 0; i < size_; ++i) {
      if (versions_[i] == &v) return;
    }
    const detail::version_number n = detail::parse_version_number(v.id);
    std::size_t at = size_;
    while (at > 0 && !(numbers_[at - 1] <= n)) {  // insertion: oldest first
      versions_[at] = versions_[at - 1];
      numbers_[at] = numbers_[at - 1];
      --at;
    }
    versions_[at] = &v;
    numbers_[at] = n;
    ++size_;
  }

  std::array<const version_def*, capacity> versions_{};
  std::array<detail::version_number, capacity> numbers_{};
  std::size_t size_ = 0;
  const version_def* default_ = nullptr;
};

/// Names the registry of every built-in version; complete only where defs/all.hpp is included.
struct all_versions_t;

/// builtin_registry<all_versions_t>::value is every built-in version (defs/all.hpp). Components take it
/// as the default through a template parameter, so only code that uses the default needs all.hpp.
template <class Tag>
struct builtin_registry {
  static_assert(
      detail::always_false<Tag>,
      "reading every HL7 version needs #include <hl7v2/defs/all.hpp> (hl7v2/hl7v2.hpp includes it); "
      "to pay for fewer, pass a defs::registry of the versions you include");
};

}  // namespace hl7v2::defs
