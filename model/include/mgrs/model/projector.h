// LLaVA-1.5's mlp2x_gelu projector: vision features to the language model's embedding space.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace mgrs::model {

// linear_2(GELU(linear_1(x))) with the exact (erf) GELU of nn.GELU(); names as llava-hf's multi_modal_projector.
class ProjectorImpl : public torch::nn::Module {
 public:
  ProjectorImpl(int vision_hidden_size, int text_hidden_size);
  // [..., vision_hidden_size] -> [..., text_hidden_size]
  torch::Tensor forward(const torch::Tensor& features);

 private:
  torch::nn::Linear linear_1_{nullptr}, linear_2_{nullptr};
};
TORCH_MODULE(Projector);

}  // namespace mgrs::model
