#include "hl7v2/validate/primitives.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string_view>

using namespace hl7v2::validate;

TEST_CASE("NM accepts HL7 numbers and rejects anything else") {
  for (std::string_view ok :
       {"0", "7.2", "-1", "+5", "007", "5.", ".5", "-0.25", "123456789012345678901234567890"}) {
    INFO(ok);
    CHECK(is_valid_nm(ok));
  }
  for (std::string_view bad : {"", "+", "-", ".", "1.2.3", "1e5", " 1", "1 ", "abc", "1,5", "--1", "0x10"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_nm(bad));
  }
}

TEST_CASE("SI is a non-negative integer") {
  CHECK(is_valid_si("1"));
  CHECK(is_valid_si("0042"));
  CHECK_FALSE(is_valid_si(""));
  CHECK_FALSE(is_valid_si("-1"));
  CHECK_FALSE(is_valid_si("1.0"));
  CHECK_FALSE(is_valid_si("x"));
}

TEST_CASE("DT: YYYY[MM[DD]] with real calendar days") {
  for (std::string_view ok : {"2025", "202501", "20250131", "20240229", "20000229", "19991231"}) {
    INFO(ok);
    CHECK(is_valid_dt(ok));
  }
  for (std::string_view bad : {"", "25", "20251", "2025013", "202513", "202500", "20250132", "20250230",
                               "20230229", "19000229", "2025-01-01", "20250101120000", "2O25"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_dt(bad));
  }
}

TEST_CASE("TM: HH[MM[SS[.S-SSSS]]][+/-ZZZZ]") {
  for (std::string_view ok :
       {"00", "23", "2359", "235959", "235959.1", "235959.1234", "1230+0100", "12-0500", "120000.5-0330"}) {
    INFO(ok);
    CHECK(is_valid_tm(ok));
  }
  for (std::string_view bad :
       {"", "1", "24", "2360", "235960", "123", "12345", "1200.5", "120000.", "120000.12345", "1200+01",
        "1200+2400", "1200+0160", "12:00", "1200+0100+0100"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_tm(bad));
  }
}

TEST_CASE("DTM: date, then optional time and offset, reduced precision allowed") {
  for (std::string_view ok :
       {"2025", "202503", "20250301", "2025030108", "202503010830", "20250301083000", "20250301083000.1234",
        "20250301083000-0500", "202503010830+0000", "20250301+0100"}) {
    INFO(ok);
    CHECK(is_valid_dtm(ok));
  }
  for (std::string_view bad : {"", "202", "20250230", "2025030124", "202503010860", "20250301083061",
                               "2025030108300", "20250301083000.", "20250301083000.12345", "2025.5",
                               "20250301083000-05", "2025-03-01T08:30", "20250301 0830"}) {
    INFO(bad);
    CHECK_FALSE(is_valid_dtm(bad));
  }
}

TEST_CASE("primitive_of maps type ids; unknown types are not checked") {
  STATIC_REQUIRE(primitive_of("NM") == primitive::nm);
  STATIC_REQUIRE(primitive_of("TS") == primitive::dtm);
  STATIC_REQUIRE(primitive_of("DTM") == primitive::dtm);
  STATIC_REQUIRE(primitive_of("ST") == primitive::none);
  CHECK(is_valid(primitive::none, "anything"));
  CHECK_FALSE(is_valid(primitive::dt, "2025133"));
  STATIC_REQUIRE(is_valid_dtm("20250301083000-0500"));  // usable at compile time
}
