// hl7v2-bench: throughput of each processing stage on a corpus (files, or generated in memory).
//
// For every stage: MB/s (10^6 bytes of input per second), messages/s, ns per message, heap
// allocations per message and the process's peak RSS, over K timed passes after one warm-up pass;
// the best (min time) and median pass are reported. Stages are listed in `stages` below: a stage
// whose code has not landed yet is listed with a null function and reported as not available.
//
// --json prints one object (keys documented in bench/README.md) for bench/run.sh and CI.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "corpus/generator.hpp"

// The core headers land one by one; a stage needing a header that is not there yet is listed as
// not available instead of breaking the build.
#if __has_include("hl7v2/framer.hpp")
#include "hl7v2/framer.hpp"
#define HL7V2_BENCH_HAVE_FRAMER 1
#endif
#if __has_include("hl7v2/parser.hpp") && __has_include("hl7v2/message.hpp")
#include "hl7v2/message.hpp"
#include "hl7v2/parser.hpp"
#define HL7V2_BENCH_HAVE_PARSER 1
#endif

// ---- allocation counting ------------------------------------------------------------------------
// Every global operator new in this program goes through here, so a stage's allocations per message
// are measured, not guessed. Relaxed atomics: the count only needs to be exact, not ordered.
namespace {
std::atomic<std::uint64_t> g_allocations{0};

void* counted_alloc(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* counted_aligned_alloc(std::size_t size, std::align_val_t align) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const auto a = static_cast<std::size_t>(align);
  const std::size_t rounded = (size + a - 1) / a * a;
  if (void* p = std::aligned_alloc(a, rounded == 0 ? a : rounded)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void* operator new(std::size_t size, std::align_val_t align) { return counted_aligned_alloc(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) { return counted_aligned_alloc(size, align); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

// ---- stages -------------------------------------------------------------------------------------

// What one pass over the whole corpus produced. The checksum depends on every byte a stage looked
// at, and is printed, so the optimizer cannot drop the work.
struct pass_result {
  std::size_t messages = 0;
  std::size_t errors = 0;
  std::uint64_t checksum = 0;
};

// State reused across passes, as a real ingest loop would reuse it.
struct bench_state {
#ifdef HL7V2_BENCH_HAVE_PARSER
  hl7v2::parser parser;
#endif
};

using stage_fn = pass_result (*)(const std::vector<std::string>& inputs, bench_state& state);

#ifdef HL7V2_BENCH_HAVE_FRAMER
// framing: find the message boundaries (MLLP, batches, MSH at a segment start) and nothing else.
pass_result run_framing(const std::vector<std::string>& inputs, bench_state&) {
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
#endif

#if defined(HL7V2_BENCH_HAVE_FRAMER) && defined(HL7V2_BENCH_HAVE_PARSER)
// Visits every subcomponent of every field, the way a consumer reading all values would.
std::uint64_t walk_tree(const hl7v2::message& msg) {
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
pass_result run_parse(const std::vector<std::string>& inputs, bench_state& state) {
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
      ++r.messages;
      r.checksum += msg->size();
    }
  }
  return r;
}

// tree: framing, then the parser's index, then a walk of the full tree.
pass_result run_tree(const std::vector<std::string>& inputs, bench_state& state) {
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
      ++r.messages;
      r.checksum += walk_tree(*msg);
    }
  }
  return r;
}
#endif

struct stage {
  std::string_view name;
  std::string_view what;  // one line for the human-readable table and the JSON
  stage_fn run;           // nullptr: not available yet
};

// Extension point: add a stage by writing its pass function and filling in its row.
#ifdef HL7V2_BENCH_HAVE_FRAMER
constexpr stage_fn framing_fn = run_framing;
#else
constexpr stage_fn framing_fn = nullptr;
#endif
#if defined(HL7V2_BENCH_HAVE_FRAMER) && defined(HL7V2_BENCH_HAVE_PARSER)
constexpr stage_fn parse_fn = run_parse;
constexpr stage_fn tree_fn = run_tree;
#else
constexpr stage_fn parse_fn = nullptr;
constexpr stage_fn tree_fn = nullptr;
#endif

constexpr std::array<stage, 9> stages{{
    {"framing", "message boundaries only", framing_fn},
    {"parse", "framing + parse (index built, tree not read)", parse_fn},
    {"tree", "framing + parse + walk every subcomponent", tree_fn},
    {"decode", "tree + unescape and convert every value to UTF-8", nullptr},
    {"named", "named JSON (definitions from MSH-12) into a reused buffer", nullptr},
    {"typed", "named JSON with typed values (numbers, ISO 8601 dates)", nullptr},
    {"positional", "positional JSON into a reused buffer", nullptr},
    {"validate", "structure and field validation", nullptr},
    {"ingest", "the CLI's ingest path: frame, convert, write (1 and N jobs)", nullptr},
}};

// ---- measurement --------------------------------------------------------------------------------

struct stage_report {
  const stage* info = nullptr;
  pass_result result;
  std::vector<double> seconds;  // one per timed pass, sorted
  double allocations_per_message = 0;
  long peak_rss_kb = 0;
  double best() const { return seconds.front(); }
  double median() const {
    const std::size_t n = seconds.size();
    return n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
  }
};

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

stage_report measure(const stage& s, const std::vector<std::string>& inputs, unsigned repeat) {
  stage_report rep;
  rep.info = &s;
  bench_state state;
  rep.result = s.run(inputs, state);  // warm-up: buffers reach their steady size
  std::uint64_t allocations = 0;
  for (unsigned i = 0; i < repeat; ++i) {
    const std::uint64_t before = g_allocations.load(std::memory_order_relaxed);
    const auto start = std::chrono::steady_clock::now();
    const pass_result r = s.run(inputs, state);
    const auto stop = std::chrono::steady_clock::now();
    allocations += g_allocations.load(std::memory_order_relaxed) - before;
    rep.seconds.push_back(std::chrono::duration<double>(stop - start).count());
    rep.result.checksum ^= r.checksum;
  }
  std::sort(rep.seconds.begin(), rep.seconds.end());
  if (rep.result.messages > 0) {
    rep.allocations_per_message =
        static_cast<double>(allocations) / (static_cast<double>(rep.result.messages) * repeat);
  }
  rep.peak_rss_kb = peak_rss_kb();
  return rep;
}

// ---- input and output ---------------------------------------------------------------------------

constexpr std::string_view usage =
    "usage: hl7v2-bench [--corpus FILE...] [--generate N] [--seed S]\n"
    "                   [--stage framing|parse|tree|decode|named|typed|positional|validate|ingest|all]\n"
    "                   [--repeat K] [--json]\n"
    "Without --corpus, a corpus of N generated messages is used (default 10000, seed 1).\n";

bool read_file(const char* path, std::string& out) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return false;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool ok = std::ferror(f) == 0;
  std::fclose(f);
  return ok;
}

bool parse_unsigned(const char* text, std::uint64_t& out) {
  char* end = nullptr;
  if (*text < '0' || *text > '9') return false;
  out = std::strtoull(text, &end, 10);
  return *end == '\0';
}

// File names are the only free text we print; escape them for JSON.
void print_json_string(std::string_view s) {
  std::putchar('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      std::putchar('\\');
      std::putchar(c);
    } else if (u < 0x20) {
      std::printf("\\u%04x", u);
    } else {
      std::putchar(c);
    }
  }
  std::putchar('"');
}

double per_second(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0; }

void print_json(const std::vector<stage_report>& reports, const std::vector<std::string>& names,
                std::size_t bytes, unsigned repeat) {
  std::printf("{\"tool\":\"hl7v2-bench\",\"unit_mb\":1000000,\"repeat\":%u,\"corpus\":{\"files\":[", repeat);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) std::putchar(',');
    print_json_string(names[i]);
  }
  std::printf("],\"bytes\":%zu},\"stages\":[", bytes);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const stage_report& r = reports[i];
    if (i) std::putchar(',');
    std::printf("{\"stage\":\"%.*s\",\"what\":\"%.*s\",\"available\":%s", static_cast<int>(r.info->name.size()),
                r.info->name.data(), static_cast<int>(r.info->what.size()), r.info->what.data(),
                r.info->run ? "true" : "false");
    if (r.info->run) {
      const auto msgs = static_cast<double>(r.result.messages);
      const auto mb = static_cast<double>(bytes) / 1e6;
      std::printf(
          ",\"messages\":%zu,\"errors\":%zu,\"mb_per_s\":{\"best\":%.2f,\"median\":%.2f},"
          "\"messages_per_s\":{\"best\":%.0f,\"median\":%.0f},\"ns_per_message\":{\"best\":%.1f,\"median\":%.1f},"
          "\"allocations_per_message\":%.3f,\"peak_rss_kb\":%ld,\"checksum\":%llu",
          r.result.messages, r.result.errors, per_second(mb, r.best()), per_second(mb, r.median()),
          per_second(msgs, r.best()), per_second(msgs, r.median()), msgs > 0 ? r.best() * 1e9 / msgs : 0.0,
          msgs > 0 ? r.median() * 1e9 / msgs : 0.0, r.allocations_per_message, r.peak_rss_kb,
          static_cast<unsigned long long>(r.result.checksum));
    }
    std::putchar('}');
  }
  std::printf("]}\n");
}

