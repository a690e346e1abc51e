// Generation latency at batch 1 for benchmarks: Generate timed token by token with the device synchronised.
#include "mgrs/model/latency.h"

#include <algorithm>
#include <chrono>
#include <random>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "mgrs/model/generate.h"
#include "mgrs/model/prompt.h"

namespace mgrs::model {
namespace {

// Queued device work must be inside the measured interval, and earlier work outside it.
void Synchronize(const torch::Device& device) {
  if (device.is_cuda() && torch::cuda::is_available()) torch::cuda::synchronize(device.index());
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

Result<LatencyReport> MeasureGenerationLatency(LlavaImpl& model, const LatencyOptions& options) {
  const auto& config = model.config();
  if (options.context < 2 || options.decode_tokens < 1 || options.repeats < 1) {
    return InvalidArgument("latency: context must be >= 2, decode tokens and repeats >= 1");
  }
  if (options.context + options.decode_tokens > config.text.max_position_embeddings) {
    return InvalidArgument("latency: context + decode tokens exceed max_position_embeddings (" +
                           std::to_string(config.text.max_position_embeddings) + ")");
  }
  LatencyReport report;
  report.context = options.context;
  const int64_t patches = config.vision.NumPatches();
  // BOS + the image + at least one text token, or text alone when the image does not fit.
  report.image_positions = options.context >= patches + 2 ? patches : 0;
  std::mt19937_64 random(options.seed);
  std::uniform_int_distribution<int64_t> token(std::min<int64_t>(3, config.text.vocab_size - 1),
                                               config.text.vocab_size - 1);
  std::vector<int64_t> prompt{config.text.bos_id};
  if (report.image_positions > 0) prompt.push_back(kImageTokenIndex);
  for (int64_t i = 1 + report.image_positions; i < options.context; ++i) prompt.push_back(token(random));
  const auto parameter = model.parameters().front();
  const auto device = parameter.device();
  torch::Tensor pixels;
  if (report.image_positions > 0) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    const int size = config.vision.image_size;
    pixels = torch::randn({1, config.vision.num_channels, size, size}, generator, torch::kFloat)
                 .to(device, parameter.scalar_type());
  }

  using Clock = std::chrono::steady_clock;
  const int new_tokens = 1 + options.decode_tokens;
  std::vector<double> steps;
  for (int run = -1; run < options.repeats; ++run) {  // run -1 warms up
    std::vector<Clock::time_point> stamps;
    GenerationOptions generation;
    generation.max_new_tokens = new_tokens;
    generation.stop_ids = {-1};  // no id is -1: every run decodes its whole budget
    generation.on_token = [&](int) {
      Synchronize(device);
      stamps.push_back(Clock::now());
    };
    Synchronize(device);
    const auto start = Clock::now();
    auto generated = Generate(model, {prompt}, pixels, generation);
    if (!generated.ok()) return generated.status();
    if (static_cast<int>(stamps.size()) != new_tokens) {
      return Internal("latency: Generate stopped after " + std::to_string(stamps.size()) + " of " +
                      std::to_string(new_tokens) + " tokens");
    }
    if (run < 0) continue;
    auto ms = [](Clock::time_point from, Clock::time_point to) {
      return std::chrono::duration<double, std::milli>(to - from).count();
    };
    report.first_token_runs.push_back(ms(start, stamps.front()));
    report.decode_mean_runs.push_back(ms(stamps.front(), stamps.back()) / options.decode_tokens);
    for (size_t i = 1; i < stamps.size(); ++i) steps.push_back(ms(stamps[i - 1], stamps[i]));
  }
  report.first_token_ms = Median(report.first_token_runs);
  report.decode_ms_per_token = Median(steps);
  return report;
}

}  // namespace mgrs::model
