// The views: positions, sizes, absent parts, iteration, lookups, header accessors.
#include "hl7v2/message.hpp"

#include <catch2/catch_test_macros.hpp>

#include <string>
#include <type_traits>
#include <vector>

#include "hl7v2/parser.hpp"

static_assert(std::is_trivially_copyable_v<hl7v2::message>);
static_assert(std::is_trivially_copyable_v<hl7v2::segment>);
static_assert(std::is_trivially_copyable_v<hl7v2::field>);
static_assert(std::is_trivially_copyable_v<hl7v2::repetition>);
static_assert(std::is_trivially_copyable_v<hl7v2::component>);
static_assert(std::is_trivially_copyable_v<hl7v2::subcomponent>);
static_assert(std::forward_iterator<hl7v2::segment_range::iterator>);
static_assert(std::forward_iterator<hl7v2::segment_field_iterator>);
static_assert(std::forward_iterator<decltype(hl7v2::field{}.begin())>);

namespace {

const std::string text =
    "MSH|^~\\&|LAB|RIVER|LAKE|RIVER|20250301||ORU^R01^ORU_R01|CTRL42|P|2.5.1^^HL70104|||AL|NE||UNICODE "
    "UTF-8~8859/1\r"
    "PID|1||A1^^^H^MR~B2&x&y^^^SSA^SS||DOE^JANE^^^^||19700101|F|||\"\"\r"
    "OBX|1|NM|718-7^Hb^LN||11.1|g/dL\r"
    "NTE|1\r"
    "OBX|2|ST|5909-7^Smear^LN||see note\r"
    "OBX|3|ST|x||y|\r";

}  // namespace

TEST_CASE("MSH numbering: MSH-1 is the separator, MSH-2 is not split", "[message]") {
  hl7v2::parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  const hl7v2::segment msh = (*m)[1];
  CHECK(msh.id() == "MSH");
  CHECK(msh.is_header());
  CHECK(msh.size() == 18);
  CHECK(msh[1].raw() == "|");
  CHECK(msh[1].size() == 1);
  CHECK(msh[2].raw() == "^~\\&");
  CHECK(msh[2].size() == 1);        // '~' inside MSH-2 is not a repetition separator
  CHECK(msh[2][1].size() == 1);     // nor '^' a component separator
  CHECK(msh[2][1][1].size() == 1);  // nor '&' a subcomponent separator
  CHECK(msh[2][1][1][1].raw() == "^~\\&");
  CHECK(msh[3].raw() == "LAB");
  CHECK(msh[9].raw() == "ORU^R01^ORU_R01");
  CHECK(msh[9][1][2].raw() == "R01");
  CHECK(msh[18].size() == 2);
  CHECK(m->get("MSH-1") == "|");
  CHECK(m->get("MSH-2") == "^~\\&");
}

TEST_CASE("header accessors", "[message]") {
  hl7v2::parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  CHECK(m->message_type() == "ORU");
  CHECK(m->trigger_event() == "R01");
  CHECK(m->structure_id() == "ORU_R01");
  CHECK(m->control_id() == "CTRL42");
  CHECK(m->version_id() == "2.5.1");
  CHECK(m->charset_name() == "UNICODE UTF-8");
  auto bare = p.parse("MSH|^~\\&|A\r");
  REQUIRE(bare);
  CHECK(bare->message_type().empty());
  CHECK(bare->version_id().empty());
  CHECK(bare->charset_name().empty());
}

