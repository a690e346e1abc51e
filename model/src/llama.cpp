// LLaMA decoder in LibTorch: RMSNorm in fp32, rotate-half rotary embeddings, grouped-query attention with a
// key/value cache, gated SiLU feed-forward. Numerics follow transformers' modeling_llama.py.
#include "mgrs/model/llama.h"

#include <cmath>
#include <limits>
#include <string>

#include <torch/torch.h>
#include <torch/version.h>

#include "activation_checkpoint.h"
#include "mgrs/model/moe.h"

namespace mgrs::model {
namespace {

namespace nn = torch::nn;

class RmsNormImpl : public nn::Module {
 public:
  RmsNormImpl(int size, double eps) : eps_(eps) { weight = register_parameter("weight", torch::ones({size})); }
  torch::Tensor forward(const torch::Tensor& x) {
    // As LlamaRMSNorm: normalise in fp32, cast back to the input dtype, then scale.
    const auto f = x.to(torch::kFloat);
    const auto normalised = f * torch::rsqrt(f.pow(2).mean(-1, /*keepdim=*/true) + eps_);
    return weight * normalised.to(x.dtype());
  }
  torch::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RmsNorm);

torch::Tensor RotateHalf(const torch::Tensor& x) {
  const auto half = x.size(-1) / 2;
  return torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

// Appends `fresh` [B, H, T, D] at position `at` of a per-layer cache tensor, growing it when full.
torch::Tensor AppendToCache(torch::Tensor* slot, const torch::Tensor& fresh, int64_t at) {
  const auto needed = at + fresh.size(2);
  if (!slot->defined() || slot->size(2) < needed) {
    const auto capacity = std::max<int64_t>(needed, slot->defined() ? 2 * slot->size(2) : needed);
    auto grown = torch::zeros({fresh.size(0), fresh.size(1), capacity, fresh.size(3)}, fresh.options());
    if (slot->defined() && at > 0) grown.narrow(2, 0, at).copy_(slot->narrow(2, 0, at));
    *slot = grown;
  }
  slot->narrow(2, at, fresh.size(2)).copy_(fresh);
  return slot->narrow(2, 0, needed);
}

class LlamaAttentionImpl : public nn::Module {
 public:
  explicit LlamaAttentionImpl(const TextConfig& c)
      : heads_(c.num_heads), kv_heads_(c.num_kv_heads), head_dim_(c.HeadDim()) {
    const int q_width = c.num_heads * c.HeadDim();
    const int kv_width = c.num_kv_heads * c.HeadDim();
    q_proj = register_module("q_proj", LoraLinear(c.hidden_size, q_width, false));
    k_proj = register_module("k_proj", LoraLinear(c.hidden_size, kv_width, false));
    v_proj = register_module("v_proj", LoraLinear(c.hidden_size, kv_width, false));
    o_proj = register_module("o_proj", LoraLinear(q_width, c.hidden_size, false));
  }

  // allowed: [B, 1, T, L] bool (true = may attend), or undefined when every query sees every key.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& allowed, torch::Tensor* cache_k, torch::Tensor* cache_v, int64_t past) {
    const auto b = x.size(0), t = x.size(1);
    auto q = q_proj(x).view({b, t, heads_, head_dim_}).transpose(1, 2);
    auto k = k_proj(x).view({b, t, kv_heads_, head_dim_}).transpose(1, 2);
    auto v = v_proj(x).view({b, t, kv_heads_, head_dim_}).transpose(1, 2);
    q = q * cos + RotateHalf(q) * sin;
    k = k * cos + RotateHalf(k) * sin;
    if (cache_k != nullptr) {
      k = AppendToCache(cache_k, k, past);
      v = AppendToCache(cache_v, v, past);
    }
    const auto keys = k.size(2);
    const auto groups = heads_ / kv_heads_;
    // Grouped-query attention without copying K/V: the `groups` query heads that share a key head are stacked
    // along the query axis ([B, KV, groups*T, D]), which is what repeat_kv computes.
    const auto grouped_q = q.reshape({b, kv_heads_, groups * t, head_dim_});
    torch::Tensor grouped_allowed;
    if (allowed.defined()) {
      grouped_allowed = groups == 1 ? allowed : allowed.expand({b, groups, t, keys}).reshape({b, 1, groups * t, keys});
    }
    torch::Tensor out;
#if TORCH_VERSION_MAJOR >= 2
    // The mask goes in as a plain tensor (converted to the optional argument), so no c10::optional spelling is
    // needed: 2.x headers may no longer provide it.
    out = grouped_allowed.defined() ? at::scaled_dot_product_attention(grouped_q, k, v, grouped_allowed)
                                    : at::scaled_dot_product_attention(grouped_q, k, v);
#else
    // LibTorch 1.13 has no public fused attention: the same computation spelled out, softmax in fp32 as HF.
    auto scores = torch::matmul(grouped_q, k.transpose(2, 3)).to(torch::kFloat) / std::sqrt(double(head_dim_));
    if (grouped_allowed.defined()) {
      scores.masked_fill_(grouped_allowed.logical_not(), std::numeric_limits<float>::lowest());
    }
    out = torch::matmul(torch::softmax(scores, -1).to(v.dtype()), v);
#endif
    out = out.reshape({b, heads_, t, head_dim_}).transpose(1, 2).reshape({b, t, heads_ * head_dim_});
    return o_proj(out);
  }

  LoraLinear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

 private:
  int64_t heads_, kv_heads_, head_dim_;
};
TORCH_MODULE(LlamaAttention);

}  // namespace

LlamaMlpImpl::LlamaMlpImpl(int hidden_size, int intermediate_size) {
  gate_proj = register_module("gate_proj", LoraLinear(hidden_size, intermediate_size, false));
  up_proj = register_module("up_proj", LoraLinear(hidden_size, intermediate_size, false));
  down_proj = register_module("down_proj", LoraLinear(intermediate_size, hidden_size, false));
}

torch::Tensor LlamaMlpImpl::Forward(const torch::Tensor& x, RoutingRecord* /*routing*/) {
  return down_proj(torch::silu(gate_proj(x)) * up_proj(x));
}

class LlamaDecoderLayerImpl : public nn::Module {
 public:
  explicit LlamaDecoderLayerImpl(const TextConfig& c) {
    self_attn = register_module("self_attn", LlamaAttention(c));
    mlp = register_module("mlp", std::static_pointer_cast<FeedForwardImpl>(
                                     std::make_shared<LlamaMlpImpl>(c.hidden_size, c.intermediate_size)));
    input_layernorm = register_module("input_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
    post_attention_layernorm = register_module("post_attention_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  }

  torch::Tensor forward(torch::Tensor x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& allowed, torch::Tensor* cache_k, torch::Tensor* cache_v, int64_t past,
                        RoutingRecord* routing) {
    x = x + self_attn(input_layernorm(x), cos, sin, allowed, cache_k, cache_v, past);
    const auto h = post_attention_layernorm(x);
    return x + mlp->Forward(h.reshape({-1, h.size(-1)}), routing).view(h.sizes());
  }

  LlamaAttention self_attn{nullptr};
  std::shared_ptr<FeedForwardImpl> mlp;
  RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};

LlamaForCausalLMImpl::LlamaForCausalLMImpl(const TextConfig& text, const MoeConfig& moe) : config_(text), moe_(moe) {
  const auto head_dim = config_.HeadDim();
  inv_freq_ = 1.0 / torch::pow(config_.rope_theta, torch::arange(0, head_dim, 2).to(torch::kFloat) / head_dim);
  auto model = register_module("model", std::make_shared<nn::Module>());
  embed_tokens_ = model->register_module("embed_tokens", nn::Embedding(config_.vocab_size, config_.hidden_size));
  layers_ = model->register_module("layers", nn::ModuleList());
  for (int i = 0; i < config_.num_layers; ++i) layers_->push_back(std::make_shared<LlamaDecoderLayerImpl>(config_));
  if (moe_.enabled()) {
    for (const int layer : moe_.MoeLayers(config_.num_layers)) {
      ReplaceFeedForward(layer, std::make_shared<MoeFeedForwardImpl>(config_, moe_));
    }
  }
  norm_ = model->register_module("norm", RmsNorm(config_.hidden_size, config_.rms_norm_eps).ptr());
  if (!config_.tie_word_embeddings) {
    lm_head_ =
        register_module("lm_head", nn::Linear(nn::LinearOptions(config_.hidden_size, config_.vocab_size).bias(false)));
  }
}

torch::Tensor LlamaForCausalLMImpl::Embed(const torch::Tensor& ids) { return embed_tokens_(ids); }

KvCache LlamaForCausalLMImpl::NewCache(int64_t batch, int64_t capacity) const {
  KvCache cache;
  const auto options = embed_tokens_->weight.options();
  for (int i = 0; i < config_.num_layers; ++i) {
    cache.keys.push_back(torch::zeros({batch, config_.num_kv_heads, capacity, config_.HeadDim()}, options));
    cache.values.push_back(torch::zeros({batch, config_.num_kv_heads, capacity, config_.HeadDim()}, options));
  }
  return cache;
}

void LlamaForCausalLMImpl::ReplaceFeedForward(int layer, std::shared_ptr<FeedForwardImpl> block) {
  auto decoder = layers_[layer]->as<LlamaDecoderLayerImpl>();
  decoder->mlp = decoder->replace_module("mlp", std::move(block));
}

std::shared_ptr<FeedForwardImpl> LlamaForCausalLMImpl::FeedForward(int layer) const {
  return layers_->ptr(layer)->as<LlamaDecoderLayerImpl>()->mlp;
}

torch::Tensor LlamaForCausalLMImpl::CheckpointedLayer(int index, const torch::Tensor& x, const torch::Tensor& cos,
                                                      const torch::Tensor& sin, const torch::Tensor& allowed,
                                                      std::vector<RoutingRecord>* routing) {
  const auto layer = std::static_pointer_cast<LlamaDecoderLayerImpl>(layers_->ptr(index));
  // Shared with the block: the recomputation writes its record here too, after this forward has copied it.
  auto record = std::make_shared<RoutingRecord>();
  auto block = [layer, cos, sin, allowed, record, index](const torch::Tensor& input) {
    *record = RoutingRecord{};
    record->layer = index;
    std::vector<torch::Tensor> outputs{
        layer->forward(input, cos, sin, allowed, nullptr, nullptr, /*past=*/0, record.get())};
    if (record->aux_loss.defined()) outputs.push_back(record->aux_loss);
    return outputs;
  };
  std::vector<torch::Tensor> trainable;
  for (const auto& parameter : layer->parameters()) {
    if (parameter.requires_grad()) trainable.push_back(parameter);
  }
  auto outputs = CheckpointedForward(block, x, trainable);
  if (outputs.size() > 1) {
    RoutingRecord kept = *record;
    kept.aux_loss = outputs[1];  // the output autograd differentiates through the recomputation
    routing->push_back(std::move(kept));
  }
  return outputs[0];
}

CausalLmOutput LlamaForCausalLMImpl::forward(const torch::Tensor& embeds, const torch::Tensor& positions,
                                             const torch::Tensor& key_mask, KvCache* cache, bool last_position_only) {
  const auto dtype = embeds.dtype();
  const auto b = embeds.size(0), t = embeds.size(1);
  const int64_t past = cache != nullptr ? cache->length : 0;
  const auto keys = past + t;
  TORCH_CHECK(positions.size(0) == b && positions.size(1) == t, "positions must be [B, T]");
  TORCH_CHECK(!key_mask.defined() || (key_mask.size(0) == b && key_mask.size(1) == keys),
              "key_mask must be [B, cached + T]");

  // Rotary tables for these positions, computed in fp32 as transformers does, then cast. The frequencies follow
  // the model to its device once (not a registered buffer: Module::to(dtype) would round them to bf16), so a
  // decode step does not copy them from the host every time.
  if (inv_freq_.device() != embeds.device()) inv_freq_ = inv_freq_.to(embeds.device());
  const auto freqs = positions.to(torch::kFloat).unsqueeze(-1) * inv_freq_;
  const auto angles = torch::cat({freqs, freqs}, -1).unsqueeze(1);
  const auto cos = angles.cos().to(dtype), sin = angles.sin().to(dtype);

  // Query i (absolute position past+i) may see key j when j <= past+i and j is not padding. A query always sees
  // itself, so a padding query's row is never empty (no NaN can reach the real tokens).
  torch::Tensor allowed;
  if (t > 1 || key_mask.defined()) {
    const auto options = torch::TensorOptions().device(embeds.device()).dtype(torch::kLong);
    const auto query_at = torch::arange(past, keys, options).view({t, 1});
    const auto key_at = torch::arange(0, keys, options).view({1, keys});
    allowed = (key_at <= query_at).view({1, 1, t, keys});
    if (key_mask.defined()) {
      allowed = torch::logical_and(allowed, key_mask.to(torch::kBool).view({b, 1, 1, keys}));
      allowed = torch::logical_or(allowed, (key_at == query_at).view({1, 1, t, keys}));
    }
    allowed = allowed.expand({b, 1, t, keys});
  }

  CausalLmOutput output;
  auto x = embeds;
  const bool checkpoint = checkpointing_ && cache == nullptr && is_training() && torch::GradMode::is_enabled();
  for (int i = 0; i < config_.num_layers; ++i) {
    if (checkpoint) {
      x = CheckpointedLayer(i, x, cos, sin, allowed, &output.routing);
      continue;
    }
    RoutingRecord record;
    record.layer = i;
    x = layers_[i]->as<LlamaDecoderLayerImpl>()->forward(x, cos, sin, allowed,
                                                         cache != nullptr ? &cache->keys[i] : nullptr,
                                                         cache != nullptr ? &cache->values[i] : nullptr, past, &record);
    if (record.aux_loss.defined()) output.routing.push_back(record);
  }
  if (cache != nullptr) cache->length = keys;
  if (last_position_only) x = x.slice(1, t - 1);
  x = std::static_pointer_cast<RmsNormImpl>(norm_)->forward(x);
  output.logits = (lm_head_ ? lm_head_(x) : torch::nn::functional::linear(x, embed_tokens_->weight)).to(torch::kFloat);
  for (const auto& record : output.routing) {
    output.aux_loss = output.aux_loss.defined() ? output.aux_loss + record.aux_loss : record.aux_loss;
  }
  if (output.aux_loss.defined()) output.aux_loss = output.aux_loss * moe_.aux_loss_coef;
  return output;
}

}  // namespace mgrs::model
