// Scoring conventions, and the presets that reproduce each published evaluation script (issue table in
// docs/metrics.md; sources in research/metrics.md section 9).
#pragma once

#include <string>
#include <vector>

#include "mgrs/core/geometry.h"
#include "mgrs/core/status.h"
#include "mgrs/metrics/answers.h"
#include "mgrs/metrics/boxes.h"
#include "mgrs/metrics/scorer.h"

namespace mgrs::metrics {

enum class CountingMode {
  kFirstInteger,  // the first integer of the answer (digits or words) equals the count
  kVqa,           // LHRS-Bot: the VQA rule (kLhrsBot) against the count written as digits
  kContains,      // VRSBench: the count's digits occur in the lower-cased answer
};
Result<CountingMode> ParseCountingMode(const std::string& name);  // first_integer | vqa | contains
const char* CountingModeName(CountingMode mode);

enum class ThresholdOp { kGreaterEqual, kGreater };
enum class ParseFailurePolicy { kWrong, kSkip, kZeroBox };
enum class BoxGeometry { kAuto, kAxisAligned, kRotated };

struct GroundingConventions {
  BoxSyntax syntax = BoxSyntax::kAuto;
  CoordScale scale = CoordScale::kAuto;
  IouConvention iou = IouConvention::kContinuous;
  ThresholdOp op = ThresholdOp::kGreaterEqual;
  ParseFailurePolicy on_parse_failure = ParseFailurePolicy::kWrong;
  BoxGeometry geometry = BoxGeometry::kAuto;  // auto: rotated when the ground truth has quads and the answer an angle
  // VRSBench compares on its 0-100 grid: ground truth int(x / width * 100), the answer's integers as they are.
  bool compare_on_grid = false;
  // EarthDial's precision: a predicted box is correct when it overlaps any ground-truth box (not one-to-one),
  // and its answers may exceed the 0-100 grid (values like 102 occur).
  bool any_overlap_precision = false;
  bool allow_out_of_range = false;
};

struct Conventions {
  std::string preset;
  VqaMode vqa = VqaMode::kVqa;
  ClassificationMode classification = ClassificationMode::kExact;
  CountingMode counting = CountingMode::kFirstInteger;
  GroundingConventions grounding;
  std::vector<std::string> notes;  // where the preset's script has no rule and mgrs's applies, and other caveats
};

// mgrs (default), geochat, vrsbench, qwenvl, minigptv2, earthdial, lhrsbot, skysensegpt; kInvalidArgument lists
// the names otherwise.
Result<Conventions> PresetConventions(const std::string& name);
// Applies the explicit options of `options` (vqa_mode, coord_scale, ...) on top of a preset.
Status ApplyConventionOverrides(const ScoreOptions& options, Conventions* conventions);
const std::vector<std::string>& PresetNames();

}  // namespace mgrs::metrics
