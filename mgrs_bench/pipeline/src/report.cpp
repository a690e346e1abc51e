// The report stage: baselines, scores, targets, and DIR/report.{json,md,html}.
#include <cstdio>
#include <optional>

#include "mgrs/core/files.h"
#include "mgrs/instruct/config.h"
#include "mgrs/metrics/report.h"
#include "mgrs/metrics/scorer.h"
#include "mgrs/pipeline/baselines.h"
#include "stages.h"

namespace mgrs::pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr const char* kModelName = "SkyMoE (trained here)";
constexpr const char* kBaselineName = "trivial baselines";

Result<ordered_json> ScoreFile(const Context& c, const fs::path& predictions, const fs::path& report_path) {
  metrics::ScoreOptions options;
  options.gt_path = c.paths.Test().string();
  options.pred_path = predictions.string();
  auto report = metrics::Score(options);
  if (!report.ok()) return report.status();
  MGRS_RETURN_IF_ERROR(metrics::WriteJsonReport(report->json, report_path.string()));
  return report->json;
}

std::optional<double> Metric(const ordered_json& report, const char* task, const char* metric) {
  const auto tasks = report.find("tasks");
  if (tasks == report.end() || !tasks->contains(task)) return std::nullopt;
  const auto& metrics = (*tasks)[task]["metrics"];
  if (!metrics.contains(metric) || !metrics[metric].is_number()) return std::nullopt;
  return metrics[metric].get<double>();
}

// One row per target: the model's value, the bar it must reach, whether it did.
ordered_json CheckTargets(const Targets& t, const ordered_json& model, const ordered_json& baseline) {
  ordered_json checks = ordered_json::array();
  const auto add = [&](const char* name, const char* task, const char* metric, std::optional<double> bar, bool strictly,
                       const std::string& rule) {
    const auto value = Metric(model, task, metric);
    const bool met = value && bar && (strictly ? *value > *bar : *value >= *bar);
    checks.push_back({{"target", name},
                      {"rule", rule},
                      {"value", value ? ordered_json(*value) : ordered_json()},
                      {"bar", bar ? ordered_json(*bar) : ordered_json()},
                      {"met", met}});
  };
  add("scene classification accuracy", "classification", "accuracy", t.classification_accuracy, false,
      "at least the configured accuracy");
  const auto counting = Metric(baseline, "counting", "accuracy");
  add("counting accuracy", "counting", "accuracy",
      counting ? std::optional<double>(*counting * t.counting_over_baseline) : std::nullopt, false,
      "at least " + std::to_string(t.counting_over_baseline).substr(0, 4) + " x the most frequent count's");
  if (t.caption_over_baseline) {
    add("caption CIDEr", "caption", "CIDEr", Metric(baseline, "caption", "CIDEr"), true,
        "above the constant caption's");
  }
  if (t.grounding_over_baseline) {
    add("grounding Acc@0.5", "grounding", "acc@0.5", Metric(baseline, "grounding", "acc@0.5"), true,
        "above the centred box's");
  }
  return checks;
}

std::string Number(const ordered_json& value) {
  if (!value.is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", value.get<double>());
  return text;
}

std::string TargetsMarkdown(const ordered_json& checks) {
  std::string text = "| target | rule | model | bar | met |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& check : checks) {
    text += "| " + check["target"].get<std::string>() + " | " + check["rule"].get<std::string>() + " | " +
            Number(check["value"]) + " | " + Number(check["bar"]) + " | " + (check["met"].get<bool>() ? "yes" : "no") +
            " |\n";
  }
  return text;
}

std::string StagesMarkdown(const std::vector<StageOutcome>& stages) {
  std::string text = "| stage | seconds | what it made |\n| --- | --- | --- |\n";
  for (const auto& stage : stages) {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.1f", stage.seconds);
    text +=
        "| " + stage.name + " | " + (stage.skipped ? std::string("skipped") : seconds) + " | " + stage.summary + " |\n";
  }
  return text;
}

ordered_json StagesJson(const std::vector<StageOutcome>& stages) {
  ordered_json list = ordered_json::array();
  for (const auto& s : stages) {
    list.push_back({{"stage", s.name}, {"skipped", s.skipped}, {"seconds", s.seconds}, {"summary", s.summary}});
  }
  return list;
}

}  // namespace

Result<std::string> WriteReport(const Context& c) {
  auto instruct_config = instruct::LoadInstructConfig(c.config.instruct_config);
  if (!instruct_config.ok()) return instruct_config.status();
  const fs::path baseline_predictions = c.paths.Eval() / "baseline-predictions.jsonl";
  auto rules = WriteBaselinePredictions(c.paths.Train().string(), c.paths.Test().string(), instruct_config->box_format,
                                        baseline_predictions.string());
  if (!rules.ok()) return rules.status();
  auto model = ScoreFile(c, c.paths.Eval() / "predictions.jsonl", c.paths.Eval() / "model-scores.json");
  if (!model.ok()) return model.status();
  auto baseline = ScoreFile(c, baseline_predictions, c.paths.Eval() / "baseline-scores.json");
  if (!baseline.ok()) return baseline.status();

  const ordered_json checks = CheckTargets(c.config.targets, *model, *baseline);
  int met = 0;
  for (const auto& check : checks) met += check["met"].get<bool>() ? 1 : 0;
  ordered_json report = {{"pipeline", c.config.path},
                         {"targets_checked", c.config.targets.check},
                         {"targets", checks},
                         {"baseline_rules", *rules},
                         {"stages", StagesJson(*c.done)},
                         {"model", *model},
                         {"baseline", *baseline}};
  const std::vector<metrics::NamedReport> rows = {{kModelName, *model}, {kBaselineName, *baseline}};
  const std::string markdown = "# Pipeline report\n\nConfig: `" + c.config.path + "`.\n\n## Targets\n\n" +
                               TargetsMarkdown(checks) + "\n## Stages\n\n" + StagesMarkdown(*c.done) +
                               "\n## Scores\n\n" + metrics::RenderMarkdown(rows);
  MGRS_RETURN_IF_ERROR(metrics::WriteJsonReport(report, (c.paths.root / "report.json").string()));
  MGRS_RETURN_IF_ERROR(WriteFileAtomically((c.paths.root / "report.md").string(), markdown));
  MGRS_RETURN_IF_ERROR(WriteFileAtomically((c.paths.root / "report.html").string(), metrics::RenderHtml(rows)));
  return "targets met: " + std::to_string(met) + " of " + std::to_string(checks.size());
}

}  // namespace mgrs::pipeline
