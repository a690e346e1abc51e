// Activation checkpointing for LibTorch's C++ API, which has no torch.utils.checkpoint: a block runs once without
// keeping its activations and again, under the same random state and autocast, when the backward pass reaches it.
#pragma once

#include <functional>
#include <vector>

#include <torch/torch.h>

namespace mgrs::model {

// A block of the network as a function of its input: returns its differentiable outputs (the hidden state first).
// It must be deterministic given the random generators' states (dropout and router noise draw from them), and may be
// called twice; whatever else it records (routing counts) is overwritten by the second call.
using CheckpointedBlock = std::function<std::vector<torch::Tensor>(const torch::Tensor& x)>;

// Runs block(x) without saving activations for the backward pass. When the backward pass reaches its outputs, the
// CPU generator (and x's CUDA generator) are set back to their states at this call, autocast to its state, block(x)
// runs again with autograd and the gradients of x and of `parameters` (the block's trainable tensors: they need not
// be inputs of the autograd graph otherwise) are computed from it; the generators are then restored, so the
// random sequence seen by later code is the one a run without checkpointing sees. Outputs equal block(x)'s.
std::vector<torch::Tensor> CheckpointedForward(const CheckpointedBlock& block, const torch::Tensor& x,
                                               const std::vector<torch::Tensor>& parameters);

}  // namespace mgrs::model
