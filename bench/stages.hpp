// The in-process stages of hl7v2-bench: each is one pass over the whole corpus (framing, parsing and
// the stage's own work per message), with every buffer reused across messages and passes.
// hl7v2_bench.cpp times them; tests/bench/stages_test.cpp checks what they count and produce.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/charset.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/escape.hpp"
#include "hl7v2/framer.hpp"
#include "hl7v2/json/convert.hpp"
#include "hl7v2/message.hpp"
#include "hl7v2/parser.hpp"
#include "hl7v2/validate/validate.hpp"

namespace hl7v2::bench {

// What one pass over the whole corpus produced. The checksum depends on every byte a stage looked
// at (or wrote), and is printed, so the optimizer cannot drop the work.
struct pass_result {
  std::size_t messages = 0;
  std::size_t errors = 0;
  std::uint64_t checksum = 0;
};

// State reused across messages and passes, as a real ingest loop would reuse it: after the warm-up
// pass no stage should need the heap.
struct bench_state {
  hl7v2::parser parser;
  std::string out;      // each stage's output for one message: cleared per message, capacity kept
  std::string scratch;  // decode: unescaped text before charset conversion
  hl7v2::json::converter named{{.layout = hl7v2::json::layout::named}};
  hl7v2::json::converter typed{{.layout = hl7v2::json::layout::named, .typed = true}};
  hl7v2::json::converter positional{{.layout = hl7v2::json::layout::positional}};
  hl7v2::validate::report report;
  hl7v2::defs::resolver definitions{hl7v2::defs::all_versions_registry};  // MSH-12's version, 2.5.1 if empty
};

using stage_fn = pass_result (*)(const std::vector<std::string>& inputs, bench_state& state);

// framing: find the message boundaries (MLLP, batches, MSH at a segment start) and nothing else.
inline pass_result run_framing(const std::vector<std::string>& inputs, bench_state&) {
  pass_result r;
  for (const std::string& input : inputs) {
    for (const hl7v2::frame& f : hl7v2::framer{input}) {
      if (f.kind == hl7v2::frame_kind::message) {
        ++r.messages;
        r.checksum += f.text.size() + f.offset;
      } else if (f.kind == hl7v2::frame_kind::error) {
        ++r.errors;
      }
    }
  }
  return r;
}

// The loop every parsing stage shares: frame, parse, then `work(message)`, which returns the number
// the checksum sums (or, through `ok`, reports that the message failed at that stage).
template <class Work>
pass_result for_each_message(const std::vector<std::string>& inputs, bench_state& state, Work&& work) {
  pass_result r;
  for (const std::string& input : inputs) {
    for (const hl7v2::frame& f : hl7v2::framer{input}) {
      if (f.kind != hl7v2::frame_kind::message) {
        r.errors += f.kind == hl7v2::frame_kind::error;
        continue;
      }
      auto msg = state.parser.parse(f.text);
      if (!msg) {
        ++r.errors;
        continue;
      }
      bool ok = true;
      r.checksum += work(*msg, ok);
      if (ok) {
        ++r.messages;
      } else {
        ++r.errors;
      }
    }
  }
  return r;
}

// Visits every subcomponent of every field, the way a consumer reading all values would.
inline std::uint64_t walk_tree(const hl7v2::message& msg) {
  std::uint64_t sum = 0;
  for (const hl7v2::segment seg : msg.segments()) {
    sum += seg.id().size();
    for (const hl7v2::field f : seg) {
      for (const hl7v2::repetition rep : f) {
        for (const hl7v2::component comp : rep) {
          for (const hl7v2::subcomponent sub : comp) sum += sub.raw().size() + 1;
        }
      }
    }
  }
  return sum;
}

// parse: framing, then the parser's index, without reading the tree (the floor under `tree`).
inline pass_result run_parse(const std::vector<std::string>& inputs, bench_state& state) {
  return for_each_message(inputs, state,
                          [](const hl7v2::message& msg, bool&) -> std::uint64_t { return msg.size(); });
}

// tree: framing, then the parser's index, then a walk of the full tree.
inline pass_result run_tree(const std::vector<std::string>& inputs, bench_state& state) {
  return for_each_message(inputs, state, [](const hl7v2::message& msg, bool&) { return walk_tree(msg); });
}

// Header segments whose fields 1 and 2 are the delimiters themselves, not escaped text.
inline bool is_header_segment(std::string_view id) { return id == "MSH" || id == "FHS" || id == "BHS"; }

// decode: the tree walk, with every leaf value unescaped and converted to UTF-8 from the charset
// MSH-18 declares, appended to one reused buffer per message.
inline pass_result run_decode(const std::vector<std::string>& inputs, bench_state& state) {
  return for_each_message(inputs, state, [&state](const hl7v2::message& msg, bool& ok) -> std::uint64_t {
    const hl7v2::delimiters& d = msg.delims();
    const hl7v2::charset cs = hl7v2::charset_from_msh18(msg.charset_name());
    state.out.clear();
    for (const hl7v2::segment seg : msg.segments()) {
      std::size_t position = 0;
      const std::size_t first = is_header_segment(seg.id()) ? 3 : 1;
      for (const hl7v2::field f : seg) {
        if (++position < first) continue;
        for (const hl7v2::repetition rep : f) {
          for (const hl7v2::component comp : rep) {
            for (const hl7v2::subcomponent sub : comp) {
              std::string_view value = sub.raw();
              if (hl7v2::needs_unescape(value, d)) {
                state.scratch.clear();
                hl7v2::unescape(value, d, state.scratch);
                value = state.scratch;
              }
              if (!hl7v2::to_utf8(value, cs, hl7v2::invalid_bytes::replace, state.out)) ok = false;
            }
          }
        }
      }
    }
    return state.out.size();
  });
}

// One JSON object per message into the reused output string, as the CLI writes a JSON line.
inline pass_result run_json(const std::vector<std::string>& inputs, bench_state& state,
                            hl7v2::json::converter& conv) {
  return for_each_message(inputs, state, [&](const hl7v2::message& msg, bool& ok) -> std::uint64_t {
    state.out.clear();
    if (!conv.write(msg, state.out)) ok = false;
    return state.out.size();
  });
}
inline pass_result run_named(const std::vector<std::string>& inputs, bench_state& state) {
  return run_json(inputs, state, state.named);
}
inline pass_result run_typed(const std::vector<std::string>& inputs, bench_state& state) {
  return run_json(inputs, state, state.typed);
}
inline pass_result run_positional(const std::vector<std::string>& inputs, bench_state& state) {
  return run_json(inputs, state, state.positional);
}

// validate: every check at its default level, against the version MSH-12 names (2.5.1 when empty);
// a message whose MSH-12 names no known version counts as an error of this stage.
inline pass_result run_validate(const std::vector<std::string>& inputs, bench_state& state) {
  return for_each_message(inputs, state, [&state](const hl7v2::message& msg, bool& ok) -> std::uint64_t {
    if (hl7v2::validate::validate(msg, state.definitions, {}, state.report) == nullptr) {
      ok = false;
      return 0;
    }
    return state.report.errors() * 1000003u + state.report.warnings() * 1009u + state.report.size();
  });
}

enum class stage_kind : std::uint8_t { in_process, external };

struct stage {
  std::string_view name;
  std::string_view what;  // one line for the human-readable table and the JSON
  stage_kind kind;
  stage_fn run;  // in_process stages only
};

// Add a stage by writing its pass function and a row here.
constexpr std::array<stage, 10> stages{{
    {"framing", "message boundaries only", stage_kind::in_process, run_framing},
    {"parse", "framing + parse (index built, tree not read)", stage_kind::in_process, run_parse},
    {"tree", "framing + parse + walk every subcomponent", stage_kind::in_process, run_tree},
    {"decode", "tree + unescape and convert every value to UTF-8", stage_kind::in_process, run_decode},
    {"named", "framing + parse + named JSON (definitions from MSH-12)", stage_kind::in_process, run_named},
    {"typed", "named JSON with typed values (numbers, ISO 8601 dates)", stage_kind::in_process, run_typed},
    {"positional", "framing + parse + positional JSON", stage_kind::in_process, run_positional},
    {"validate", "framing + parse + validation (default levels)", stage_kind::in_process, run_validate},
    {"convert", "hl7v2 convert (named JSON) to a file (child process, wall clock)", stage_kind::external,
     nullptr},
    {"ingest", "hl7v2 lake ingest (child process, wall clock)", stage_kind::external, nullptr},
}};

}  // namespace hl7v2::bench
