// Decode latency per token at several context lengths, with the KV cache (one new position attends to the cached
// ones) and without it (the whole sequence recomputed, as a model without a cache must), plus vision-tower images
// per second. Random weights in the given config (default: manifests/models/skymoe-tiny.json), fp32, CPU.
// Then one MoE layer against the dense FFN on the same tokens (issue 8's target: hidden 1024, gated FFN 2816,
// E = 8, top-2, 2048 tokens, fp32): router + dispatch + experts + combine vs. the dense FFN, and the expert matrix
// products alone (each expert on its share of the rows, no routing) as the floor, and one decode step (1 token)
// through that layer by the grouped and by the stacked dispatch.
// Usage: mgrs_model_benchmark [--config FILE] [--contexts 64,256,1024] [--threads N] [--repeats N] [--skip-decode]
//                             [--skip-moe]
//
// Latency mode (issue 8's GPU target), chosen by --context: a model of the config with random weights built on the
// device (BuildRandomLlava), then time to first token and per-token decode latency of Generate at batch 1
// (MeasureGenerationLatency), once per MoE dispatch listed:
//        mgrs_model_benchmark --context 1400 [--config FILE] [--device cpu|cuda] [--dtype auto|f32|bf16|f16]
//                             [--decode-tokens 32] [--repeats 3] [--moe-dispatch auto|grouped|stacked[,...]]
//                             [--experts E]
//                             [--threads N] [--seed S]
// "auto" takes the stacked path only for decode steps on an accelerator; "stacked" forces it at prefill too, where it
// gathers one expert copy per (token, choice) pair: fine for the tiny config, out of memory for the 7B (compare
// grouped,auto there).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <torch/version.h>

#include "mgrs/model/latency.h"
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

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    items.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

std::vector<int64_t> ParseList(const std::string& text) {
  std::vector<int64_t> values;
  for (const auto& item : SplitList(text)) values.push_back(std::stoll(item));
  return values;
}

struct LatencyMode {
  mgrs::model::RunOptions run;
  mgrs::model::LatencyOptions latency;
  std::vector<std::string> dispatches = {"auto"};
  uint64_t seed = 0;
};

