// The LLaVA-1.5 projector (Linear, exact GELU, Linear).
#include "mgrs/model/projector.h"

#include <torch/torch.h>

namespace mgrs::model {

ProjectorImpl::ProjectorImpl(int vision_hidden_size, int text_hidden_size) {
  linear_1_ = register_module("linear_1", torch::nn::Linear(vision_hidden_size, text_hidden_size));
  linear_2_ = register_module("linear_2", torch::nn::Linear(text_hidden_size, text_hidden_size));
}

torch::Tensor ProjectorImpl::forward(const torch::Tensor& features) {
  // torch::gelu's default approximation is "none": the erf form LLaVA trains with (llama.cpp's tanh form differs).
  return linear_2_(torch::gelu(linear_1_(features.to(linear_1_->weight.dtype()))));
}

}  // namespace mgrs::model