TEST_CASE("fields, repetitions, components, subcomponents", "[message]") {
  hl7v2::parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  const hl7v2::segment pid = m->find("PID");
  CHECK(pid.index() == 2);
  CHECK(pid.size() == 11);
  CHECK(pid[1].raw() == "1");
  CHECK(pid[2].empty());
  CHECK(pid[2].size() == 0);
  const hl7v2::field ids = pid[3];
  CHECK(ids.size() == 2);
  CHECK(ids[1].raw() == "A1^^^H^MR");
  CHECK(ids[1].size() == 5);
  CHECK(ids[1][2].empty());
  CHECK(ids[1][2].size() == 0);
  CHECK(ids[1][5].raw() == "MR");
  CHECK(ids[2][1].raw() == "B2&x&y");
  CHECK(ids[2][1].size() == 3);
  CHECK(ids[2][1][3].raw() == "y");
  CHECK(ids.component_at(4).raw() == "H");
  CHECK(pid[5][1].size() == 6);  // "DOE^JANE^^^^": trailing empty components count
  CHECK(pid[11].is_null());
  CHECK_FALSE(pid[11].empty());
  CHECK_FALSE(pid[1].is_null());
}

TEST_CASE("absent positions are empty views", "[message]") {
  hl7v2::parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  CHECK((*m)[0].empty());
  CHECK((*m)[7].empty());
  CHECK((*m)[7].id().empty());
  CHECK((*m)[7].size() == 0);
  CHECK((*m)[7][1].empty());
  CHECK((*m)[7].raw().empty());
  const hl7v2::segment pid = (*m)[2];
  CHECK(pid[0].empty());
  CHECK(pid[12].empty());
  CHECK(pid[99999].empty());
  CHECK(pid[3][0].empty());
  CHECK(pid[3][3].empty());
  CHECK(pid[3][1][0].empty());
  CHECK(pid[3][1][6].empty());
  CHECK(pid[3][2][1][0].empty());
  CHECK(pid[3][2][1][4].empty());
  const hl7v2::segment none = m->find("ZZZ");
  CHECK(none.empty());
  CHECK(none.begin() == none.end());
  hl7v2::message empty;
  CHECK(empty.size() == 0);
  CHECK(empty[1].empty());
  CHECK(empty.segments().begin() == empty.segments().end());
  CHECK(empty.get("PID-3").empty());
  CHECK(empty.message_type().empty());
}

TEST_CASE("range-for at every level visits every part in order", "[message]") {
  hl7v2::parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  std::vector<std::string> seen;
  for (hl7v2::field f : (*m)[2]) seen.emplace_back(f.raw());
  CHECK(seen == std::vector<std::string>{"1", "", "A1^^^H^MR~B2&x&y^^^SSA^SS", "", "DOE^JANE^^^^", "",
                                         "19700101", "F", "", "", "\"\""});
  seen.clear();
  for (hl7v2::repetition r : (*m)[2][3]) seen.emplace_back(r.raw());
  CHECK(seen == std::vector<std::string>{"A1^^^H^MR", "B2&x&y^^^SSA^SS"});
  seen.clear();
  for (hl7v2::component c : (*m)[2][3][1]) seen.emplace_back(c.raw());
  CHECK(seen == std::vector<std::string>{"A1", "", "", "H", "MR"});
  seen.clear();
  for (hl7v2::subcomponent s : (*m)[2][3][2][1]) seen.emplace_back(s.raw());
  CHECK(seen == std::vector<std::string>{"B2", "x", "y"});
  seen.clear();
  for (hl7v2::repetition r : (*m)[2][2]) seen.emplace_back(r.raw());  // empty field: no repetitions
  CHECK(seen.empty());
  // The iterator knows the field position.
  std::size_t last = 0;
  for (auto it = (*m)[2].begin(); it != (*m)[2].end(); ++it) last = it.position();
  CHECK(last == 11);
}

