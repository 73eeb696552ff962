// all.hpp: the version chosen from MSH-12, and the later-version fallback for segments.
#include <catch2/catch_test_macros.hpp>

#include "hl7v2/defs/all.hpp"

using namespace hl7v2::defs;

static_assert(find_version("2.5.1", nullptr) == &v2_5_1);
static_assert(find_version("2.9", nullptr) == &v2_8);
static_assert(find_segment_with_fallback(v2_3, "SFT") == v2_5.segment("SFT"));

TEST_CASE("find_version: exact versions", "[defs][registry]") {
  for (const version_def* v : all_versions()) CHECK(find_version(v->id, nullptr) == v);
  CHECK(all_versions().size() == 11);
  CHECK(all_versions().front() == &v2_1);
  CHECK(all_versions().back() == &v2_8);
}

TEST_CASE("find_version: unknown or later versions map to the newest not newer", "[defs][registry]") {
  CHECK(find_version("2.8.2", nullptr) == &v2_8);
  CHECK(find_version("2.9", nullptr) == &v2_8);
  CHECK(find_version("2.10", nullptr) == &v2_8);
  CHECK(find_version("2.5.2", nullptr) == &v2_5_1);
  CHECK(find_version("2.3.2", nullptr) == &v2_3_1);
  CHECK(find_version("2.6.1", nullptr) == &v2_6);
  CHECK(find_version("2.7.0", nullptr) == &v2_7);
  CHECK(find_version("2.0", nullptr) == &v2_1);
  CHECK(find_version(" 2.4 ", nullptr) == &v2_4);
  CHECK(find_version("2.5.1^HL7^...", nullptr) == &v2_5_1);  // MSH-12 with components
}

TEST_CASE("find_version: empty uses the default, garbage gives nullptr", "[defs][registry]") {
  CHECK(find_version("", &v2_5_1) == &v2_5_1);
  CHECK(find_version("  ", &v2_3) == &v2_3);
  CHECK(find_version("", nullptr) == nullptr);
  for (const char* bad :
       {"abc", "2", "3.0", "1.9", "2.", ".5", "2..5", "2.5.1.1", "2.5a", "v2.5", "99999999999.1"}) {
    INFO(bad);
    CHECK(find_version(bad, &v2_5_1) == nullptr);
  }
}

TEST_CASE("find_segment_with_fallback", "[defs][registry]") {
  CHECK(find_segment_with_fallback(v2_5_1, "PID") == v2_5_1.segment("PID"));
  // PD1 is not in 2.1 or 2.2; the nearest later version that has it is 2.3.
  CHECK(find_segment_with_fallback(v2_1, "PD1") == v2_3.segment("PD1"));
  CHECK(find_segment_with_fallback(v2_4, "SFT") == v2_5.segment("SFT"));
  CHECK(find_segment_with_fallback(v2_5_1, "PRT") == v2_7.segment("PRT"));
  CHECK(find_segment_with_fallback(v2_8, "PRT") == v2_8.segment("PRT"));
  CHECK(find_segment_with_fallback(v2_5_1, "ZPI") == nullptr);
  CHECK(find_segment_with_fallback(v2_5_1, "") == nullptr);
  CHECK(find_segment_with_fallback(v2_5_1, "TOOLONG") == nullptr);
}
