#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <random>
#include <string>

#include "hl7v2/delimiters.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/json/sink.hpp"

using hl7v2::decode_options;
using hl7v2::delimiters;
using hl7v2::formatting;

namespace {

const delimiters standard{};
constexpr decode_options keep{formatting::keep};

delimiters make(std::string_view msh) { return hl7v2::read_delimiters(msh).value(); }

std::string dec(std::string_view raw, const delimiters& d = standard, decode_options o = {}) {
  std::string out;
  hl7v2::unescape(raw, d, out, o);
  return out;
}

std::string enc(std::string_view text, const delimiters& d = standard) {
  std::string out;
  hl7v2::escape(text, d, out);
  return out;
}

// Counts appends, to prove plain values go out in one piece.
struct counting_sink {
  std::string s;
  int appends = 0;
  void append(const char* p, std::size_t n) {
    ++appends;
    s.append(p, n);
  }
  void push_back(char c) {
    ++appends;
    s.push_back(c);
  }
};

}  // namespace

TEST_CASE("each delimiter escape decodes to the message's own delimiter") {
  CHECK(dec("\\F\\") == "|");
  CHECK(dec("\\S\\") == "^");
  CHECK(dec("\\T\\") == "&");
  CHECK(dec("\\R\\") == "~");
  CHECK(dec("\\E\\") == "\\");
  CHECK(dec("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f") == "a|b^c&d~e\\f");
  CHECK(dec("\\F\\\\F\\") == "||");  // adjacent sequences

  const delimiters odd = make("MSH#$*@!%#");  // field # component $ repetition * escape @ sub ! trunc %
  CHECK(dec("@F@@S@@T@@R@@E@@P@", odd) == "#$!*@%");
  CHECK(dec("\\F\\", odd) == "\\F\\");  // '\' is not this message's escape character
}

TEST_CASE("truncation escape \\P\\ needs a declared truncation character") {
  CHECK(dec("a\\P\\b", make("MSH|^~\\&#|")) == "a#b");
  CHECK(dec("a\\P\\b") == "a\\P\\b");                     // no fifth MSH-2 character: literal
  CHECK(dec("a\\T\\b", make("MSH|^~\\|")) == "a\\T\\b");  // no subcomponent character: literal
}

TEST_CASE("backtick escape: backslashes are plain text") {
  const delimiters bt = make("MSH|^~`&|");
  CHECK(dec("{\\rtf1\\ansi `F` x}", bt) == "{\\rtf1\\ansi | x}");
  CHECK(dec("C:\\temp\\F\\", bt) == "C:\\temp\\F\\");
  CHECK(dec("`E``X41`", bt) == "`A");
  CHECK_FALSE(hl7v2::needs_unescape("C:\\dir\\F\\", bt));
  CHECK(hl7v2::needs_unescape("a`F`", bt));
}

TEST_CASE("no escape character declared: nothing is an escape") {
  const delimiters none = make("MSH|^~|");
  CHECK(none.escape == '\0');
  CHECK(dec("\\F\\ \\X41\\", none) == "\\F\\ \\X41\\");
  CHECK_FALSE(hl7v2::needs_unescape("\\F\\", none));
  CHECK(enc("a|b\r", none) == "a|b\r");  // nothing can be escaped: copied as is
}

TEST_CASE("hex escapes give raw bytes") {
  CHECK(dec("\\X41\\") == "A");
  CHECK(dec("\\X414243\\") == "ABC");
  CHECK(dec("\\X0D0A\\") == "\r\n");
  CHECK(dec("\\Xc3A9\\") == "\xC3\xA9");        // UTF-8 é, mixed-case digits
  CHECK(dec("\\XE282AC\\") == "\xE2\x82\xAC");  // UTF-8 €
  CHECK(dec("caf\\XE9\\") == "caf\xE9");        // a Latin-1 byte: charset conversion comes later
  CHECK(dec("\\X00\\") == std::string(1, '\0'));
  CHECK(dec("\\X7C\\") == "|");  // decoded bytes are text, not structure
  std::string long_hex = "\\X";
  for (int i = 0; i < 1000; ++i) long_hex += "4A";
  long_hex += "\\";
  CHECK(dec(long_hex) == std::string(1000, 'J'));  // longer than the decoder's chunk buffer
}

