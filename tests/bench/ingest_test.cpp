// The bench's process runners (bench/ingest.hpp), against stand-in CLIs (small shell scripts): the
// command lines they build, the throw-away lake and output file, exit statuses and signals.
#include <catch2/catch_test_macros.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "../../bench/ingest.hpp"

namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed at the end.
struct scratch_dir {
  fs::path path;
  scratch_dir() {
    std::string t = (fs::temp_directory_path() / "hl7v2-ingest-test-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
};

// Writes an executable shell script standing in for the hl7v2 CLI.
std::string fake_cli(const fs::path& dir, const std::string& name, const std::string& body) {
  const fs::path p = dir / name;
  std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
  chmod(p.c_str(), 0755);
  return p.string();
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool has_left(const fs::path& dir, const std::string& prefix) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) return true;
  }
  return false;
}

bool has_lake_left(const fs::path& dir) { return has_left(dir, "hl7v2-bench-lake-"); }

}  // namespace

TEST_CASE("ingest runs the CLI with the lake, job count and files, into a lake it removes afterwards") {
  scratch_dir dir;
  const fs::path lakes = dir.path / "lakes";
  fs::create_directory(lakes);
  const fs::path record = dir.path / "args.txt";
  // Records its arguments, and fails unless the lake directory exists when it runs.
  const std::string cli =
      fake_cli(dir.path, "cli.sh", "echo \"$@\" >> '" + record.string() + "'\ntest -d \"$4\"");
  const hl7v2::bench::ingest_setup setup{cli, {"a.hl7", "b c.hl7"}, lakes};

  const hl7v2::bench::ingest_figures f = hl7v2::bench::run_ingest(setup, 3, 4);
  CHECK(f.failure.empty());
  CHECK(f.exit_status == 0);
  REQUIRE(f.seconds.size() == 4);  // the warm-up run is not timed
  CHECK(std::is_sorted(f.seconds.begin(), f.seconds.end()));
  CHECK(f.seconds.front() > 0);
  CHECK(f.peak_rss_kb > 0);
  CHECK_FALSE(has_lake_left(lakes));

  const std::string args = slurp(record);
  std::size_t lines = 0;
  for (char c : args) lines += c == '\n';
  CHECK(lines == 5);  // warm-up + 4
  const std::string lake_prefix = "lake ingest --lake " + (lakes / "hl7v2-bench-lake-").string();
  CHECK(args.rfind(lake_prefix, 0) == 0);
  CHECK(args.find(" --jobs 3 --no-progress a.hl7 b c.hl7\n") != std::string::npos);
}

TEST_CASE("exit status 1 (some messages in the error zone) is a result; 2 and up is a failure") {
  scratch_dir dir;
  const hl7v2::bench::ingest_setup some_errors{fake_cli(dir.path, "one.sh", "exit 1"), {"x.hl7"}, dir.path};
  const hl7v2::bench::ingest_figures partial = hl7v2::bench::run_ingest(some_errors, 1, 2);
  CHECK(partial.failure.empty());
  CHECK(partial.exit_status == 1);
  CHECK(partial.seconds.size() == 2);

  const hl7v2::bench::ingest_setup usage_error{fake_cli(dir.path, "two.sh", "exit 2"), {"x.hl7"}, dir.path};
  const hl7v2::bench::ingest_figures failed = hl7v2::bench::run_ingest(usage_error, 1, 2);
  CHECK(failed.failure == "the CLI exited with status 2");
  CHECK(failed.seconds.empty());
  CHECK_FALSE(has_lake_left(dir.path));
}

TEST_CASE("a CLI that crashes or cannot start is reported, not waited on forever") {
  scratch_dir dir;
  const hl7v2::bench::ingest_setup crashes{
      fake_cli(dir.path, "segv.sh", "kill -SEGV $$"), {"x.hl7"}, dir.path};
  const hl7v2::bench::ingest_figures crashed = hl7v2::bench::run_ingest(crashes, 2, 3);
  CHECK(crashed.failure == "the CLI died from signal 11");
  CHECK(crashed.exit_status == 128 + 11);
  CHECK(crashed.seconds.empty());

  const std::string missing = (dir.path / "no-such-cli").string();
  const hl7v2::bench::ingest_figures absent = hl7v2::bench::run_ingest({missing, {"x.hl7"}, dir.path}, 1, 1);
  CHECK(absent.failure == "cannot start " + missing);
  CHECK_FALSE(has_lake_left(dir.path));

  const hl7v2::bench::ingest_figures no_tmp =
      hl7v2::bench::run_ingest({missing, {"x.hl7"}, dir.path / "not-a-dir"}, 1, 1);
  CHECK(no_tmp.failure.rfind("cannot create a temporary lake directory", 0) == 0);
}

TEST_CASE("convert runs the CLI on the files with its output to a file, removed afterwards") {
  scratch_dir dir;
  const fs::path record = dir.path / "args.txt";
  // Records its arguments and whether its standard output is a regular file, then writes some output.
  const std::string cli =
      fake_cli(dir.path, "cli.sh",
               "echo \"$@\" >> '" + record.string() + "'\nif [ -f /dev/stdout ]; then echo file >> '" +
                   record.string() + "'; fi\necho '{\"a\":1}'");
  const hl7v2::bench::ingest_setup setup{cli, {"a.hl7", "b c.hl7"}, dir.path};
  const hl7v2::bench::ingest_figures f = hl7v2::bench::run_convert(setup, 2);
  CHECK(f.failure.empty());
  CHECK(f.exit_status == 0);
  CHECK(f.seconds.size() == 2);
  std::string expected;
  for (int i = 0; i < 3; ++i) expected += "convert a.hl7 b c.hl7\nfile\n";  // warm-up + 2
  CHECK(slurp(record) == expected);
  CHECK_FALSE(has_left(dir.path, "hl7v2-bench-convert-"));

  const hl7v2::bench::ingest_setup fails{fake_cli(dir.path, "two.sh", "exit 2"), {"x.hl7"}, dir.path};
  const hl7v2::bench::ingest_figures failed = hl7v2::bench::run_convert(fails, 2);
  CHECK(failed.failure == "the CLI exited with status 2");
  CHECK(failed.seconds.empty());
  CHECK_FALSE(has_left(dir.path, "hl7v2-bench-convert-"));
  const hl7v2::bench::ingest_figures no_tmp =
      hl7v2::bench::run_convert({cli, {"x.hl7"}, dir.path / "nope"}, 1);
  CHECK(no_tmp.failure.rfind("cannot create a temporary output file", 0) == 0);
}
