// A user-written emitter: one CSV line per message with the fields you choose, by HL7 position.
// It plugs into the same walk as the built-in JSON emitters and is handed each part together with the
// definition it matched, so the header line can use the standard's names.
//
//   example_custom_emitter [FILE...]      (no file: standard input)
//
// Output for tests/data/blog_adt_a01.hl7 (HL7 2.3):
//   message_control_id,set_id_patient_id,family_name,given_name,sex
//   MSGID10001,1,DOE,JOHN,M
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/defs/all.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/framer.hpp"
#include "hl7v2/json/walk.hpp"
#include "hl7v2/parser.hpp"

namespace {

// One CSV column: segment id, field position, component position (0: the whole first repetition).
struct column {
  std::string_view segment;
  std::size_t field;
  std::size_t component;
};

constexpr column columns[] = {{"MSH", 10, 0}, {"PID", 1, 0}, {"PID", 5, 1}, {"PID", 5, 2}, {"PID", 8, 0}};

class csv_emitter {
 public:
  static constexpr hl7v2::json::segment_order order = hl7v2::json::segment_order::as_received;

  std::vector<std::string> cells = std::vector<std::string>(std::size(columns));
  std::vector<std::string> names = std::vector<std::string>(std::size(columns));

  void begin_message(const hl7v2::json::message_info& m) {
    delims_ = m.msg->delims();
    for (auto& c : cells) c.clear();
    seen_.clear();
  }
  void end_message(const hl7v2::json::message_info&) {}
  void begin_group(const hl7v2::json::group_info&) {}
  void end_group(const hl7v2::json::group_info&) {}

  bool begin_segment(const hl7v2::json::segment_info& s) {
    id_ = s.seg.id();
    // Only the first occurrence of each segment fills the row.
    for (std::string_view done : seen_) {
      if (done == id_) return false;
    }
    seen_.push_back(id_);
    return true;
  }
  void end_segment(const hl7v2::json::segment_info&) {}

  bool begin_field(const hl7v2::json::field_info& f) {
    bool wanted = false;
    for (std::size_t i = 0; i < std::size(columns); ++i) {
      const column& c = columns[i];
      if (c.segment != id_ || c.field != f.position) continue;
      wanted = true;
      if (c.component == 0) {
        cells[i] = text(f.f[1].raw());
        if (f.def != nullptr) names[i] = f.def->key();
      }
    }
    field_ = f.position;
    return wanted;  // descend only into the fields a column asks for
  }
  void end_field(const hl7v2::json::field_info&) {}
  bool begin_repetition(const hl7v2::json::repetition_info& r) { return r.index == 1; }
  void end_repetition(const hl7v2::json::repetition_info&) {}
  bool begin_component(const hl7v2::json::component_info& c) {
    for (std::size_t i = 0; i < std::size(columns); ++i) {
      const column& col = columns[i];
      if (col.segment != id_ || col.field != field_ || col.component != c.position) continue;
      cells[i] = text(c.comp.raw());
      if (c.def != nullptr) names[i] = c.def->key();
    }
    return false;
  }
  void end_component(const hl7v2::json::component_info&) {}
  void subcomponent(const hl7v2::json::subcomponent_info&) {}

 private:
  // Decoded text, quoted for CSV when it holds a comma, a quote or a line break.
  std::string text(std::string_view raw) const {
    std::string decoded;
    hl7v2::unescape(raw, delims_, decoded);
    if (decoded.find_first_of(",\"\r\n") == std::string::npos) return decoded;
    std::string quoted = "\"";
    for (char ch : decoded) {
      if (ch == '"') quoted += '"';
      quoted += ch;
    }
    return quoted + '"';
  }

  hl7v2::delimiters delims_{};
  std::string_view id_;
  std::size_t field_ = 0;
  std::vector<std::string_view> seen_;
};

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  if (argc < 2) {
    inputs.emplace_back(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    for (int i = 1; i < argc; ++i) inputs.push_back(read_file(argv[i]));
  }
  hl7v2::parser parser;
  hl7v2::json::walker walker;
  csv_emitter csv;
  bool header_written = false;
  for (const std::string& input : inputs) {
    for (const hl7v2::frame& f : hl7v2::framer{input}) {
      if (f.kind != hl7v2::frame_kind::message) continue;
      const auto msg = parser.parse(f.text);
      if (!msg) {
        std::fprintf(stderr, "message %zu: %s\n", f.message_index, std::string(msg.error().what()).c_str());
        continue;
      }
      walker.walk(*msg, csv);
      if (!header_written) {
        for (std::size_t i = 0; i < csv.names.size(); ++i)
          std::printf("%s%s", i ? "," : "", csv.names[i].c_str());
        std::printf("\n");
        header_written = true;
      }
      for (std::size_t i = 0; i < csv.cells.size(); ++i)
        std::printf("%s%s", i ? "," : "", csv.cells[i].c_str());
      std::printf("\n");
    }
  }
  return 0;
}
