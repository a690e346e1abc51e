// `mgrs pipeline` as a library call: rendered demo data -> catalog -> augmentation -> instructions -> a model
// trained from scratch (Stage I, Stage II) -> evaluation -> a score report beside trivial baselines.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/core/status.h"

namespace mgrs::pipeline {

// The stages, in order: demo-data, catalog, augment, instruct, init, stage1, stage2, eval, report.
const std::vector<std::string>& StageNames();

struct PipelineOptions {
  std::string config_path;  // manifests/pipeline/*.json; the paths inside it are relative to its folder
  std::string out_dir;      // every stage's output; DIR/report.{json,md,html} at the end
  std::string skymoe_path;  // the `skymoe` executable that runs the model stages
  int threads = 0;          // intra-op threads of the model stages; 0 = the config's, else all cores
  bool force = false;       // run every stage even when its inputs are unchanged
  // Told when a stage starts ("run") and ends ("done", "skipped"); `detail` is a command or a summary line.
  std::function<void(const std::string& stage, const std::string& event, const std::string& detail)> on_stage;
};

struct StageOutcome {
  std::string name;
  bool skipped = false;  // inputs and parameters as in the previous run, outputs present
  double seconds = 0;    // this run's wall time (0 when skipped)
  std::string summary;   // one line: what the stage made
};

struct PipelineReport {
  std::vector<StageOutcome> stages;
  std::string report_path;  // DIR/report.json
  nlohmann::json report;    // its content: scores of the model and of each baseline, targets, timings
  int targets_met = 0, targets_total = 0;
};

// Runs the stages in order. A stage runs when its fingerprint (its parameters, the content of the files it reads
// from the config, and the fingerprint of the stage before it) differs from the one DIR/pipeline-state.json holds
// for it, or an output is missing; otherwise it is skipped. A stage's fingerprint is recorded only when it
// succeeds, so a rerun after a failure or a kill starts again at the first unfinished stage (training resumes from
// its last checkpoint). Errors: the config's (NotFound, InvalidArgument naming the file and key) and the first
// failing stage's, prefixed with its name.
Result<PipelineReport> RunPipeline(const PipelineOptions& options);

}  // namespace mgrs::pipeline
