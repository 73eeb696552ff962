#include "lake/publish.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>

#include "lake/files.hpp"
#include "lake/manifest.hpp"

namespace hl7v2::cli::lake {

int commit_input(const layout& lake, const std::string& run_dir, input_state& in, bool durable,
                 std::string& failed_at) {
  input_manifest& m = in.manifest;
  std::sort(in.files.begin(), in.files.end(),
            [](const staged_file& a, const staged_file& b) { return a.relative < b.relative; });
  m.files.clear();
  for (const auto& f : in.files) m.files.push_back(f.relative);
  failed_at = lake.journal_file(m.sha256);
  int e = write_atomically(run_dir, failed_at, journal_text(m.files), durable);
  std::set<std::string> dirs;  // flushed once each, after all their files are in
  for (const auto& f : in.files) {
    if (e != 0) return e;
    failed_at = lake.root + "/" + f.relative;
    e = publish(f.temp_path, failed_at, durable);
    dirs.insert(parent_dir(failed_at));
  }
  if (e != 0) return e;
  if (durable) {
    for (const std::string& d : dirs) {
      failed_at = d;
      if ((e = sync_dir(d)) != 0) return e;
    }
  }
  failed_at = lake.manifest_file(m.sha256);
  if ((e = write_atomically(run_dir, failed_at, m.to_json(), durable)) != 0) return e;
  ::unlink(lake.journal_file(m.sha256).c_str());  // a stale journal beside a manifest is ignored
  return 0;
}

void recover_input(const layout& lake, const std::string& sha) {
  const std::string journal = lake.journal_file(sha);
  std::string text;
  if (read_small_file(journal, text) != 0) return;
  for (const std::string& rel : journal_files(text)) {
    // Only paths this program writes: no "..", inside staging/ or error/.
    if (rel.find("..") != std::string::npos) continue;
    if (rel.rfind("staging/", 0) != 0 && rel.rfind("error/", 0) != 0) continue;
    ::unlink((lake.root + "/" + rel).c_str());
  }
  ::unlink(journal.c_str());
}

}  // namespace hl7v2::cli::lake
