// ModelConfig: every dimension of a SkyMoE / LLaVA-1.5 model, read from and written to JSON.
// The JSON form is what `manifests/models/*.json` and a checkpoint's `config.json` hold (docs/model.md).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::model {

// CLIP ViT vision tower (pre-LayerNorm, quick GELU). Defaults: openai/clip-vit-large-patch14-336.
struct VisionConfig {
  int image_size = 336;  // the input size the model runs at; the checkpoint's position grid is interpolated to it
  int patch_size = 14;
  int hidden_size = 1024;
  int num_layers = 24;
  int num_heads = 16;
  int intermediate_size = 4096;
  int num_channels = 3;
  // Which hidden state feeds the projector, Python-style: -2 = output of the second-to-last encoder layer.
  int feature_layer = -2;
  bool drop_class_token = true;  // LLaVA's "default" feature select strategy
  double layer_norm_eps = 1e-5;
  std::string hidden_act = "quick_gelu";
  std::array<double, 3> image_mean = {0.48145466, 0.4578275, 0.40821073};
  std::array<double, 3> image_std = {0.26862954, 0.26130258, 0.27577711};

  int GridSize() const { return image_size / patch_size; }    // 24 at 336, 36 at 504
  int NumPatches() const { return GridSize() * GridSize(); }  // 576 at 336, 1296 at 504
  int NumPositions() const { return NumPatches() + 1; }       // + the class position
  int HeadDim() const { return num_heads > 0 ? hidden_size / num_heads : 0; }
};

// LLaVA-1.5's mlp2x_gelu projector: Linear(vision hidden -> text hidden), GELU, Linear(text hidden -> text hidden).
struct ProjectorConfig {
  std::string type = "mlp2x_gelu";  // the only type supported
  std::string hidden_act = "gelu";  // exact (erf) GELU, as nn.GELU()
};

// LLaMA decoder. Defaults: lmsys/vicuna-7b-v1.5.
struct TextConfig {
  int vocab_size = 32000;
  int hidden_size = 4096;
  int num_layers = 32;
  int num_heads = 32;
  int num_kv_heads = 32;
  int intermediate_size = 11008;
  double rms_norm_eps = 1e-5;
  double rope_theta = 10000.0;
  int max_position_embeddings = 4096;
  int bos_id = 1;
  int eos_id = 2;
  int pad_id = 0;  // LLaVA pads with <unk> = 0
  bool tie_word_embeddings = false;
  std::string hidden_act = "silu";

  int HeadDim() const { return num_heads > 0 ? hidden_size / num_heads : 0; }
};

// Mixture-of-experts (part 2). num_experts <= 1 means a dense model.
struct MoeConfig {
  int num_experts = 0;
  int top_k = 2;
  // Which decoder layers carry experts: "every_second" (0-based 0, 2, 4, ...: MoE-LLaVA's "sparse"), "all",
  // "none", or "explicit" (then `layers` lists them).
  std::string layer_mode = "every_second";
  std::vector<int> layers;
  double capacity_factor = 0.0;       // training; 0 = dropless
  double eval_capacity_factor = 0.0;  // evaluation; 0 = dropless
  double aux_loss_coef = 0.01;        // alpha of the load-balancing loss, summed over MoE layers (MoE-LLaVA)
  // "none": every choice is an argmax of the router probabilities. "gumbel": in training only, the 2nd..k-th
  // choices are the argmax of logits + Gumbel(0, 1) noise with the earlier choices excluded (DeepSpeed's
  // top2gating); evaluation stays deterministic (DeepSpeed 0.9.5 samples at evaluation too: research/model.md 1.3).
  std::string router_noise = "none";

  bool enabled() const { return num_experts > 1; }
  // The 0-based decoder layers that carry experts in a decoder of `num_layers` layers.
  std::vector<int> MoeLayers(int num_layers) const;
};

// LoRA (part 2). Defaults: the paper's Stage I (rank 64 on W_q and W_v).
struct LoraConfig {
  int rank = 64;
  double alpha = 16.0;  // GeoChat's code; scaling = alpha / rank
  double dropout = 0.05;
  std::vector<std::string> targets = {"q_proj", "v_proj"};
};

// Tokenizer and prompt.
struct TokenizerConfig {
  std::string model_file = "tokenizer.model";  // relative to the checkpoint folder
  std::string conversation = "vicuna_v1";      // or "llava_v1" (GeoChat's eval system line)
  int model_max_length = 2048;
};

struct ModelConfig {
  std::string name;  // "skymoe-7b"
  VisionConfig vision;
  ProjectorConfig projector;
  TextConfig text;
  MoeConfig moe;
  LoraConfig lora;
  TokenizerConfig tokenizer;
};

// Parses the JSON form. Absent keys keep the defaults above; unknown keys are refused (a misspelt key must not
// silently fall back to a default). Fails with ParseError (bad JSON, wrong type) or InvalidArgument (Validate).
Result<ModelConfig> ParseModelConfig(const std::string& json_text);
Result<ModelConfig> ReadModelConfig(const std::string& path);

// The JSON form, every field written, 2-space indented. Parse(ToJson(c)) == c.
std::string ModelConfigToJson(const ModelConfig& config);
// Writes atomically (temp file + rename).
Status WriteModelConfig(const ModelConfig& config, const std::string& path);

// Checks the dimensions agree (heads divide hidden sizes, patch divides image size, ids inside the vocabulary, ...).
Status ValidateModelConfig(const ModelConfig& config);

}  // namespace mgrs::model
