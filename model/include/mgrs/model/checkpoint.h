// Checkpoint folders: ours (config.json + safetensors) and Hugging Face folders in every supported key layout
// (keys.h), read into canonical names; `skymoe convert` and `skymoe inspect` are thin wrappers over this file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "mgrs/core/status.h"
#include "mgrs/model/config.h"
#include "mgrs/model/keys.h"

namespace mgrs::model {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

enum class WeightFormat { kSafetensors, kTorchZip };

// What a model folder holds. Weights: model.safetensors, model.safetensors.index.json + shards,
// pytorch_model.bin, or pytorch_model.bin.index.json + shards (safetensors preferred when both exist).
struct ModelFolder {
  std::string dir;
  WeightFormat format = WeightFormat::kSafetensors;
  std::vector<std::string> weight_files;  // paths, in shard order
  std::string config_path;                // config.json, or empty
  std::string tokenizer_path;             // tokenizer.model, or empty
  std::string preprocessor_path;          // preprocessor_config.json, or empty
};

// Lists a folder's files. An index's shard names must be plain file names inside the folder. Failure: NotFound
// (no weights), ParseError (bad index JSON).
Result<ModelFolder> ScanModelFolder(const std::string& dir);

// Builds a ModelConfig from Hugging Face configs, with Hugging Face's class defaults for absent fields:
// `config_json` is a LlavaConfig (llava-hf: text_config + vision_config), a liuhaotian LlavaLlamaConfig (LLaMA
// fields at the top, mm_* fields), a LlamaConfig, or a CLIPConfig / CLIPVisionConfig. `vision_config_json`
// (optional) is the config.json of a separate CLIP folder (liuhaotian's --vision-tower). `preprocessor_json`
// (optional) supplies image_mean / image_std. Parts a config does not describe keep ModelConfig's defaults.
Result<ModelConfig> ModelConfigFromHuggingFace(const std::string& config_json, const std::string& vision_config_json,
                                               const std::string& preprocessor_json);

// A checkpoint in memory under canonical names.
struct Checkpoint {
  ModelConfig config;
  std::string tokenizer_path;  // empty when the folder has none
  NamedTensors tensors;        // in the order of ExpectedTensors(config), restricted to what was found
};

struct LoadOptions {
  std::string vision_tower_dir;  // a separate CLIP folder (liuhaotian layout)
  bool allow_partial = false;    // accept a checkpoint without some expected tensors (e.g. Vicuna alone)
};

// Reads our checkpoint or a Hugging Face folder. Every tensor is mapped to its canonical name and checked
// against ExpectedTensors(config): unknown names, duplicates and wrong shapes are refused (Corruption), missing
// ones too unless allow_partial. The position embedding may have any square grid (the vision tower interpolates
// it). Tensors read from safetensors are zero-copy views of the file mapping (kept alive by the tensors);
// tensors from .bin files are owned copies. dtypes are kept as stored.
Result<Checkpoint> LoadCheckpoint(const std::string& dir, const LoadOptions& options = {});

// Writes our checkpoint format into `dir` (created if needed): config.json, model.safetensors, and a copy of
// `tokenizer_path` as tokenizer.model when given. Each file is written atomically.
Status SaveCheckpoint(const std::string& dir, const ModelConfig& config, const NamedTensors& tensors,
                      const std::string& tokenizer_path = "");

struct ConvertOptions {
  std::string from_dir;
  std::string vision_tower_dir;
  std::string out_dir;
  int image_size = 0;  // > 0: the vision tower runs at this size (e.g. 504); the grid is interpolated at load
  std::string dtype;   // "", "f32", "f16" or "bf16" ("" keeps the stored dtype)
  bool allow_partial = false;
};

struct ConvertReport {
  KeyLayout layout = KeyLayout::kCanonical;
  KeyLayout vision_layout = KeyLayout::kCanonical;  // when a vision tower folder was given
  int64_t tensors_written = 0;
  int64_t tensors_skipped = 0;  // known but unused keys (rotary inv_freq, CLIP's text tower, ...)
  int64_t bytes_written = 0;
  std::vector<std::string> missing;  // expected tensors not found (only with allow_partial)
};

// Converts a Hugging Face folder (+ optional separate CLIP folder) into our format in `out_dir`: one output
// safetensors shard per input shard (model-0000i-of-0000n.safetensors + model.safetensors.index.json when more
// than one), config.json, tokenizer.model. Only one input shard is in memory at a time. Refuses what
// LoadCheckpoint refuses.
Result<ConvertReport> ConvertCheckpoint(const ConvertOptions& options);

// Names, shapes, dtypes and parameter counts of a checkpoint, from headers only (no tensor data is read).
struct TensorSummary {
  std::string name;  // canonical
  std::string dtype;
  std::vector<int64_t> shape;
  int64_t numel = 0;
  keys::Part part = keys::Part::kOther;
};
struct CheckpointSummary {
  ModelConfig config;
  KeyLayout layout = KeyLayout::kCanonical;
  std::vector<TensorSummary> tensors;
  std::map<keys::Part, int64_t> parameters_by_part;
  int64_t total_parameters = 0;
  // Parameters one token passes through: everything but the experts, plus top_k of the E experts of each MoE
  // layer (routers counted whole). Equals total_parameters for a dense checkpoint. The paper's "9.36B trainable"
  // corresponds to two experts per MoE layer, i.e. this count, not the total over all eight.
  int64_t active_parameters_per_token = 0;
};
Result<CheckpointSummary> InspectCheckpoint(const std::string& dir, const std::string& vision_tower_dir = "");

}  // namespace mgrs::model
