// Tests for include/hl7v2/framer.hpp: exact frames (kind, bytes, offset, line, index, error) for every
// framing rule, hostile inputs in bounded time, and stream_framer == framer for every chunk size.
#include "hl7v2/framer.hpp"

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <random>
#include <ranges>
#include <sstream>
#include <string>
#include <vector>

#define HL7V2_FUZZ_NO_MAIN
#include "fuzz/fuzz_framer.cpp"  // NOLINT(bugprone-suspicious-include): the fuzz target's checks, reused

// Counts heap allocations so the tests can prove framing allocates nothing per message.
#include "support/counting_allocator.hpp"

using hl7v2::test::allocations;

namespace {

using hl7v2::errc;
using hl7v2::frame_kind;
using K = hl7v2::frame_kind;

struct expected {
  frame_kind kind;
  std::string text;
  std::size_t offset;
  std::size_t line;
  std::size_t index;
  errc code = errc::ok;
};

std::vector<hl7v2_fuzz::owned_frame> frames(std::string_view input, hl7v2::framer_options o = {}) {
  return hl7v2_fuzz::frames_of(input, o);
}

// Exact frames, and the same from stream_framer fed byte by byte and in 7-byte chunks.
void require_frames(std::string_view input, const std::vector<expected>& want, hl7v2::framer_options o = {}) {
  const auto got = frames(input, o);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("frame " << i);
    CHECK(got[i].f.kind == want[i].kind);
    CHECK(got[i].text == want[i].text);
    CHECK(got[i].f.offset == want[i].offset);
    CHECK(got[i].f.line == want[i].line);
    CHECK(got[i].f.message_index == want[i].index);
    CHECK(got[i].f.err.code == want[i].code);
  }
  CHECK(hl7v2_fuzz::check_framing(input, o, {{1}, {7}}) == "");
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::filesystem::path> corpus_files() {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {HL7V2_TEST_DATA_DIR, HL7V2_TEST_DATA_DIR "/framing"}) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".hl7") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

const std::string msh_a = "MSH|^~\\&|A|F|R|F|20250101||ADT^A01|1|P|2.5";
const std::string msh_b = "MSH|^~\\&|B|F|R|F|20250101||ADT^A01|2|P|2.5";

}  // namespace

static_assert(std::forward_iterator<hl7v2::framer::iterator>);
static_assert(std::ranges::forward_range<hl7v2::framer>);

TEST_CASE("segment terminators: CR, LF, CRLF") {
  for (const std::string t : {"\r", "\n", "\r\n"}) {
    INFO("terminator size " << t.size());
    const std::string m1 = msh_a + t + "PID|1" + t;
    const std::string m2 = msh_b + t + "PID|2" + t;
    require_frames(m1 + m2, {{K::message, m1, 0, 1, 0}, {K::message, m2, m1.size(), 3, 1}});
  }
}

TEST_CASE("mixed terminators in one file") {
  const std::string m1 = msh_a + "\rPID|1\r";
  const std::string m2 = msh_b + "\nPID|2\n";
  const std::string m3 = msh_a + "\r\nPID|3\r\n";
  const std::string input = m1 + m2 + m3;
  require_frames(input, {{K::message, m1, 0, 1, 0},
                         {K::message, m2, m1.size(), 3, 1},
                         {K::message, m3, m1.size() + m2.size(), 5, 2}});
  // The framing corpus file: CR, LF, CRLF and CR messages with blank lines between.
  const std::string file = read_file(HL7V2_TEST_DATA_DIR "/framing/mixed_terminators.hl7");
  const auto got = frames(file);
  REQUIRE(got.size() == 4);
  CHECK(got[0].f.line == 1);
  CHECK(got[1].f.line == 5);  // after 3 CR segments and two blank LF lines
  CHECK(got[2].f.line == 9);
  CHECK(got[3].f.line == 14);
  for (const auto& g : got) CHECK(g.f.kind == K::message);
  // CR then LF is one CRLF terminator; the second LF is a blank line, not part of the message.
  CHECK(got[0].text.substr(got[0].text.size() - 3) == "t\r\n");
  CHECK(got[2].text.substr(got[2].text.size() - 2) == "\r\n");
}

