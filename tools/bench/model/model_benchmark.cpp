// Decode latency per token at several context lengths, with the KV cache (one new position attends to the cached
// ones) and without it (the whole sequence recomputed, as a model without a cache must), plus vision-tower images
// per second. Random weights in the given config (default: manifests/models/skymoe-tiny.json), fp32, CPU.
// Usage: mgrs_model_benchmark [--config FILE] [--contexts 64,256,1024] [--threads N] [--repeats N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "mgrs/model/llava.h"
#include "mgrs/model/runtime.h"

namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double MedianMilliseconds(int repeats, F&& run) {
  run();  // warm-up
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = Clock::now();
    run();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

std::vector<int64_t> ParseList(const std::string& text) {
  std::vector<int64_t> values;
  size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    values.push_back(std::stoll(text.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = std::string(MGRS_SOURCE_DIR) + "/manifests/models/skymoe-tiny.json";
  std::string contexts_text = "64,256,1024";
  int threads = 0, repeats = 15;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--config")
      config_path = argv[i + 1];
    else if (flag == "--contexts")
      contexts_text = argv[i + 1];
    else if (flag == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (flag == "--repeats")
      repeats = std::atoi(argv[i + 1]);
    else {
      std::cerr << "unknown option " << flag << "\n";
      return 2;
    }
  }
  auto config = mgrs::model::ReadModelConfig(config_path);
  if (!config.ok()) {
    std::cerr << config.status().ToString() << "\n";
    return 1;
  }
  mgrs::model::ConfigureThreads(threads);
  torch::manual_seed(0);
  mgrs::model::Llava model(*config);
  model->eval();
  c10::InferenceMode inference;
  auto& lm = *model->language_model();
  const auto& t = config->text;
  std::printf("config %s: text hidden %d, %d layers, %d heads, vocab %d; LibTorch %s, %d threads\n",
              config->name.c_str(), t.hidden_size, t.num_layers, t.num_heads, t.vocab_size, TORCH_VERSION,
              torch::get_num_threads());
  std::printf("%8s %16s %16s %8s\n", "context", "cached ms/token", "full ms/token", "speedup");
  for (const auto context : ParseList(contexts_text)) {
    const auto embeds = torch::randn({1, context + 1, t.hidden_size}) * 0.02;
    const auto positions = torch::arange(context + 1, torch::kLong).view({1, -1});
    // Cached: a cache already holding `context` positions; time the forward of position context + 1 only.
    auto cache = lm.NewCache(1, context + 1);
    (void)lm.forward(embeds.slice(1, 0, context), positions.slice(1, 0, context), {}, &cache, true);
    const double cached = MedianMilliseconds(repeats, [&] {
      cache.length = context;
      (void)lm.forward(embeds.slice(1, context), positions.slice(1, context), {}, &cache, true);
    });
    // Without a cache the same token costs a forward over all context + 1 positions.
    const double full =
        MedianMilliseconds(std::max(3, repeats / 3), [&] { (void)lm.forward(embeds, positions, {}, nullptr, true); });
    std::printf("%8lld %16.3f %16.3f %7.1fx\n", static_cast<long long>(context), cached, full, full / cached);
  }
  const auto& v = config->vision;
  for (const int batch : {1, 8}) {
    const auto pixels = torch::randn({batch, 3, v.image_size, v.image_size});
    const double ms = MedianMilliseconds(std::max(3, repeats / 3), [&] { (void)model->vision_tower()(pixels); });
    std::printf("vision tower %dpx (%d layers run), batch %d: %.2f ms, %.1f images/s\n", v.image_size,
                model->vision_tower()->LayersRun(), batch, ms, batch * 1000.0 / ms);
  }
  return 0;
}
