// The real-world set (tests/realworld/messages/: other projects' test messages under their licences,
// and our own): every message converts in every layout, positional JSON comes back byte for byte, named
// JSON comes back to the same message and to the same JSON (plain, and typed with upper-case keys), and
// validation reports exactly what validation_expected.tsv lists: each error found must be there with a
// verdict (genuine, false or unreviewed, each with its reason), every error reviewed as genuine must
// still be found, none may be unreviewed and none reviewed as false may still be reported. A new error
// fails the test until it is judged (tests/realworld/review.mjs) and listed.
//
// HL7V2_REALWORLD_DUMP=FILE writes the errors found as a TSV in the list's format (verdicts kept from the
// list, "?" for new ones), to review after a change of the definitions or the matcher.
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/defs/resolver.hpp"
#include "hl7v2/er7_writer.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/framer.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/json/reader.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/validate/validate.hpp"
#include "json/json_test_support.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path root{HL7V2_REALWORLD_DIR};

std::string read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<fs::path> message_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root / "messages")) {
    if (e.is_regular_file() && e.path().extension() == ".hl7") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A message's content as named JSON can hold it, in a form to compare: segments of one id together in
// the order of the id's first appearance; every value decoded; trailing empty parts (and parts whose text
// decodes to nothing) dropped at every level; header fields 1 and 2 as their text.
std::vector<std::string> content(const hl7v2::message& m) {
  const hl7v2::delimiters& d = m.delims();
  std::vector<std::pair<std::string, std::string>> segs;  // id, canonical text
  for (const hl7v2::segment seg : m.segments()) {
    std::vector<std::string> fields;
    for (std::size_t pos = 1; pos <= seg.size(); ++pos) {
      const hl7v2::field f = seg[pos];
      if (seg.is_header() && pos <= 2) {
        fields.emplace_back(f.raw());
        continue;
      }
      std::vector<std::string> reps;
      for (const hl7v2::repetition r : f) {
        std::vector<std::string> comps;
        for (const hl7v2::component c : r) {
          std::vector<std::string> subs;
          for (const hl7v2::subcomponent s : c) {
            std::string text;
            hl7v2::unescape(s.raw(), d, text);
            subs.push_back(std::move(text));
          }
          while (!subs.empty() && subs.back().empty()) subs.pop_back();
          std::string joined;
          for (std::size_t i = 0; i < subs.size(); ++i) {
            if (i != 0) joined += '\x03';
            joined += subs[i];
          }
          comps.push_back(std::move(joined));
        }
        while (!comps.empty() && comps.back().empty()) comps.pop_back();
        std::string joined;
        for (std::size_t i = 0; i < comps.size(); ++i) {
          if (i != 0) joined += '\x02';
          joined += comps[i];
        }
        reps.push_back(std::move(joined));
      }
      while (!reps.empty() && reps.back().empty()) reps.pop_back();
      std::string joined;
      for (std::size_t i = 0; i < reps.size(); ++i) {
        if (i != 0) joined += '\x01';
        joined += reps[i];
      }
      fields.push_back(std::move(joined));
    }
    while (!fields.empty() && fields.back().empty()) fields.pop_back();
    std::string text(seg.id());
    for (const std::string& f : fields) {
      text += '\x04';
      text += f;
    }
    segs.emplace_back(std::string(seg.id()), std::move(text));
  }
  std::vector<std::string> ids;
  for (const auto& [id, text] : segs) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    for (const auto& [sid, text] : segs) {
      if (sid == id) out.push_back(text);
    }
  }
  return out;
}

// One line of validation_expected.tsv, or of what the run found.
struct finding {
  std::string file;  // relative to messages/
  std::size_t message = 0;
  std::string path;
  std::string code;
  auto key() const { return std::tie(file, message, path, code); }
  bool operator<(const finding& o) const { return key() < o.key(); }
};
struct reviewed {
  std::string verdict;  // "genuine", "false" or "unreviewed"
  std::string why;
};

std::multimap<finding, reviewed> expected_list() {
  std::multimap<finding, reviewed> list;
  std::ifstream in(root / "validation_expected.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("file\t", 0) == 0) continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    REQUIRE(cols.size() >= 5);
    finding f{cols[0], std::stoul(cols[1]), cols[2], cols[3]};
    list.emplace(f, reviewed{cols[4], cols.size() > 5 ? cols[5] : ""});
  }
  return list;
}

struct totals {
  std::size_t files = 0, messages = 0, parsed = 0, positional_exact = 0, named_same = 0, typed_same = 0;
  std::size_t messages_with_errors = 0;
};

}  // namespace

