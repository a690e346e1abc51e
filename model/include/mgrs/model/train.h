// SkyMoE's dual-stage training (paper "Dual-Stage Training" and "Training Objectives"): Stage I trains LoRA adapters
// on W_q and W_v with the vision tower and projector frozen; Stage II merges them, clones every second layer's FFN
// into experts and trains experts and routers with L = L_regressive + alpha * L_aux. AdamW, linear warm-up then
// cosine decay, gradient accumulation to the global batch, clipping, atomic resumable checkpoints (docs/model.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mgrs/core/status.h"
#include "mgrs/model/config.h"
#include "mgrs/model/train_data.h"

namespace mgrs::model {

struct OptimizerConfig {
  double lr = 2e-5;
  double weight_decay = 0.0;  // LLaVA's scripts
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double warmup_ratio = 0.03;
  std::string schedule = "cosine";  // or "constant" (after the warm-up)
  double max_grad_norm = 1.0;       // 0 = no clipping
};

// A training run's settings: manifests/train/*.json (every key optional; unknown keys refused).
struct TrainConfig {
  int stage = 1;
  OptimizerConfig optimizer;
  int global_batch_size = 144;  // samples per optimizer step, over all ranks (the paper)
  int micro_batch_size = 4;     // samples per forward on one rank; the rest is gradient accumulation
  double epochs = 5.0;          // the paper; used when steps == 0
  int64_t steps = 0;            // optimizer steps; > 0 overrides epochs
  int64_t save_every = 0;       // checkpoint every N steps (0: only at the end)
  uint64_t seed = 42;
  int data_workers = 2;
  int prefetch_batches = 4;
  bool group_by_length = true;
  int max_length = 0;  // positions per sample, image included; 0 = the model's tokenizer.model_max_length
  Overlong overlong = Overlong::kTruncate;
  bool bf16 = true;                       // autocast to bf16 on CUDA (ignored on the CPU)
  bool activation_checkpointing = false;  // recompute decoder layers in the backward pass (llama.h)
  LoraConfig lora;                        // Stage I adapters (rank 64 on q_proj, v_proj)
  MoeConfig moe;                          // Stage II's experts (MoeConfig's defaults with num_experts = 4)
  // Parameter name substrings that train besides the stage's own (Stage I adapters; Stage II experts and
  // routers), e.g. "self_attn"; "" trains everything (a model trained from scratch, as the demo's).
  std::vector<std::string> extra_trainable;
  TrainConfig() { moe.num_experts = 4; }
};

Result<TrainConfig> ParseTrainConfig(const std::string& json_text);
Result<TrainConfig> ReadTrainConfig(const std::string& path);
std::string TrainConfigToJson(const TrainConfig& config);

// The learning rate of 0-based optimizer step `step` of `total`: linear warm-up from 0 over ceil(warmup_ratio *
// total) steps, then cosine decay to 0 (transformers' get_cosine_schedule_with_warmup) or constant.
double LearningRate(const OptimizerConfig& config, int64_t step, int64_t total);

// Data-parallel rendezvous, torchrun's variables (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK).
struct DistributedOptions {
  int rank = 0;
  int world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
};

// Reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (absent: rank 0 of 1 at 127.0.0.1:29500). InvalidArgument
// for values that are not numbers or a rank outside the world.
Result<DistributedOptions> DistributedFromEnvironment();

// One optimizer step's record (a line of log.jsonl).
struct StepLog {
  int64_t step = 0;  // 1-based
  int64_t total_steps = 0;
  double loss = 0.0;      // L_regressive + alpha * L_aux, mean over the step's micro-batches
  double ar_loss = 0.0;   // L_regressive
  double aux_loss = 0.0;  // L_aux summed over MoE layers, unscaled (0 in Stage I)
  double lr = 0.0;
  double grad_norm = 0.0;  // before clipping
  double tokens_per_s = 0.0;
  int64_t tokens = 0;                            // decoder positions, padding excluded
  std::vector<int> moe_layers;                   // Stage II: the layers of expert_load
  std::vector<std::vector<double>> expert_load;  // per MoE layer, share of routed choices per expert
  // Where the step's time went: waiting for the loader, forward + backward (of which the frozen vision tower and
  // the MoE blocks' forward: router, dispatch, experts, combine), all-reduce + clipping + AdamW.
  double seconds_data = 0.0, seconds_forward_backward = 0.0, seconds_vision = 0.0, seconds_optimizer = 0.0;
  double seconds_moe_forward = 0.0;
};

struct TrainOptions {
  TrainConfig config;
  std::string data_path, image_root;
  std::string init_dir;  // a checkpoint folder: pretrained LLaVA (Stage I) or a Stage I result (Stage II)
  std::string out_dir;   // checkpoints step-NNNNNN/ and log.jsonl
  bool resume = false;   // continue from out_dir's latest checkpoint
  std::string device = "cpu";
  int threads = 0;
  DistributedOptions distributed;
  std::function<void(const StepLog&)> on_step;  // progress (may be empty)
};

struct TrainReport {
  DataReport data;  // rejected also lists, once each, samples left out of batches for an undecodable image (BAD_IMAGE)
  int64_t first_step = 0, last_step = 0;  // 1-based steps run here; last < first when none was left to run
  int64_t total_steps = 0;
  double last_loss = 0.0;
  std::string last_checkpoint;  // folder, loadable by LoadLlava / `skymoe generate`
};

// Runs training. Errors: unreadable config, data or checkpoint; a resume checkpoint of another model (the message
// lists the mismatching tensor names); a non-finite loss (the message names the step and the micro-batch's
// sample ids); a global batch the micro-batches and ranks do not divide.
Result<TrainReport> RunTraining(const TrainOptions& options);

// The checkpoint folder `resume` continues from: out_dir's newest step-NNNNNN/ (from the file "latest"), or
// NotFound.
Result<std::string> LatestCheckpoint(const std::string& out_dir);

}  // namespace mgrs::model
