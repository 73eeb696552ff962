// Parses a message, turns it into positional JSON and back (the JSON reader is simdjson's), and
// checks both directions: exit 0 only when the package's headers and simdjson work together.
#include <hl7v2/hl7v2.hpp>

#include <cstdio>
#include <string>
#include <string_view>

int main() {
  constexpr std::string_view er7 =
      "MSH|^~\\&|APP|FAC|RCV|RFAC|20240101120000||ADT^A01|CTRL42|P|2.5.1\r"
      "PID|1||12345^^^HOSP^MR||DOE^JANE||19800101|F\r";
  hl7v2::parser parser;
  const auto msg = parser.parse(er7);
  if (!msg || msg->get("PID-5-2") != "JANE") return 1;
  hl7v2::json::converter to_json{{.layout = hl7v2::json::layout::positional}};
  std::string json;
  if (!to_json.write(*msg, json)) return 1;
  hl7v2::json::er7_from_json to_er7;
  std::string back;
  if (!to_er7.convert(json, back) || back != er7) return 1;
  std::printf("hl7v2 test_package: %.*s round-trips through JSON\n",
              static_cast<int>(msg->get("MSH-10").size()), msg->get("MSH-10").data());
  return 0;
}
