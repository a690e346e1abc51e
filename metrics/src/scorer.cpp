// The scorer: options checked, inputs read and joined by id, each task scored, the report assembled.
#include "mgrs/metrics/scorer.h"

#include <map>
#include <unordered_map>

#include "mgrs/metrics/inputs.h"
#include "mgrs/metrics/presets.h"
#include "tasks.h"

namespace mgrs::metrics {
namespace {

using internal::TaskOutcome;
using internal::TaskSamples;
using nlohmann::ordered_json;

constexpr Task kTaskOrder[] = {Task::kCaption, Task::kVqa, Task::kGrounding, Task::kCounting, Task::kClassification};

// The task scorers, in one table.
Result<TaskOutcome> ScoreTask(Task task, const TaskSamples& input, const ScoreOptions& options,
                              const Conventions& conventions) {
  switch (task) {
    case Task::kCaption: return internal::ScoreCaptionTask(input, options);
    case Task::kVqa: return internal::ScoreVqaTask(input, conventions);
    case Task::kClassification: return internal::ScoreClassificationTask(input, conventions);
    case Task::kCounting: return internal::ScoreCountingTask(input, conventions);
    case Task::kGrounding: return internal::ScoreGroundingTask(input, conventions);
  }
  return Internal("unknown task");
}

}  // namespace

const char* MetricsVersion() { return MGRS_METRICS_VERSION; }

Result<Report> Score(const ScoreOptions& options) {
  if (options.gt_path.empty()) return InvalidArgument("--gt is required");
  if (options.pred_path.empty()) return InvalidArgument("--pred is required");
  if (options.threads < 0) return InvalidArgument("--threads must be 0 (all cores) or more");
  if (options.max_rejects < 0) return InvalidArgument("--max-rejects must be 0 or more");
  auto gt_format = ParseGroundTruthFormat(options.gt_format);
  if (!gt_format.ok()) return gt_format.status();
  auto pred_format = ParsePredictionFormat(options.pred_format);
  if (!pred_format.ok()) return pred_format.status();
  auto conventions = PresetConventions(options.preset);
  if (!conventions.ok()) return conventions.status();
  MGRS_RETURN_IF_ERROR(ApplyConventionOverrides(options, &*conventions));
  std::optional<Task> only_task;
  if (options.task != "auto") {
    auto task = ParseTask(options.task);
    if (!task.ok())
      return InvalidArgument("--task: expected auto, caption, vqa, grounding, counting or classification");
    only_task = *task;
  }

  auto gt = ReadGroundTruth(options.gt_path, *gt_format);
  if (!gt.ok()) return gt.status();
  auto preds = ReadPredictions(options.pred_path, *pred_format);
  if (!preds.ok()) return preds.status();

  std::unordered_map<std::string, size_t> pred_index;
  for (size_t i = 0; i < preds->predictions.size(); ++i) pred_index.emplace(preds->predictions[i].id, i);
  std::unordered_map<std::string, const Sample*> gt_index;
  for (const Sample& s : gt->samples) gt_index.emplace(s.id, &s);

  Report report;
  report.rejects = preds->rejects;
  report.too_many_rejects = static_cast<int64_t>(report.rejects.size()) > options.max_rejects;

  std::map<int, TaskSamples> by_task;
  std::vector<std::string> missing, not_scored;
  for (const Sample& s : gt->samples) {
    if (only_task && s.task != *only_task) continue;
    const auto it = pred_index.find(s.id);
    const Prediction* p = it == pred_index.end() ? nullptr : &preds->predictions[it->second];
    if (!p) {
      missing.push_back(s.id);
      if (options.only_predicted) {
        not_scored.push_back(s.id);
        continue;
      }
    }
    TaskSamples& t = by_task[static_cast<int>(s.task)];
    t.samples.push_back(&s);
    t.predictions.push_back(p);
  }
  if (only_task && by_task.empty()) {
    return NotFound(options.gt_path + ": no " + TaskName(*only_task) + " samples to score");
  }
  if (by_task.empty()) return NotFound("no ground-truth sample has a prediction (--only-predicted)");
  std::vector<std::string> unknown;
  for (const Prediction& p : preds->predictions) {
    if (!gt_index.count(p.id)) unknown.push_back(p.id);
  }

  ordered_json settings;
  settings["tool"] = std::string("mgrs-score ") + MetricsVersion();
  settings["preset"] = options.preset;
  if (!conventions->notes.empty()) settings["preset_notes"] = conventions->notes;
  settings["task"] = options.task;
  settings["threads"] = options.threads;
  settings["missing_predictions"] = options.only_predicted
                                        ? "left out of every denominator (--only-predicted, as coco-caption does)"
                                        : "scored as empty answers (wrong), so the denominator is the ground truth";
  ordered_json tasks = ordered_json::object();
  std::unordered_map<const Sample*, ordered_json> per_sample;
  for (Task task : kTaskOrder) {
    const auto it = by_task.find(static_cast<int>(task));
    if (it == by_task.end()) continue;
    auto outcome = ScoreTask(task, it->second, options, *conventions);
    if (!outcome.ok()) return outcome.status();
    for (const auto& [key, value] : outcome->settings.items()) settings[key] = value;
    ordered_json summary = std::move(outcome->summary);
    std::vector<std::string> task_missing;
    for (size_t i = 0; i < it->second.samples.size(); ++i) {
      if (!it->second.predictions[i]) task_missing.push_back(it->second.samples[i]->id);
      per_sample[it->second.samples[i]] = std::move(outcome->per_sample[i]);
    }
    summary["missing_ids"] = task_missing;
    tasks[TaskName(task)] = std::move(summary);
  }

  ordered_json& j = report.json;
  j["tool"] = "mgrs-score";
  j["version"] = MetricsVersion();
  j["inputs"] = {{"gt", options.gt_path},
                 {"gt_format", FormatName(gt->format)},
                 {"pred", options.pred_path},
                 {"pred_format", FormatName(preds->format)}};
  j["settings"] = settings;
  j["counts"] = {{"gt_samples", gt->samples.size()},
                 {"predictions", preds->predictions.size()},
                 {"missing", missing.size()},
                 {"unknown", unknown.size()},
                 {"rejected", report.rejects.size()}};
  j["tasks"] = tasks;
  j["missing_ids"] = missing;
  j["unknown_ids"] = unknown;
  if (!gt->skipped_ids.empty()) j["gt_images_without_captions"] = gt->skipped_ids;
  ordered_json rejects = ordered_json::array();
  for (const Diagnostic& d : report.rejects) rejects.push_back(d.ToString());
  j["rejected_predictions"] = rejects;

  for (const Sample& s : gt->samples) {
    const auto it = per_sample.find(&s);
    if (it == per_sample.end()) continue;
    ordered_json line = {{"id", s.id}, {"task", TaskName(s.task)}};
    if (!s.dataset.empty()) line["dataset"] = s.dataset;
    if (!s.granularity.empty()) line["granularity"] = s.granularity;
    line["missing"] = !pred_index.count(s.id);
    for (auto& [key, value] : it->second.items()) line[key] = value;
    report.per_sample.push_back(std::move(line));
  }
  return report;
}

}  // namespace mgrs::metrics
