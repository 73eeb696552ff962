#pragma once
// The JSON key rule: how a description from the standard ("Patient's Name") becomes the key a
// named JSON emitter writes ("patients_name").
//
// The generator (cmake/defs/generate.mjs, jsonKey) applies the same rule to the built-in
// definitions; profiles use this one for fields that give no key of their own. The tests check
// the two agree on every generated key.
//
// Rule:
//   1. ASCII letters are lowercased, ASCII letters and digits are kept;
//   2. apostrophes (' and the UTF-8 right single quote U+2019) are dropped;
//   3. every run of any other bytes becomes a single '_', and '_' is trimmed at both ends;
//   4. a key that starts with a digit gets the prefix "n_" ("1st Name" → "n_1st_name");
//   5. an empty result takes the caller's fallback ("field_<position>" for the built-ins).
// Keys that collide inside one segment or data type are resolved by the caller: the built-ins
// keep the first (lowest position) and append "_<position>" to every later one.

#include <string>
#include <string_view>

namespace hl7v2::defs {

inline constexpr std::string_view leading_digit_prefix = "n_";

inline std::string make_json_key(std::string_view description, std::string_view fallback = {}) {
  constexpr std::string_view right_single_quote = "\xE2\x80\x99";
  std::string key;
  key.reserve(description.size() + leading_digit_prefix.size());
  bool pending_separator = false;
  for (std::size_t i = 0; i < description.size(); ++i) {
    const char c = description[i];
    if (c == '\'') continue;
    if (description.substr(i, right_single_quote.size()) == right_single_quote) {
      i += right_single_quote.size() - 1;
      continue;
    }
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    if (!(lower || upper || digit)) {
      pending_separator = true;
      continue;
    }
    if (pending_separator && !key.empty()) key += '_';
    pending_separator = false;
    key += upper ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (key.empty()) return std::string(fallback);
  if (key[0] >= '0' && key[0] <= '9') key.insert(0, leading_digit_prefix);
  return key;
}

}  // namespace hl7v2::defs