TEST_CASE("malformed hex escapes stay literal") {
  const auto raw =
      GENERATE(std::string_view{"\\X\\"}, std::string_view{"\\X4\\"}, std::string_view{"\\X414\\"},
               std::string_view{"\\XG1\\"}, std::string_view{"\\X 41\\"}, std::string_view{"\\x41\\"});
  CHECK(dec(raw) == std::string(raw));
}

TEST_CASE("formatting commands: map") {
  CHECK(dec("line 1\\.br\\line 2") == "line 1\nline 2");
  CHECK(dec("a\\.sp\\b") == "a\nb");
  CHECK(dec("a\\.sp3\\b") == "a\nb");
  CHECK(dec("a\\.ce\\b") == "a\nb");
  CHECK(dec("a\\.sk4\\b") == "a b");
  CHECK(dec("a\\.sk\\b") == "a b");
  CHECK(dec("a\\.sp 2\\b") == "a\nb");  // the standard's own spelling, with a space
  CHECK(dec("\\.fi\\a\\.nf\\b") == "ab");
  CHECK(dec("\\.in+4\\a\\.ti-2\\b\\.in6\\") == "ab");
  CHECK(dec("\\H\\bold\\N\\ plain") == "bold plain");
}

TEST_CASE("formatting commands: keep") {
  const auto raw = GENERATE(std::string_view{"line 1\\.br\\line 2"}, std::string_view{"a\\.sp3\\b"},
                            std::string_view{"\\.in+4\\x\\.fi\\"}, std::string_view{"\\H\\bold\\N\\"},
                            std::string_view{"\\.ce\\\\.sk2\\\\.nf\\\\.ti-1\\"});
  CHECK(dec(raw, standard, keep) == std::string(raw));
}

TEST_CASE("keep still decodes the non-formatting escapes") {
  CHECK(dec("a\\F\\b\\.br\\\\X41\\", standard, keep) == "a|b\\.br\\A");
}

TEST_CASE("malformed formatting commands stay literal under map") {
  const auto raw =
      GENERATE(std::string_view{"\\.brx\\"}, std::string_view{"\\.sp-1\\"}, std::string_view{"\\.inx\\"},
               std::string_view{"\\.in+\\"}, std::string_view{"\\.\\"}, std::string_view{"\\.b\\"},
               std::string_view{"\\.zz\\"}, std::string_view{"\\.fi2\\"}, std::string_view{"\\.br \\"},
               std::string_view{"\\.sp  2\\"});
  CHECK(dec(raw) == std::string(raw));
}

TEST_CASE("charset switches are kept verbatim") {
  CHECK(dec("\\C2842\\abc\\C2D41\\") == "\\C2842\\abc\\C2D41\\");
  CHECK(dec("\\M2442\\x", standard, keep) == "\\M2442\\x");
}

TEST_CASE("unknown and unterminated escapes are literal text, never an error") {
  CHECK(dec("\\Z\\") == "\\Z\\");
  CHECK(dec("\\ZZ\\x\\F\\") == "\\ZZ\\x|");
  CHECK(dec("\\\\") == "\\\\");    // empty sequence
  CHECK(dec("abc\\") == "abc\\");  // lone escape at the end
  CHECK(dec("\\") == "\\");
  CHECK(dec("abc\\F") == "abc\\F");      // unterminated
  CHECK(dec("a\\F\\b\\S") == "a|b\\S");  // decoded, then unterminated
  CHECK(dec("\\H\\", standard, keep) == "\\H\\");
  CHECK(dec("") == "");
}

