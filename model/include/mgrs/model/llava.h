// LLaVA-1.5 / SkyMoE composition: vision tower -> projector -> image features spliced into the LLaMA decoder's
// input embeddings at the image placeholder. Parameter names are the canonical llava-hf layout (keys.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "mgrs/core/status.h"
#include "mgrs/model/config.h"
#include "mgrs/model/llama.h"
#include "mgrs/model/projector.h"
#include "mgrs/model/prompt.h"
#include "mgrs/model/vision.h"

namespace mgrs::model {

// A batch of prompts ready for the decoder, left-padded to the longest (padding embeddings are zero).
struct MultimodalBatch {
  torch::Tensor embeds;          // [B, L, D]
  torch::Tensor key_mask;        // [B, L] int64: 1 = real position, 0 = padding
  torch::Tensor positions;       // [B, L] int64: 0, 1, ... over each prompt's real positions (0 on padding)
  std::vector<int64_t> lengths;  // real positions per prompt
};

class LlavaImpl : public torch::nn::Module {
 public:
  explicit LlavaImpl(const ModelConfig& config);

  // pixels [N, 3, S, S] (PreprocessImage) -> projected features [N, P, D_text].
  torch::Tensor EncodeImages(const torch::Tensor& pixels);

  // Each kImageTokenIndex in `prompts` (in order, over the batch) takes the next row of `image_features`
  // [N, P, D_text]; N may be 0 (undefined tensor) for text-only prompts. kInvalidArgument when the placeholders
  // and images differ in number, an id is outside the vocabulary, or a prompt is empty.
  Result<MultimodalBatch> EmbedPrompts(const std::vector<std::vector<int64_t>>& prompts,
                                       const torch::Tensor& image_features);

  const ModelConfig& config() const { return config_; }
  VisionTower& vision_tower() { return vision_tower_; }
  Projector& projector() { return projector_; }
  LlamaForCausalLM& language_model() { return language_model_; }

 private:
  ModelConfig config_;
  VisionTower vision_tower_{nullptr};
  Projector projector_{nullptr};
  LlamaForCausalLM language_model_{nullptr};
};
TORCH_MODULE(Llava);

// Copies canonical-named tensors into `model`'s parameters (converting dtype). Every parameter must be present
// with its shape, except the vision position table, which may carry any square grid and is resampled
// (InterpolatePositionEmbedding). Tensors the model does not run (post_layernorm, encoder layers past the feature
// layer) are ignored; any other extra tensor is refused. Errors: kNotFound (missing), kInvalidArgument (shape,
// unexpected name). On failure the parameters may be partly written.
Status LoadParameters(LlavaImpl& model, const std::map<std::string, torch::Tensor>& tensors);

// Where and how a model runs.
struct RunOptions {
  std::string device = "cpu";  // "cpu", "cuda" or "cuda:N"
  // "auto" (bf16 on CUDA, fp32 on CPU), "float32", "bfloat16" or "float16".
  std::string dtype = "auto";
  int threads = 0;  // intra-op threads; 0 = the cores this process may use
};

// The model of a checkpoint folder (ours or any Hugging Face layout that LoadCheckpoint reads), built directly in
// the dtype of `options` (so a 7B model never exists in fp32) with its decoder's linear layers on the device
// (LinearDeviceScope), loaded, the rest moved to the device, in evaluation mode. Also sets the thread count. Errors:
// those of LoadCheckpoint and LoadParameters; InvalidArgument for an unknown device or dtype, FailedPrecondition for
// CUDA without a CUDA build.
struct LoadedLlava {
  Llava model{nullptr};
  std::string tokenizer_path;  // empty when the folder has none
};
Result<LoadedLlava> LoadLlava(const std::string& checkpoint_dir, const RunOptions& options);

// A model of `config` with random weights (torch::nn's initialisations after torch::manual_seed(seed)), for
// benchmarks: built in the dtype of `options`, the decoder's linear layers allocated and drawn on the device
// directly (LinearDeviceScope: no host copy of a 7B model's weights), the rest moved there, in evaluation mode.
// Also sets the thread count. Errors: as LoadLlava's for the device and dtype.
Result<Llava> BuildRandomLlava(const ModelConfig& config, const RunOptions& options, uint64_t seed);

}  // namespace mgrs::model
