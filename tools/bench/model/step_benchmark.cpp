// Stage II training steps on synthetic batches (MeasureTrainingSteps): step time, its split, tokens/s and model
// FLOPs utilisation, for the 7B config on a GPU (scripts/device-train.sh) or the tiny one on the CPU. Needs only the
// LibTorch core, so MGRS_MODEL_ONLY builds it. Random weights in fp32 (the trainer's master weights).
// Usage: mgrs_step_benchmark [--config FILE] [--device cpu|cuda] [--layers N] [--experts E] [--micro-batch 4]
//                            [--accumulation 1] [--text-positions 104] [--steps 3] [--no-checkpointing]
//                            [--peak-tflops X] [--threads N] [--seed S]
// --layers keeps the first N decoder layers (a 7B Stage II model with AdamW's state does not fit one 141 GB GPU).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <torch/torch.h>
#include <torch/version.h>

#include "mgrs/model/config.h"
#include "mgrs/model/llava.h"
#include "mgrs/model/step_benchmark.h"

namespace {

struct Options {
  std::string config_path = std::string(MGRS_SOURCE_DIR) + "/manifests/models/skymoe-tiny.json";
  mgrs::model::RunOptions run;
  int layers = 0, experts = 0;
  uint64_t seed = 0;
  mgrs::model::StepBenchmarkOptions steps;
};

// Returns false (after a message) on an unknown flag or a flag without its value.
bool ParseArguments(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-checkpointing") {
      o->steps.activation_checkpointing = false;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "mgrs_step_benchmark: " << flag << " needs a value (or is unknown)\n";
      return false;
    }
    const std::string value = argv[++i];
    if (flag == "--config") {
      o->config_path = value;
    } else if (flag == "--device") {
      o->run.device = value;
    } else if (flag == "--layers") {
      o->layers = std::atoi(value.c_str());
    } else if (flag == "--experts") {
      o->experts = std::atoi(value.c_str());
    } else if (flag == "--micro-batch") {
      o->steps.micro_batch = std::atoi(value.c_str());
    } else if (flag == "--accumulation") {
      o->steps.accumulation = std::atoi(value.c_str());
    } else if (flag == "--text-positions") {
      o->steps.text_positions = std::atoll(value.c_str());
    } else if (flag == "--steps") {
      o->steps.steps = std::atoi(value.c_str());
    } else if (flag == "--peak-tflops") {
      o->steps.peak_tflops = std::atof(value.c_str());
    } else if (flag == "--threads") {
      o->run.threads = std::atoi(value.c_str());
    } else if (flag == "--seed") {
      o->seed = o->steps.seed = std::strtoull(value.c_str(), nullptr, 10);
    } else {
      std::cerr << "mgrs_step_benchmark: unknown flag " << flag << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.run.dtype = "float32";
  if (!ParseArguments(argc, argv, &o)) return 2;
  auto config = mgrs::model::ReadModelConfig(o.config_path);
  if (!config.ok()) {
    std::cerr << config.status().ToString() << "\n";
    return 1;
  }
  const int full_layers = config->text.num_layers;
  if (o.layers > 0 && o.layers < full_layers) config->text.num_layers = o.layers;
  if (o.experts > 0) config->moe.num_experts = o.experts;
  if (!config->moe.enabled()) config->moe.num_experts = 4;  // Stage II needs experts
  const auto start = std::chrono::steady_clock::now();
  auto model = mgrs::model::BuildRandomLlava(*config, o.run, o.seed);
  if (!model.ok()) {
    std::cerr << model.status().ToString() << "\n";
    return 1;
  }
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto report = mgrs::model::MeasureTrainingSteps(**model, o.steps);
  if (!report.ok()) {
    std::cerr << report.status().ToString() << "\n";
    return 1;
  }
  const auto& t = config->text;
  std::printf(
      "step: config %s, %d of %d decoder layers (%zu MoE, %d experts, top-%d), image %d px, %.1fM parameters "
      "(%.1fM trained), device %s, LibTorch %s, %d threads; built in %.1f s\n",
      config->name.c_str(), t.num_layers, full_layers, config->moe.MoeLayers(t.num_layers).size(),
      config->moe.num_experts, config->moe.top_k, config->vision.image_size, report->parameters / 1e6,
      report->trainable_parameters / 1e6, o.run.device.c_str(), TORCH_VERSION, torch::get_num_threads(), build_s);
  std::printf("step: %d samples x %lld positions (%lld image), activation checkpointing %s, bf16 autocast %s\n",
              o.steps.micro_batch * o.steps.accumulation, static_cast<long long>(report->positions_per_sample),
              static_cast<long long>(report->image_positions), o.steps.activation_checkpointing ? "on" : "off",
              o.run.device.rfind("cuda", 0) == 0 && o.steps.bf16 ? "on" : "off");
  std::string runs;
  for (const double ms : report->step_ms) runs += " " + std::to_string(static_cast<int64_t>(ms + 0.5));
  std::printf("step_ms: %.1f (median of%s)\n", report->median_step_ms, runs.c_str());
  std::printf("split_ms: vision %.1f, decoder forward+backward %.1f, clip+AdamW %.1f\n", report->vision_ms,
              report->forward_backward_ms, report->optimizer_ms);
  std::printf("tokens_per_s: %.0f\n", report->tokens_per_s);
  std::printf("model_gflop_per_step: %.2f; achieved_tflops: %.3f", report->flops_per_step / 1e9,
              report->achieved_tflops);
  if (o.steps.peak_tflops > 0) std::printf("; mfu: %.1f%% of %.0f", 100.0 * report->mfu, o.steps.peak_tflops);
  std::printf("\nlast_loss: %.4f\n", report->last_loss);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak_rss_mb: %.0f\n", usage.ru_maxrss / 1024.0);
  return 0;
}
