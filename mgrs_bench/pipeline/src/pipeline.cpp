// RunPipeline: the stages in order, each skipped when its fingerprint and outputs are as the last run left them.
#include "mgrs/pipeline/pipeline.h"

#include <chrono>
#include <filesystem>

#include "config.h"
#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"
#include "stages.h"
#include "state.h"

namespace mgrs::pipeline {
namespace {

namespace fs = std::filesystem;

bool OutputsExist(const Stage& stage, const Context& context) {
  for (const auto& path : stage.outputs(context)) {
    if (!fs::exists(path)) return false;
  }
  return true;
}

// Runs one stage and records it: `started` before (so a killed training resumes), the fingerprint after.
Result<StageOutcome> RunStage(const Stage& stage, const Context& context, const std::string& fingerprint,
                              PipelineState* state) {
  StageRecord& record = (*state)[stage.name];
  const bool resume = record.started == fingerprint;
  record.fingerprint.clear();
  record.started = fingerprint;
  MGRS_RETURN_IF_ERROR(state->Save());
  if (context.options.on_stage) context.options.on_stage(stage.name, "run", "");
  const auto start = std::chrono::steady_clock::now();
  auto summary = stage.run(context, resume);
  if (!summary.ok()) return Status(summary.status().code(), stage.name + ": " + summary.status().message());
  StageOutcome outcome{stage.name, false,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), *summary};
  record = {fingerprint, "", outcome.seconds, outcome.summary};
  MGRS_RETURN_IF_ERROR(state->Save());
  return outcome;
}

}  // namespace

const std::vector<std::string>& StageNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const auto& stage : Stages()) list.push_back(stage.name);
    return list;
  }();
  return names;
}

Result<PipelineReport> RunPipeline(const PipelineOptions& options) {
  auto config = LoadPipelineConfig(options.config_path);
  if (!config.ok()) return config.status();
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return IoError("cannot create " + options.out_dir + ": " + ec.message());
  auto state = PipelineState::Load((fs::path(options.out_dir) / "pipeline-state.json").string());
  if (!state.ok()) return state.status();

  PipelineReport report;
  Context context{options, *config, Paths{fs::absolute(options.out_dir)},
                  options.threads > 0 ? options.threads : config->threads, &report.stages};
  std::string previous = "mgrs pipeline 1";  // a new version of the stages' contract reruns everything
  for (const auto& stage : Stages()) {
    const std::string fingerprint = Fingerprint(stage.name).Add(previous).Add(stage.inputs(context)).Hex();
    previous = fingerprint;
    const StageRecord& record = (*state)[stage.name];
    if (!options.force && record.fingerprint == fingerprint && OutputsExist(stage, context)) {
      report.stages.push_back({stage.name, true, 0, record.summary});
      if (options.on_stage) options.on_stage(stage.name, "skipped", record.summary);
      continue;
    }
    auto outcome = RunStage(stage, context, fingerprint, &*state);
    if (!outcome.ok()) return outcome.status();
    report.stages.push_back(*outcome);
    if (options.on_stage) options.on_stage(stage.name, "done", outcome->summary);
  }

  report.report_path = (context.paths.root / "report.json").string();
  auto text = ReadFile(report.report_path);
  if (!text.ok()) return text.status();
  Diagnostic bad;
  auto json = ParseJsonText(*text, report.report_path, &bad);
  if (!json.ok()) return json.status();
  report.report = std::move(*json);
  for (const auto& check : report.report["targets"]) {
    ++report.targets_total;
    if (check["met"].get<bool>()) ++report.targets_met;
  }
  return report;
}

}  // namespace mgrs::pipeline