void print_table(const std::vector<stage_report>& reports, std::size_t bytes, unsigned repeat) {
  std::printf("corpus: %.2f MB, best and median of %u passes (MB = 10^6 bytes)\n", static_cast<double>(bytes) / 1e6,
              repeat);
  std::printf("%-11s %10s %10s %12s %10s %10s %9s %10s  %s\n", "stage", "MB/s", "MB/s med", "msg/s", "ns/msg",
              "allocs/msg", "errors", "peak RSS", "what");
  for (const stage_report& r : reports) {
    const auto name = r.info->name;
    if (!r.info->run) {
      std::printf("%-11.*s %s\n", static_cast<int>(name.size()), name.data(), "not available yet");
      continue;
    }
    const auto msgs = static_cast<double>(r.result.messages);
    const auto mb = static_cast<double>(bytes) / 1e6;
    std::printf("%-11.*s %10.1f %10.1f %12.0f %10.1f %10.3f %9zu %7ld MB  %.*s\n", static_cast<int>(name.size()),
                name.data(), per_second(mb, r.best()), per_second(mb, r.median()), per_second(msgs, r.best()),
                msgs > 0 ? r.best() * 1e9 / msgs : 0.0, r.allocations_per_message, r.result.errors,
                r.peak_rss_kb / 1024, static_cast<int>(r.info->what.size()), r.info->what.data());
  }
}

