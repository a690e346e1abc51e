// The composition of a benchmark (manifests/bench/mgrs.json): images per task, the granularity strata and their
// weights, the sources each task draws on, the GSD buckets and the cross-resolution copies. Defaults are the paper's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::bench {

// The five tasks in selection order (an image goes to the first task that selects it, and to no other).
const std::vector<std::string>& BenchTasks();
// The granularities of a task: counting sparse/medium/dense, grounding small/medium/large (the target's size),
// vqa presence/direction/other (MG-P, MG-D, the source's own questions), classification scene, caption image.
const std::vector<std::string>& GranularitiesOf(const std::string& task);

struct TaskConfig {
  int64_t images = 2083;  // one item per image
  // Granularity -> weight; the task's images are shared out by weight (largest remainder). Default: equal.
  std::vector<std::pair<std::string, double>> granularity;
  std::vector<std::string> sources;  // datasets to draw on; empty = every dataset
};

struct BenchConfig {
  uint64_t seed = 0;
  std::vector<std::pair<std::string, TaskConfig>> tasks;  // in BenchTasks() order; a task left out is not built
  std::vector<double> gsd_edges = {0.5, 1.0, 2.0};        // metres per pixel: bucket upper edges, ascending
  std::vector<int> downsample = {2, 4};                   // cross-resolution copies
  double cross_resolution_fraction = 0.1;                 // of each task's selected items, copied at each factor
  int64_t sparse_max = 5, medium_max = 20;                // counting: sparse <= 5 < medium <= 20 < dense
  std::string box_format = "geochat";                     // instruct::ParseBoxFormat names
  // Grounding targets whose box text, read back, overlaps them less than this are left out: even a perfect answer
  // in the box format would miss (instruct::BoxText::round_trip_iou).
  double min_round_trip_iou = 0.5;
};

// Parses a config's text; `origin` names it in messages. Unknown keys, tasks and granularities are refused.
Result<BenchConfig> ParseBenchConfig(const std::string& text, const std::string& origin);
Result<BenchConfig> LoadBenchConfig(const std::string& path);

// "<0.5m", "0.5-1m", "1-2m", ">=2m" for the default edges; "unknown" without a GSD.
std::string GsdBucket(const std::optional<double>& gsd, const std::vector<double>& edges);

}  // namespace mgrs::bench
