// Batched decoding: one prefill over the padded prompts, then one token per step through the KV cache. (The
// Assistant and RunEvaluation, also declared in generate.h, are in assistant.cpp: they need image decoding.)
#include "mgrs/model/generate.h"

#include <algorithm>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace mgrs::model {
namespace {

// Picks the next token of each row of `logits` [B, V] (fp32).
torch::Tensor NextTokens(const torch::Tensor& logits, const GenerationOptions& options, at::Generator& generator) {
  if (options.temperature <= 0.0) return logits.argmax(-1);
  auto probs = torch::softmax(logits.to(torch::kCPU) / options.temperature, -1);
  if (options.top_p < 1.0) {
    // As transformers' TopPLogitsWarper: drop the tokens past the smallest prefix (by probability) whose mass
    // reaches top_p, always keeping the most likely one.
    auto sorted = probs.sort(-1, /*descending=*/true);
    const auto& sorted_probs = std::get<0>(sorted);
    const auto& order = std::get<1>(sorted);
    auto remove = (sorted_probs.cumsum(-1) - sorted_probs) >= options.top_p;
    remove.select(-1, 0).fill_(false);
    probs = probs.scatter(-1, order, sorted_probs.masked_fill(remove, 0.0));
  }
  return torch::multinomial(probs, 1, /*replacement=*/false, generator).squeeze(-1).to(logits.device());
}

}  // namespace

Result<std::vector<std::vector<int64_t>>> Generate(LlavaImpl& model, const std::vector<std::vector<int64_t>>& prompts,
                                                   const torch::Tensor& pixels, const GenerationOptions& options) {
  if (prompts.empty()) return std::vector<std::vector<int64_t>>{};
  if (options.max_new_tokens < 0) return InvalidArgument("max_new_tokens must not be negative");
  if (options.temperature < 0.0 || !(options.top_p > 0.0 && options.top_p <= 1.0)) {
    return InvalidArgument("temperature must be >= 0 and top_p in (0, 1]");
  }
  c10::InferenceMode inference;
  auto& lm = *model.language_model();
  const torch::Tensor features = pixels.defined() ? model.EncodeImages(pixels) : torch::Tensor();
  auto batch = model.EmbedPrompts(prompts, features);
  if (!batch.ok()) return batch.status();
  const auto b = static_cast<int64_t>(prompts.size());
  std::vector<int64_t> stop_ids = options.stop_ids;
  if (stop_ids.empty()) stop_ids.push_back(model.config().text.eos_id);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);

  std::vector<std::vector<int64_t>> generated(b);
  if (options.max_new_tokens == 0) return generated;
  auto embeds = batch->embeds;
  auto key_mask = batch->key_mask;
  auto positions = batch->positions;
  const auto long_options = key_mask.options();
  KvCache cache;
  KvCache* cache_ptr = nullptr;
  if (options.use_cache) {
    cache = lm.NewCache(b, embeds.size(1) + options.max_new_tokens);
    cache_ptr = &cache;
  }
  // The whole batch is unpadded when every prompt has the same length: no mask needed at all.
  const bool padded = key_mask.min().item<int64_t>() == 0;
  auto next_positions = torch::tensor(batch->lengths, long_options);
  std::vector<bool> finished(b, false);
  auto run = [&](const torch::Tensor& e, const torch::Tensor& p, KvCache* c) {
    auto out = lm.forward(e, p, padded ? key_mask : torch::Tensor(), c, /*last_position_only=*/true);
    if (options.on_routing && !out.routing.empty()) options.on_routing(out.routing);
    return out.logits;
  };
  auto logits = run(embeds, positions, cache_ptr);
  for (int step = 0; step < options.max_new_tokens; ++step) {
    const auto next = NextTokens(logits.select(1, 0), options, generator);
    const auto next_cpu = next.to(torch::kCPU);
    bool all_done = true;
    for (int64_t i = 0; i < b; ++i) {
      if (finished[i]) continue;
      const auto id = next_cpu[i].item<int64_t>();
      if (std::find(stop_ids.begin(), stop_ids.end(), id) != stop_ids.end()) {
        finished[i] = true;
      } else {
        generated[i].push_back(id);
        all_done = false;
      }
    }
    if (options.on_token) options.on_token(step);
    if (all_done || step + 1 == options.max_new_tokens) break;
    // Finished rows keep decoding a pad token; their outputs are never read.
    const auto fed = next.masked_fill(
        torch::tensor(std::vector<uint8_t>(finished.begin(), finished.end())).to(torch::kBool).to(next.device()),
        model.config().text.pad_id);
    const auto step_embeds = lm.Embed(fed.view({b, 1}));
    key_mask = torch::cat({key_mask, torch::ones({b, 1}, long_options)}, 1);
    const auto step_positions = next_positions.view({b, 1});
    next_positions = next_positions + 1;
    if (options.use_cache) {
      logits = run(step_embeds, step_positions, cache_ptr);
    } else {
      embeds = torch::cat({embeds, step_embeds}, 1);
      positions = torch::cat({positions, step_positions}, 1);
      logits = run(embeds, positions, nullptr);
    }
  }
  return generated;
}

}  // namespace mgrs::model