TEST_CASE("blank lines and whitespace between and after messages are skipped") {
  const std::string m1 = msh_a + "\nPID|1\n";
  const std::string m2 = msh_b + "\rPID|2\r";
  const std::string input = "\n\n  \t\n" + m1 + "\n \n\n" + m2 + "\r\n \t\r\n";
  require_frames(input, {{K::message, m1, 6, 4, 0}, {K::message, m2, 6 + m1.size() + 4, 9, 1}});
}

TEST_CASE("a CR message followed by blank LF lines, then another message") {
  const std::string m1 = msh_a + "\rPID|1\r";
  const std::string m2 = msh_b + "\rPID|2\r";
  // CRLF, then bare LFs: the first CRLF ends PID, the LFs are blank lines.
  require_frames(m1 + "\n\n\n" + m2,
                 {{K::message, m1 + "\n", 0, 1, 0}, {K::message, m2, m1.size() + 3, 5, 1}});
  // The last segment ended by bare LFs only: they are not part of the message, and the header after them
  // (valid delimiters) starts the next one.
  const std::string p1 = msh_a + "\rPID|1";
  require_frames(p1 + "\n\n" + m2, {{K::message, p1, 0, 1, 0}, {K::message, m2, p1.size() + 2, 4, 1}});
}

TEST_CASE("UTF-8 byte-order mark, trailing 0x1A and end whitespace") {
  const std::string m = msh_a + "\r\nPID|1\r\n";
  require_frames("\xEF\xBB\xBF" + m + "\x1A", {{K::message, m, 3, 1, 0}});
  require_frames(m + "\r\n\x1A\r\n  ", {{K::message, m, 0, 1, 0}});
  // Unterminated last segment: its trailing spaces and tabs are data, kept as before a terminator; a
  // 0x1A or form feed after them, and what follows it, is not.
  require_frames(msh_a + "\rPID|1  \x1A", {{K::message, msh_a + "\rPID|1  ", 0, 1, 0}});
  require_frames(msh_a + "\rPID|1 \t ", {{K::message, msh_a + "\rPID|1 \t ", 0, 1, 0}});
  require_frames(msh_a + "\rPID|1\x1A  ", {{K::message, msh_a + "\rPID|1", 0, 1, 0}});
  require_frames(msh_a + "\rPID|1 \f \x1A", {{K::message, msh_a + "\rPID|1 ", 0, 1, 0}});
  require_frames(msh_a + "\rPID|1  \r", {{K::message, msh_a + "\rPID|1  \r", 0, 1, 0}});
  // The same before bare LFs only (no terminator of a CR message), and inside an MLLP frame.
  require_frames(msh_a + "\rPID|1  \n\n", {{K::message, msh_a + "\rPID|1  ", 0, 1, 0}});
  require_frames("\x0B" + msh_a + "\rPID|1  \x1C\r", {{K::message, msh_a + "\rPID|1  ", 1, 1, 0}});
  // A last line of blanks only is no segment.
  require_frames(msh_a + "\rPID|1\r  \t", {{K::message, msh_a + "\rPID|1\r", 0, 1, 0}});
  // Files concatenated with their marks: the mark before the second MSH does not hide it.
  const std::string m2 = msh_b + "\r\nPID|2\r\n";
  require_frames("\xEF\xBB\xBF" + m + "\xEF\xBB\xBF" + m2,
                 {{K::message, m, 3, 1, 0}, {K::message, m2, 6 + m.size(), 3, 1}});
}

