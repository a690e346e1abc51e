// Shared between the trainer's files: the model being trained (train_state.cpp builds, saves and restores it) and
// what the loop hands to a checkpoint.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "mgrs/core/status.h"
#include "mgrs/model/llava.h"
#include "mgrs/model/train.h"

namespace mgrs::model {

struct TrainingModel {
  Llava model{nullptr};
  torch::Device device{torch::kCPU};
  ModelConfig config;          // of the saved checkpoints (no adapters: they are merged on saving)
  std::string tokenizer_path;  // copied into every checkpoint
  // The initial checkpoint's tensors: saved with the trained parameters' values, so the tensors the model does not
  // run (CLIP's post_layernorm, ...) travel on into every checkpoint.
  std::map<std::string, torch::Tensor> initial;
  std::vector<std::string> trainable_names;
  std::vector<torch::Tensor> trainable;
};

// The model of the run's stage, built from options.init_dir on `device` in fp32: Stage I adds the adapters
// (seeded), Stage II expands a dense checkpoint into experts (ExpandToMoe, seeded) or continues an MoE one.
// Every parameter is frozen except the stage's trainable ones.
Result<TrainingModel> BuildTrainingModel(const TrainOptions& options, const torch::Device& device);

// Where a run stands; saved in every checkpoint's trainer/state.json.
struct RunPosition {
  int64_t step = 0;           // optimizer steps done
  int64_t total_steps = 0;    // of the whole run
  int64_t micro_batches = 0;  // micro-batches consumed from the data stream (all ranks)
};

// Writes out_dir/step-NNNNNN atomically (a temporary folder renamed into place), then out_dir/latest: config.json,
// model.safetensors (adapters merged) and tokenizer.model as SaveCheckpoint writes them, and trainer/ with the
// adapters and the base weights under them, the optimizer state, the random generators (the CPU's; the device's on
// CUDA) and the position.
// Returns the folder.
Result<std::string> SaveTrainingCheckpoint(const std::string& out_dir, const TrainingModel& model,
                                           torch::optim::Optimizer& optimizer, const TrainConfig& config,
                                           const RunPosition& position);

// Removes what a killed run left half-written in out_dir: temporary checkpoint folders and the temporary files of
// `latest` and log.jsonl. Only for the run that owns out_dir (rank 0), before it writes anything there.
void RemoveStaleTemporaries(const std::string& out_dir);

// Restores a folder SaveTrainingCheckpoint wrote into a model built by BuildTrainingModel for the same run. A
// checkpoint of another model is refused (InvalidArgument listing the missing, unexpected and reshaped names).
Result<RunPosition> RestoreTrainingCheckpoint(const std::string& dir, TrainingModel* model,
                                              torch::optim::Optimizer& optimizer);

// The data-parallel group of a run with more than one rank (train_distributed.cpp): c10d's TCPStore rendezvous and
// a Gloo process group.
class GradientSync {
 public:
  // Blocks until every rank has joined (up to 5 minutes). IoError when the rendezvous fails.
  static Result<std::unique_ptr<GradientSync>> Connect(const DistributedOptions& options);
  ~GradientSync();
  GradientSync(const GradientSync&) = delete;
  GradientSync& operator=(const GradientSync&) = delete;

  // Replaces each parameter's gradient by its mean over the ranks, all-reducing buckets of a few million elements;
  // a missing gradient counts as zeros and is then defined.
  Status AverageGradients(const std::vector<torch::Tensor>& parameters);
  // Element-wise sums over the ranks.
  Result<std::vector<double>> Sum(const std::vector<double>& values);
  // Every rank's `mine`, by rank, through the rendezvous store under `key` (unique per call; every rank calls it).
  Result<std::vector<std::string>> Exchange(const std::string& key, const std::string& mine);
  Status Barrier();

 private:
  struct Impl;
  explicit GradientSync(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mgrs::model
