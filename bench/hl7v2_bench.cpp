// hl7v2-bench: throughput of each processing stage on a corpus (files, or generated in memory).
//
// For every stage: MB/s (10^6 bytes of input per second), messages/s, ns per message, heap
// allocations per message and peak RSS, over K timed passes after one warm-up pass; the best (min
// time) and median pass are reported. In-process stages are rows of `stages` below; `convert` and
// `ingest` run the `hl7v2` CLI as a child process (`ingest` with 1 job, then one per hardware thread)
// and report the child's figures.
//
// --json prints one object (keys documented in bench/README.md) for bench/run.sh and CI.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "corpus/generator.hpp"
#include "ingest.hpp"
#include "stages.hpp"

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

using hl7v2::bench::bench_state;
using hl7v2::bench::pass_result;
using hl7v2::bench::run_framing;
using hl7v2::bench::stage;
using hl7v2::bench::stage_kind;
using hl7v2::bench::stages;

// ---- measurement --------------------------------------------------------------------------------

struct stage_report {
  const stage* info = nullptr;
  std::string unavailable;  // why the stage could not run (empty when it ran)
  bool process = false;     // convert, ingest: the CLI as a child process
  unsigned jobs = 0;        // ingest: worker threads given to the CLI
  int exit_status = 0;      // process stages: the CLI's exit status of the last run
  bool counts_allocations = true;
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
  rep.result = s.run(inputs, state);  // warm-up: buffers and caches reach their steady size
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
    "                   [--stage "
    "framing|parse|tree|decode|named|typed|positional|validate|convert|ingest|all]\n"
    "                   [--repeat K] [--json] [--cli PATH] [--tmp DIR]\n"
    "Without --corpus, a corpus of N generated messages is used (default 10000, seed 1).\n"
    "convert and ingest run PATH (default: ../examples/hl7v2/hl7v2 beside this binary): convert to a\n"
    "file, ingest with --jobs 1 and --jobs <hardware threads> into fresh lakes, under DIR (default:\n"
    "$TMPDIR or /tmp).\n";

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

bool write_file(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

bool parse_unsigned(const char* text, std::uint64_t& out) {
  char* end = nullptr;
  if (*text < '0' || *text > '9') return false;
  out = std::strtoull(text, &end, 10);
  return *end == '\0';
}

// File names and reasons are the only free text we print; escape them for JSON.
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

#ifdef __clang__
constexpr const char* compiler = "clang++ " __clang_version__;
#else
constexpr const char* compiler = "g++ " __VERSION__;
#endif

double per_second(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0; }

bool ran(const stage_report& r) { return r.unavailable.empty() && !r.seconds.empty(); }

void print_json(const std::vector<stage_report>& reports, const std::vector<std::string>& names,
                std::size_t bytes, unsigned repeat) {
  std::printf(
      "{\"tool\":\"hl7v2-bench\",\"unit_mb\":1000000,\"repeat\":%u,\"compiler\":\"%s\",\"hardware_threads\":%"
      "u,"
      "\"corpus\":{\"files\":[",
      repeat, compiler, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) std::putchar(',');
    print_json_string(names[i]);
  }
  std::printf("],\"bytes\":%zu},\"stages\":[", bytes);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const stage_report& r = reports[i];
    if (i) std::putchar(',');
    std::printf("{\"stage\":\"%.*s\",\"what\":\"%.*s\",\"available\":%s",
                static_cast<int>(r.info->name.size()), r.info->name.data(),
                static_cast<int>(r.info->what.size()), r.info->what.data(), ran(r) ? "true" : "false");
    if (r.jobs != 0) std::printf(",\"jobs\":%u", r.jobs);
    if (!ran(r)) {
      std::printf(",\"reason\":");
      print_json_string(r.unavailable);
      std::putchar('}');
      continue;
    }
    const auto msgs = static_cast<double>(r.result.messages);
    const auto mb = static_cast<double>(bytes) / 1e6;
    std::printf(
        ",\"messages\":%zu,\"errors\":%zu,\"mb_per_s\":{\"best\":%.2f,\"median\":%.2f},"
        "\"messages_per_s\":{\"best\":%.0f,\"median\":%.0f},\"ns_per_message\":{\"best\":%.1f,\"median\":%."
        "1f},",
        r.result.messages, r.result.errors, per_second(mb, r.best()), per_second(mb, r.median()),
        per_second(msgs, r.best()), per_second(msgs, r.median()), msgs > 0 ? r.best() * 1e9 / msgs : 0.0,
        msgs > 0 ? r.median() * 1e9 / msgs : 0.0);
    if (r.counts_allocations) {
      std::printf("\"allocations_per_message\":%.3f,", r.allocations_per_message);
    } else {
      std::printf("\"allocations_per_message\":null,");
    }
    std::printf("\"peak_rss_kb\":%ld", r.peak_rss_kb);
    if (r.process) {
      std::printf(",\"exit_status\":%d}", r.exit_status);
    } else {
      std::printf(",\"checksum\":%llu}", static_cast<unsigned long long>(r.result.checksum));
    }
  }
  std::printf("]}\n");
}