TEST_CASE("MLLP frames") {
  const std::string m1 = msh_a + "\rPID|1\r";
  const std::string m2 = msh_b + "\rPID|2\r";
  SECTION("single") { require_frames("\x0B" + m1 + "\x1C\r", {{K::message, m1, 1, 1, 0}}); }
  SECTION("several, with and without line breaks between") {
    const std::string input = "\x0B" + m1 + "\x1C\r" + "\x0B" + m2 + "\x1C\r\n" + "\x0B" + m1 + "\x1C\r";
    require_frames(input, {{K::message, m1, 1, 1, 0},
                           {K::message, m2, m1.size() + 4, 4, 1},
                           {K::message, m1, m1.size() + m2.size() + 8, 7, 2}});  // CRLF: one line end
  }
  SECTION("0x1C right after the last segment, without its CR") {
    require_frames("\x0B" + msh_a + "\rPID|1\x1C\r", {{K::message, msh_a + "\rPID|1", 1, 1, 0}});
  }
  SECTION("unterminated at the end of input") {
    const std::string input = "\x0B" + m1 + "\x1C\r\x0B" + m2;
    require_frames(input,
                   {{K::message, m1, 1, 1, 0},
                    {K::error, "\x0B" + msh_b + "\rPID|2", m1.size() + 3, 4, 1, errc::unterminated_frame}});
  }
  SECTION("unterminated, then a good frame: the good one is kept") {
    const std::string cut = "\x0B" + msh_a + "\rPID|1|trunc";
    require_frames(cut + "\x0B" + m2 + "\x1C\r", {{K::error, cut, 0, 1, 0, errc::unterminated_frame},
                                                  {K::message, m2, cut.size() + 1, 2, 1}});
  }
  SECTION("a frame's content follows the usual rules") {
    require_frames("\x0Bjunk\r" + m1 + "\x1C\r",
                   {{K::error, "junk\r", 1, 1, 0, errc::no_message_header}, {K::message, m1, 6, 2, 1}});
    require_frames("\x0B\x1C\r\x0B\x1C\r", {});  // empty frames hold nothing
  }
  SECTION("a message yields as soon as its frame ends") {
    hl7v2::stream_framer s;
    std::vector<std::string> got;
    s.feed("\x0B" + m1 + "\x1C", [&](const hl7v2::frame& f) { got.emplace_back(f.text); });
    REQUIRE(got == std::vector<std::string>{m1});
  }
}

