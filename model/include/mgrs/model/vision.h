// The CLIP ViT vision tower of LLaVA-1.5 / SkyMoE: patch features of the configured hidden layer, with the
// checkpoint's position grid resampled to the configured image size (GeoChat runs CLIP-336 at 504).
#pragma once

#include <memory>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "mgrs/model/config.h"

namespace mgrs::model {

// Resamples a CLIP position table [1 + g*g, D] (class row first) to [1 + grid*grid, D] as GeoChat does: bicubic
// with align_corners=true over the g x g grid, computed in fp32 and returned in the table's dtype; the class row is
// kept. At equal size it returns an unchanged copy. Throws c10::Error when the table's row count is not 1 + g*g.
torch::Tensor InterpolatePositionEmbedding(const torch::Tensor& table, int grid);

// CLIPVisionModel's forward up to hidden_states[feature_layer] (pre-LayerNorm blocks, quick GELU). Only the layers
// that feed the selected hidden state are built and run (23 of 24 for LLaVA). Parameter names follow the canonical
// layout below `vision_model.` (keys.h). Not thread-safe while a forward runs (LibTorch modules are not).
class VisionTowerImpl : public torch::nn::Module {
 public:
  explicit VisionTowerImpl(const VisionConfig& config);

  // pixels: [B, C, S, S] normalised (S = config.image_size) -> [B, G*G, D] (or [B, G*G + 1, D] when the class
  // token is kept), in the module's dtype.
  torch::Tensor forward(const torch::Tensor& pixels);

  const VisionConfig& config() const { return config_; }
  // How many encoder layers run: feature_layer counted Python-style over hidden_states (embeddings first).
  int LayersRun() const;

 private:
  VisionConfig config_;
  std::shared_ptr<torch::nn::Module> vision_model_;
};
TORCH_MODULE(VisionTower);

}  // namespace mgrs::model
