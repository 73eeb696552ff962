#include "hl7v2/json/typed_values.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <string>
#include <string_view>

namespace {
using namespace hl7v2::json;

std::string nm(std::string_view in) {
  char buf[64];
  return std::string(buf, nm_to_json(in, buf));
}
std::string si(std::string_view in) {
  char buf[64];
  return std::string(buf, si_to_json(in, buf));
}
std::string iso(std::string_view in) {
  char buf[64];
  return std::string(buf, dtm_to_iso(in, buf));
}
std::string dtm(std::string_view in) {
  char buf[64];
  return std::string(buf, iso_to_dtm(in, buf));
}
}  // namespace

TEST_CASE("NM normalizes HL7 numbers into JSON number text") {
  CHECK(nm("5") == "5");
  CHECK(nm("+5") == "5");
  CHECK(nm("007") == "7");
  CHECK(nm("5.") == "5");
  CHECK(nm(".5") == "0.5");
  CHECK(nm("-.5") == "-0.5");
  CHECK(nm("-0.50") == "-0.50");
  CHECK(nm(" 12.25 ") == "12.25");
  CHECK(nm("0") == "0");
  CHECK(nm("000.010") == "0.010");
}

TEST_CASE("NM rejects what is not a number") {
  CHECK(nm("123456789012345.5") == "123456789012345.5");
  for (std::string_view bad : {"", ".", "+", "-", "1e5", "1.2.3", "12a", "--1", "1 2", "0x10", "+-1",
                               "1234567890123456", "202503010830611111111"}) {
    INFO(bad);
    CHECK(nm(bad).empty());
  }
}

TEST_CASE("SI gives integers only") {
  CHECK(si("1") == "1");
  CHECK(si("0012") == "12");
  CHECK(si("0") == "0");
  CHECK(si("").empty());
  CHECK(si("-1").empty());
  CHECK(si("1.0").empty());
  CHECK(si("1234567890123456789").empty());  // 19 digits: beyond what every reader holds
  CHECK(si("123456789012345678") == "123456789012345678");
}

TEST_CASE("DT/DTM/TS become ISO 8601 keeping precision and offset") {
  CHECK(iso("2026") == "2026");
  CHECK(iso("202601") == "2026-01");
  CHECK(iso("20260126") == "2026-01-26");
  CHECK(iso("2026012615") == "2026-01-26T15");
  CHECK(iso("202601261530") == "2026-01-26T15:30");
  CHECK(iso("20260126153045") == "2026-01-26T15:30:45");
  CHECK(iso("20260126153045.1234-0500") == "2026-01-26T15:30:45.1234-05:00");
  CHECK(iso("20260126153045.1") == "2026-01-26T15:30:45.1");
  CHECK(iso("202601261530+0130") == "2026-01-26T15:30+01:30");
}

TEST_CASE("dates that do not parse stay strings") {
  for (std::string_view bad : {"",
                               "20",
                               "202",
                               "20261",
                               "2026130",
                               "20261301",
                               "20260100",
                               "20260132",
                               "2026012625",
                               "202601261560",
                               "20260126153061",
                               "20260126153045.",
                               "20260126153045.12345",
                               "202601261530.5",
                               "20260126-0500",
                               "2026012615-05",
                               "2026012615+0560",
                               "2026-01-26",
                               "2026012a",
                               "20260126153045-0500x"}) {
    INFO(bad);
    CHECK(iso(bad).empty());
  }
}

TEST_CASE("ISO 8601 text goes back to HL7 DTM exactly") {
  auto input =
      GENERATE(as<std::string_view>{}, "2026", "202601", "20260126", "2026012615", "202601261530",
               "20260126153045", "20260126153045.1234-0500", "202601261530+0130", "20260126153045.9");
  const std::string text = iso(input);
  REQUIRE_FALSE(text.empty());
  CHECK(dtm(text) == input);
}

TEST_CASE("iso_to_dtm refuses other text") {
  for (std::string_view bad :
       {"", "26", "2026-1", "2026-01-26T", "2026-01-26 15:30", "2026-01-26+05:00", "2026-01-26T15:30:45.",
        "2026-01-26T15:30.5", "hello", "2026-01-26T15:30+0500"}) {
    INFO(bad);
    CHECK(dtm(bad).empty());
  }
}

TEST_CASE("kind_of_type maps HL7 type ids") {
  CHECK(kind_of_type("NM") == value_kind::number);
  CHECK(kind_of_type("SI") == value_kind::integer);
  CHECK(kind_of_type("DTM") == value_kind::datetime);
  CHECK(kind_of_type("DT") == value_kind::datetime);
  CHECK(kind_of_type("TS") == value_kind::datetime);
  CHECK(kind_of_type("ST") == value_kind::text);
}
