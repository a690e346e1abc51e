// What the scorer hands each task, and what a task gives back. Internal to mgrs::metrics.
#pragma once

#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/core/sample.h"
#include "mgrs/metrics/presets.h"
#include "mgrs/metrics/scorer.h"

namespace mgrs::metrics::internal {

// The ground-truth samples of one task and, at the same index, their prediction (nullptr when missing).
struct TaskSamples {
  std::vector<const Sample*> samples;
  std::vector<const Prediction*> predictions;
};

struct TaskOutcome {
  nlohmann::ordered_json summary;                                      // tasks.<task> in the report
  std::vector<nlohmann::ordered_json> per_sample;                      // same order as TaskSamples::samples
  nlohmann::ordered_json settings = nlohmann::ordered_json::object();  // conventions this task used
};

Result<TaskOutcome> ScoreCaptionTask(const TaskSamples& input, const ScoreOptions& options);
TaskOutcome ScoreVqaTask(const TaskSamples& input, const Conventions& conventions);
TaskOutcome ScoreClassificationTask(const TaskSamples& input, const Conventions& conventions);
TaskOutcome ScoreCountingTask(const TaskSamples& input, const Conventions& conventions);
TaskOutcome ScoreGroundingTask(const TaskSamples& input, const Conventions& conventions);

// Adds "by_dataset" and "by_granularity" to `summary` when the samples carry those labels, each group summarised
// by `summarise(indices)`.
void AddBreakdowns(const TaskSamples& input,
                   const std::function<nlohmann::ordered_json(const std::vector<size_t>&)>& summarise,
                   nlohmann::ordered_json* summary);

// Indices of `input` grouped by a label (dataset or granularity), groups in order of first appearance; empty
// when no sample has the label.
std::vector<std::pair<std::string, std::vector<size_t>>> GroupBy(const TaskSamples& input, bool by_dataset);

}  // namespace mgrs::metrics::internal
