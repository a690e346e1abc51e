// Synthetic Stage II training steps for benchmarks (step_benchmark.h): the trainer's loss and optimizer on random
// images and text, with the device synchronised around each timed part.
#include "mgrs/model/step_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <torch/torch.h>

#include "autocast_scope.h"
#include "mgrs/model/prompt.h"

namespace mgrs::model {
namespace {

using Clock = std::chrono::steady_clock;

void Synchronize(const torch::Device& device) {
  if (device.is_cuda() && torch::cuda::is_available()) torch::cuda::synchronize(device.index());
}

double Milliseconds(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

bool IsStageTwoTrainable(const std::string& name) {
  return name.find(".mlp.experts.") != std::string::npos || name.find(".mlp.router.") != std::string::npos;
}

struct SyntheticBatch {
  torch::Tensor pixels;                   // [B, 3, S, S] on the device
  std::vector<std::vector<int64_t>> ids;  // BOS, the image placeholder, random text
  torch::Tensor targets;                  // [B, L]: the text ids, -100 on BOS and the image
};

SyntheticBatch MakeBatch(const ModelConfig& config, const StepBenchmarkOptions& options, const torch::Device& device) {
  SyntheticBatch batch;
  const int s = config.vision.image_size;
  batch.pixels = torch::randn({options.micro_batch, 3, s, s}).to(device);
  const int64_t image = config.vision.NumPatches();
  std::vector<int64_t> targets;
  for (int b = 0; b < options.micro_batch; ++b) {
    std::vector<int64_t> row{config.text.bos_id, kImageTokenIndex};
    targets.insert(targets.end(), 1 + image, kIgnoreIndex);
    const auto text = torch::randint(3, config.text.vocab_size, {options.text_positions}, torch::kLong);
    for (int64_t i = 0; i < options.text_positions; ++i) {
      row.push_back(text[i].item<int64_t>());
      targets.push_back(row.back());
    }
    batch.ids.push_back(std::move(row));
  }
  batch.targets = torch::tensor(targets, torch::kLong).view({options.micro_batch, -1}).to(device);
  return batch;
}

struct StepTimes {
  double total = 0, vision = 0, forward_backward = 0, optimizer = 0, loss = 0;
};

Result<StepTimes> Step(LlavaImpl& model, const StepBenchmarkOptions& options, const std::vector<torch::Tensor>& trained,
                       torch::optim::AdamW& optimizer, const torch::Device& device) {
  StepTimes times;
  Synchronize(device);
  const auto start = Clock::now();
  optimizer.zero_grad();
  const bool autocast = device.is_cuda() && options.bf16;
  for (int m = 0; m < options.accumulation; ++m) {
    const auto batch = MakeBatch(model.config(), options, device);
    AutocastScope scope(autocast);
    Synchronize(device);
    auto at = Clock::now();
    torch::Tensor features;
    {
      torch::NoGradGuard no_grad;  // frozen in both stages
      features = model.EncodeImages(batch.pixels);
    }
    Synchronize(device);
    times.vision += Milliseconds(at);
    at = Clock::now();
    auto embedded = model.EmbedPrompts(batch.ids, features);
    if (!embedded.ok()) return embedded.status();
    auto out = model.language_model()->forward(embedded->embeds, embedded->positions, embedded->key_mask, nullptr);
    const auto width = out.logits.size(1), vocab = out.logits.size(-1);
    auto loss = torch::nn::functional::cross_entropy(
        out.logits.slice(1, 0, width - 1).reshape({-1, vocab}), batch.targets.slice(1, 1).reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex));
    if (out.aux_loss.defined()) loss = loss + out.aux_loss;
    (loss / static_cast<double>(options.accumulation)).backward();
    times.loss = loss.item<double>();  // synchronises
    times.forward_backward += Milliseconds(at);
    if (!std::isfinite(times.loss)) {
      return Status(StatusCode::kFailedPrecondition, "the synthetic loss is " + std::to_string(times.loss));
    }
  }
  const auto at = Clock::now();
  torch::nn::utils::clip_grad_norm_(trained, 1.0);
  optimizer.step();
  Synchronize(device);
  times.optimizer = Milliseconds(at);
  times.total = Milliseconds(start);
  return times;
}

}  // namespace

double StageTwoStepFlops(const ModelConfig& config, int64_t samples, int64_t positions_per_sample) {
  const auto& v = config.vision;
  const double dv = v.hidden_size, fv = v.intermediate_size, pv = v.NumPositions();
  const double patch = 3.0 * v.patch_size * v.patch_size;
  const double vision_per_position = 2 * (4 * dv * dv + 2 * dv * fv) + 4 * pv * dv;
  const double d = config.text.hidden_size, f = config.text.intermediate_size, t = positions_per_sample;
  const double vision = samples * (pv * v.num_layers * vision_per_position + v.NumPatches() * 2 * patch * dv +
                                   v.NumPatches() * 2 * (dv * d + d * d));
  const double q_width = static_cast<double>(config.text.num_heads) * config.text.HeadDim();
  const double kv_width = static_cast<double>(config.text.num_kv_heads) * config.text.HeadDim();
  const double attention_projections = 2 * (2 * d * q_width + 2 * d * kv_width);
  const double attention = 4 * t * q_width;
  const double dense_ffn = 2 * 3 * d * f;
  const double experts = config.moe.enabled() ? 2 * (config.moe.top_k * 3 * d * f + d * config.moe.num_experts) : 0;
  const auto moe_layers = config.moe.enabled() ? config.moe.MoeLayers(config.text.num_layers) : std::vector<int>{};
  const double layers = config.text.num_layers, moe = static_cast<double>(moe_layers.size());
  const double linear =
      layers * attention_projections + (layers - moe) * dense_ffn + moe * experts + 2 * d * config.text.vocab_size;
  const double per_position = 2 * linear + moe * experts + 3 * layers * attention;
  return vision + samples * t * per_position;
}

Result<StepBenchmarkReport> MeasureTrainingSteps(LlavaImpl& model, const StepBenchmarkOptions& options) {
  if (!model.config().moe.enabled()) return InvalidArgument("the step benchmark trains Stage II: the model is dense");
  if (options.micro_batch < 1 || options.accumulation < 1 || options.steps < 1 || options.text_positions < 2) {
    return InvalidArgument("micro-batch, accumulation, steps must be >= 1 and text positions >= 2");
  }
  const auto device = model.parameters().front().device();
  torch::manual_seed(options.seed);
  StepBenchmarkReport report;
  std::vector<torch::Tensor> trained;
  for (auto& item : model.named_parameters()) {
    const bool train = IsStageTwoTrainable(item.key());
    item.value().set_requires_grad(train);
    report.parameters += item.value().numel();
    if (!train) continue;
    trained.push_back(item.value());
    report.trainable_parameters += item.value().numel();
  }
  model.train();
  model.language_model()->SetActivationCheckpointing(options.activation_checkpointing);
  torch::optim::AdamW optimizer(trained, torch::optim::AdamWOptions(2e-5).weight_decay(0.0));
  report.image_positions = model.config().vision.NumPatches();
  report.positions_per_sample = 1 + report.image_positions + options.text_positions;
  for (int s = 0; s <= options.steps; ++s) {
    auto times = Step(model, options, trained, optimizer, device);
    if (!times.ok()) return times.status();
    report.last_loss = times->loss;
    if (s == 0) continue;  // warm-up: allocator, kernels, AdamW's state
    report.step_ms.push_back(times->total);
    report.vision_ms += times->vision / options.steps;
    report.forward_backward_ms += times->forward_backward / options.steps;
    report.optimizer_ms += times->optimizer / options.steps;
  }
  auto sorted = report.step_ms;
  std::sort(sorted.begin(), sorted.end());
  report.median_step_ms = sorted[sorted.size() / 2];
  const int64_t samples = static_cast<int64_t>(options.micro_batch) * options.accumulation;
  report.tokens_per_s = samples * report.positions_per_sample / (report.median_step_ms / 1000.0);
  report.flops_per_step = StageTwoStepFlops(model.config(), samples, report.positions_per_sample);
  report.achieved_tflops = report.flops_per_step / (report.median_step_ms / 1000.0) / 1e12;
  if (options.peak_tflops > 0) report.mfu = report.achieved_tflops / options.peak_tflops;
  return report;
}

}  // namespace mgrs::model
