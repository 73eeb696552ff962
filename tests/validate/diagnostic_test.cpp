// Tests for include/hl7v2/validate/diagnostic.hpp: the code and severity tables (the names are a
// stable contract of the JSON output), paths and expectations in words.
#include "hl7v2/validate/diagnostic.hpp"

#include <catch2/catch_test_macros.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace hl7v2::validate;

TEST_CASE("every validation code has one row; the names are the JSON contract") {
  // The names users' queries and ACK consumers depend on: they may be added to, never changed.
  const std::vector<std::string_view> published = {"required_missing",   "too_many_repetitions",
                                                   "too_long",           "bad_number",
                                                   "bad_sequence_id",    "bad_date",
                                                   "bad_time",           "bad_datetime",
                                                   "not_in_table",       "unknown_segment",
                                                   "z_segment",          "extra_field",
                                                   "unexpected_segment", "out_of_order",
                                                   "too_many_segments",  "missing_segment",
                                                   "unknown_structure"};
  REQUIRE(code_table.size() >= published.size());
  for (std::size_t i = 0; i < published.size(); ++i) CHECK(code_table[i].name == published[i]);
  std::set<std::string_view> names;
  for (const code_row& row : code_table) {
    INFO(row.name);
    CHECK(name(row.code) == row.name);
    CHECK(describe(row.code) == row.description);
    CHECK(hl7_error_code(row.code) == row.hl7_error_code);
    CHECK(names.insert(row.name).second);
    const std::set<std::string_view> conditions{"100", "101", "102", "103", "200"};
    CHECK(conditions.count(row.hl7_error_code) == 1);
  }
  CHECK(name(static_cast<code>(250)) == "unknown");
}

TEST_CASE("HL7 error conditions (table 0357) by kind of finding") {
  CHECK(hl7_error_code(code::required_missing) == "101");
  for (const code c : {code::bad_number, code::bad_sequence_id, code::bad_date, code::bad_time,
                       code::bad_datetime, code::too_long, code::too_many_repetitions, code::extra_field}) {
    CHECK(hl7_error_code(c) == "102");
  }
  CHECK(hl7_error_code(code::not_in_table) == "103");
  CHECK(hl7_error_code(code::unknown_structure) == "200");
  for (const code c : {code::unknown_segment, code::z_segment, code::unexpected_segment, code::out_of_order,
                       code::too_many_segments, code::missing_segment}) {
    CHECK(hl7_error_code(c) == "100");
  }
}

TEST_CASE("severities have stable names") {
  CHECK(name(severity::info) == "info");
  CHECK(name(severity::warning) == "warning");
  CHECK(name(severity::error) == "error");
  CHECK(severity_table.size() == 3);
}

TEST_CASE("paths and expectations in words") {
  location at;
  at.segment_id = {'O', 'B', 'X', '\0'};
  at.segment_id_size = 3;
  at.occurrence = 2;
  at.field = 5;
  at.repetition = 3;
  at.component = 1;
  CHECK(at.path() == "OBX(2)-5(3)-1");
  at.occurrence = 1;
  at.repetition = 1;
  at.subcomponent = 2;
  CHECK(at.path() == "OBX-5-1-2");
  diagnostic d;
  d.expect = expectation::table;
  d.number = 1;
  CHECK(d.expectation_text() == "table 0001");
  d.expect = expectation::max_repetitions;
  CHECK(d.expectation_text() == "at most 1 repetition");
  d.number = 3;
  CHECK(d.expectation_text() == "at most 3 repetitions");
}