TEST_CASE("batches: headers and trailers are yielded, counts are checked") {
  const std::string m1 = msh_a + "\rPID|1\r";
  const std::string m2 = msh_b + "\rPID|2\r";
  const std::string fhs = "FHS|^~\\&|SRC\r";
  const std::string bhs = "BHS|^~\\&|SRC\r";
  SECTION("right counts") {
    const std::string input = fhs + bhs + m1 + m2 + "BTS|2\r" + "FTS|1\r";
    const std::size_t bts = fhs.size() + bhs.size() + m1.size() + m2.size();
    require_frames(input, {{K::batch_header, fhs, 0, 1, 0},
                           {K::batch_header, bhs, fhs.size(), 2, 0},
                           {K::message, m1, fhs.size() + bhs.size(), 3, 0},
                           {K::message, m2, fhs.size() + bhs.size() + m1.size(), 5, 1},
                           {K::batch_trailer, "BTS|2\r", bts, 7, 2},
                           {K::batch_trailer, "FTS|1\r", bts + 6, 8, 2}});
  }
  SECTION("wrong counts: the trailers are still yielded, with the error at the count") {
    const std::string input = fhs + bhs + m1 + "BTS|3|comment\r" + bhs + m2 + "BTS|1\r" + "FTS|3\r";
    const auto got = frames(input);
    REQUIRE(got.size() == 8);
    const auto& bts1 = got[3].f;
    CHECK(bts1.kind == K::batch_trailer);
    CHECK(got[3].text == "BTS|3|comment\r");
    CHECK(bts1.err.code == errc::batch_count_mismatch);
    CHECK(bts1.err.offset == bts1.offset + 4);
    CHECK(bts1.err.field == 1);
    CHECK(got[6].f.kind == K::batch_trailer);
    CHECK(got[6].f.err.code == errc::ok);  // the second batch holds its one message
    CHECK(got[7].text == "FTS|3\r");
    CHECK(got[7].f.err.code == errc::batch_count_mismatch);  // two batches, not three
  }
  SECTION("trailers without a count, or with a count that is not a number") {
    const auto got = frames(bhs + m1 + "BTS\r" + bhs + m1 + "BTS||x\r" + bhs + "BTS|two\r");
    REQUIRE(got.size() == 8);
    CHECK(got[2].text == "BTS\r");
    CHECK(got[2].f.err.code == errc::ok);
    CHECK(got[5].f.err.code == errc::ok);
    CHECK(got[7].f.err.code == errc::batch_count_mismatch);
  }
  SECTION("the framing corpus batch file") {
    const auto got = frames(read_file(HL7V2_TEST_DATA_DIR "/framing/batch_file.hl7"));
    std::vector<frame_kind> kinds;
    for (const auto& g : got) kinds.push_back(g.f.kind);
    CHECK(kinds == std::vector<frame_kind>{K::batch_header, K::batch_header, K::message, K::message,
                                           K::batch_trailer, K::batch_header, K::message, K::batch_trailer,
                                           K::batch_trailer});
    CHECK(got[4].f.err.code == errc::ok);                    // BTS|2 after two messages
    CHECK(got[7].f.err.code == errc::batch_count_mismatch);  // BTS|5 after one
    CHECK(got[8].f.err.code == errc::ok);                    // FTS|2 after two batches
  }
  SECTION("counts follow the grammar [FHS] {[BHS] {MSH} [BTS]} [FTS]") {
    // Each case: segments by name, then the expected error of every trailer in order (true = mismatch).
    struct batch_case {
      std::vector<std::string> units;
      std::vector<bool> mismatch;
    };
    const std::vector<batch_case> cases = {
        {{"FHS", "MSH", "MSH", "FTS|1"}, {false}},  // messages without a BHS are one batch
        {{"MSH", "MSH", "FTS|1"}, {false}},
        {{"MSH", "MSH", "BTS|2", "FTS|1"}, {false, false}},
        {{"FHS", "BHS", "MSH", "BTS|1", "MSH", "FTS|2"},
         {false, false}},                                           // a message after BTS opens a batch
        {{"MSH", "BHS", "MSH", "BTS|1", "FTS|2"}, {false, false}},  // and so does a BHS after messages
        {{"FHS", "BHS", "BTS|0", "FTS|1"}, {false, false}},
        {{"FHS", "BTS|0", "FTS|1"}, {false, false}},  // a lone BTS closes an empty batch
        {{"FHS", "FTS|0"}, {false}},
        {{"BHS", "MSH", "BHS", "MSH", "MSH", "BTS|2", "FTS|2"}, {false, false}},  // BHS without BTS
        {{"FHS", "BHS", "MSH", "BTS|1", "FTS|1", "MSH", "MSH", "FTS|1"}, {false, false, false}},  // two files
        // Real disagreements: messages lost (or counted) upstream.
        {{"FHS", "MSH", "MSH", "FTS|2"}, {true}},
        {{"MSH", "MSH", "FTS|0"}, {true}},
        {{"MSH", "MSH", "BTS|3", "FTS|1"}, {true, false}},
        {{"FHS", "FTS|1"}, {true}},
        {{"FHS", "BHS", "MSH", "BTS|1", "BHS", "MSH", "BTS|1", "FTS|1"}, {false, false, true}},
        {{"FHS", "BHS", "MSH", "BTS|1", "MSH", "FTS|1"}, {false, true}},
    };
    for (const batch_case& c : cases) {
      std::string input;
      std::string names;
      for (const std::string& u : c.units) {
        names += u + " ";
        input += u == "MSH" ? m1 : u == "FHS" ? fhs : u == "BHS" ? bhs : u + "\r";
      }
      INFO(names);
      std::vector<bool> got;
      for (const auto& g : frames(input)) {
        if (g.f.kind != K::batch_trailer) continue;
        CHECK((g.f.err.code == errc::ok || g.f.err.code == errc::batch_count_mismatch));
        got.push_back(g.f.err.code == errc::batch_count_mismatch);
      }
      CHECK(got == c.mismatch);
      CHECK(hl7v2_fuzz::check_framing(input, {}, {{1}, {5}}) == "");
    }
  }
  SECTION("tests/data/batches: FHS MSH MSH FTS|1 and MSH FTS|1 agree, FTS|2 over one batch does not") {
    for (const auto& [name, mismatch] :
         {std::pair{"batch_without_bhs.hl7", false}, std::pair{"messages_then_fts.hl7", false},
          std::pair{"file_count_mismatch.hl7", true}}) {
      INFO(name);
      const auto got = frames(read_file(std::string(HL7V2_TEST_DATA_DIR "/batches/") + name));
      REQUIRE(!got.empty());
      CHECK(got.back().f.kind == K::batch_trailer);
      CHECK(got.back().text.substr(0, 4) == "FTS|");
      CHECK((got.back().f.err.code == errc::batch_count_mismatch) == mismatch);
    }
  }
  SECTION("a line after a batch header that is not a message is an error") {
    require_frames(bhs + "PID|1\r" + m1, {{K::batch_header, bhs, 0, 1, 0},
                                          {K::error, "PID|1\r", bhs.size(), 2, 0, errc::no_message_header},
                                          {K::message, m1, bhs.size() + 6, 3, 1}});
  }
}

