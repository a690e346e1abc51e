// The pipeline's stages: what each reads into its fingerprint, what it must leave behind, how it runs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config.h"
#include "mgrs/pipeline/pipeline.h"

namespace mgrs::pipeline {

// Where every stage writes, under the output folder.
struct Paths {
  std::filesystem::path root;
  std::filesystem::path Data() const { return root / "data"; }
  std::filesystem::path Catalog() const { return root / "catalog.sqlite"; }
  std::filesystem::path Augmented() const { return root / "augmented"; }
  std::filesystem::path AugmentedCatalog() const { return Augmented() / "catalog.sqlite"; }
  std::filesystem::path Instruct() const { return root / "instruct"; }
  std::filesystem::path Train() const { return Instruct() / "train.jsonl"; }
  std::filesystem::path Test() const { return Instruct() / "test.jsonl"; }
  std::filesystem::path Images() const { return Instruct() / "images"; }
  std::filesystem::path Model(const std::string& part) const { return root / "model" / part; }
  std::filesystem::path Eval() const { return root / "eval"; }
};

struct Context {
  const PipelineOptions& options;
  const PipelineConfig& config;
  Paths paths;
  int threads = 0;                        // model stages; 0 = skymoe's default
  const std::vector<StageOutcome>* done;  // the stages before this one, for the report's timings
};

struct Stage {
  std::string name;
  // Fingerprint material besides the previous stage's fingerprint: the config section, the files it names.
  std::string (*inputs)(const Context&);
  // Files that must exist for the stage to be skipped.
  std::vector<std::filesystem::path> (*outputs)(const Context&);
  // Runs the stage; `resume`: the same stage with the same fingerprint was started and not finished. Returns a
  // one-line summary.
  Result<std::string> (*run)(const Context&, bool resume);
};

const std::vector<Stage>& Stages();

// The report stage's work (report.cpp).
Result<std::string> WriteReport(const Context& context);

}  // namespace mgrs::pipeline
