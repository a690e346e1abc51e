// The nine stages of `mgrs pipeline`. The data stages call the libraries; the model stages run `skymoe`.
#include "stages.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "mgrs/augment/augment.h"
#include "mgrs/demo/demo_data.h"
#include "mgrs/ingest/ingest.h"
#include "mgrs/instruct/instruct.h"
#include "process.h"
#include "state.h"

namespace mgrs::pipeline {
namespace {

namespace fs = std::filesystem;

int Jobs() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

std::string Section(const Context& c, const std::string& key) {
  return c.config.sections.contains(key) ? c.config.sections.at(key).dump() : "";
}

Status RemoveAll(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  return ec ? IoError("cannot remove " + path.string() + ": " + ec.message()) : Status::Ok();
}

// A catalog file and SQLite's journal files beside it.
Status RemoveCatalog(const fs::path& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    MGRS_RETURN_IF_ERROR(RemoveAll(path.string() + suffix));
  }
  return Status::Ok();
}

// The checkpoint a training stage ended with: <out>/<the folder named in <out>/latest>.
Result<std::string> LatestCheckpoint(const fs::path& out) {
  std::ifstream file(out / "latest");
  std::string name;
  if (!(file >> name)) return NotFound((out / "latest").string() + ": no checkpoint (the training did not finish)");
  return (out / name).string();
}

// --- demo-data -----------------------------------------------------------------------------------------------

Result<std::string> RunDemoData(const Context& c, bool) {
  demo::DemoDataOptions options;
  options.out_dir = c.paths.Data().string();
  options.seed = c.config.data_seed;
  options.scale = c.config.data_scale;
  options.image_size = c.config.image_size;
  auto summary = demo::WriteDemoData(options);
  if (!summary.ok()) return summary.status();
  std::ostringstream text;
  text << summary->images << " images, " << summary->objects << " objects, " << summary->expressions
       << " referring expressions, " << summary->captions << " captions, " << summary->questions << " questions";
  return text.str();
}

// --- catalog -------------------------------------------------------------------------------------------------

Result<std::string> RunCatalog(const Context& c, bool) {
  MGRS_RETURN_IF_ERROR(RemoveCatalog(c.paths.Catalog()));
  int64_t images = 0, objects = 0, errors = 0;
  for (const auto& step : demo::DemoIngestSteps()) {
    ingest::IngestOptions options;
    options.catalog_path = c.paths.Catalog().string();
    options.format = step.format;
    options.root = (c.paths.Data() / step.root).string();
    options.name = step.name;
    options.split = step.split;
    options.jobs = Jobs();
    auto summary = ingest::Ingest(options);
    if (!summary.ok()) return Status(summary.status().code(), step.name + ": " + summary.status().message());
    images += summary->images;
    objects += summary->objects_accepted;
    errors += summary->errors;
  }
  return std::to_string(demo::DemoIngestSteps().size()) + " datasets, " + std::to_string(images) + " images, " +
         std::to_string(objects) + " objects, " + std::to_string(errors) + " rejects";
}

// --- augment -------------------------------------------------------------------------------------------------

Result<std::string> RunAugmentStage(const Context& c, bool) {
  MGRS_RETURN_IF_ERROR(RemoveAll(c.paths.Augmented()));
  std::error_code ec;
  fs::create_directories(c.paths.Augmented(), ec);
  if (!ec) fs::copy_file(c.paths.Catalog(), c.paths.AugmentedCatalog(), ec);
  if (ec) return IoError("cannot copy the catalog to " + c.paths.AugmentedCatalog().string() + ": " + ec.message());
  int64_t written = 0;
  for (const auto& step : c.config.augment) {
    augment::AugmentOptions options;
    options.catalog_path = c.paths.AugmentedCatalog().string();
    options.dataset = step.dataset;
    options.class_key = step.class_key;
    options.out_dir = (c.paths.Augmented() / "images").string();
    options.operation = step.operation == "edit" ? augment::Operation::kEdit : augment::Operation::kCutout;
    options.seed = step.seed;
    options.jobs = Jobs();
    auto summary = augment::RunAugment(options);
    if (!summary.ok())
      return Status(summary.status().code(), step.operation + " " + step.dataset + ": " + summary.status().message());
    written += summary->variants_written;
  }
  return std::to_string(written) + " derived images from " + std::to_string(c.config.augment.size()) + " operations";
}

// --- instruct ------------------------------------------------------------------------------------------------

Result<std::string> RunInstructStage(const Context& c, bool) {
  MGRS_RETURN_IF_ERROR(RemoveAll(c.paths.Instruct()));
  instruct::InstructOptions options;
  options.catalog_path = c.paths.AugmentedCatalog().string();
  options.config_path = c.config.instruct_config;
  options.templates_dir = c.config.templates_dir;
  options.out_dir = c.paths.Instruct().string();
  options.seed = c.config.instruct_seed;
  options.jobs = Jobs();
  auto summary = instruct::RunInstruct(options);
  if (!summary.ok()) return summary.status();
  return std::to_string(summary->train_samples) + " train and " + std::to_string(summary->test_samples) +
         " test samples from " + std::to_string(summary->images) + " images";
}

// --- the model stages ----------------------------------------------------------------------------------------

std::vector<std::string> Skymoe(const Context& c, const std::string& command) {
  return {c.options.skymoe_path, command};
}

void AddThreads(const Context& c, std::vector<std::string>* args) {
  if (c.threads > 0) args->insert(args->end(), {"--threads", std::to_string(c.threads)});
}

Status Run(const Context& c, const std::string& stage, const std::vector<std::string>& args) {
  if (c.options.on_stage) c.options.on_stage(stage, "command", CommandLine(args));
  return RunProgram(args);
}

Result<std::string> RunInit(const Context& c, bool) {
  auto args = Skymoe(c, "init");
  args.insert(args.end(), {"--config", c.config.model_config, "--data", c.paths.Train().string(), "--out",
                           c.paths.Model("init").string(), "--seed", std::to_string(c.config.model_seed)});
  MGRS_RETURN_IF_ERROR(Run(c, "init", args));
  return "random weights and a tokenizer in " + c.paths.Model("init").string();
}

Result<std::string> RunTraining(const Context& c, bool resume, int stage, const TrainStage& train,
                                const std::string& init) {
  const std::string name = "stage" + std::to_string(stage);
  const fs::path out = c.paths.Model(name);
  const bool resumable = resume && fs::exists(out / "latest");
  if (!resumable) MGRS_RETURN_IF_ERROR(RemoveAll(out));
  auto args = Skymoe(c, "train");
  args.insert(args.end(),
              {"--config", train.config, "--data", c.paths.Train().string(), "--image-root", c.paths.Images().string(),
               "--stage", std::to_string(stage), "--init", init, "--out", out.string()});
  if (train.steps > 0) args.insert(args.end(), {"--steps", std::to_string(train.steps)});
  if (resumable) args.push_back("--resume");
  AddThreads(c, &args);
  MGRS_RETURN_IF_ERROR(Run(c, name, args));
  auto latest = LatestCheckpoint(out);
  if (!latest.ok()) return latest.status();
  return "checkpoint " + *latest + (resumable ? " (resumed)" : "");
}

Result<std::string> RunStage1(const Context& c, bool resume) {
  return RunTraining(c, resume, 1, c.config.stage1, c.paths.Model("init").string());
}

Result<std::string> RunStage2(const Context& c, bool resume) {
  auto init = LatestCheckpoint(c.paths.Model("stage1"));
  if (!init.ok()) return init.status();
  return RunTraining(c, resume, 2, c.config.stage2, *init);
}

Result<std::string> RunEval(const Context& c, bool) {
  auto checkpoint = LatestCheckpoint(c.paths.Model("stage2"));
  if (!checkpoint.ok()) return checkpoint.status();
  std::error_code ec;
  fs::create_directories(c.paths.Eval(), ec);
  if (ec) return IoError("cannot create " + c.paths.Eval().string() + ": " + ec.message());
  auto args = Skymoe(c, "eval");
  args.insert(args.end(),
              {"--checkpoint", *checkpoint, "--bench", c.paths.Test().string(), "--image-root",
               c.paths.Images().string(), "--out", (c.paths.Eval() / "predictions.jsonl").string(), "--batch-size",
               std::to_string(c.config.eval_batch_size), "--max-new-tokens", std::to_string(c.config.max_new_tokens)});
  AddThreads(c, &args);
  MGRS_RETURN_IF_ERROR(Run(c, "eval", args));
  return "predictions for " + c.paths.Test().string();
}

// --- fingerprints and outputs --------------------------------------------------------------------------------

std::string DataInputs(const Context& c) { return Section(c, "data"); }
std::string NoInputs(const Context&) { return ""; }
std::string AugmentInputs(const Context& c) { return Section(c, "augment"); }
std::string InstructInputs(const Context& c) {
  return Fingerprint(Section(c, "instruct")).AddPath(c.config.instruct_config).AddPath(c.config.templates_dir).Hex();
}
std::string ModelInputs(const Context& c) {
  return Fingerprint(Section(c, "model")).AddPath(c.config.model_config).Hex();
}
std::string Stage1Inputs(const Context& c) {
  return Fingerprint(Section(c, "stage1")).AddPath(c.config.stage1.config).Hex();
}
std::string Stage2Inputs(const Context& c) {
  return Fingerprint(Section(c, "stage2")).AddPath(c.config.stage2.config).Hex();
}
std::string EvalInputs(const Context& c) { return Section(c, "eval"); }
std::string ReportInputs(const Context& c) { return Section(c, "targets"); }

std::vector<fs::path> DataOutputs(const Context& c) { return {c.paths.Data() / "ingest.json"}; }
std::vector<fs::path> CatalogOutputs(const Context& c) { return {c.paths.Catalog()}; }
std::vector<fs::path> AugmentOutputs(const Context& c) { return {c.paths.AugmentedCatalog()}; }
std::vector<fs::path> InstructOutputs(const Context& c) { return {c.paths.Train(), c.paths.Test()}; }
std::vector<fs::path> InitOutputs(const Context& c) { return {c.paths.Model("init") / "model.safetensors"}; }
std::vector<fs::path> Stage1Outputs(const Context& c) { return {c.paths.Model("stage1") / "latest"}; }
std::vector<fs::path> Stage2Outputs(const Context& c) { return {c.paths.Model("stage2") / "latest"}; }
std::vector<fs::path> EvalOutputs(const Context& c) { return {c.paths.Eval() / "predictions.jsonl"}; }
std::vector<fs::path> ReportOutputs(const Context& c) {
  return {c.paths.root / "report.json", c.paths.root / "report.md", c.paths.root / "report.html"};
}
Result<std::string> RunReport(const Context& c, bool) { return WriteReport(c); }

}  // namespace

const std::vector<Stage>& Stages() {
  static const std::vector<Stage> stages = {
      {"demo-data", DataInputs, DataOutputs, RunDemoData},
      {"catalog", NoInputs, CatalogOutputs, RunCatalog},
      {"augment", AugmentInputs, AugmentOutputs, RunAugmentStage},
      {"instruct", InstructInputs, InstructOutputs, RunInstructStage},
      {"init", ModelInputs, InitOutputs, RunInit},
      {"stage1", Stage1Inputs, Stage1Outputs, RunStage1},
      {"stage2", Stage2Inputs, Stage2Outputs, RunStage2},
      {"eval", EvalInputs, EvalOutputs, RunEval},
      {"report", ReportInputs, ReportOutputs, RunReport},
  };
  return stages;
}

}  // namespace mgrs::pipeline