TEST_CASE("message_index numbers messages and error frames together; batch frames get the next number") {
  const std::string m1 = msh_a + "\rPID|1\r";
  const std::string m2 = msh_b + "\rPID|2\r";
  const std::string bhs = "BHS|^~\\&|SRC\r";
  const std::string input = "junk\r" + m1 + "MSH\r" + bhs + m2 + "BTS|2\r";
  require_frames(input, {{K::error, "junk\r", 0, 1, 0, errc::no_message_header},
                         {K::message, m1, 5, 2, 1},
                         {K::error, "MSH\r", 5 + m1.size(), 4, 2, errc::bare_header},
                         {K::batch_header, bhs, 9 + m1.size(), 5, 3},
                         {K::message, m2, 9 + m1.size() + bhs.size(), 6, 3},
                         {K::batch_trailer, "BTS|2\r", 9 + m1.size() + bhs.size() + m2.size(), 8, 4,
                          errc::batch_count_mismatch}});  // the bare MSH was before the BHS
}

TEST_CASE("the letters MSH inside a field never start a message") {
  SECTION("CR message") {
    const std::string m = msh_a + "\rPID|1||MSH|^~\\&|X\rOBX|1|TX|||MSH|\r";
    require_frames(m, {{K::message, m, 0, 1, 0}});
  }
  SECTION("LF message") {
    const std::string m = msh_a + "\nPID|1||MSH|^~\\&|X\nNTE|1||MSH\n";
    require_frames(m, {{K::message, m, 0, 1, 0}});
  }
  SECTION("after a bare LF in a CR message: content unless it is a real header") {
    const std::string m = msh_a + "\rOBX|1|TX|||report\nMSH was normal\nMSH|x|y\nMSH\nMSH|^^\r";
    require_frames(m, {{K::message, m, 0, 1, 0}});
    const std::string m1 = msh_a + "\rOBX|1|TX|||report";
    const std::string m2 = msh_b + "\nPID|2\n";
    require_frames(m1 + "\n" + m2, {{K::message, m1, 0, 1, 0}, {K::message, m2, m1.size() + 1, 3, 1}});
  }
  SECTION("after a bare CR in an LF message, the same") {
    const std::string m = msh_a + "\nOBX|1|TX|||a\rMSH is text\n";
    require_frames(m, {{K::message, m, 0, 1, 0}});
  }
  SECTION("a segment id that only begins with MSH") {
    const std::string m = msh_a + "\rMSHX|1\rMSH1|2\r";
    require_frames(m, {{K::message, m, 0, 1, 0}});
  }
  SECTION("the data-lake tutorial's sample stays one message") {
    const std::string s = read_file(HL7V2_TEST_DATA_DIR "/blog_adt_a01.hl7");
    require_frames(s, {{K::message, s, 0, 1, 0}});
  }
}

TEST_CASE("text before the first MSH is an error frame, and framing goes on") {
  const std::string m = msh_a + "\rPID|1\r";
  require_frames("exported 2025-01-01\r\nrows: 1\r\n" + m,
                 {{K::error, "exported 2025-01-01\r\nrows: 1\r\n", 0, 1, 0, errc::no_message_header},
                  {K::message, m, 30, 3, 1}});
  require_frames("no message at all", {{K::error, "no message at all", 0, 1, 0, errc::no_message_header}});
  // Leading whitespace is skipped, so the error starts at the text.
  require_frames("\r\n  PID|1\r", {{K::error, "PID|1\r", 4, 2, 0, errc::no_message_header}});
}

TEST_CASE("a bare MSH is an error frame with the lines that follow it") {
  const std::string m = msh_a + "\rPID|1\r";
  require_frames(
      "MSH\rEVN|A01\rPID|1\r" + m,
      {{K::error, "MSH\rEVN|A01\rPID|1\r", 0, 1, 0, errc::bare_header}, {K::message, m, 18, 4, 1}});
  require_frames(m + "MSH", {{K::message, m, 0, 1, 0}, {K::error, "MSH", m.size(), 3, 1, errc::bare_header}});
  require_frames("MSH", {{K::error, "MSH", 0, 1, 0, errc::bare_header}});
  require_frames("MSH  \n", {{K::error, "MSH  \n", 0, 1, 0, errc::bare_header}});
  require_frames("BHS\r", {{K::error, "BHS\r", 0, 1, 0, errc::bare_header}});
}

