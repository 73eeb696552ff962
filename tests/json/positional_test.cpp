// The positional layout: its documented shape, every field compared with the tree after a simdjson
// parse, and byte-exact ER7 back (reader.hpp) over the samples, a generated corpus and random messages
// with odd delimiters, Latin-1 and invalid bytes.
#include "hl7v2/json/positional.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/json/reader.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <string_view>

#include "../../bench/corpus/generator.hpp"
#include "hl7v2/er7_writer.hpp"
#include "hl7v2/framer.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/parser.hpp"
#include "json/json_test_support.hpp"

namespace {

using namespace hl7v2;
using simdjson::dom::element;

std::string_view str(element e) {
  std::string_view s;
  REQUIRE(e.get_string().get(s) == simdjson::SUCCESS);
  return s;
}

// Latin-1 characters back to bytes (the "bytes":"latin1" form).
std::string latin1_bytes(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80) {
      out += utf8[i];
    } else {
      out += static_cast<char>(((b & 0x03) << 6) | (static_cast<unsigned char>(utf8[++i]) & 0x3F));
    }
  }
  return out;
}

// A JSON part joined back with the delimiters of the levels below it.
std::string join(element e, const delimiters& d, int level, bool latin1) {
  if (e.is_string()) return latin1 ? latin1_bytes(str(e)) : std::string(str(e));
  const char seps[3] = {d.repetition, d.component, d.subcomponent};
  int child = level + 1;
  while (seps[child - 1] == '\0') ++child;
  std::string out;
  bool first = true;
  for (element p : e.get_array()) {
    if (!first) out += seps[child - 1];
    first = false;
    out += join(p, d, child, latin1);
  }
  return out;
}

bool holds_any(std::string_view s, std::initializer_list<char> cs) {
  for (char c : cs) {
    if (c != '\0' && s.find(c) != std::string_view::npos) return true;
  }
  return false;
}

// Every segment and field of the JSON against the tree.
void check_against_tree(const message& m, element doc) {
  const bool latin1 = doc["bytes"].error() == simdjson::SUCCESS;
  const delimiters& d = m.delims();
  const auto beyond_ascii = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
  CHECK(latin1 == (!simdjson::validate_utf8(m.raw().data(), m.raw().size()) || beyond_ascii(d.field) ||
                   beyond_ascii(d.component) || beyond_ascii(d.repetition) || beyond_ascii(d.subcomponent)));
  simdjson::dom::array segs = doc["segments"].get_array();
  REQUIRE(segs.size() == m.size());
  std::size_t i = 0;
  for (element s : segs) {
    const segment seg = m[++i];
    simdjson::dom::array fields = s.get_array();
    REQUIRE(fields.size() == seg.size() + 1);
    CHECK(str(s.at(0)) == seg.id());
    for (std::size_t pos = 1; pos <= seg.size(); ++pos) {
      const std::string_view raw = seg[pos].raw();
      const element f = s.at(pos);
      INFO(seg.id() << "-" << pos);
      if (seg.is_header() && pos <= 2) {
        CHECK(f.is_string());
      } else {
        // A string exactly when nothing below splits it.
        CHECK(f.is_string() == !holds_any(raw, {d.repetition, d.component, d.subcomponent}));
      }
      CHECK(join(f, d, 0, latin1) == raw);
    }
  }
}

void round_trip(const std::string& text, json::converter& conv, json::er7_from_json& back) {
  hl7v2::parser p;
  const auto msg = p.parse(text);
  REQUIRE(msg);
  std::string out;
  REQUIRE(conv.write(*msg, out));
  simdjson::dom::parser jp;
  element doc;
  REQUIRE(jp.parse(out).get(doc) == simdjson::SUCCESS);
  check_against_tree(*msg, doc);
  std::string expected;
  write_er7(*msg, expected);
  std::string er7;
  const auto n = back.convert(out, er7);
  REQUIRE(n);
  CHECK(*n == er7.size());
  CHECK(er7 == expected);
}

}  // namespace

TEST_CASE("positional shape as documented") {
  hl7v2::parser p;
  const std::string text = test_support::data("blog_adt_a01.hl7");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  json::converter conv{{.layout = json::layout::positional}};
  std::string out;
  REQUIRE(conv.write(*msg, out));
  CHECK(out.rfind(R"({"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&","SOURCEEHR","WA",)", 0) == 0);
  CHECK(out.find(R"(["PID","1",[["100001","","","1","MRN1"]],"900001","",[["DOE","JOHN","","","",""]],)") !=
        std::string::npos);
  // MSH ends with a trailing '|' after 2.3: a trailing empty field is kept.
  CHECK(out.find(R"("MSGID10001","P","2.3",""],["EVN")") != std::string::npos);
}

TEST_CASE("positional: subcomponents, repetitions, and escapes left as they are") {
  hl7v2::parser p;
  const std::string text = "MSH|^~\\&|A\rPID|1|a~b|x&y^z|\\T\\|\"\"\r";
  const auto msg = p.parse(text);
  REQUIRE(msg);
  json::converter conv{{.layout = json::layout::positional}};
  std::string out;
  REQUIRE(conv.write(*msg, out));
  CHECK(out.find(R"(["PID","1",["a","b"],[[["x","y"],"z"]],"\\T\\","\"\""])") != std::string::npos);
}

