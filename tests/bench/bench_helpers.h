// What the MGRS-Bench tests share: one demo dataset rendered and ingested once, fresh copies of its catalog, and
// config and prompt files written for a test.
#pragma once

#include <string>

#include "mgrs/bench/bench.h"

namespace mgrs::bench::testing {

constexpr uint64_t kDemoSeed = 5;
constexpr double kDemoScale = 0.3;  // 13 images per scene class, 91 in all

// The demo output folder and its ingested catalog, made on first use (shared by every test of the binary).
const std::string& DemoDir();
const std::string& DemoCatalog();
// A copy of the demo catalog at <scratch>/catalog.sqlite, for a test that writes to it.
std::string FreshCatalog(const std::string& scratch);
// Writes `text` to <scratch>/<name> and returns the path.
std::string WriteText(const std::string& scratch, const std::string& name, const std::string& text);
// The repository's manifests/bench/<name>.
std::string BenchManifest(const std::string& name);
// Options for a build of `catalog` with the repository's prompts, `config_text` and out <scratch>/build.
BuildOptions Options(const std::string& scratch, const std::string& catalog, const std::string& config_text);

}  // namespace mgrs::bench::testing