int fail(const char* what) {
  std::fprintf(stderr, "hl7v2-bench: %s\n%.*s", what, static_cast<int>(usage.size()), usage.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::uint64_t generate = 0;
  std::uint64_t seed = 1;
  std::uint64_t repeat = 5;
  std::string_view which = "all";
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      std::fwrite(usage.data(), 1, usage.size(), stdout);
      return 0;
    } else if (arg == "--corpus" && has_value) {
      while (i + 1 < argc && argv[i + 1][0] != '-') files.emplace_back(argv[++i]);
    } else if (arg == "--generate" && has_value) {
      if (!parse_unsigned(argv[++i], generate) || generate == 0) return fail("--generate needs a count > 0");
    } else if (arg == "--seed" && has_value) {
      if (!parse_unsigned(argv[++i], seed)) return fail("--seed needs a number");
    } else if (arg == "--repeat" && has_value) {
      if (!parse_unsigned(argv[++i], repeat) || repeat == 0 || repeat > 1000) return fail("--repeat takes 1..1000");
    } else if (arg == "--stage" && has_value) {
      which = argv[++i];
    } else if (arg == "--json") {
      json = true;
    } else {
      return fail("unknown or incomplete argument");
    }
  }

  std::vector<const stage*> selected;
  for (const stage& s : stages) {
    if (which == "all" || which == s.name) selected.push_back(&s);
  }
  if (selected.empty()) return fail("unknown stage");

  std::vector<std::string> inputs;
  std::vector<std::string> names;
  for (const std::string& path : files) {
    inputs.emplace_back();
    if (!read_file(path.c_str(), inputs.back())) {
      std::fprintf(stderr, "hl7v2-bench: cannot read %s\n", path.c_str());
      return 1;
    }
    names.push_back(path);
  }
  if (inputs.empty() || generate > 0) {
    hl7v2::bench::corpus_options options;
    options.count = generate > 0 ? static_cast<std::size_t>(generate) : 10000;
    options.seed = seed;
    inputs.push_back(hl7v2::bench::generate_corpus(options));
    names.push_back("generated:" + std::to_string(options.count) + ":seed=" + std::to_string(seed));
  }
  std::size_t bytes = 0;
  for (const std::string& in : inputs) bytes += in.size();

  std::vector<stage_report> reports;
  for (const stage* s : selected) {
    if (s->run == nullptr) {
      stage_report r;
      r.info = s;
      reports.push_back(r);
      continue;
    }
    reports.push_back(measure(*s, inputs, static_cast<unsigned>(repeat)));
  }
  if (json) {
    print_json(reports, names, bytes, static_cast<unsigned>(repeat));
  } else {
    print_table(reports, bytes, static_cast<unsigned>(repeat));
  }
  return 0;
}