TEST_CASE("empty input and whitespace only give no frames") {
  CHECK(frames("").empty());
  CHECK(frames(" \r\n\t\n\r\x1A\f").empty());
  CHECK(frames("\xEF\xBB\xBF").empty());
  hl7v2::stream_framer s;
  std::size_t n = 0;
  s.feed("", [&](const hl7v2::frame&) { ++n; });
  s.finish([&](const hl7v2::frame&) { ++n; });
  CHECK(n == 0);
}

TEST_CASE("NUL bytes") {
  const std::string with_nuls =
      msh_a + "\rPID|1|" + std::string(2, '\0') + "|x\r" + std::string(3, '\0') + "\r";
  require_frames(with_nuls, {{K::message, with_nuls, 0, 1, 0}});  // content: the parser judges it
  const std::string nuls(4, '\0');
  require_frames(nuls, {{K::error, nuls, 0, 1, 0, errc::no_message_header}});
  const std::string msh_nul("MSH\0|^~\\&\r", 10);
  require_frames(msh_nul, {{K::error, msh_nul, 0, 1, 0, errc::bare_header}});
}

TEST_CASE("messages over max_message_size become error pieces; framing goes on") {
  const std::string big = msh_a + "\rOBX|1|TX|||" + std::string(100, 'x') + "\r";  // 155 bytes
  const std::string m = msh_b + "\rPID|2\r";
  const hl7v2::framer_options o{64};
  const auto got = frames(big + m, o);
  REQUIRE(got.size() == 4);
  CHECK(got[0].text == big.substr(0, 64));
  CHECK(got[1].text == big.substr(64, 64));
  CHECK(got[2].text == big.substr(128, big.size() - 129));  // the last piece is raw bytes: no trailing CR
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(got[i].f.kind == K::error);
    CHECK(got[i].f.err.code == errc::message_too_large);
    CHECK(got[i].f.offset == 64 * i);
    CHECK(got[i].f.line == (i == 0 ? 1u : 2u));  // pieces 2 and 3 start inside OBX
  }
  CHECK(got[3].f.kind == K::message);
  CHECK(got[3].text == m);
  for (std::size_t i = 0; i < 4; ++i) CHECK(got[i].f.message_index == i);  // each piece is a unit
  // At the limit exactly, a message is fine.
  const std::string exact = msh_a + "\rPID|" + std::string(64 - msh_a.size() - 5, 'y');
  REQUIRE(exact.size() == 64);
  require_frames(exact, {{K::message, exact, 0, 1, 0}}, o);
  CHECK(hl7v2_fuzz::check_framing(big + m, o, {{1}, {5}, {64}}).empty());
}

TEST_CASE("a 50 MB message with a 50 MB field frames in bounded time and memory") {
  const std::string msg = msh_a + "\rOBX|1|ED|||" + std::string(50u << 20, 'A') + "\rNTE|1\r";
  const std::string input = msg + msh_b + "\rPID|2\r";
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t n = 0;
  for (const hl7v2::frame& f : hl7v2::framer{input}) {
    CHECK(f.kind == K::message);
    if (n == 0) CHECK(f.text.size() == msg.size());
    if (n == 1) CHECK(f.line == 4);
    ++n;
  }
  CHECK(n == 2);
  // Streamed in 64 KiB chunks under a 1 MiB limit: 51 pieces, and the stream never holds much more.
  hl7v2::stream_framer s{{1u << 20}};
  std::size_t pieces = 0;
  std::size_t held = 0;
  std::size_t messages = 0;
  for (std::size_t at = 0; at < input.size(); at += 1u << 16) {
    s.feed(std::string_view(input).substr(at, 1u << 16), [&](const hl7v2::frame& f) {
      pieces += f.kind == K::error && f.err.code == errc::message_too_large;
      messages += f.kind == K::message;
    });
    held = std::max(held, s.buffered());
  }
  s.finish([&](const hl7v2::frame& f) { messages += f.kind == K::message; });
  CHECK(pieces == msg.size() / (1u << 20) + 1);
  CHECK(messages == 1);
  CHECK(held <= std::size_t{2} * ((1u << 20) + (1u << 16)));
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(seconds < 30.0);  // generous for sanitizer builds; a quadratic scan would take hours
}

