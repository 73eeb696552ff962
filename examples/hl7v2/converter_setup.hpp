// Turns the command-line choices shared by `convert` and `lake ingest` (layout, typed values, key case,
// default version, profile) into the converter's options, validating them up front.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine.hpp"
#include "hl7v2/defs/all.hpp"
#include "hl7v2/defs/profile.hpp"
#include "hl7v2/json/convert.hpp"
#include "io.hpp"

namespace hl7v2::cli {

class converter_setup {
 public:
  // Returns an empty string when the choices are valid, else what is wrong (for the user).
  std::string configure(const std::string& format, bool typed, bool upper_keys,
                        const std::string& default_version, const std::string& profile_path) {
    if (format == "named") {
      options_.layout = json::layout::named;
    } else if (format == "grouped") {
      options_.layout = json::layout::grouped;
    } else if (format == "positional") {
      options_.layout = json::layout::positional;
    } else {
      return "--format must be named, positional or grouped";
    }
    options_.typed = typed;
    options_.upper_keys = upper_keys;
    if (!default_version.empty()) {
      options_.default_version = defs::find_version(default_version, nullptr);
      if (options_.default_version == nullptr)
        return "--default-version: not an HL7 v2 version: " + default_version;
    }
    if (!profile_path.empty()) {
      std::string text;
      if (const int e = for_each_chunk(profile_path, [&](std::string_view c) { text.append(c); }))
        return "--profile " + profile_path + ": " + os_reason(e);
      // A profile lays site definitions over a base version: the default version, else 2.5.1.
      const defs::version_def* base =
          options_.default_version ? options_.default_version : defs::find_version("2.5.1", nullptr);
      auto loaded = defs::profile::load(text, *base);
      if (!loaded) return "--profile " + profile_path + ": " + loaded.error().to_string();
      profile_.emplace(std::move(*loaded));
      options_.profile = &*profile_;
    }
    return {};
  }

  const json::options& options() const { return options_; }
  const defs::profile* profile() const { return profile_ ? &*profile_ : nullptr; }

 private:
  json::options options_{};
  std::optional<defs::profile> profile_;
};

}  // namespace hl7v2::cli
