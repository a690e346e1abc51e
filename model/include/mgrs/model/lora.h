// LoRA (low-rank adaptation) for the decoder's linear layers: y = W x + b + (alpha / r) * B(A(dropout(x))), with
// merge and unmerge. The paper's Stage I puts rank-64 adapters on W_q and W_v; GeoChat's code on every linear layer.
#pragma once

#include <string>
#include <vector>

#include <c10/core/Device.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "mgrs/model/config.h"

namespace mgrs::model {

// While one lives, the LoraLinear layers constructed on its thread allocate and draw their weights on `device`
// instead of the CPU. Every projection and expert of the decoder is a LoraLinear, so a 7B model built in one never
// holds its 22B parameters on the host; the other modules (embeddings, norms, router, vision tower) still start on
// the CPU and are moved by Module::to(). Scopes nest (the innermost wins); they are not shared between threads.
class LinearDeviceScope {
 public:
  explicit LinearDeviceScope(c10::Device device);
  ~LinearDeviceScope();
  LinearDeviceScope(const LinearDeviceScope&) = delete;
  LinearDeviceScope& operator=(const LinearDeviceScope&) = delete;
  // The device of the innermost scope on this thread; the CPU outside any.
  static c10::Device Current();

 private:
  c10::Device saved_;
};

// A linear layer ("weight" [out, in], optional "bias") that can carry one adapter ("lora_A.weight" [r, in],
// "lora_B.weight" [out, r]: PEFT's names). Without an adapter it is exactly torch::nn::Linear.
class LoraLinearImpl : public torch::nn::Module {
 public:
  // Initialised as torch::nn::Linear, on LinearDeviceScope::Current().
  LoraLinearImpl(int in_features, int out_features, bool bias);

  torch::Tensor forward(const torch::Tensor& x);

  // Adds an adapter as PEFT initialises it: A kaiming-uniform (a = sqrt 5), B zero, so the output is unchanged
  // until B is trained. Replaces an existing adapter (unmerging it first).
  void AddAdapter(int rank, double alpha, double dropout);
  bool has_adapter() const { return static_cast<bool>(lora_A); }
  bool merged() const { return merged_; }
  // W += (alpha / r) B A; the forward then skips the adapter. No-op without an adapter or when merged.
  void Merge();
  // W -= (alpha / r) B A: restores W up to rounding. No-op unless merged.
  void Unmerge();

  torch::Tensor weight, bias;
  torch::nn::Linear lora_A{nullptr}, lora_B{nullptr};

 private:
  double scaling_ = 0.0;
  double dropout_ = 0.0;
  bool merged_ = false;
};
TORCH_MODULE(LoraLinear);

// The "all linear" target list (GeoChat's find_all_linear_names): q, k, v, o, gate, up and down projections.
std::vector<std::string> AllLinearTargets();

// Adds adapters (config.rank, alpha, dropout) to every LoraLinear below `root` whose own name (last component) is
// in config.targets; "all_linear" in the list means AllLinearTargets(). Returns how many layers got one. The
// adapters' parameters are created on each layer's device and dtype.
int ApplyLora(torch::nn::Module& root, const LoraConfig& config);

// Merges / unmerges every adapter below `root`. Returns how many layers changed.
int MergeLora(torch::nn::Module& root);
int UnmergeLora(torch::nn::Module& root);

}  // namespace mgrs::model