TEST_CASE("a million empty lines") {
  const std::string m1 = msh_a + "\nPID|1\n";
  const std::string m2 = msh_b + "\nPID|2\n";
  const std::string input = m1 + std::string(1000000, '\n') + m2 + std::string(1000000, '\r');
  require_frames(input, {{K::message, m1, 0, 1, 0}, {K::message, m2, m1.size() + 1000000, 1000003, 1}});
  const std::string inside = msh_a + std::string(1000000, '\r') + "PID|1\r";
  require_frames(inside, {{K::message, inside, 0, 1, 0}});
}

TEST_CASE("stream_framer gives framer's frames for every chunk size 1..64") {
  std::vector<std::vector<std::size_t>> chunkings;
  for (std::size_t n = 1; n <= 64; ++n) chunkings.push_back({n});
  chunkings.push_back({1, 2, 3, 5, 8, 13, 21, 34, 55});
  for (const auto& path : corpus_files()) {
    INFO(path.filename().string());
    const std::string input = read_file(path);
    CHECK(!frames(input).empty());
    CHECK(hl7v2_fuzz::check_framing(input, {}, chunkings) == "");
    CHECK(hl7v2_fuzz::check_framing(input, {50}, chunkings) == "");  // with pieces
  }
}

TEST_CASE("random inputs: framer and stream_framer agree and account for every byte") {
  // Inputs built from the pieces framing decisions turn on, so the rare paths are common.
  static const std::vector<std::string> tokens = {"MSH|^~\\&|A|B",
                                                  "MSH",
                                                  "MSH|",
                                                  "MSH^",
                                                  "MSH ",
                                                  "FHS|^~\\&",
                                                  "BHS|^~\\&|",
                                                  "BTS|1",
                                                  "BTS|0",
                                                  "BTS",
                                                  "FTS|1",
                                                  "PID|1|x",
                                                  "OBX|1|TX|||MSH text",
                                                  "\r",
                                                  "\n",
                                                  "\r\n",
                                                  "\n\n",
                                                  "\x0B",
                                                  "\x1C",
                                                  "\x1C\r",
                                                  "\x1A",
                                                  "\xEF\xBB\xBF",
                                                  " ",
                                                  "\t",
                                                  std::string(1, '\0'),
                                                  "x",
                                                  "|",
                                                  "^~\\&",
                                                  "M",
                                                  "S",
                                                  "H",
                                                  "B"};
  std::mt19937 rng(20250301);
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    const std::size_t n = rng() % 40;
    for (std::size_t i = 0; i < n; ++i) input += tokens[rng() % tokens.size()];
    const hl7v2::framer_options o{round % 3 == 0 ? std::size_t{1} + rng() % 40 : std::size_t{64} << 20};
    std::vector<std::size_t> sizes;
    for (int k = 0; k < 5; ++k) sizes.push_back(1 + rng() % 9);
    const std::string why = hl7v2_fuzz::check_framing(input, o, {{1}, sizes});
    INFO("round " << round << ", max " << o.max_message_size);
    REQUIRE(why == "");
  }
}

TEST_CASE("samples from tests/data frame as expected") {
  const std::string lf = read_file(HL7V2_TEST_DATA_DIR "/lf_feed_two_messages.hl7");
  const auto got = frames(lf);
  REQUIRE(got.size() == 2);
  CHECK(got[0].f.offset == 0);
  CHECK(got[1].f.offset == lf.find("\n\nMSH") + 2);
  CHECK(got[1].f.line == 7);
  CHECK(got[0].text == lf.substr(0, got[1].f.offset - 1));  // the blank line is not in the message
  const std::string oru = read_file(HL7V2_TEST_DATA_DIR "/oru_r01_lab.hl7");
  require_frames(oru, {{K::message, oru, 0, 1, 0}});
}

