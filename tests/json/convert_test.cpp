// The one-call converter: options, extra members, sinks, errors that leave the output untouched,
// default version and site profiles.
#include "hl7v2/json/convert.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/json/reader.hpp"

#include <catch2/catch_test_macros.hpp>
#include <sstream>
#include <string>

#include "hl7v2/defs/profile.hpp"
#include "hl7v2/json/writer.hpp"
#include "hl7v2/parser.hpp"
#include "json/json_test_support.hpp"

namespace {

using namespace hl7v2;

std::string cr(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = '\r';
  }
  return s;
}

}  // namespace

TEST_CASE("extra members come first inside the object, and several messages make NDJSON") {
  hl7v2::parser p;
  const std::string text = test_support::data("blog_adt_a01.hl7");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  for (const auto layout : {json::layout::named, json::layout::positional}) {
    json::converter conv{{.layout = layout}};
    std::string out;
    REQUIRE(conv.write(*msg, out, R"("_source":{"sha256":"ab","index":0})"));
    CHECK(out.rfind(R"({"_source":{"sha256":"ab","index":0},)", 0) == 0);
    out += '\n';
    const auto n = conv.write(*msg, out);
    REQUIRE(n);
    CHECK(out.size() == out.find('\n') + 1 + *n);
    simdjson::dom::parser jp;
    simdjson::dom::document_stream stream;
    REQUIRE(jp.parse_many(out).get(stream) == simdjson::SUCCESS);
    std::size_t docs = 0;
    for (auto doc : stream) {
      CHECK(doc.error() == simdjson::SUCCESS);
      ++docs;
    }
    CHECK(docs == 2);
  }
}

TEST_CASE("sinks: string_sink, fixed_sink (overflow reported), ostream_sink") {
  hl7v2::parser p;
  const std::string text = test_support::data("oru_r01_lab.hl7");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  json::converter conv;
  std::string expected;
  REQUIRE(conv.write(*msg, expected));

  std::string s;
  string_sink ss{s};
  REQUIRE(conv.write(*msg, ss));
  CHECK(s == expected);

  std::string big(expected.size() + 10, '\0');
  fixed_sink fits{big.data(), big.size()};
  const auto ok = conv.write(*msg, fits);
  REQUIRE(ok);
  CHECK(fits.view() == expected);

  char small[100];
  fixed_sink tight{small};
  const auto overflow = conv.write(*msg, tight);
  REQUIRE_FALSE(overflow);
  CHECK(overflow.error().code == errc::buffer_overflow);

  std::ostringstream os;
  {
    ostream_sink o{os};
    REQUIRE(conv.write(*msg, o));
    CHECK(o.flush() == errc::ok);
  }
  CHECK(os.str() == expected);
}

TEST_CASE("strict policy: the error names code and place, the output is untouched") {
  hl7v2::parser p;
  const std::string text =
      cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1||||||UNICODE UTF-8\nPID|1||PRIVATE\x80VALUE\n");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  json::converter conv{{.bytes = invalid_bytes::strict}};
  char buf[4096];
  fixed_sink sink{buf};
  const auto r = conv.write(*msg, sink);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::invalid_byte);
  CHECK(r.error().segment == 2);
  CHECK(r.error().field == 3);
  CHECK(r.error().offset == text.find("PRIVATE"));
  CHECK(sink.size() == 0);
  // The same converter goes on with the next message.
  const std::string good = test_support::data("blog_adt_a01.hl7");
  const auto m2 = p.parse(good);
  REQUIRE(m2);
  std::string out;
  CHECK(conv.write(*m2, out));
}

TEST_CASE("default version for an empty MSH-12; formatting option") {
  hl7v2::parser p;
  const std::string text =
      cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|\nPID|1||X||DOE^JOHN\nNTE|1||a\\.br\\b\n");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  std::string out;
  json::converter v23{{.default_version = &defs::v2_3}};
  REQUIRE(v23.write(*msg, out));
  CHECK(out.find(R"("patient_name":{"family_name":"DOE","given_name":"JOHN"})") != std::string::npos);
  CHECK(out.find(R"("comment":"a\nb")") != std::string::npos);
  out.clear();
  json::converter v251{{.format = formatting::keep}};
  REQUIRE(v251.write(*msg, out));
  CHECK(out.find(R"("patient_name":{"family_name":{"surname":"DOE"},"given_name":"JOHN"})") !=
        std::string::npos);
  CHECK(out.find(R"("comment":"a\\.br\\b")") != std::string::npos);
}

TEST_CASE("a site profile names its Z-segment and the ways back use it") {
  const std::string profile_json =
      test_support::read_file(std::string(HL7V2_SOURCE_DIR) + "/examples/profiles/zpi_profile.json");
  auto loaded = defs::profile::load(profile_json, defs::v2_5_1);
  REQUIRE(loaded);
  const defs::profile& prof = *loaded;
  hl7v2::parser p;
  const std::string text =
      cr("MSH|^~\\&|A|B|C|D|20260126||ADT^A01|1|P|2.5.1\nPID|1||X\nZPI|1|SUNNY^DAY|REX^DOG|3|20260101\n");
  const auto msg = p.parse(text);
  REQUIRE(msg);
  json::converter conv{{.profile = &prof}};
  std::string out;
  REQUIRE(conv.write(*msg, out));
  simdjson::dom::parser jp;
  simdjson::dom::element doc;
  REQUIRE(jp.parse(out).get(doc) == simdjson::SUCCESS);
  const auto* zpi = prof.segment("ZPI");
  REQUIRE(zpi != nullptr);
  CHECK(std::string_view(doc["zpi"].at(0)["vip"].get_string()) == "3");
  CHECK(std::string_view(
            doc["zpi"].at(0)[zpi->field(3)->key()][zpi->field(3)->type->component(1)->key()].get_string()) ==
        "REX");

  json::er7_from_json back{{.definitions = &prof.version()}};
  std::string er7;
  REQUIRE(back.convert(out, er7));
  CHECK(er7.find("ZPI|1|SUNNY^DAY|REX^DOG|3|20260101\r") != std::string::npos);
}