TEST_CASE("segments(id) and find", "[message]") {
  hl7v2::parser p;
  auto m = p.parse(text);
  REQUIRE(m);
  std::vector<std::size_t> obx;
  for (hl7v2::segment s : m->segments("OBX")) obx.push_back(s.index());
  CHECK(obx == std::vector<std::size_t>{3, 5, 6});
  CHECK(m->find("OBX", 2)[5].raw() == "see note");
  CHECK(m->find("OBX", 3)[6].empty());
  CHECK(m->find("OBX", 3).size() == 6);
  CHECK(m->find("OBX", 4).empty());
  CHECK(m->find("OBX", 0).empty());
  CHECK(m->segments("OB").begin() == m->segments("OB").end());
  CHECK(m->segments("OBXX").begin() == m->segments("OBXX").end());
  std::size_t all = 0;
  for (hl7v2::segment s : m->segments()) all += s.index();
  CHECK(all == 1 + 2 + 3 + 4 + 5 + 6);
  // A range taken from a temporary result stays usable.
  std::size_t n = 0;
  for (hl7v2::segment s : p.parse(text)->segments("NTE")) n += s.size();
  CHECK(n == 1);
}

TEST_CASE("undeclared delimiters do not split", "[message]") {
  hl7v2::parser p;
  auto m = p.parse("MSH|^~|A\rPID|a&b\\c^d~e\r");  // no escape, no subcomponent character
  REQUIRE(m);
  CHECK(m->delims().subcomponent == '\0');
  CHECK(m->get("PID-1-1") == "a&b\\c");
  CHECK((*m)[2][1][1][1].size() == 1);
  CHECK((*m)[2][1][1][1][1].raw() == "a&b\\c");
  CHECK(m->get("PID-1(2)") == "e");
}

TEST_CASE("a later MSH segment is numbered like the first", "[message]") {
  hl7v2::parser p;
  auto m = p.parse("MSH|^~\\&|A\rMSH|^~\\&|B|C\rMSH\r");
  REQUIRE(m);
  CHECK((*m)[2][3].raw() == "B");
  CHECK((*m)[2].size() == 4);
  CHECK(m->get("MSH(2)-4") == "C");
  CHECK_FALSE((*m)[3].is_header());  // no separator: nothing to number
  CHECK((*m)[3].size() == 0);
  CHECK((*m)[3][1].empty());
}

TEST_CASE("splitting agrees with a naive split at every length and position", "[message]") {
  // Covers the byte loop, the 8-byte register search and the memchr path for long parts.
  for (std::size_t len = 0; len < 150; ++len) {
    for (std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9},
                           std::size_t{63}, std::size_t{64}, std::size_t{65}, len / 2, len + 100}) {
      std::string s(len, 'x');
      if (at < len) s[at] = '^';
      if (len > 3) s[len - 1] = '^';
      const hl7v2::repetition r{s, {'~', '^', '&'}};
      std::vector<std::string> naive{""};
      for (char c : s) {
        if (c == '^') {
          naive.emplace_back();
        } else {
          naive.back() += c;
        }
      }
      if (s.empty()) naive.clear();
      REQUIRE(r.size() == naive.size());
      std::size_t i = 0;
      for (hl7v2::component c : r) {
        REQUIRE(i < naive.size());
        CHECK(c.raw() == naive[i]);
        CHECK(r[i + 1].raw() == naive[i]);
        ++i;
      }
      CHECK(i == naive.size());
    }
  }
}

TEST_CASE("nested splitting of random fields agrees with a naive split", "[message]") {
  // Short random texts hit every path of the word-at-a-time search and the separator pre-check.
  const auto split = [](std::string_view s, char sep) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    out.emplace_back();
    for (char c : s) {
      if (c == sep) {
        out.emplace_back();
      } else {
        out.back() += c;
      }
    }
    return out;
  };
  std::uint32_t state = 12345;
  const auto next = [&] { return (state = state * 1103515245u + 12345u) >> 16; };
  const std::string_view alphabet("ab^~&\0\xff", 7);
  for (int round = 0; round < 20000; ++round) {
    std::string s(next() % 80, 'x');
    for (char& c : s) c = alphabet[next() % 7];
    const hl7v2::field f{s, {'~', '^', '&'}};
    const auto reps = split(s, '~');
    REQUIRE(f.size() == reps.size());
    std::size_t ri = 0;
    for (hl7v2::repetition r : f) {
      CHECK(r.raw() == reps[ri]);
      CHECK(f[ri + 1].raw() == reps[ri]);
      const auto comps = split(reps[ri], '^');
      REQUIRE(r.size() == comps.size());
      std::size_t ci = 0;
      for (hl7v2::component c : r) {
        CHECK(c.raw() == comps[ci]);
        const auto subs = split(comps[ci], '&');
        REQUIRE(c.size() == subs.size());
        std::size_t si = 0;
        for (hl7v2::subcomponent sc : c) CHECK(sc.raw() == subs[si++]);
        CHECK(f[ri + 1][ci + 1][subs.size()].raw() == (subs.empty() ? "" : subs.back()));
        ++ci;
      }
      ++ri;
    }
  }
}

