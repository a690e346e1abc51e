// LoRA adapters on the decoder's linear layers (PEFT semantics), with merge and unmerge.
#include "mgrs/model/lora.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

namespace mgrs::model {

namespace {
thread_local c10::Device linear_device(c10::kCPU);
}  // namespace

LinearDeviceScope::LinearDeviceScope(c10::Device device) : saved_(linear_device) { linear_device = device; }
LinearDeviceScope::~LinearDeviceScope() { linear_device = saved_; }
c10::Device LinearDeviceScope::Current() { return linear_device; }

LoraLinearImpl::LoraLinearImpl(int in_features, int out_features, bool with_bias) {
  const auto options = torch::TensorOptions().device(linear_device);  // the default dtype, as torch::nn::Linear
  weight = register_parameter("weight", torch::empty({out_features, in_features}, options));
  // torch::nn::Linear's initialisation, so a randomly built model looks like one built with nn::Linear.
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (with_bias) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
    bias = register_parameter("bias", torch::empty({out_features}, options).uniform_(-bound, bound));
  }
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor& x) {
  auto y = torch::nn::functional::linear(x, weight, bias);
  if (!lora_A || merged_) return y;
  auto h = x;
  if (is_training() && dropout_ > 0.0) h = torch::dropout(h, dropout_, /*train=*/true);
  return y + lora_B(lora_A(h)) * scaling_;
}

void LoraLinearImpl::AddAdapter(int rank, double alpha, double dropout) {
  Unmerge();
  const auto options = torch::nn::LinearOptions(weight.size(1), rank).bias(false);
  auto a = torch::nn::Linear(options);
  auto b = torch::nn::Linear(torch::nn::LinearOptions(rank, weight.size(0)).bias(false));
  torch::nn::init::kaiming_uniform_(a->weight, std::sqrt(5.0));
  torch::nn::init::zeros_(b->weight);
  a->to(weight.device(), weight.scalar_type());
  b->to(weight.device(), weight.scalar_type());
  lora_A = has_adapter() ? replace_module("lora_A", a) : register_module("lora_A", a);
  lora_B = named_children().contains("lora_B") ? replace_module("lora_B", b) : register_module("lora_B", b);
  scaling_ = alpha / rank;
  dropout_ = dropout;
}

void LoraLinearImpl::Merge() {
  if (!lora_A || merged_) return;
  torch::NoGradGuard no_grad;
  weight.add_(torch::matmul(lora_B->weight, lora_A->weight) * scaling_);
  merged_ = true;
}

void LoraLinearImpl::Unmerge() {
  if (!merged_) return;
  torch::NoGradGuard no_grad;
  weight.sub_(torch::matmul(lora_B->weight, lora_A->weight) * scaling_);
  merged_ = false;
}

std::vector<std::string> AllLinearTargets() {
  return {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
}

namespace {

std::string LastComponent(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

template <typename F>
int ForEachLoraLinear(torch::nn::Module& root, F&& visit) {
  int count = 0;
  for (const auto& item : root.named_modules()) {
    if (auto* layer = dynamic_cast<LoraLinearImpl*>(item.value().get())) count += visit(item.key(), *layer) ? 1 : 0;
  }
  return count;
}

}  // namespace

int ApplyLora(torch::nn::Module& root, const LoraConfig& config) {
  std::vector<std::string> targets;
  for (const auto& t : config.targets) {
    if (t == "all_linear") {
      const auto all = AllLinearTargets();
      targets.insert(targets.end(), all.begin(), all.end());
    } else {
      targets.push_back(t);
    }
  }
  return ForEachLoraLinear(root, [&](const std::string& name, LoraLinearImpl& layer) {
    if (std::find(targets.begin(), targets.end(), LastComponent(name)) == targets.end()) return false;
    layer.AddAdapter(config.rank, config.alpha, config.dropout);
    return true;
  });
}

int MergeLora(torch::nn::Module& root) {
  return ForEachLoraLinear(root, [](const std::string&, LoraLinearImpl& layer) {
    if (!layer.has_adapter() || layer.merged()) return false;
    layer.Merge();
    return true;
  });
}

int UnmergeLora(torch::nn::Module& root) {
  return ForEachLoraLinear(root, [](const std::string&, LoraLinearImpl& layer) {
    if (!layer.merged()) return false;
    layer.Unmerge();
    return true;
  });
}

}  // namespace mgrs::model
