// Activation checkpointing (activation_checkpoint.h) as a custom autograd function: forward without autograd,
// backward recomputes with autograd and differentiates the recomputed block.
#include "activation_checkpoint.h"

#include <memory>
#include <optional>
#include <utility>

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace mgrs::model {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The random generators a block draws from, and the CUDA autocast state it ran under.
struct RandomState {
  torch::Tensor cpu;
  std::optional<torch::Device> cuda_device;
  torch::Tensor cuda;
  bool autocast = false;
  at::ScalarType autocast_dtype = at::kBFloat16;

  static RandomState Capture(const torch::Device& device) {
    RandomState state;
    state.cpu = Get(torch::Device(torch::kCPU));
    if (device.is_cuda()) {
      state.cuda_device = device;
      state.cuda = Get(device);
    }
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    state.autocast = at::autocast::is_autocast_enabled(at::kCUDA);
    state.autocast_dtype = at::autocast::get_autocast_dtype(at::kCUDA);
#else
    state.autocast = at::autocast::is_enabled();
    state.autocast_dtype = at::autocast::get_autocast_gpu_dtype();
#endif
    return state;
  }

  // Sets the generators and autocast to this state.
  void Apply() const {
    Set(torch::Device(torch::kCPU), cpu);
    if (cuda_device) Set(*cuda_device, cuda);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, autocast);
    at::autocast::set_autocast_dtype(at::kCUDA, autocast_dtype);
#else
    at::autocast::set_enabled(autocast);
    at::autocast::set_autocast_gpu_dtype(autocast_dtype);
#endif
  }

  static torch::Tensor Get(const torch::Device& device) {
    auto generator = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
  }
  static void Set(const torch::Device& device, const torch::Tensor& value) {
    auto generator = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(value);
  }
};

// What the backward pass needs besides the saved input: the block, its parameters and the state it first ran
// under. Travels in the autograd context as a capsule (the context keeps IValues only).
struct Replay : torch::CustomClassHolder {
  CheckpointedBlock block;
  std::vector<torch::Tensor> parameters;
  RandomState state;
  bool input_requires_grad = false;
};

struct CheckpointFunction : torch::autograd::Function<CheckpointFunction> {
  // `parameters` are inputs so that autograd routes their gradients (and so that the outputs require a gradient
  // when only the parameters do); the block reaches them through its module.
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& x, at::TensorList parameters,
                               c10::intrusive_ptr<Replay> replay) {
    // Function::apply runs this with autograd off: nothing inside the block is kept for the backward pass.
    (void)parameters;
    ctx->save_for_backward({x});
    auto outputs = replay->block(x);
    ctx->saved_data["replay"] = c10::IValue::make_capsule(std::move(replay));
    return outputs;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto x = ctx->get_saved_variables()[0];
    auto replay = c10::static_intrusive_pointer_cast<Replay>(ctx->saved_data["replay"].toCapsule());
    const auto input = x.detach().requires_grad_(replay->input_requires_grad);
    variable_list outputs;
    {
      const auto now = RandomState::Capture(x.device());
      replay->state.Apply();
      try {
        torch::AutoGradMode enable(true);
        outputs = replay->block(input);
      } catch (...) {
        now.Apply();
        throw;
      }
      now.Apply();
      at::autocast::clear_cache();
    }
    variable_list targets, seeds;
    for (size_t i = 0; i < outputs.size() && i < grad_outputs.size(); ++i) {
      if (!outputs[i].requires_grad()) continue;
      targets.push_back(outputs[i]);
      seeds.push_back(grad_outputs[i].defined() ? grad_outputs[i] : torch::zeros_like(outputs[i]));
    }
    // One gradient per input of forward: x, each parameter, the capsule (none).
    variable_list gradients(replay->parameters.size() + 2);
    variable_list wrt;
    std::vector<size_t> slots;
    if (input.requires_grad()) {
      wrt.push_back(input);
      slots.push_back(0);
    }
    for (size_t i = 0; i < replay->parameters.size(); ++i) {
      if (!replay->parameters[i].requires_grad()) continue;
      wrt.push_back(replay->parameters[i]);
      slots.push_back(i + 1);
    }
    if (targets.empty() || wrt.empty()) return gradients;
    // allow_unused: an expert that no token reached has no gradient.
    const auto computed = torch::autograd::grad(targets, wrt, seeds, /*retain_graph=*/false, /*create_graph=*/false,
                                                /*allow_unused=*/true);
    for (size_t i = 0; i < slots.size(); ++i) gradients[slots[i]] = computed[i];
    return gradients;
  }
};

}  // namespace

std::vector<torch::Tensor> CheckpointedForward(const CheckpointedBlock& block, const torch::Tensor& x,
                                               const std::vector<torch::Tensor>& parameters) {
  auto replay = c10::make_intrusive<Replay>();
  replay->block = block;
  replay->parameters = parameters;
  replay->state = RandomState::Capture(x.device());
  replay->input_requires_grad = x.requires_grad();
  return CheckpointFunction::apply(x, at::TensorList(parameters), std::move(replay));
}

}  // namespace mgrs::model
