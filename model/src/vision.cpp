// CLIP ViT in LibTorch, following transformers' CLIPVisionModel (pre-LayerNorm, quick GELU, biased projections).
#include "mgrs/model/vision.h"

#include <cmath>
#include <string>

#include <torch/torch.h>

namespace mgrs::model {
namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

torch::Tensor QuickGelu(const torch::Tensor& x) { return x * torch::sigmoid(1.702 * x); }

struct ClipEmbeddingsImpl : nn::Module {
  explicit ClipEmbeddingsImpl(const VisionConfig& c) : patch(c.patch_size) {
    class_embedding = register_parameter("class_embedding", torch::zeros({c.hidden_size}));
    patch_embedding = register_module(
        "patch_embedding",
        nn::Conv2d(nn::Conv2dOptions(c.num_channels, c.hidden_size, c.patch_size).stride(c.patch_size).bias(false)));
    position_embedding = register_module("position_embedding", nn::Embedding(c.NumPositions(), c.hidden_size));
  }
  torch::Tensor forward(const torch::Tensor& pixels) {
    auto x = patch_embedding(pixels.to(class_embedding.dtype())).flatten(2).transpose(1, 2);
    auto cls = class_embedding.view({1, 1, -1}).expand({x.size(0), 1, x.size(2)});
    return torch::cat({cls, x}, 1) + position_embedding->weight.unsqueeze(0);
  }
  int patch;
  torch::Tensor class_embedding;
  nn::Conv2d patch_embedding{nullptr};
  nn::Embedding position_embedding{nullptr};
};
TORCH_MODULE(ClipEmbeddings);

struct ClipAttentionImpl : nn::Module {
  explicit ClipAttentionImpl(const VisionConfig& c) : heads(c.num_heads), head_dim(c.HeadDim()) {
    const auto options = nn::LinearOptions(c.hidden_size, c.hidden_size);
    q_proj = register_module("q_proj", nn::Linear(options));
    k_proj = register_module("k_proj", nn::Linear(options));
    v_proj = register_module("v_proj", nn::Linear(options));
    out_proj = register_module("out_proj", nn::Linear(options));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    const auto b = x.size(0), s = x.size(1), d = x.size(2);
    auto split = [&](const torch::Tensor& t) { return t.view({b, s, heads, head_dim}).transpose(1, 2); };
    // CLIP scales q before the product (transformers' CLIPAttention); the order matters at the last bit.
    const auto q = split(q_proj(x) * std::pow(static_cast<double>(head_dim), -0.5));
    const auto k = split(k_proj(x));
    const auto v = split(v_proj(x));
    const auto weights = torch::softmax(torch::matmul(q, k.transpose(2, 3)).to(torch::kFloat), -1).to(q.dtype());
    return out_proj(torch::matmul(weights, v).transpose(1, 2).reshape({b, s, d}));
  }
  int64_t heads, head_dim;
  nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
};
TORCH_MODULE(ClipAttention);

struct ClipMlpImpl : nn::Module {
  explicit ClipMlpImpl(const VisionConfig& c) {
    fc1 = register_module("fc1", nn::Linear(c.hidden_size, c.intermediate_size));
    fc2 = register_module("fc2", nn::Linear(c.intermediate_size, c.hidden_size));
  }
  torch::Tensor forward(const torch::Tensor& x) { return fc2(QuickGelu(fc1(x))); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(ClipMlp);

nn::LayerNorm MakeLayerNorm(const VisionConfig& c) {
  return nn::LayerNorm(nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps));
}

struct ClipEncoderLayerImpl : nn::Module {
  explicit ClipEncoderLayerImpl(const VisionConfig& c) {
    layer_norm1 = register_module("layer_norm1", MakeLayerNorm(c));
    self_attn = register_module("self_attn", ClipAttention(c));
    layer_norm2 = register_module("layer_norm2", MakeLayerNorm(c));
    mlp = register_module("mlp", ClipMlp(c));
  }
  torch::Tensor forward(torch::Tensor x) {
    x = x + self_attn(layer_norm1(x));
    return x + mlp(layer_norm2(x));
  }
  nn::LayerNorm layer_norm1{nullptr}, layer_norm2{nullptr};
  ClipAttention self_attn{nullptr};
  ClipMlp mlp{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

// "vision_model": embeddings, pre_layrnorm (sic) and encoder.layers.N; post_layernorm is never run by LLaVA.
struct ClipVisionModelImpl : nn::Module {
  ClipVisionModelImpl(const VisionConfig& c, int layers_run) {
    embeddings = register_module("embeddings", ClipEmbeddings(c));
    pre_layrnorm = register_module("pre_layrnorm", MakeLayerNorm(c));
    auto encoder = register_module("encoder", std::make_shared<nn::Module>());
    layers = encoder->register_module("layers", nn::ModuleList());
    for (int i = 0; i < layers_run; ++i) layers->push_back(ClipEncoderLayer(c));
  }
  torch::Tensor forward(const torch::Tensor& pixels) {
    auto x = pre_layrnorm(embeddings(pixels));
    for (const auto& layer : *layers) x = layer->as<ClipEncoderLayerImpl>()->forward(x);
    return x;
  }
  ClipEmbeddings embeddings{nullptr};
  nn::LayerNorm pre_layrnorm{nullptr};
  nn::ModuleList layers{nullptr};
};

}  // namespace

torch::Tensor InterpolatePositionEmbedding(const torch::Tensor& table, int grid) {
  const auto rows = table.size(0) - 1;
  const auto from = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(rows))));
  TORCH_CHECK(table.dim() == 2 && from * from == rows, "position table has ", table.size(0), " rows; expected 1 + g*g");
  if (from == grid) return table.clone();
  const auto width = table.size(1);
  auto square = table.slice(0, 1).to(torch::kFloat).t().reshape({1, width, from, from});
  square = F::interpolate(
      square,
      F::InterpolateFuncOptions().size(std::vector<int64_t>{grid, grid}).mode(torch::kBicubic).align_corners(true));
  auto resized = square.reshape({width, int64_t{grid} * grid}).t().to(table.dtype());
  return torch::cat({table.slice(0, 0, 1), resized}, 0);
}

VisionTowerImpl::VisionTowerImpl(const VisionConfig& config) : config_(config) {
  vision_model_ = register_module("vision_model", std::make_shared<ClipVisionModelImpl>(config_, LayersRun()));
}

int VisionTowerImpl::LayersRun() const {
  return config_.feature_layer >= 0 ? config_.feature_layer : config_.num_layers + 1 + config_.feature_layer;
}

torch::Tensor VisionTowerImpl::forward(const torch::Tensor& pixels) {
  auto hidden = std::static_pointer_cast<ClipVisionModelImpl>(vision_model_)->forward(pixels);
  return config_.drop_class_token ? hidden.slice(1, 1) : hidden;
}

}  // namespace mgrs::model
