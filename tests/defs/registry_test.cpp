// all.hpp and registry.hpp: the version chosen from MSH-12, and the later-version fallback for segments.
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

// registry.hpp: the same rules inside a set the program chooses.
namespace {
constexpr registry old_and_251{v2_3, v2_5_1};
constexpr registry only_251{v2_5_1};
}  // namespace

static_assert(old_and_251.size() == 2 && old_and_251.default_version() == &v2_3);
static_assert(old_and_251.find("2.9") == &v2_5_1);
static_assert(only_251.segment(v2_5_1, "PRT") == nullptr);  // 2.7's PRT is not in the set

TEST_CASE("registry: versions sorted oldest first whatever the order given; the first is the default",
          "[defs][registry]") {
  constexpr registry r{v2_6, v2_3, v2_5_1, v2_3};  // a duplicate is listed once
  REQUIRE(r.size() == 3);
  CHECK(r.versions()[0] == &v2_3);
  CHECK(r.versions()[1] == &v2_5_1);
  CHECK(r.versions()[2] == &v2_6);
  CHECK(r.default_version() == &v2_6);
  CHECK(r.contains(v2_5_1));
  CHECK_FALSE(r.contains(v2_4));
  CHECK(r.with_default(&v2_3).default_version() == &v2_3);
  CHECK(r.with_default(&v2_3).size() == 3);
}

TEST_CASE("registry: MSH-12 maps to the nearest version not newer, within the set", "[defs][registry]") {
  CHECK(old_and_251.find("2.3") == &v2_3);
  CHECK(old_and_251.find("2.4") == &v2_3);  // all.hpp would say 2.4: not in this set
  CHECK(old_and_251.find("2.5") == &v2_3);  // 2.5 is older than 2.5.1
  CHECK(old_and_251.find("2.5.1") == &v2_5_1);
  CHECK(old_and_251.find("2.7.1") == &v2_5_1);
  CHECK(old_and_251.find("2.9") == &v2_5_1);  // beyond the newest: the newest listed
  CHECK(old_and_251.find("2.1") == &v2_3);    // older than every listed: the oldest
  CHECK(old_and_251.find("") == &v2_3);       // empty: the default (the first given)
  CHECK(old_and_251.find(" 2.5.1^HL7 ") == &v2_5_1);
  CHECK(old_and_251.find("junk") == nullptr);
  CHECK(old_and_251.find("3.0") == nullptr);
  CHECK(only_251.find("2.1") == &v2_5_1);
  CHECK(registry{}.find("2.5.1") == nullptr);
  CHECK(registry{}.find("") == nullptr);
  CHECK(registry{}.segment(v2_5_1, "PID") == v2_5_1.segment("PID"));  // a version's own segments
}

TEST_CASE("registry: a segment the version lacks comes from the nearest LATER listed version",
          "[defs][registry]") {
  constexpr registry r{v2_1, v2_3, v2_5, v2_7};
  CHECK(r.segment(v2_1, "PD1") == v2_3.segment("PD1"));
  CHECK(r.segment(v2_3, "SFT") == v2_5.segment("SFT"));
  CHECK(r.segment(v2_4, "SFT") == v2_5.segment("SFT"));  // v need not be listed: its id orders it
  CHECK(r.segment(v2_5_1, "PRT") == v2_7.segment("PRT"));
  CHECK(r.segment(v2_5_1, "SFT") == v2_5_1.segment("SFT"));     // its own first
  CHECK(registry{v2_1, v2_3}.segment(v2_3, "SFT") == nullptr);  // only older versions: none
  CHECK(registry{v2_8, v2_3}.segment(v2_5_1, "PD1") == v2_5_1.segment("PD1"));
  CHECK(r.segment(v2_5, "ZPI") == nullptr);
}

TEST_CASE("all_versions_registry is every built-in version, default 2.5.1", "[defs][registry]") {
  CHECK(all_versions_registry.size() == all_versions().size());
  for (std::size_t i = 0; i < all_versions().size(); ++i)
    CHECK(all_versions_registry.versions()[i] == all_versions()[i]);
  CHECK(all_versions_registry.default_version() == &v2_5_1);
  CHECK(all_versions_registry.find("") == &v2_5_1);
  CHECK(&builtin_registry<all_versions_t>::value == &all_versions_registry);
}
