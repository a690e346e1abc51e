// Canonical tensor names of a SkyMoE checkpoint (llava-hf's LlavaForConditionalGeneration layout, transformers
// < 4.52) and the key layouts of the public checkpoints that map onto them. docs/model.md lists every rule.
//
// Canonical names (N = layer, E = expert):
//   vision_tower.vision_model.embeddings.class_embedding                      [Dv]
//   vision_tower.vision_model.embeddings.patch_embedding.weight               [Dv, 3, P, P]  (no bias)
//   vision_tower.vision_model.embeddings.position_embedding.weight            [G*G + 1, Dv]
//   vision_tower.vision_model.pre_layrnorm.{weight,bias}                      [Dv]  (sic, as CLIP spells it)
//   vision_tower.vision_model.encoder.layers.N.layer_norm1.{weight,bias}
//   vision_tower.vision_model.encoder.layers.N.self_attn.{q,k,v,out}_proj.{weight,bias}
//   vision_tower.vision_model.encoder.layers.N.layer_norm2.{weight,bias}
//   vision_tower.vision_model.encoder.layers.N.mlp.{fc1,fc2}.{weight,bias}
//   vision_tower.vision_model.post_layernorm.{weight,bias}                    (optional; LLaVA never uses it)
//   multi_modal_projector.linear_1.{weight,bias}                              [Dt, Dv], [Dt]
//   multi_modal_projector.linear_2.{weight,bias}                              [Dt, Dt], [Dt]
//   language_model.model.embed_tokens.weight                                  [V, Dt]
//   language_model.model.layers.N.self_attn.{q,k,v,o}_proj.weight
//   language_model.model.layers.N.mlp.{gate,up,down}_proj.weight              (dense layers)
//   language_model.model.layers.N.mlp.router.weight                           [E, Dt]   (MoE layers, part 2)
//   language_model.model.layers.N.mlp.experts.E.{gate,up,down}_proj.weight    (MoE layers, part 2)
//   language_model.model.layers.N.{input_layernorm,post_attention_layernorm}.weight
//   language_model.model.norm.weight
//   language_model.lm_head.weight                                             [V, Dt]
// Register LibTorch submodules under these names so `named_parameters()` equals the checkpoint's keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mgrs::model {

struct ModelConfig;

namespace keys {

inline constexpr std::string_view kVisionPrefix = "vision_tower.vision_model.";
inline constexpr std::string_view kProjectorPrefix = "multi_modal_projector.";
inline constexpr std::string_view kTextModelPrefix = "language_model.model.";
inline constexpr std::string_view kLmHead = "language_model.lm_head.weight";

// "vision_tower.vision_model.encoder.layers.<layer>.<rest>"
std::string VisionLayer(int layer, std::string_view rest);
// "language_model.model.layers.<layer>.<rest>"
std::string TextLayer(int layer, std::string_view rest);
// "language_model.model.layers.<layer>.mlp.experts.<expert>.<rest>"
std::string Expert(int layer, int expert, std::string_view rest);
// "vision_tower.vision_model.<rest>", "multi_modal_projector.<rest>", "language_model.model.<rest>"
std::string Vision(std::string_view rest);
std::string Projector(std::string_view rest);
std::string TextModel(std::string_view rest);

// Which part of the model a canonical name belongs to (for parameter counts).
enum class Part { kVision, kProjector, kLanguageModel, kExperts, kOther };
Part PartOf(std::string_view canonical_name);
const char* PartName(Part part);  // "vision", "projector", "language model", "experts", "other"

}  // namespace keys

// A tensor the model expects: canonical name and shape.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};

// Every tensor of `config`'s model, in a stable order (vision, projector, language model). The position
// embedding has the rows of config.vision.image_size; a checkpoint may carry another grid (interpolated at load).
// post_layernorm is not listed (LLaVA never runs it). MoE layers list router + experts instead of the dense FFN.
std::vector<TensorSpec> ExpectedTensors(const ModelConfig& config);

// The public checkpoint layouts we read.
enum class KeyLayout {
  kCanonical,        // ours (== llava-hf before transformers 4.52)
  kLlavaHfNew,       // llava-hf re-saved by transformers >= 4.52: model.language_model.*, model.vision_tower.*, ...
  kLiuhaotianLlava,  // liuhaotian/llava-v1.5-7b: model.*, model.mm_projector.{0,2}.*, lm_head.*; no vision tower
  kLlama,            // lmsys/vicuna-7b-v1.5 (LlamaForCausalLM): model.*, lm_head.*
  kOpenaiClip,       // openai/clip-vit-large-patch14-336 (CLIPModel): vision_model.*, text_model.*, ...
};
const char* KeyLayoutName(KeyLayout layout);  // "canonical", "llava-hf-new", "liuhaotian-llava", "llama", "openai-clip"

// What becomes of one source key.
struct KeyMapping {
  enum class Action {
    kKeep,     // `name` is the canonical name
    kSkip,     // known but unused (rotary inv_freq, position_ids, CLIP's text tower, logit_scale, ...)
    kUnknown,  // not part of the layout: the caller refuses the checkpoint
  };
  Action action = Action::kUnknown;
  std::string name;
};

// Maps `key` of a checkpoint in `layout` to its canonical name. Pure; thread-safe.
KeyMapping MapToCanonical(KeyLayout layout, std::string_view key);

// Guesses the layout from a checkpoint's key set (e.g. "model.mm_projector.0.weight" => liuhaotian).
// Returns false when no layout fits; `layout` is then unchanged.
bool DetectKeyLayout(const std::vector<std::string>& source_keys, KeyLayout* layout);

}  // namespace mgrs::model
