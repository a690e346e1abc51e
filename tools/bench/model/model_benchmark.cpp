// Decode latency per token at several context lengths, with the KV cache (one new position attends to the cached
// ones) and without it (the whole sequence recomputed, as a model without a cache must), plus vision-tower images
// per second. Random weights in the given config (default: manifests/models/skymoe-tiny.json), fp32, CPU.
// Then one MoE layer against the dense FFN on the same tokens (issue 8's target: hidden 1024, gated FFN 2816,
// E = 8, top-2, 2048 tokens, fp32): router + dispatch + experts + combine vs. the dense FFN, and the expert matrix
// products alone (each expert on its share of the rows, no routing) as the floor.
// Usage: mgrs_model_benchmark [--config FILE] [--contexts 64,256,1024] [--threads N] [--repeats N] [--skip-decode]
//                             [--skip-moe]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "mgrs/model/llava.h"
#include "mgrs/model/moe.h"
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

// Medians of several workloads timed in turn (a, b, c, a, b, c, ...), so that load from other processes on a shared
// machine falls on all of them alike and their ratios stay meaningful.
std::vector<double> InterleavedMedians(int repeats, const std::vector<std::function<void()>>& runs) {
  for (const auto& run : runs) run();  // warm-up
  std::vector<std::vector<double>> times(runs.size());
  for (int i = 0; i < repeats; ++i) {
    for (size_t r = 0; r < runs.size(); ++r) {
      const auto start = Clock::now();
      runs[r]();
      times[r].push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
  }
  std::vector<double> medians;
  for (auto& t : times) {
    std::sort(t.begin(), t.end());
    medians.push_back(t[t.size() / 2]);
  }
  return medians;
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
  bool decode = true, moe = true;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--skip-decode") {
      decode = false;
      continue;
    }
    if (flag == "--skip-moe") {
      moe = false;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << flag << " needs a value\n";
      return 2;
    }
    ++i;
    if (flag == "--config")
      config_path = argv[i];
    else if (flag == "--contexts")
      contexts_text = argv[i];
    else if (flag == "--threads")
      threads = std::atoi(argv[i]);
    else if (flag == "--repeats")
      repeats = std::atoi(argv[i]);
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
  if (decode) {
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
      // Without a cache the same token costs a forward over all context + 1 positions.
      auto cached_step = [&] {
        cache.length = context;
        (void)lm.forward(embeds.slice(1, context), positions.slice(1, context), {}, &cache, true);
      };
      auto full_step = [&] { (void)lm.forward(embeds, positions, {}, nullptr, true); };
      const auto medians = InterleavedMedians(std::max(3, repeats / 3), {cached_step, full_step});
      const double cached = medians[0], full = medians[1];
      std::printf("%8lld %16.3f %16.3f %7.1fx\n", static_cast<long long>(context), cached, full, full / cached);
    }
    const auto& v = config->vision;
    for (const int batch : {1, 8}) {
      const auto pixels = torch::randn({batch, 3, v.image_size, v.image_size});
      const double ms = MedianMilliseconds(std::max(3, repeats / 3), [&] { (void)model->vision_tower()(pixels); });
      std::printf("vision tower %dpx (%d layers run), batch %d: %.2f ms, %.1f images/s\n", v.image_size,
                  model->vision_tower()->LayersRun(), batch, ms, batch * 1000.0 / ms);
    }
  }
  if (moe) {
    mgrs::model::TextConfig text;
    text.hidden_size = 1024;
    text.intermediate_size = 2816;
    mgrs::model::MoeConfig moe_config;
    moe_config.num_experts = 8;
    moe_config.top_k = 2;
    mgrs::model::LlamaMlp dense(text.hidden_size, text.intermediate_size);
    mgrs::model::MoeFeedForward layer(text, moe_config);
    layer->eval();
    const auto x = torch::randn({2048, text.hidden_size});
    const int runs = std::max(3, repeats / 3);
    mgrs::model::RoutingRecord record;
    (void)layer->Forward(x, &record);
    // The floor: each expert's matrix products on as many rows as the router gave it.
    const auto counts = record.tokens_per_expert.to(torch::kCPU);
    auto experts_only = [&] {
      for (int e = 0; e < moe_config.num_experts; ++e) {
        const auto rows = counts[e].item<int64_t>();
        if (rows > 0) (void)layer->experts[e]->as<mgrs::model::LlamaMlpImpl>()->forward(x.slice(0, 0, rows));
      }
    };
    const auto medians =
        InterleavedMedians(runs, {[&] { (void)dense(x); }, [&] { (void)layer->Forward(x, nullptr); }, experts_only});
    const double dense_ms = medians[0], moe_ms = medians[1], experts_ms = medians[2];
    std::printf(
        "MoE layer (D 1024, FFN 2816, E 8, top-2, 2048 tokens, %d threads): dense FFN %.1f ms, MoE %.1f ms "
        "(%.2fx), expert products alone %.1f ms (%.2fx)\n",
        torch::get_num_threads(), dense_ms, moe_ms, moe_ms / dense_ms, experts_ms, experts_ms / dense_ms);
  }
  return 0;
}
