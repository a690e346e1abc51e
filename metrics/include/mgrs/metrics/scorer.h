// The scorer behind mgrs-score: reads ground truth and predictions, joins them by id, scores every task present
// with the metrics and conventions the options (or a preset) choose, and builds the report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/core/diagnostic.h"
#include "mgrs/core/status.h"

namespace mgrs::metrics {

struct ScoreOptions {
  std::string gt_path, pred_path;
  std::string gt_format = "auto";    // auto | samples | coco
  std::string pred_format = "auto";  // auto | jsonl | coco
  std::string task = "auto";         // auto (every task in the ground truth) | caption | vqa | grounding | ...
  std::string preset = "mgrs";       // see presets.h; "mgrs" is the default convention

  // Captions.
  bool tokenize = true;           // coco's PTB tokenizer on hypotheses and references (--no-tokenize: off)
  bool meteor = true;             // METEOR needs Meteor's data files (--no-meteor skips it)
  std::string meteor_data;        // --meteor-data; empty = FindMeteorData's search order
  std::string meteor_paraphrase;  // --meteor-paraphrase: Meteor's paraphrase-en.gz
  // coco-caption scores only the images that have a result; by default a missing prediction counts as an
  // empty caption instead, so the denominator is always the ground truth.
  bool only_predicted = false;

  // VQA, classification, counting, grounding: empty = the preset's rule (see presets.h for the names).
  std::string vqa_mode, classification_mode, counting_mode;
  std::string box_format, coord_scale, iou_convention, threshold_op, on_parse_fail, box_mode;

  int threads = 0;          // 0 = all cores; results are identical for any value
  int64_t max_rejects = 0;  // unusable prediction records tolerated before the run fails (exit code 3)
};

struct Report {
  nlohmann::ordered_json json;                     // the report (docs/metrics.md describes its keys)
  std::vector<nlohmann::ordered_json> per_sample;  // one object per ground-truth sample, in file order
  std::vector<Diagnostic> rejects;                 // unusable prediction records (their samples count as missing)
  bool too_many_rejects = false;                   // rejects.size() > options.max_rejects
};

// Scores one run. Fails with kInvalidArgument for bad options, kNotFound / kIoError for files, kParseError for
// ground truth with bad records (every bad record is listed in the message). Bad prediction records do not fail
// the call: they are in Report::rejects and set too_many_rejects. Uses options.threads threads.
Result<Report> Score(const ScoreOptions& options);

// The tool's version string, written into every report.
const char* MetricsVersion();

}  // namespace mgrs::metrics
