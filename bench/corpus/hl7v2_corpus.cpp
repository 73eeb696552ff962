// hl7v2-corpus: writes a deterministic benchmark corpus (see generator.hpp) to a file, so that
// hl7v2-bench and the peers in bench/compare read exactly the same bytes.
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "generator.hpp"

namespace {

constexpr std::string_view usage =
    "usage: hl7v2-corpus --count N [--seed S] [--lf] [--latin1] [--mllp] [--z-segments]\n"
    "                    [--versions 2.3,2.4,2.5.1] -o FILE\n"
    "Writes N generated HL7 v2 messages (ADT^A01/A04/A08, ORU^R01) to FILE ('-' for stdout).\n"
    "The same options and seed always give the same bytes.\n";

bool parse_number(std::string_view text, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

bool parse_versions(std::string_view list, std::vector<std::string>& out) {
  out.clear();
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view v = list.substr(0, comma);
    bool known = false;
    for (auto s : hl7v2::bench::supported_versions) known = known || s == v;
    if (!known) return false;
    out.emplace_back(v);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return !out.empty();
}

int fail(const char* what) {
  std::fprintf(stderr, "hl7v2-corpus: %s\n%.*s", what, static_cast<int>(usage.size()), usage.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  hl7v2::bench::corpus_options options;
  std::string output;
  bool have_count = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      std::fwrite(usage.data(), 1, usage.size(), stdout);
      return 0;
    } else if (arg == "--count" && has_value) {
      std::uint64_t n = 0;
      if (!parse_number(argv[++i], n)) return fail("--count needs a number");
      options.count = static_cast<std::size_t>(n);
      have_count = true;
    } else if (arg == "--seed" && has_value) {
      if (!parse_number(argv[++i], options.seed)) return fail("--seed needs a number");
    } else if (arg == "--versions" && has_value) {
      if (!parse_versions(argv[++i], options.versions)) return fail("--versions takes 2.3, 2.4 and/or 2.5.1");
    } else if (arg == "--lf") {
      options.lf = true;
    } else if (arg == "--latin1") {
      options.latin1 = true;
    } else if (arg == "--mllp") {
      options.mllp = true;
    } else if (arg == "--z-segments") {
      options.z_segments = true;
    } else if ((arg == "-o" || arg == "--output") && has_value) {
      output = argv[++i];
    } else {
      return fail("unknown or incomplete argument");
    }
  }
  if (!have_count) return fail("--count is required");
  if (output.empty()) return fail("-o FILE is required");

  hl7v2::bench::corpus_stats stats;
  const std::string corpus = hl7v2::bench::generate_corpus(options, &stats);

  std::FILE* file = output == "-" ? stdout : std::fopen(output.c_str(), "wb");
  if (file == nullptr) {
    std::fprintf(stderr, "hl7v2-corpus: cannot open %s: %s\n", output.c_str(), std::strerror(errno));
    return 1;
  }
  const bool written = std::fwrite(corpus.data(), 1, corpus.size(), file) == corpus.size();
  const bool closed = file == stdout ? std::fflush(file) == 0 : std::fclose(file) == 0;
  if (!written || !closed) {
    std::fprintf(stderr, "hl7v2-corpus: cannot write %s\n", output.c_str());
    return 1;
  }
  std::fprintf(stderr, "hl7v2-corpus: %zu messages, %zu bytes (min %zu, max %zu, avg %zu)", stats.messages,
               corpus.size(), stats.min_size, stats.max_size,
               stats.messages ? stats.bytes / stats.messages : 0);
  for (std::size_t k = 0; k < hl7v2::bench::message_kind_count; ++k) {
    const auto kind_name = hl7v2::bench::name(static_cast<hl7v2::bench::message_kind>(k));
    std::fprintf(stderr, ", %.*s %zu", static_cast<int>(kind_name.size()), kind_name.data(),
                 stats.by_kind[k]);
  }
  std::fputc('\n', stderr);
  return 0;
}
