// libFuzzer target for the text layer: escape decoding/encoding, charset conversion and JSON strings on
// arbitrary bytes. Beyond "no crash, no sanitizer report" it checks the properties callers rely on:
// decoding never grows text, escape -> unescape is exact, to_utf8 output is valid UTF-8 (simdjson) and
// JSON strings parse back to their input.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hl7v2/charset.hpp"
#include "hl7v2/delimiters.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/json/writer.hpp"

#include "fuzz_check.hpp"

namespace {

hl7v2::delimiters pick_delimiters(std::uint8_t k) {
  static constexpr std::string_view headers[] = {"MSH|^~\\&|", "MSH|^~`&|", "MSH|^~\\&#|", "MSH#$*@!%#",
                                                 "MSH|^~|",    "MSH|^~\\|", "MSH|^~.&|"};
  return hl7v2::read_delimiters(headers[k % std::size(headers)]).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const hl7v2::delimiters d = pick_delimiters(control);

  // Decoding: never grows the text; a value without the escape character comes out unchanged.
  std::string decoded;
  std::string kept;
  hl7v2::unescape(text, d, decoded);
  hl7v2::unescape(text, d, kept, hl7v2::decode_options{hl7v2::formatting::keep});
  require(decoded.size() <= text.size() && kept.size() <= text.size());
  if (!hl7v2::needs_unescape(text, d)) require(decoded == text && kept == text);

  // Encoding then decoding gives back the exact bytes (when the message has an escape character).
  if (d.escape != '\0') {
    std::string escaped;
    hl7v2::escape(text, d, escaped);
    std::string back;
    hl7v2::unescape(escaped, d, back);
    require(back == text);
    back.clear();
    hl7v2::unescape(escaped, d, back, hl7v2::decode_options{hl7v2::formatting::keep});
    require(back == text);
    require(hl7v2::needs_escape(text, d) == (escaped != text));
  }

  // Charset conversion: always valid UTF-8; strict fails exactly when a lenient policy changes bytes.
  static constexpr hl7v2::charset sets[] = {
      hl7v2::charset::ascii,     hl7v2::charset::utf8,       hl7v2::charset::latin1,
      hl7v2::charset::iso8859_2, hl7v2::charset::iso8859_6,  hl7v2::charset::iso8859_7,
      hl7v2::charset::iso8859_8, hl7v2::charset::iso8859_15, hl7v2::charset::unknown};
  const hl7v2::charset cs = sets[(control >> 3) % std::size(sets)];
  static simdjson::dom::parser parser;
  for (auto policy :
       {hl7v2::invalid_bytes::replace, hl7v2::invalid_bytes::latin1, hl7v2::invalid_bytes::strict}) {
    std::string utf8 = "x";
    const auto r = hl7v2::to_utf8(decoded, cs, policy, utf8);
    if (!r) {
      require(policy == hl7v2::invalid_bytes::strict && r.error().code == hl7v2::errc::invalid_byte);
      require(r.error().offset < decoded.size() && utf8 == "x");
      continue;
    }
    require(*r == utf8.size() - 1);
    require(simdjson::validate_utf8(utf8.data(), utf8.size()));

    // The JSON string of it parses back to the same text.
    std::string json;
    hl7v2::write_json_string(utf8, json);
    simdjson::padded_string padded(json);
    std::string_view parsed;
    require(parser.parse(padded).get_string().get(parsed) == simdjson::SUCCESS);
    require(parsed == utf8);
  }
  return 0;
}
