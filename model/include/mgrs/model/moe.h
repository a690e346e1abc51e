// SkyMoE's mixture-of-experts feed-forward block (paper Eq. 1-4, MoE-LLaVA's construction): an fp32 router,
// softmax, top-k experts with renormalised weights, tokens grouped by expert, the load-balancing loss (Eq. 7-8),
// the Stage II transform from a dense checkpoint, and routing statistics.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <torch/nn/modules/container/modulelist.h>
#include <nlohmann/json.hpp>

#include "mgrs/core/status.h"
#include "mgrs/model/config.h"
#include "mgrs/model/llama.h"

namespace mgrs::model {

// `router` (Linear D -> E, no bias, computed in fp32) and `experts.N` (gated SiLU MLPs), under the layer's "mlp".
//
// Routing: probabilities p = softmax(router(x)); each token takes its top_k experts (in training, when
// gumbel_in_training, the 2nd..k-th choices are argmax of logits + Gumbel noise with earlier choices excluded, as
// DeepSpeed's top2gating); weights are the chosen p renormalised to sum to 1. Tokens are grouped by expert (one
// sort, one batched call per expert with tokens, one scatter-add back): no per-token loop, no expert sees a token
// it was not chosen for.
//
// Capacity (off by default = dropless): with factor c > 0 (capacity_factor in training, eval_capacity_factor in
// evaluation) each expert takes at most ceil(top_k * N / E * c) tokens. Slots are filled as DeepSpeed does: all
// first choices in token order, then all second choices, ...; a choice past the capacity is dropped and the
// token's remaining weights are renormalised; a token that loses every choice outputs 0 (the residual carries it).
//
// Load-balancing loss: E * sum_i F_i * G_i with F_i the fraction of tokens whose first choice is expert i and G_i
// the mean router probability of i (gradient through G only), as MoE-LLaVA; reported per layer in RoutingRecord.
class MoeFeedForwardImpl : public FeedForwardImpl {
 public:
  MoeFeedForwardImpl(const TextConfig& text, const MoeConfig& moe, bool gumbel_in_training = false);

  torch::Tensor Forward(const torch::Tensor& x, RoutingRecord* routing) override;

  int num_experts() const { return num_experts_; }

  torch::nn::Linear router{nullptr};
  torch::nn::ModuleList experts{nullptr};

 private:
  int num_experts_;
  int top_k_;
  double capacity_factor_;
  double eval_capacity_factor_;
  bool gumbel_in_training_;
};
TORCH_MODULE(MoeFeedForward);

// The Stage II transform on canonical tensors: for every layer of moe_config.moe.MoeLayers(), the dense FFN
// (mlp.{gate,up,down}_proj) is cloned into each of the E experts and a fresh router is added (uniform in
// +-1/sqrt(D), as torch::nn::Linear, seeded). With identical experts and weights summing to 1 the model's
// outputs equal the dense model's. Everything else is passed through. Errors: InvalidArgument when MoE is not
// enabled in the config, NotFound when a chosen layer has no dense FFN (already MoE?).
Result<std::map<std::string, torch::Tensor>> ExpandToMoe(const std::map<std::string, torch::Tensor>& dense,
                                                         const ModelConfig& moe_config, uint64_t seed);

// `skymoe convert --to-moe`'s library call: reads the checkpoint folder `dense_dir` (LoadCheckpoint: ours or
// any Hugging Face layout), sets its config's moe section to `moe`, applies ExpandToMoe and writes our format to
// `out_dir` (SaveCheckpoint; the tokenizer is copied). Errors: those of the three calls.
Status ConvertCheckpointToMoe(const std::string& dense_dir, const MoeConfig& moe, const std::string& out_dir,
                              uint64_t seed);

// Token shares per expert per MoE layer, overall and per task (the paper's routing visualisations).
class RoutingStatistics {
 public:
  // Adds one forward's records under `task` (may be empty: counted only overall).
  void Add(const std::vector<RoutingRecord>& records, const std::string& task);
  bool empty() const { return overall_.empty(); }

  // {"overall": {"layers": [..], "share": [[..per expert..] per layer], "tokens": [..], "aux_loss": mean},
  //  "tasks": {"vqa": {...}, ...}}; shares count every routed choice (top-k), so each row sums to 1.
  nlohmann::json ToJson() const;
  // A text table: one row per layer, one column per expert, shares in percent; `task` empty = overall.
  std::string ToTable(const std::string& task = "") const;
  // An SVG heat map (layers x experts) of one task's shares, or of all tokens when `task` is empty.
  std::string ToSvg(const std::string& task = "") const;

 private:
  struct Layer {
    std::vector<int64_t> counts;  // routed choices per expert
    double aux_loss_sum = 0.0;
    int64_t forwards = 0;
  };
  using Table = std::map<int, Layer>;  // by decoder layer
  static void AddTo(Table* table, const RoutingRecord& record);
  static nlohmann::json TableJson(const Table& table);
  const Table* Find(const std::string& task) const;
  Table overall_;
  std::map<std::string, Table> by_task_;
};

}  // namespace mgrs::model