// Builds the random model once, then measures each dispatch on it. Returns the exit code.
int RunLatencyMode(const mgrs::model::ModelConfig& config, const LatencyMode& mode) {
  std::vector<mgrs::model::MoeDispatch> dispatches;
  for (const auto& name : mode.dispatches) {
    if (name == "auto") {
      dispatches.push_back(mgrs::model::MoeDispatch::kAuto);
    } else if (name == "grouped") {
      dispatches.push_back(mgrs::model::MoeDispatch::kGrouped);
    } else if (name == "stacked") {
      dispatches.push_back(mgrs::model::MoeDispatch::kStacked);
    } else {
      std::cerr << "unknown MoE dispatch \"" << name << "\" (auto, grouped, stacked)\n";
      return 2;
    }
  }
  const auto start = Clock::now();
  auto model = mgrs::model::BuildRandomLlava(config, mode.run, mode.seed);
  if (!model.ok()) {
    std::cerr << model.status().ToString() << "\n";
    return 1;
  }
  const auto parameter = (*model)->parameters().front();
  if (parameter.is_cuda()) torch::cuda::synchronize(parameter.device().index());
  const double build_s = std::chrono::duration<double>(Clock::now() - start).count();
  int64_t parameters = 0;
  for (const auto& p : (*model)->parameters()) parameters += p.numel();
  const auto& t = config.text;
  std::string experts = "dense";
  if (config.moe.enabled()) {
    experts = std::to_string(config.moe.MoeLayers(t.num_layers).size()) + " MoE layers of " +
              std::to_string(config.moe.num_experts) + " experts, top-" + std::to_string(config.moe.top_k);
  }
  std::printf(
      "latency: config %s (text hidden %d, %d layers, %s), %.1fM parameters, device %s, %s, LibTorch %s, %d "
      "threads; built with random weights in %.1f s\n",
      config.name.c_str(), t.hidden_size, t.num_layers, experts.c_str(), parameters / 1e6,
      parameter.device().str().c_str(), c10::toString(parameter.scalar_type()), TORCH_VERSION, torch::get_num_threads(),
      build_s);
  std::printf("%-8s %8s %6s %15s %16s  %s\n", "dispatch", "context", "image", "first token ms", "decode ms/token",
              "runs (first token / mean decode step, ms)");
  for (size_t i = 0; i < dispatches.size(); ++i) {
    mgrs::model::SetMoeDispatch(**model, dispatches[i]);
    auto report = mgrs::model::MeasureGenerationLatency(**model, mode.latency);
    if (!report.ok()) {
      std::cerr << report.status().ToString() << "\n";
      return 1;
    }
    std::string runs;
    for (size_t r = 0; r < report->first_token_runs.size(); ++r) {
      char pair[64];
      std::snprintf(pair, sizeof pair, "%s%.2f/%.3f", r ? " " : "", report->first_token_runs[r],
                    report->decode_mean_runs[r]);
      runs += pair;
    }
    std::printf("%-8s %8lld %6lld %15.2f %16.3f  %s\n", mode.dispatches[i].c_str(),
                static_cast<long long>(report->context), static_cast<long long>(report->image_positions),
                report->first_token_ms, report->decode_ms_per_token, runs.c_str());
  }
  std::printf(
      "(%d decode steps per run; first token = image encoding + prefill + the first token on the host; decode = median "
      "step)\n",
      mode.latency.decode_tokens);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = std::string(MGRS_SOURCE_DIR) + "/manifests/models/skymoe-tiny.json";
  std::string contexts_text = "64,256,1024";
  int threads = 0, repeats = 15, experts = -1;
  bool decode = true, moe = true, latency = false;
  LatencyMode latency_mode;
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
    latency = latency || flag == "--context";
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
      repeats = latency_mode.latency.repeats = std::atoi(argv[i]);
    else if (flag == "--context")
      latency_mode.latency.context = std::atoll(argv[i]);
    else if (flag == "--decode-tokens")
      latency_mode.latency.decode_tokens = std::atoi(argv[i]);
    else if (flag == "--device")
      latency_mode.run.device = argv[i];
    else if (flag == "--dtype")
      latency_mode.run.dtype = argv[i];
    else if (flag == "--moe-dispatch")
      latency_mode.dispatches = SplitList(argv[i]);
    else if (flag == "--experts")
      experts = std::atoi(argv[i]);
    else if (flag == "--seed")
      latency_mode.seed = std::strtoull(argv[i], nullptr, 10);
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
  if (experts >= 0) config->moe.num_experts = experts;
  if (latency) {
    latency_mode.run.threads = threads;
    return RunLatencyMode(*config, latency_mode);
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
    // One decode step through the same layer: grouped (per-expert counts read on the host) against stacked (no host
    // read; each chosen expert's weights gathered by index_select). On the CPU the host read costs nothing, so this
    // shows the price of the gather.
    const auto token = torch::randn({1, text.hidden_size});
    auto step = [&](mgrs::model::MoeDispatch dispatch) {
      layer->set_dispatch(dispatch);
      (void)layer->Forward(token, nullptr);
    };
    const auto steps = InterleavedMedians(
        std::max(15, 5 * repeats), {[&] { step(mgrs::model::MoeDispatch::kGrouped); },
                                    [&] { step(mgrs::model::MoeDispatch::kStacked); }, [&] { (void)dense(token); }});
    std::printf(
        "MoE layer decode step (1 token, %d threads, CPU): grouped %.3f ms, stacked %.3f ms (%.2fx), dense FFN "
        "%.3f ms\n",
        torch::get_num_threads(), steps[0], steps[1], steps[1] / steps[0], steps[2]);
  }
  return 0;
}
