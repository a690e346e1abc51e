// The pipeline config (manifests/pipeline/*.json), read strictly: every key known, paths made absolute.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/core/status.h"

namespace mgrs::pipeline {

struct AugmentStep {
  std::string operation = "cutout";  // cutout | edit
  std::string dataset;               // a catalog dataset (the demo's names: docs/demo.md)
  std::string class_key;             // "" = the augmenter's default
  uint64_t seed = 0;
};

struct TrainStage {
  std::string config;  // manifests/train/*.json
  int64_t steps = 0;   // 0 = the config's
};

// What a report must show for the run to meet its targets (issue: "the tiny model clearly beats the baselines").
struct Targets {
  bool check = false;
  double classification_accuracy = 0.8;  // at least this
  double counting_over_baseline = 2.0;   // accuracy at least this times the most frequent count's
  bool caption_over_baseline = true;     // CIDEr above the constant caption's
  bool grounding_over_baseline = true;   // Acc@0.5 above the centred box's
};

struct PipelineConfig {
  std::string path;         // the file read
  nlohmann::json sections;  // each stage's section as written: part of its fingerprint
  uint64_t data_seed = 1;
  double data_scale = 1.0;
  int image_size = 256;
  std::vector<AugmentStep> augment;
  std::string instruct_config, templates_dir;
  uint64_t instruct_seed = 0;
  std::string model_config;
  uint64_t model_seed = 0;
  TrainStage stage1, stage2;
  int eval_batch_size = 16;
  int max_new_tokens = 64;
  int threads = 0;
  Targets targets;
};

// Errors: NotFound, InvalidArgument ("<file>: <key>: ..."), a path in the config that does not exist.
Result<PipelineConfig> LoadPipelineConfig(const std::string& path);

}  // namespace mgrs::pipeline
