// Stage II training steps on synthetic batches, for benchmarks on machines with LibTorch alone (no image decoding,
// no data files): the step time and model FLOPs utilisation of the 7B config on a GPU (issue 14's device run).
#pragma once

#include <cstdint>
#include <vector>

#include "mgrs/core/status.h"
#include "mgrs/model/llava.h"

namespace mgrs::model {

struct StepBenchmarkOptions {
  int micro_batch = 4;           // samples per forward
  int accumulation = 1;          // micro-batches per optimizer step
  int64_t text_positions = 104;  // per sample besides the image's features (all of them supervised)
  int steps = 3;                 // timed optimizer steps, after one untimed warm-up step
  bool activation_checkpointing = true;
  bool bf16 = true;          // autocast on CUDA (ignored on the CPU), fp32 master weights as the trainer
  double peak_tflops = 0.0;  // the device's dense peak for MFU; 0 = MFU not reported
  uint64_t seed = 0;
};

// Model FLOPs of one Stage II training step (PaLM's accounting, recomputation not counted): the frozen vision
// tower's forward; the decoder's forward (2 per multiply-accumulate of the active weights: attention projections,
// the dense FFN or top_k experts plus the router, the output layer) plus attention's 4 * T * D per token and layer;
// its backward to the inputs (as much again: every layer lies above a trained one) and to the trained weights
// (experts and routers: as much as their forward again).
double StageTwoStepFlops(const ModelConfig& config, int64_t samples, int64_t positions_per_sample);

struct StepBenchmarkReport {
  int64_t positions_per_sample = 0, image_positions = 0;
  int64_t parameters = 0, trainable_parameters = 0;
  std::vector<double> step_ms;  // per timed step
  double median_step_ms = 0.0;
  // Means over the timed steps: the vision tower, the decoder's forward + backward, clipping + AdamW.
  double vision_ms = 0.0, forward_backward_ms = 0.0, optimizer_ms = 0.0;
  double tokens_per_s = 0.0;  // decoder positions per second at the median step
  double flops_per_step = 0.0;
  double achieved_tflops = 0.0;
  double mfu = 0.0;  // achieved / peak (0 without a peak)
  double last_loss = 0.0;
};

// Trains `model` (fp32, on its device; MoE) as Stage II does: experts and routers trainable, everything else
// frozen, AdamW at lr 2e-5, gradients clipped to norm 1, L = cross-entropy over the text positions + the aux loss.
// Every sample is one random 3 x S x S image (S the vision config's size) and random text. The clock is read with
// the device synchronised. Errors: InvalidArgument for a dense model or options out of range; FailedPrecondition for
// a non-finite loss.
Result<StepBenchmarkReport> MeasureTrainingSteps(LlavaImpl& model, const StepBenchmarkOptions& options);

}  // namespace mgrs::model
