// Making an input's results visible, in an order that a crash at any moment cannot turn into a
// duplicate or a half-visible input:
//   1. the journal manifest/<sha>.journal lists the files about to appear (flushed, with its directory);
//   2. the part files are renamed into staging/ and error/ (each flushed before, their directories after);
//   3. the manifest manifest/<sha>.json is written, flushed, and its directory flushed: the commit point;
//   4. the journal is removed.
// A run that finds a journal without a manifest removes the files it lists and redoes the input.
// Without `durable` the order is the same but nothing is flushed: safe against a killed process, not
// against a power cut.
#pragma once

#include <string>

#include "lake/input.hpp"
#include "lake/zones.hpp"

namespace hl7v2::cli::lake {

// Publishes in.files and commits in.manifest. 0, or the errno of the first failure and where it was.
int commit_input(const layout& lake, const std::string& run_dir, input_state& in, bool durable,
                 std::string& failed_at);

// A previous run died while publishing this input: remove what it made visible. Call holding the
// input's lock, when it has no manifest.
void recover_input(const layout& lake, const std::string& sha);

}  // namespace hl7v2::cli::lake
