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

// How a MoeFeedForward block sends tokens to its experts (see the class comment).
enum class MoeDispatch {
  kGrouped,  // always grouped (the default: see kStackedDispatchMaxPairs)
  kAuto,     // stacked for a few pairs on an accelerator (StackedDispatchApplies), grouped otherwise
  kStacked,  // stacked whenever it is allowed, whatever the number of pairs and the device
};

// Under MoeDispatch::kAuto, at most this many routed (token, choice) pairs take the stacked path: decoding one or two
// sequences with top-2. Each pair copies one expert's weights (index_select), three times the memory traffic of
// reading them once as the grouped path does, so the stacked path pays only where the host read it avoids costs
// more: a device stream that must drain at every MoE layer, or a CUDA graph that cannot hold a host read at all.
// Grouped stays the default until a device says otherwise: for the 7B on an H100, reading two experts once is about
// 0.17 ms per MoE layer, the copies add about 0.35 ms, and a drained stream costs tens of microseconds (estimates).
inline constexpr int64_t kStackedDispatchMaxPairs = 4;

// `router` (Linear D -> E, no bias, computed in fp32) and `experts.N` (gated SiLU MLPs), under the layer's "mlp".
//
// Routing: probabilities p = softmax(router(x)); each token takes its top_k experts (in training, with
// moe.router_noise "gumbel", the 2nd..k-th choices are argmax of logits + Gumbel noise with earlier choices excluded,
// as DeepSpeed's top2gating); weights are the chosen p renormalised to sum to 1.
//
// Grouped dispatch: tokens are grouped by expert (one sort, one batched call per expert with tokens, one scatter-add
// back): no per-token loop, no expert sees a token it was not chosen for. The per-expert row counts are read on the
// host, which makes a GPU stream wait at every MoE layer.
//
// Stacked dispatch never reads a device value on the host: the chosen experts' weights are gathered from stacked
// tensors (index_select), applied with batched matrix products, weighted and summed per token. The stacks are
// gate_up [E, 2F, D] (expert e's gate_proj rows, then its up_proj rows) and down [E, D, F], and each expert's
// parameters ARE views into them, so anything written into a parameter in place (LoadParameters, LoRA merge, an
// optimiser step) is in the stacks, and the parameters keep their canonical names. Whatever replaces a parameter's
// storage instead (Module::to() to another device or dtype, set_data, torch::load) breaks the aliasing: to() is
// overridden to restack right after moving, and the stacked path checks the aliasing (3E pointer comparisons) before
// every use and restacks when it is broken. Restacking copies the experts into fresh stacks and points the
// parameters at them (outside inference mode, even inside Generate, so the parameters stay ordinary tensors, unless
// they were inference tensors already); the stacks are built in the parameters' device and dtype, so a model built on
// a GPU (LinearDeviceScope) never stacks on the host. The stacked path is used only where it computes exactly what
// the grouped path does: autograd off (the stacks carry no gradient back to the parameters), dropless (capacity
// factor 0 in the current mode), and no expert projection carrying an unmerged LoRA adapter. MoeDispatch picks
// between the paths where both are allowed.
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
  MoeFeedForwardImpl(const TextConfig& text, const MoeConfig& moe);

  torch::Tensor Forward(const torch::Tensor& x, RoutingRecord* routing) override;

  // Module::to(), then the experts are restacked on the new device / dtype (see the class comment).
  void to(torch::Device device, torch::Dtype dtype, bool non_blocking = false) override;
  void to(torch::Dtype dtype, bool non_blocking = false) override;
  void to(torch::Device device, bool non_blocking = false) override;

  int num_experts() const { return num_experts_; }
  void set_dispatch(MoeDispatch dispatch) { dispatch_ = dispatch; }
  MoeDispatch dispatch() const { return dispatch_; }
  // Whether Forward(x) takes the stacked path in the current state (mode, autograd, adapters, dispatch).
  bool StackedDispatchApplies(const torch::Tensor& x) const;

  torch::nn::Linear router{nullptr};
  torch::nn::ModuleList experts{nullptr};

 private:
  LlamaMlpImpl& Expert(int e) const;
  bool StacksAliasExperts() const;
  void StackExpertWeights();
  torch::Tensor GroupedForward(const torch::Tensor& x, const torch::Tensor& choices, const torch::Tensor& weights,
                               const torch::Tensor& keep, RoutingRecord* routing);
  torch::Tensor StackedForward(const torch::Tensor& x, const torch::Tensor& choices, const torch::Tensor& weights,
                               RoutingRecord* routing);

  int num_experts_;
  int top_k_;
  double capacity_factor_;
  double eval_capacity_factor_;
  bool gumbel_in_training_;
  MoeDispatch dispatch_ = MoeDispatch::kGrouped;
  torch::Tensor gate_up_stack_;  // [E, 2F, D]
  torch::Tensor down_stack_;     // [E, D, F]
};
TORCH_MODULE(MoeFeedForward);

// Sets the dispatch of every MoE block below `root` (a whole Llava, say). Returns how many blocks were set.
int SetMoeDispatch(torch::nn::Module& root, MoeDispatch dispatch);

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