TEST_CASE("real-world set: conversions, round trips and the reviewed validation errors") {
  const std::vector<fs::path> files = message_files();
  REQUIRE(files.size() >= 190);
  hl7v2::parser parser, again;
  hl7v2::json::converter positional{{.layout = hl7v2::json::layout::positional}};
  hl7v2::json::converter named{};
  hl7v2::json::converter typed{{.typed = true, .upper_keys = true}};
  hl7v2::json::er7_from_json back;
  hl7v2::validate::report report;
  const hl7v2::defs::resolver definitions{hl7v2::defs::all_versions_registry};
  std::vector<finding> found;
  totals t;
  for (const fs::path& path : files) {
    const std::string rel = fs::relative(path, root / "messages").generic_string();
    const std::string bytes = read_bytes(path);
    ++t.files;
    std::size_t index = 0;
    for (const hl7v2::frame& f : hl7v2::framer{bytes}) {
      if (f.kind != hl7v2::frame_kind::message && f.kind != hl7v2::frame_kind::error) continue;
      const std::size_t msg_index = index++;
      ++t.messages;
      INFO(rel << " #" << msg_index);
      if (f.kind == hl7v2::frame_kind::error) {
        found.push_back({rel, msg_index, "-", std::string(hl7v2::name(f.err.code))});
        continue;
      }
      const auto msg = parser.parse(f.text);
      if (!msg) {
        found.push_back({rel, msg_index, "-", std::string(hl7v2::name(msg.error().code))});
        continue;
      }
      ++t.parsed;

      // Positional: byte for byte.
      std::string expected_er7, json, er7;
      hl7v2::write_er7(*msg, expected_er7);
      REQUIRE(positional.write(*msg, json));
      REQUIRE(back.convert(json, er7));
      CHECK(er7 == expected_er7);
      t.positional_exact += er7 == expected_er7;

      // Named: the same message, and the same JSON again.
      json.clear();
      er7.clear();
      REQUIRE(named.write(*msg, json));
      REQUIRE(back.convert(json, er7));
      const auto round = again.parse(er7);
      REQUIRE(round);
      const bool same_message = content(*msg) == content(*round);
      CHECK(same_message);
      std::string json2;
      REQUIRE(named.write(*round, json2));
      CHECK(json == json2);
      t.named_same += same_message && json == json2;

      // Typed, upper-case keys: the same JSON (numbers by value: 7.50 comes back as 7.5).
      json.clear();
      er7.clear();
      json2.clear();
      REQUIRE(typed.write(*msg, json));
      REQUIRE(back.convert(json, er7));
      const auto typed_round = again.parse(er7);
      REQUIRE(typed_round);
      REQUIRE(typed.write(*typed_round, json2));
      const bool typed_same = test_support::json_text_equal(json, json2);
      CHECK(typed_same);
      t.typed_same += typed_same;

      // Validation: the errors, to compare with the reviewed list.
      if (hl7v2::validate::validate(*msg, definitions, {}, report) == nullptr) {
        found.push_back({rel, msg_index, "MSH-12", "unknown_version"});
        ++t.messages_with_errors;
        continue;
      }
      bool any = false;
      for (const hl7v2::validate::diagnostic& d : report) {
        if (d.severity != hl7v2::validate::severity::error) continue;
        found.push_back({rel, msg_index, d.where.path(), std::string(hl7v2::validate::name(d.code))});
        any = true;
      }
      t.messages_with_errors += any;
    }
  }

  // Against the reviewed list.
  const std::multimap<finding, reviewed> list = expected_list();
  std::multiset<finding> found_set(found.begin(), found.end());
  std::size_t genuine = 0, false_found = 0, unreviewed = 0, false_fixed = 0, unlisted = 0, missing = 0;
  std::set<finding> seen;
  for (const finding& f : found) {
    if (!seen.insert(f).second) continue;
    const auto [lo, hi] = list.equal_range(f);
    const std::size_t listed = static_cast<std::size_t>(std::distance(lo, hi));
    const std::size_t count = found_set.count(f);
    if (listed < count) {
      unlisted += count - listed;
      UNSCOPED_INFO("not in validation_expected.tsv: " << f.file << "\t" << f.message << "\t" << f.path
                                                       << "\t" << f.code);
    }
    for (auto it = lo; it != hi; ++it) {
      const std::string& v = it->second.verdict;
      (v == "genuine" ? genuine : v == "false" ? false_found : unreviewed) += 1;
    }
  }
  for (const auto& [f, r] : list) {
    if (found_set.count(f) != 0) continue;
    if (r.verdict == "genuine") {
      ++missing;
      UNSCOPED_INFO("genuine error no longer reported: " << f.file << "\t" << f.message << "\t" << f.path
                                                         << "\t" << f.code);
    } else {
      ++false_fixed;
    }
  }
  if (const char* dump = std::getenv("HL7V2_REALWORLD_DUMP")) {
    std::ofstream out(dump);
    out << "file\tmessage\tpath\tcode\tverdict\twhy\n";
    for (const finding& f : found) {
      const auto it = list.find(f);
      out << f.file << '\t' << f.message << '\t' << f.path << '\t' << f.code << '\t'
          << (it != list.end() ? it->second.verdict : "?") << '\t' << (it != list.end() ? it->second.why : "")
          << '\n';
    }
  }
  std::printf(
      "real-world set: %zu files, %zu messages, %zu parsed; positional byte-exact %zu, named same message "
      "and "
      "JSON %zu, typed same JSON %zu; %zu messages with validation errors; errors: %zu genuine, %zu reviewed "
      "false still reported, %zu not yet reviewed, %zu reviewed false no longer reported, %zu not in the "
      "list\n",
      t.files, t.messages, t.parsed, t.positional_exact, t.named_same, t.typed_same, t.messages_with_errors,
      genuine, false_found, unreviewed, false_fixed, unlisted);
  CHECK(unlisted == 0);
  CHECK(missing == 0);
  CHECK(unreviewed == 0);   // every error judged (tests/realworld/review.mjs)
  CHECK(false_found == 0);  // and every false one fixed
  CHECK(t.positional_exact == t.parsed);
  CHECK(t.named_same == t.parsed);
  CHECK(t.typed_same == t.parsed);
}