void print_table(const std::vector<stage_report>& reports, std::size_t bytes, unsigned repeat) {
  fmt::print("corpus: {:.2f} MB, best and median of {} passes (MB = 10^6 bytes)\n",
             static_cast<double>(bytes) / 1e6, repeat);
  fmt::print("{:<12} {:>10} {:>10} {:>12} {:>10} {:>10} {:>7} {:>10}  {}\n", "stage", "MB/s", "MB/s med",
             "msg/s", "ns/msg", "allocs/msg", "errors", "peak RSS", "what");
  for (const stage_report& r : reports) {
    const std::string name =
        r.jobs != 0 ? fmt::format("{} -j{}", r.info->name, r.jobs) : std::string(r.info->name);
    if (!ran(r)) {
      fmt::print("{:<12} not available: {}\n", name, r.unavailable);
      continue;
    }
    const auto msgs = static_cast<double>(r.result.messages);
    const auto mb = static_cast<double>(bytes) / 1e6;
    const std::string allocs = r.counts_allocations ? fmt::format("{:.3f}", r.allocations_per_message) : "-";
    fmt::print("{:<12} {:>10.1f} {:>10.1f} {:>12.0f} {:>10.1f} {:>10} {:>7} {:>7} MB  {}\n", name,
               per_second(mb, r.best()), per_second(mb, r.median()), per_second(msgs, r.best()),
               msgs > 0 ? r.best() * 1e9 / msgs : 0.0, allocs, r.result.errors, r.peak_rss_kb / 1024,
               r.info->what);
  }
}

int fail(const char* what) {
  fmt::print(stderr, "hl7v2-bench: {}\n{}", what, usage);
  return 2;
}

std::size_t count_messages(const std::vector<std::string>& inputs) {
  bench_state unused;
  return run_framing(inputs, unused).messages;
}

// Runs `convert` once, or `ingest` with 1 job and with one per hardware thread; reports why when it
// cannot run.
void add_process_reports(const stage& s, std::vector<stage_report>& reports,
                         const std::vector<std::string>& inputs, const std::vector<std::string>& files,
                         const std::string& cli, const std::string& tmp, unsigned repeat) {
  auto unavailable = [&](std::string why) {
    stage_report r;
    r.info = &s;
    r.unavailable = std::move(why);
    reports.push_back(std::move(r));
  };
  if (access(cli.c_str(), X_OK) != 0) {
    return unavailable("CLI not found at " + cli + " (build target hl7v2_cli, or pass --cli PATH)");
  }
  hl7v2::bench::ingest_setup setup{cli, files, tmp};
  std::string scratch_dir;
  if (setup.files.empty()) {  // a generated corpus: the CLI reads files, so write it to one
    std::string dir_template = (std::filesystem::path(tmp) / "hl7v2-bench-corpus-XXXXXX").string();
    if (mkdtemp(dir_template.data()) == nullptr) return unavailable("cannot create a temporary directory");
    scratch_dir = dir_template;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      setup.files.push_back(scratch_dir + "/corpus" + std::to_string(i) + ".hl7");
      if (!write_file(setup.files.back(), inputs[i])) {
        std::error_code ec;
        std::filesystem::remove_all(scratch_dir, ec);
        return unavailable("cannot write the generated corpus to a temporary file");
      }
    }
  }
  const std::size_t messages = count_messages(inputs);
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<unsigned> job_counts = {1};
  if (threads > 1) job_counts.push_back(threads);
  if (s.name == "convert") job_counts = {0};  // single-threaded: no --jobs
  for (const unsigned jobs : job_counts) {
    hl7v2::bench::ingest_figures figures =
        jobs == 0 ? hl7v2::bench::run_convert(setup, repeat) : hl7v2::bench::run_ingest(setup, jobs, repeat);
    stage_report r;
    r.info = &s;
    r.process = true;
    r.jobs = jobs;
    r.counts_allocations = false;  // the child's heap is not ours to count
    r.unavailable = std::move(figures.failure);
    r.seconds = std::move(figures.seconds);
    r.peak_rss_kb = figures.peak_rss_kb;
    r.exit_status = figures.exit_status;
    r.result.messages = messages;
    r.result.errors = figures.exit_status == 0 ? 0 : 1;  // exit 1: some messages failed (the error zone)
    reports.push_back(std::move(r));
  }
  if (!scratch_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(scratch_dir, ec);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::uint64_t generate = 0;
  std::uint64_t seed = 1;
  std::uint64_t repeat = 5;
  std::string_view which = "all";
  std::string cli = hl7v2::bench::default_cli_path();
  const char* tmp_env = std::getenv("TMPDIR");
  std::string tmp = tmp_env != nullptr && *tmp_env != '\0' ? tmp_env : "/tmp";
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
      if (!parse_unsigned(argv[++i], repeat) || repeat == 0 || repeat > 1000)
        return fail("--repeat takes 1..1000");
    } else if (arg == "--stage" && has_value) {
      which = argv[++i];
    } else if (arg == "--cli" && has_value) {
      cli = argv[++i];
    } else if (arg == "--tmp" && has_value) {
      tmp = argv[++i];
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
      fmt::print(stderr, "hl7v2-bench: cannot read {}\n", path);
      return 1;
    }
    names.push_back(path);
  }
  std::vector<std::string> on_disk = files;  // what the CLI can read as is
  if (inputs.empty() || generate > 0) {
    hl7v2::bench::corpus_options options;
    options.count = generate > 0 ? static_cast<std::size_t>(generate) : 10000;
    options.seed = seed;
    inputs.push_back(hl7v2::bench::generate_corpus(options));
    names.push_back("generated:" + std::to_string(options.count) + ":seed=" + std::to_string(seed));
    on_disk.clear();  // the generated part exists in memory only: ingest writes all inputs out
  }
  std::size_t bytes = 0;
  for (const std::string& in : inputs) bytes += in.size();

  std::vector<stage_report> reports;
  for (const stage* s : selected) {
    if (s->kind == stage_kind::external) {
      add_process_reports(*s, reports, inputs, on_disk, cli, tmp, static_cast<unsigned>(repeat));
    } else {
      reports.push_back(measure(*s, inputs, static_cast<unsigned>(repeat)));
    }
  }
  if (json) {
    print_json(reports, names, bytes, static_cast<unsigned>(repeat));
  } else {
    print_table(reports, bytes, static_cast<unsigned>(repeat));
  }
  return 0;
}
