// The composition of an instruction set (manifests/instruct/*.json): which sources form the test side, how many
// samples of each task and source each side gets, and the generation rules. Defaults are the paper's.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mgrs/core/status.h"
#include "mgrs/instruct/box_text.h"

namespace mgrs::instruct {

struct CountingRules {
  int64_t max_count = 200;               // larger counts are skipped (the answer would be a guess)
  double max_ambiguous_fraction = 0.25;  // skip a class when more of its objects are difficult or truncated
  int64_t sparse_max = 5;                // granularity: sparse <= 5 < medium <= 20 < dense
  int64_t medium_max = 20;
};

struct GroundingRules {
  bool generate_expressions = true;  // describe objects that are unique under class + size + colour + position
  int max_generated_per_image = 4;
  double min_round_trip_iou = 0.5;  // targets the box grid cannot write at this IoU are skipped (too small)
};

struct VqaRules {
  bool presence = true, comparison = true, direction = true, identify = true;  // generated questions
  int max_generated_per_image = 4;
};

// Target sample counts of one side: task name -> source dataset -> count; source "*" takes every source without
// an entry of its own, pooled.
using Targets = std::map<std::string, std::map<std::string, int64_t>>;

struct InstructConfig {
  BoxFormat box_format = BoxFormat::kGeoChat;
  CountingRules counting;
  GroundingRules grounding;
  VqaRules vqa;
  std::vector<std::string> test_sources;  // datasets whose samples form the test side; every other is train
  std::vector<std::string> test_splits;   // when not empty, only these splits of the test sources are tested
  // Datasets whose images are another dataset's files (DIOR-RSVG draws on DIOR's JPEGs): dataset -> the owner.
  // Images of both with the same file stem are one image for the split.
  std::map<std::string, std::string> shared_images;
  Targets train, test;
};

// Parses a config file's text; `origin` names it in messages. Unknown keys are refused (a typo would silently fall
// back to a default), as are unknown task names and negative counts.
Result<InstructConfig> ParseInstructConfig(const std::string& text, const std::string& origin);
Result<InstructConfig> LoadInstructConfig(const std::string& path);

}  // namespace mgrs::instruct
