#include <catch2/catch_test_macros.hpp>

#include "hl7v2/delimiters.hpp"

using hl7v2::errc;
using hl7v2::read_delimiters;

// Compile-time proof that reading delimiters is usable in constant expressions.
static_assert(read_delimiters("MSH|^~\\&|").value() == hl7v2::delimiters{});

TEST_CASE("standard encoding characters") {
  auto d = read_delimiters("MSH|^~\\&|SENDER");
  REQUIRE(d);
  CHECK(d->field == '|');
  CHECK(d->component == '^');
  CHECK(d->repetition == '~');
  CHECK(d->escape == '\\');
  CHECK(d->subcomponent == '&');
  CHECK(d->truncation == '\0');
}

TEST_CASE("unusual but valid delimiter sets") {
  SECTION("backtick escape: backslash is then plain text") {
    auto d = read_delimiters("MSH|^~`&|");
    REQUIRE(d);
    CHECK(d->escape == '`');
    CHECK_FALSE(d->is_structural('\\'));
  }
  SECTION("entirely different separators") {
    auto d = read_delimiters("MSH#$*@!#");
    REQUIRE(d);
    CHECK(d->field == '#');
    CHECK(d->component == '$');
    CHECK(d->repetition == '*');
    CHECK(d->escape == '@');
    CHECK(d->subcomponent == '!');
  }
  SECTION("2.7 truncation character") {
    auto d = read_delimiters("MSH|^~\\&#|");
    REQUIRE(d);
    CHECK(d->truncation == '#');
  }
  SECTION("only component and repetition declared") {
    auto d = read_delimiters("MSH|^~|");
    REQUIRE(d);
    CHECK(d->escape == '\0');
    CHECK(d->subcomponent == '\0');
    CHECK_FALSE(d->is_structural('&'));
  }
  SECTION("MSH-2 ends the segment") {
    auto d = read_delimiters("MSH|^~\\&\rPID|");
    REQUIRE(d);
    CHECK(d->subcomponent == '&');
  }
  SECTION("batch headers define their own") {
    auto d = read_delimiters("FHS|^~\\&|");
    REQUIRE(d);
    CHECK(d->component == '^');
  }
}

TEST_CASE("invalid delimiter sets are rejected with a position") {
  CHECK(read_delimiters("MSH").error().code == errc::bare_header);
  CHECK(read_delimiters("MSHA^~\\&").error().code == errc::bad_field_separator);
  CHECK(read_delimiters("MSH\r").error().code == errc::bad_field_separator);
  CHECK(read_delimiters("MSH|^|").error().code == errc::encoding_too_short);
  CHECK(read_delimiters("MSH||").error().code == errc::encoding_too_short);
  CHECK(read_delimiters("MSH|^~\\&#$|").error().code == errc::encoding_too_long);
  auto dup = read_delimiters("MSH|^~\\^|");
  CHECK(dup.error().code == errc::duplicate_delimiter);
  CHECK(dup.error().offset == 7);
  CHECK(dup.error().field == 2);
  CHECK(read_delimiters("MSH|^~\\|").value().escape == '\\');  // 3 characters: no subcomponent
  CHECK(read_delimiters("MSH|^A\\&|").error().code == errc::bad_delimiter);
  CHECK(read_delimiters(std::string_view("MSH|^\0\\&|", 9)).error().code == errc::bad_delimiter);
}

TEST_CASE("encoding characters are written back in order") {
  std::array<char, 5> storage{};
  CHECK(hl7v2::delimiters{}.encoding_characters(storage) == "^~\\&");
  auto d = read_delimiters("MSH|^~\\&#|").value();
  CHECK(d.encoding_characters(storage) == "^~\\&#");
}
