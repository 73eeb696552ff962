// Tests for include/hl7v2/error.hpp and vocabulary.hpp: the errc table (one row per code, names and
// descriptions derived from it), the completeness checks, and result<T, E>.
#include "hl7v2/error.hpp"

#include <catch2/catch_test_macros.hpp>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace {

enum class colour : std::uint8_t { red, green, blue };

constexpr auto colours = std::to_array<hl7v2::code_info<colour>>({
    {colour::red, "red", "the colour red"},
    {colour::green, "green", "the colour green"},
    {colour::blue, "blue", "the colour blue"},
});
constexpr auto colours_missing_blue = std::to_array<hl7v2::code_info<colour>>({
    {colour::red, "red", "the colour red"},
    {colour::green, "green", "the colour green"},
});
constexpr auto colours_out_of_order = std::to_array<hl7v2::code_info<colour>>({
    {colour::green, "green", "the colour green"},
    {colour::red, "red", "the colour red"},
    {colour::blue, "blue", "the colour blue"},
});
constexpr auto colours_same_name = std::to_array<hl7v2::code_info<colour>>({
    {colour::red, "red", "the colour red"},
    {colour::green, "red", "the colour green"},
    {colour::blue, "blue", "the colour blue"},
});

// The checks a vocabulary's static_assert relies on reject what they must.
static_assert(hl7v2::detail::is_complete_table<colours>());
static_assert(!hl7v2::detail::is_complete_table<colours_missing_blue>());
static_assert(!hl7v2::detail::is_complete_table<colours_out_of_order>());
static_assert(!hl7v2::detail::is_complete_table<colours_same_name>());
static_assert(hl7v2::detail::names_an_enumerator<colour::blue>());
static_assert(!hl7v2::detail::names_an_enumerator<static_cast<colour>(3)>());
static_assert(hl7v2::detail::row_of(colours, colour::green)->name == "green");
static_assert(hl7v2::detail::row_of(colours, static_cast<colour>(7)) == nullptr);

// Usable at compile time.
static_assert(hl7v2::name(hl7v2::errc::bad_segment_id) == "bad_segment_id");
static_assert(hl7v2::describe(hl7v2::errc::message_too_large) == "message exceeds the size limit");

struct rich_error {
  int code = 0;
  std::string where;
};

}  // namespace

TEST_CASE("every errc has one row: its name is the enumerator's, its description is short and static") {
  std::set<std::string_view> names;
  for (const auto& row : hl7v2::errc_table) {
    INFO(row.name);
    CHECK(hl7v2::name(row.code) == row.name);
    CHECK(hl7v2::describe(row.code) == row.description);
    CHECK(hl7v2::error{row.code}.what() == row.description);
    CHECK(names.insert(row.name).second);
    CHECK(row.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos);
    CHECK(!row.description.empty());
    CHECK(row.description.size() < 80);
  }
  CHECK(hl7v2::errc_table.front().code == hl7v2::errc::ok);
  CHECK(hl7v2::errc_table.back().code == hl7v2::errc::validation_failed);
  // A value outside the enumeration still gets a text.
  CHECK(hl7v2::name(static_cast<hl7v2::errc>(200)) == "unknown");
  CHECK(hl7v2::describe(static_cast<hl7v2::errc>(200)) == "unknown error");
}

TEST_CASE("result holds a value or an error of its error type") {
  const hl7v2::result<int> ok = 7;
  CHECK(ok);
  CHECK(*ok == 7);
  const hl7v2::result<int> bad = hl7v2::error{hl7v2::errc::bad_path, 3, 0, 0};
  CHECK_FALSE(bad);
  CHECK(bad.error().code == hl7v2::errc::bad_path);
  CHECK(bad.error().offset == 3);
  CHECK(*bad == 0);  // an error result holds T{}

  const hl7v2::result<std::string, rich_error> value = std::string("x");
  CHECK(value);
  CHECK(*value == "x");
  const hl7v2::result<std::string, rich_error> failed = rich_error{4, "segments.ZPI"};
  CHECK_FALSE(failed);
  CHECK(failed.error().code == 4);
  CHECK(failed.error().where == "segments.ZPI");
  CHECK(failed->empty());
}