TEST_CASE("parsed views split like views of the bare text, across bitmap words", "[message]") {
  // A parsed message's views find separators in the parser's bitmaps; views built from a bare
  // string_view read bytes. Random fields of every length put parts and separators on both sides of
  // every 64-byte boundary, at every position.
  std::uint32_t state = 777;
  const auto next = [&] { return (state = state * 1103515245u + 12345u) >> 16; };
  const std::string_view alphabet("ab^~&\0\xff", 7);
  const hl7v2::detail::part_seps seps{'~', '^', '&'};
  hl7v2::parser p;
  for (int round = 0; round < 1500; ++round) {
    std::string msg = "MSH|^~\\&|" + std::string(next() % 64, 'p') + "\r";
    const std::size_t segments = 1 + next() % 4;
    for (std::size_t si = 0; si < segments; ++si) {
      msg += "ZXY";
      const std::size_t fields = next() % 12;
      for (std::size_t fi = 0; fi < fields; ++fi) {
        msg += '|';
        const std::size_t len = next() % 4 == 0 ? next() % 200 : next() % 12;
        // Sparse fields have parts longer than a bitmap word, with no separator for a word or more.
        const bool sparse = next() % 2 == 0;
        for (std::size_t j = 0; j < len; ++j) {
          msg += sparse && next() % 40 != 0 ? 'a' : alphabet[next() % alphabet.size()];
        }
      }
      msg += '\r';
    }
    const auto m = p.parse(msg);
    REQUIRE(m);
    for (const hl7v2::segment seg : m->segments()) {
      for (std::size_t pos = 1; pos <= seg.size(); ++pos) {
        const hl7v2::field f = seg[pos];
        const hl7v2::field bare =
            seg.is_header() && pos <= 2 ? hl7v2::field{f.raw()} : hl7v2::field{f.raw(), seps};
        REQUIRE(f.size() == bare.size());
        for (std::size_t r = 1; r <= f.size() + 1; ++r) {
          const hl7v2::repetition rv = f[r];
          const hl7v2::repetition rb = bare[r];
          REQUIRE(rv.raw() == rb.raw());
          REQUIRE(rv.size() == rb.size());
          for (std::size_t c = 1; c <= rv.size() + 1; ++c) {
            REQUIRE(rv[c].raw() == rb[c].raw());
            REQUIRE(rv[c].size() == rb[c].size());
            for (std::size_t u = 1; u <= rv[c].size() + 1; ++u) REQUIRE(rv[c][u].raw() == rb[c][u].raw());
          }
        }
        // Iteration agrees with indexing.
        std::size_t r = 0;
        for (const hl7v2::repetition rv : f) {
          REQUIRE(rv.raw() == bare[++r].raw());
          std::size_t c = 0;
          for (const hl7v2::component cv : rv) {
            REQUIRE(cv.raw() == bare[r][++c].raw());
            std::size_t u = 0;
            for (const hl7v2::subcomponent sv : cv) REQUIRE(sv.raw() == bare[r][c][++u].raw());
            REQUIRE(u == bare[r][c].size());
          }
          REQUIRE(c == bare[r].size());
        }
        REQUIRE(r == bare.size());
      }
    }
  }
}
