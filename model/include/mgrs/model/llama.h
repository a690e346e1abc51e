// The LLaMA / Vicuna decoder (transformers' LlamaForCausalLM semantics) with a key/value cache for decoding, and
// the feed-forward interface that lets a layer's FFN be a mixture of experts (moe.h).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "mgrs/model/config.h"
#include "mgrs/model/lora.h"

namespace mgrs::model {

// Keys and values of every layer for the positions decoded so far. Grows on demand; owned by the caller, used by
// one forward at a time.
struct KvCache {
  std::vector<torch::Tensor> keys, values;  // per layer: [B, kv_heads, capacity, head_dim]
  int64_t length = 0;                       // positions [0, length) are filled
};

// What one MoE layer's router did in one forward (moe.h fills it; dense layers leave the record out).
struct RoutingRecord {
  int layer = 0;
  torch::Tensor aux_loss;           // scalar fp32: E * sum_i F_i * G_i (unscaled by the coefficient)
  torch::Tensor tokens_per_expert;  // [E] int64: tokens routed to each expert (top-1 and top-2 choices)
  torch::Tensor top1_per_expert;    // [E] int64: tokens whose first choice is each expert
  // Host wall time of the block's forward (router, dispatch, experts, combine); on an accelerator it counts the
  // launches, not the kernels.
  double forward_seconds = 0.0;
};

struct CausalLmOutput {
  torch::Tensor logits;    // [B, T, V] fp32 (or [B, 1, V] with last_position_only)
  torch::Tensor aux_loss;  // scalar fp32: coefficient * sum of the MoE layers' losses; undefined for dense models
  std::vector<RoutingRecord> routing;
};

// A decoder layer's feed-forward block: the dense gated SiLU MLP, or a mixture of experts.
class FeedForwardImpl : public torch::nn::Module {
 public:
  // x: [N, D] (tokens flattened). `routing` is filled by MoE blocks and may be null.
  virtual torch::Tensor Forward(const torch::Tensor& x, RoutingRecord* routing) = 0;
};

// down_proj(silu(gate_proj(x)) * up_proj(x)), no biases (LlamaMLP); the projections can carry LoRA adapters.
class LlamaMlpImpl : public FeedForwardImpl {
 public:
  LlamaMlpImpl(int hidden_size, int intermediate_size);
  torch::Tensor Forward(const torch::Tensor& x, RoutingRecord* routing) override;
  torch::Tensor forward(const torch::Tensor& x) { return Forward(x, nullptr); }

  LoraLinear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(LlamaMlp);

class LlamaDecoderLayerImpl;

// LlamaForCausalLM: `model.{embed_tokens,layers.N,norm}` and `lm_head`. Layers listed by moe.MoeLayers() get an
// MoE feed-forward block (moe.h) when moe.enabled(). The attention and FFN projections are LoraLinear (lora.h).
// Not thread-safe while a forward runs.
class LlamaForCausalLMImpl : public torch::nn::Module {
 public:
  LlamaForCausalLMImpl(const TextConfig& text, const MoeConfig& moe);

  // ids [B, T] int64 -> embeddings [B, T, D].
  torch::Tensor Embed(const torch::Tensor& ids);

  // embeds [B, T, D]; positions [B, T] int64 (rotary positions). key_mask: [B, cached + T], 1 for a real token
  // and 0 for padding, or undefined when nothing is padded. cache: null runs the T positions alone (causal);
  // otherwise their keys and values are appended at cache->length and attention covers everything cached.
  // last_position_only computes logits for position T-1 only (decoding).
  CausalLmOutput forward(const torch::Tensor& embeds, const torch::Tensor& positions, const torch::Tensor& key_mask,
                         KvCache* cache, bool last_position_only = false);

  // An empty cache with room for `capacity` positions, on the parameters' device and dtype.
  KvCache NewCache(int64_t batch, int64_t capacity) const;

  const TextConfig& config() const { return config_; }
  int num_layers() const { return config_.num_layers; }
  // Swaps layer `layer`'s feed-forward block (the Stage II transform); the new block is registered as "mlp".
  void ReplaceFeedForward(int layer, std::shared_ptr<FeedForwardImpl> block);
  std::shared_ptr<FeedForwardImpl> FeedForward(int layer) const;
  // With checkpointing on, a training forward with autograd and no cache keeps only each decoder layer's input;
  // the backward pass recomputes the layer (same dropout and router noise) to differentiate it. Losses and
  // gradients equal those without it; memory drops from every layer's activations to one layer's, for about one
  // more forward of compute.
  void SetActivationCheckpointing(bool on) { checkpointing_ = on; }

 private:
  // Decoder layer `index` through CheckpointedForward (activation_checkpoint.h); appends its routing record.
  torch::Tensor CheckpointedLayer(int index, const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                  const torch::Tensor& allowed, std::vector<RoutingRecord>* routing);

  TextConfig config_;
  MoeConfig moe_;
  torch::Tensor inv_freq_;  // rotary inverse frequencies, fp32; not a checkpoint tensor
  torch::nn::Embedding embed_tokens_{nullptr};
  torch::nn::ModuleList layers_{nullptr};
  std::shared_ptr<torch::nn::Module> norm_;
  torch::nn::Linear lm_head_{nullptr};  // null when tie_word_embeddings
  bool checkpointing_ = false;
};
TORCH_MODULE(LlamaForCausalLM);

}  // namespace mgrs::model
