// `mgrs instruct`: the paper's five-task instruction set from a catalog, split by image, written as Sample JSON
// Lines (docs/formats.md) that mgrs-score, skymoe eval and skymoe train read with no conversion.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/core/status.h"

namespace mgrs::instruct {

struct InstructOptions {
  std::string catalog_path;
  std::string config_path;    // manifests/instruct/skymoe.json
  std::string templates_dir;  // manifests/templates
  std::string out_dir;        // receives train.jsonl, test.jsonl, stats.json and images/
  uint64_t seed = 0;
  int jobs = 1;              // generation threads; the output does not depend on it
  bool check_images = true;  // skip images whose file is missing (off for annotation-only catalogs)
  bool link_images = true;   // out_dir/images: one link per dataset root (and per derived image)
};

// What a run did: also written to out_dir/stats.json.
struct InstructSummary {
  int64_t images = 0;
  int64_t train_samples = 0, test_samples = 0;
  std::map<std::string, int64_t> skipped;                         // reason -> samples (or images) not made
  std::map<std::string, std::vector<std::string>> skip_examples;  // reason -> first few sample or image ids
  std::vector<std::string> shortfalls;                            // "train grounding dota: 120 of 40000"
  // Wall seconds per stage: "generate" (the catalog scan, generation overlapping it), "compose", "write".
  std::map<std::string, double> seconds;
  nlohmann::ordered_json stats;  // the whole of stats.json
};

// Reads the catalog once, generates every candidate sample (threads over images), splits by image, de-duplicates,
// draws each task and source's target count with `seed`, and writes the files atomically. Same catalog, config,
// templates and seed give the same bytes for any `jobs`. Fails on an unreadable catalog, config or template
// (naming the file and template) and on write errors; bad records are skipped and counted, never written.
Result<InstructSummary> RunInstruct(const InstructOptions& options);

// Writes the Sample JSON Lines file `in` as the single JSON array LLaVA and GeoChat trainers load: [{"id", "image",
// "conversations"}, ...], atomically. Bad lines fail the export with the file and line named.
Status ExportLlava(const std::string& in, const std::string& out);

}  // namespace mgrs::instruct