TEST_CASE("framing corpus: free text, MLLP capture, junk and bare headers") {
  {
    const std::string s = read_file(HL7V2_TEST_DATA_DIR "/framing/free_text_lf_in_cr.hl7");
    const auto got = frames(s);
    REQUIRE(got.size() == 2);  // "\nMSH was reviewed" and "\nMSH|x|" stay text; the LF message splits
    CHECK(got[0].text.find("MSH|x|not a header") != std::string::npos);
    CHECK(got[1].f.offset == s.find("MSH|^~\\&", 1));
  }
  {
    const std::string s = read_file(HL7V2_TEST_DATA_DIR "/framing/mllp_capture.hl7");
    std::vector<frame_kind> kinds;
    for (const auto& g : frames(s)) kinds.push_back(g.f.kind);
    CHECK(kinds == std::vector<frame_kind>{K::message, K::message, K::batch_header, K::message,
                                           K::batch_trailer, K::error, K::message});
  }
  {
    const std::string s = read_file(HL7V2_TEST_DATA_DIR "/framing/junk_and_bare.hl7");
    const auto got = frames(s);
    REQUIRE(got.size() == 4);
    CHECK(got[0].f.err.code == errc::no_message_header);
    CHECK(got[0].f.offset == 3);  // after the byte-order mark
    CHECK(got[1].f.kind == K::message);
    CHECK(got[2].f.err.code == errc::bare_header);
    CHECK(got[3].f.kind == K::message);
    for (std::size_t i = 0; i < 4; ++i) CHECK(got[i].f.message_index == i);  // errors are units too
  }
}

TEST_CASE("framer iterators are forward iterators that resume independently") {
  const std::string input = msh_a + "\rPID|1\r" + msh_b + "\rPID|2\r";
  const hl7v2::framer fr{input};
  auto it = fr.begin();
  auto copy = it;
  ++it;
  CHECK(copy->offset == 0);
  CHECK(it->offset == msh_a.size() + 7);
  ++copy;
  CHECK(copy == it);
  ++it;
  CHECK(it == fr.end());
  CHECK(std::ranges::distance(fr) == 2);
}

TEST_CASE("no heap allocation per message") {
  std::string input;
  for (int i = 0; i < 200; ++i) input += msh_a + "\rPID|1\rOBX|1|TX|||MSH inside\r\n";
  input += "\x0B" + msh_b + "\r\x1C\r";
  std::size_t n = 0;
  const std::size_t before = allocations.load();
  for (const hl7v2::frame& f : hl7v2::framer{input}) n += f.kind == K::message;
  const std::size_t after = allocations.load();
  CHECK(after == before);
  CHECK(n == 201);
  // stream_framer: once its buffer has grown, feeding more of the same allocates nothing.
  hl7v2::stream_framer s;
  auto on_frame = [&](const hl7v2::frame&) {};
  for (int warm = 0; warm < 2; ++warm) {
    for (std::size_t at = 0; at < input.size(); at += 100)
      s.feed(std::string_view(input).substr(at, 100), on_frame);
  }
  const std::size_t warm = allocations.load();
  for (std::size_t at = 0; at < input.size(); at += 100)
    s.feed(std::string_view(input).substr(at, 100), on_frame);
  const std::size_t steady = allocations.load();
  CHECK(steady == warm);
}

TEST_CASE("vector scans agree with the scalar scans") {
  namespace fr = hl7v2::detail::framing;
  std::mt19937 rng(7);
  const char alphabet[] = {'a', '\r', '\n', '\x0B', '\x1C', '|', '\0'};
  for (int round = 0; round < 3000; ++round) {
    std::string s(rng() % 200, 'x');
    const std::size_t density = 1 + rng() % 40;  // from dense breaks to long lines
    for (char& c : s) c = rng() % density == 0 ? alphabet[rng() % sizeof alphabet] : 'a';
    const char* b = s.data();
    const char* e = b + s.size();
    for (std::size_t from = 0; from <= s.size(); from += 1 + rng() % 40) {
      const char* want = fr::scalar::find_any(b + from, e, '\r', '\n', '\x0B', '\x1C');
      CHECK(fr::find_any(b + from, e, '\r', '\n', '\x0B', '\x1C') == want);
#if defined(HL7V2_FRAMING_SSE2)
      CHECK(fr::sse2::find_any(b + from, e, '\r', '\n', '\x0B', '\x1C') == want);
#endif
#if defined(HL7V2_FRAMING_AVX2)
      if (fr::avx2::available()) CHECK(fr::avx2::find_any(b + from, e, '\r', '\n', '\x0B', '\x1C') == want);
#endif
      bool p1 = rng() % 2 == 0;
      bool p2 = p1;
      CHECK(fr::count_line_ends(b + from, e, p1) == fr::scalar::count_line_ends(b + from, e, p2));
      CHECK(p1 == p2);
    }
  }
}