TEST_CASE("values without escapes are appended in one piece") {
  counting_sink s;
  hl7v2::unescape("DOE^JOHN has no escapes at all, only text", standard, s);
  CHECK(s.appends == 1);
  CHECK_FALSE(hl7v2::needs_unescape("DOE^JOHN", standard));
  CHECK(hl7v2::needs_unescape("A\\T\\B", standard));
  CHECK_FALSE(hl7v2::needs_unescape("", standard));

  counting_sink t;
  hl7v2::unescape("left \\T\\ right", standard, t);
  CHECK(t.s == "left & right");
  CHECK(t.appends == 3);
}

TEST_CASE("escape writes delimiters, CR and LF as escape sequences") {
  CHECK(enc("plain") == "plain");
  CHECK(enc("a|b^c&d~e\\f") == "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
  CHECK(enc("1\r2\n3\r\n") == "1\\X0D\\2\\X0A\\3\\X0D\\\\X0A\\");
  CHECK(enc("#", make("MSH|^~\\&#|")) == "\\P\\");
  CHECK(enc("#") == "#");  // no truncation character declared: plain text
  CHECK(enc(std::string_view("\0", 1)) == std::string(1, '\0'));
  CHECK(enc("a`b\\c", make("MSH|^~`&|")) == "a`E`b\\c");
  CHECK(hl7v2::needs_escape("a|b", standard));
  CHECK_FALSE(hl7v2::needs_escape("ab", standard));
}

TEST_CASE("escape then unescape gives back the exact text (property, fixed seed)") {
  const delimiters sets[] = {standard, make("MSH|^~`&|"), make("MSH|^~\\&#|"), make("MSH#$*@!%#"),
                             make("MSH|^~\\|")};
  const std::string alphabet = "|^~\\&#`$*@!%\r\nXx0AD.brspFSTREPHNC \xC3\xA9";
  std::mt19937 rng(424242);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> len(0, 40);
  std::uniform_int_distribution<int> any_byte(0, 255);
  for (const auto& d : sets) {
    for (int i = 0; i < 3000; ++i) {
      std::string text;
      const int n = len(rng);
      for (int k = 0; k < n; ++k) {
        text += (k % 7 == 3) ? static_cast<char>(any_byte(rng)) : alphabet[pick(rng)];
      }
      const std::string escaped = enc(text, d);
      // The escaped text holds no structural character and no line end.
      bool clean = true;
      for (char c : escaped) {
        if (d.is_structural(c) || c == '\r' || c == '\n' || (d.truncation != '\0' && c == d.truncation)) {
          clean = false;
        }
      }
      CHECK(clean);
      CHECK(dec(escaped, d) == text);
      CHECK(dec(escaped, d, keep) == text);
    }
  }
}

TEST_CASE("unescape works with the fixed buffer sink") {
  char buf[4];
  hl7v2::fixed_sink s(buf);
  hl7v2::unescape("a\\F\\bcdef", standard, s);
  CHECK(s.overflowed());
  CHECK(s.view() == "a|");  // "bcdef" did not fit and was not written in part
}

TEST_CASE("escapes in a real lab message decode as the sender meant") {
  // NTE-3 and OBX-5 of tests/data/oru_r01_lab.hl7, with the message's own delimiters.
  const delimiters d = make("MSH|^~\\&|CHEMLAB");
  CHECK(dec("Low hemoglobin \\T\\ low hematocrit\\.br\\Recommend iron studies", d) ==
        "Low hemoglobin & low hematocrit\nRecommend iron studies");
  CHECK(dec("Anisocytosis 1\\S\\2+; see \\E\\note\\E\\", d) == "Anisocytosis 1^2+; see \\note\\");
  // And back: what we write for the decoded text reads the same again.
  const std::string text = "Anisocytosis 1^2+; see \\note\\";
  CHECK(enc(text, d) == "Anisocytosis 1\\S\\2+; see \\E\\note\\E\\");
}
