// `mgrs bench`: build the MGRS-Bench item set from a catalog (attributes, stratified selection, prompts, candidate
// answers), decide items in bulk, export the accepted items with checksums, and verify an export. docs/bench.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/bench/annotator.h"
#include "mgrs/core/status.h"

namespace mgrs::bench {

struct BuildOptions {
  std::string catalog_path;
  std::string config_path;             // manifests/bench/mgrs.json
  std::string prompts_path;            // manifests/bench/prompts.json
  std::string out_dir;                 // receives build.json and images/ (the downsampled copies)
  std::string annotator = "template";  // template | openai
  OpenAiOptions openai;
};

struct BuildSummary {
  int64_t images_scanned = 0, objects_attributed = 0, unreadable_images = 0;
  std::map<std::string, int64_t> items;   // task -> items at full resolution
  std::map<std::string, int64_t> strata;  // "task/granularity" -> items at full resolution
  int64_t copies = 0;                     // downsampled items
  std::vector<std::string> shortfalls;    // "counting/dense: 12 of 20"
  std::vector<std::string> failures;      // "<item id>: <why>" for items the annotator gave no answer
  int64_t requests = 0, cache_hits = 0;
  nlohmann::ordered_json report;  // the whole of out_dir/build.json
};

// Scans the catalog (original images only), stores every object's and image's attributes, selects each task's
// items stratified by granularity, then by source and GSD bucket in equal shares (a stratum short of images leaves
// its share to the others), writes the downsampled copies, asks the annotator, and makes the result the catalog's
// benchmark (Catalog::ReplaceBenchItems). The same catalog, config, prompts and seed give the same items.
Result<BuildSummary> RunBuild(const BuildOptions& options);

// Accepts every pending item (of `task`, "" = all) in the reviewer's name with the note "bulk": for a benchmark
// whose candidates come from the template annotator, or before review exists. Returns the number accepted.
Result<int64_t> AcceptPending(const std::string& catalog_path, const std::string& reviewer, const std::string& task);

struct ExportSummary {
  std::map<std::string, int64_t> items;  // task -> accepted items written
  int64_t images = 0;                    // image files written
  nlohmann::ordered_json manifest;       // out_dir/manifest.json
};

// Writes the accepted items: out_dir/<task>.jsonl (Sample JSON Lines, the decided answer as the gpt turn and in the
// ground truth), out_dir/images/ (their image root), and out_dir/manifest.json with a sha256 per file and the
// statistics per task (images, instances, granularity, resolution, source). out_dir must be empty or absent.
Result<ExportSummary> RunExport(const std::string& catalog_path, const std::string& out_dir);

// Checks every file manifest.json lists against its sha256, and that no other file is there. Returns the problems
// found (empty: the export is intact); fails only when the manifest itself cannot be read.
Result<std::vector<std::string>> VerifyExport(const std::string& dir);

}  // namespace mgrs::bench