TEST_CASE("positional round trip is byte-exact: samples") {
  json::converter conv{{.layout = json::layout::positional}};
  json::er7_from_json back;
  round_trip(test_support::data("blog_adt_a01.hl7"), conv, back);
  round_trip(test_support::data("oru_r01_lab.hl7"), conv, back);
  const std::string feed = test_support::data("lf_feed_two_messages.hl7");
  round_trip(feed.substr(0, feed.find("\n\n") + 1), conv, back);
  round_trip(feed.substr(feed.find("\n\n") + 2), conv, back);
}

TEST_CASE("positional round trip is byte-exact: generated corpus (CR, LF, Latin-1, Z-segments)") {
  json::converter conv{{.layout = json::layout::positional}};
  json::er7_from_json back;
  for (const bool latin1 : {false, true}) {
    hl7v2::bench::corpus_generator gen{
        {.count = 0, .seed = 11, .lf = latin1, .latin1 = latin1, .z_segments = true}};
    for (int i = 0; i < 200; ++i) {
      std::string one;
      gen.append_next(one);
      round_trip(one, conv, back);
    }
  }
}

TEST_CASE("positional round trip is byte-exact: random delimiters, escapes, Latin-1 and invalid bytes") {
  json::converter conv{{.layout = json::layout::positional}};
  json::er7_from_json back;
  test_support::rng r{2026};
  std::size_t latin1_seen = 0;
  for (int i = 0; i < 1500; ++i) {
    const auto g = test_support::random_message(r);
    INFO("message " << i);
    round_trip(g.text, conv, back);
    latin1_seen += g.mode == test_support::bytes_mode::latin1 || g.mode == test_support::bytes_mode::invalid;
  }
  CHECK(latin1_seen > 300);
}

TEST_CASE("an unterminated last segment keeps its trailing spaces: framing, tree, JSON and back") {
  // A free-text OBX-5 ending in spaces, as the last segment of a file without a final CR: framed, it
  // must give the same tree and JSON as the same message with a CR after that segment.
  const std::string body =
      "MSH|^~\\&|LAB|F|R|F|20110616||ORU^R01|1|P|2.3\rOBX|1|FT|GAS^^LN||Type Venous\\.br\\ pH : 7.28   ";
  json::converter conv{{.layout = json::layout::positional}};
  json::er7_from_json back;
  std::string json_of[2];
  for (const bool terminated : {false, true}) {
    INFO("terminated " << terminated);
    const std::string file = body + (terminated ? "\r" : "") + "\x1A";
    std::vector<std::string> texts;
    for (const frame& f : framer{file}) {
      REQUIRE(f.kind == frame_kind::message);
      texts.emplace_back(f.text);
    }
    REQUIRE(texts.size() == 1);
    CHECK(texts[0] == body + (terminated ? "\r" : ""));
    parser p;
    const auto msg = p.parse(texts[0]);
    REQUIRE(msg);
    CHECK(msg->get("OBX-5") == "Type Venous\\.br\\ pH : 7.28   ");
    CHECK(msg->find("OBX")[5][1][1].raw() == "Type Venous\\.br\\ pH : 7.28   ");
    round_trip(texts[0], conv, back);
    REQUIRE(conv.write(*msg, json_of[terminated ? 1 : 0]));
    std::string er7;
    REQUIRE(back.convert(json_of[terminated ? 1 : 0], er7));
    CHECK(er7 == body + "\r");  // segment terminators are written as CR
  }
  CHECK(json_of[0] == json_of[1]);
}

TEST_CASE("positional: a delimiter beyond ASCII that cuts a UTF-8 sequence gives the byte form") {
  // Found by fuzz_emit: MSH-2 "^~\xDC\xA6" (escape 0xDC, subcomponent 0xA6) and a field "\xDC\xA6", valid
  // UTF-8 as a whole, split into "\xDC" and "": its parts alone are not UTF-8, so the JSON was invalid.
  const std::string text = "MSH|^~\xDC\xA6|A\rZPD|1|x\xDC\xA6y|\xC3\xA9\r";
  REQUIRE(simdjson::validate_utf8(text.data(), text.size()));
  json::converter conv{{.layout = json::layout::positional}};
  json::er7_from_json back;
  round_trip(text, conv, back);  // valid JSON, byte-exact back
  hl7v2::parser p;
  std::string out;
  REQUIRE(conv.write(*p.parse(text), out));
  CHECK(out.rfind(R"({"bytes":"latin1","delimiters")", 0) == 0);
}

TEST_CASE("positional: invalid bytes are kept as Latin-1 characters, refused under strict") {
  const std::string text = "MSH|^~\\&|A||||||||||||||UNICODE UTF-8\rPID|1|\xFF\xE9|ok\r";
  hl7v2::parser p;
  const auto msg = p.parse(text);
  REQUIRE(msg);
  json::converter conv{{.layout = json::layout::positional}};
  std::string out;
  REQUIRE(conv.write(*msg, out));
  CHECK(out.rfind(R"({"bytes":"latin1","delimiters")", 0) == 0);
  CHECK(out.find("\xC3\xBF\xC3\xA9") != std::string::npos);  // ÿé

  json::converter strict{{.layout = json::layout::positional, .bytes = invalid_bytes::strict}};
  std::string none;
  const auto n = strict.write(*msg, none);
  REQUIRE_FALSE(n);
  CHECK(n.error().code == errc::invalid_byte);
  CHECK(n.error().offset == text.find('\xFF'));
  CHECK(none.empty());
}
