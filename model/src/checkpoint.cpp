// Checkpoint folders: scanning, Hugging Face configs, loading into canonical names, conversion and inspection.
#include "mgrs/model/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_map>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/core/text.h"
#include "mgrs/model/pickle.h"
#include "mgrs/model/safetensors.h"

namespace mgrs::model {
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

bool IsFile(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

std::string IfExists(const fs::path& path) { return IsFile(path) ? path.string() : std::string(); }

Result<Json> ParseJsonFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  try {
    return Json::parse(*text);
  } catch (const Json::exception& e) {
    return ParseError(path + ": bad JSON: " + e.what());
  }
}

// The shard files of a `*.index.json`, in sorted order; each must be a plain file name that exists in `dir`.
Result<std::vector<std::string>> ReadWeightIndex(const fs::path& index_path) {
  auto json = ParseJsonFile(index_path.string());
  if (!json.ok()) return json.status();
  if (!json->is_object() || !json->contains("weight_map") || !(*json)["weight_map"].is_object()) {
    return ParseError(index_path.string() + ": no weight_map object");
  }
  std::set<std::string> shards;
  for (const auto& [name, file] : (*json)["weight_map"].items()) {
    if (!file.is_string()) return ParseError(index_path.string() + ": weight_map[\"" + name + "\"] is not a string");
    const std::string shard = file.get<std::string>();
    if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..") {
      return ParseError(index_path.string() + ": shard name \"" + shard + "\" is not a plain file name");
    }
    shards.insert(shard);
  }
  std::vector<std::string> paths;
  for (const auto& shard : shards) {
    const fs::path path = index_path.parent_path() / shard;
    if (!IsFile(path)) return NotFound(index_path.string() + ": shard " + shard + " is missing");
    paths.push_back(path.string());
  }
  if (paths.empty()) return ParseError(index_path.string() + ": empty weight_map");
  return paths;
}

template <typename T>
T Get(const Json& object, const char* key, T fallback) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) return fallback;
  return object[key].get<T>();
}

// LlamaConfig's fields, with transformers' LlamaConfig defaults.
void ReadLlamaFields(const Json& j, TextConfig* t) {
  t->vocab_size = Get(j, "vocab_size", 32000);
  t->hidden_size = Get(j, "hidden_size", 4096);
  t->intermediate_size = Get(j, "intermediate_size", 11008);
  t->num_layers = Get(j, "num_hidden_layers", 32);
  t->num_heads = Get(j, "num_attention_heads", 32);
  t->num_kv_heads = Get(j, "num_key_value_heads", t->num_heads);
  t->rms_norm_eps = Get(j, "rms_norm_eps", 1e-6);
  t->rope_theta = Get(j, "rope_theta", 10000.0);
  t->max_position_embeddings = Get(j, "max_position_embeddings", 2048);
  t->bos_id = Get(j, "bos_token_id", 1);
  t->eos_id = Get(j, "eos_token_id", 2);
  // LLaVA pads with <unk> (0); a config's own pad id wins when it lies inside the vocabulary.
  const int pad = Get(j, "pad_token_id", 0);
  t->pad_id = pad >= 0 && pad < t->vocab_size ? pad : 0;
  t->tie_word_embeddings = Get(j, "tie_word_embeddings", false);
  t->hidden_act = Get<std::string>(j, "hidden_act", "silu");
}

// CLIPVisionConfig's fields, with transformers' CLIPVisionConfig defaults.
void ReadClipVisionFields(const Json& j, VisionConfig* v) {
  v->hidden_size = Get(j, "hidden_size", 768);
  v->intermediate_size = Get(j, "intermediate_size", 3072);
  v->num_layers = Get(j, "num_hidden_layers", 12);
  v->num_heads = Get(j, "num_attention_heads", 12);
  v->num_channels = Get(j, "num_channels", 3);
  v->image_size = Get(j, "image_size", 224);
  v->patch_size = Get(j, "patch_size", 32);
  v->layer_norm_eps = Get(j, "layer_norm_eps", 1e-5);
  v->hidden_act = Get<std::string>(j, "hidden_act", "quick_gelu");
}

// The vision part of a CLIP folder's config.json (CLIPConfig or CLIPVisionConfig).
Status ReadClipConfig(const Json& j, VisionConfig* v) {
  const std::string type = Get<std::string>(j, "model_type", "");
  if (type == "clip") {
    ReadClipVisionFields(j.contains("vision_config") ? j["vision_config"] : Json::object(), v);
  } else if (type == "clip_vision_model") {
    ReadClipVisionFields(j, v);
  } else {
    return InvalidArgument("vision tower config.json: model_type \"" + type + "\" is not a CLIP model");
  }
  return Status::Ok();
}

bool IsOurConfig(const Json& j) {
  return j.is_object() && !j.contains("model_type") && j.contains("text") && j.contains("vision");
}

// Reads the model config of a folder: ours, or Hugging Face's (+ the separate vision tower's).
Result<ModelConfig> ReadFolderConfig(const ModelFolder& folder, const ModelFolder* vision_folder) {
  if (folder.config_path.empty()) return NotFound(folder.dir + ": no config.json");
  auto text = ReadFile(folder.config_path);
  if (!text.ok()) return text.status();
  Json json;
  try {
    json = Json::parse(*text);
  } catch (const Json::exception& e) {
    return ParseError(folder.config_path + ": bad JSON: " + e.what());
  }
  if (IsOurConfig(json)) return ReadModelConfig(folder.config_path);
  std::string vision_text;
  std::string preprocessor_text;
  if (vision_folder != nullptr) {
    if (vision_folder->config_path.empty()) return NotFound(vision_folder->dir + ": no config.json");
    auto v = ReadFile(vision_folder->config_path);
    if (!v.ok()) return v.status();
    vision_text = *v;
  }
  for (const ModelFolder* f : {vision_folder, &folder}) {
    if (f != nullptr && !f->preprocessor_path.empty()) {
      auto p = ReadFile(f->preprocessor_path);
      if (!p.ok()) return p.status();
      preprocessor_text = *p;
    }
  }
  auto config = ModelConfigFromHuggingFace(*text, vision_text, preprocessor_text);
  if (!config.ok()) return Status(config.status().code(), folder.config_path + ": " + config.status().message());
  return config;
}

// One weight file's tensor names, dtypes and shapes, without data.
struct SourceTensor {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
};

Result<std::vector<SourceTensor>> ListShard(const std::string& path, WeightFormat format) {
  std::vector<SourceTensor> list;
  if (format == WeightFormat::kSafetensors) {
    auto file = SafetensorsFile::Open(path);
    if (!file.ok()) return file.status();
    for (const auto& e : (*file)->entries()) list.push_back({e.name, e.dtype_name, e.shape});
  } else {
    auto index = ReadTorchZipIndex(path);
    if (!index.ok()) return index.status();
    for (const auto& e : *index) list.push_back({e.name, e.dtype, e.shape});
  }
  return list;
}

Result<NamedTensors> ReadShard(const std::string& path, WeightFormat format) {
  if (format == WeightFormat::kTorchZip) return LoadTorchZipStateDict(path);
  auto file = SafetensorsFile::Open(path);
  if (!file.ok()) return file.status();
  NamedTensors tensors;
  for (const auto& e : (*file)->entries()) {
    auto t = (*file)->Tensor(e.name);
    if (!t.ok()) return t.status();
    tensors.emplace_back(e.name, std::move(*t));
  }
  return tensors;
}

// Checks mapped tensors against the model's expected names and shapes; remembers what it has seen.
class ExpectedSet {
 public:
  explicit ExpectedSet(const ModelConfig& config) : specs_(ExpectedTensors(config)) {
    for (size_t i = 0; i < specs_.size(); ++i) index_[specs_[i].name] = i;
    seen_.assign(specs_.size(), false);
  }

  // The expected position of `name`, or an error naming the problem.
  Result<size_t> Accept(const std::string& name, const std::vector<int64_t>& shape, const std::string& source) {
    const auto it = index_.find(name);
    if (it == index_.end()) return Corruption(source + ": unexpected tensor " + name + " for this configuration");
    if (seen_[it->second]) return Corruption(source + ": tensor " + name + " appears twice");
    const auto& expected = specs_[it->second].shape;
    bool ok = shape == expected;
    if (name == keys::Vision("embeddings.position_embedding.weight") && shape.size() == 2 && shape[1] == expected[1] &&
        shape[0] >= 2) {
      // Any square grid plus the class row: the vision tower interpolates it to the configured image size.
      const auto grid = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(shape[0] - 1))));
      ok = grid * grid == shape[0] - 1;
    }
    if (!ok) {
      return Corruption(source + ": tensor " + name + " has shape " + ShapeText(shape) + ", the config implies " +
                        ShapeText(expected));
    }
    seen_[it->second] = true;
    return it->second;
  }

  std::vector<std::string> Missing() const {
    std::vector<std::string> missing;
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (!seen_[i]) missing.push_back(specs_[i].name);
    }
    return missing;
  }

  static std::string ShapeText(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
  }

 private:
  std::vector<TensorSpec> specs_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<bool> seen_;
};

Status CheckComplete(const ExpectedSet& expected, bool allow_partial, const std::string& dir) {
  const auto missing = expected.Missing();
  if (missing.empty() || allow_partial) return Status::Ok();
  return Corruption(
      dir + ": " + std::to_string(missing.size()) + " expected tensors are missing, first " + missing.front() +
      (StartsWith(missing.front(), keys::kVisionPrefix) ? " (a liuhaotian LLaVA folder needs --vision-tower)" : ""));
}

// A folder's shards with the key layout that applies to them.
struct Source {
  ModelFolder folder;
  KeyLayout layout = KeyLayout::kCanonical;
  bool vision_only = false;  // the separate CLIP folder may only supply vision tensors
};

Result<KeyLayout> DetectFolderLayout(const ModelFolder& folder) {
  std::vector<std::string> names;
  for (const auto& path : folder.weight_files) {
    auto list = ListShard(path, folder.format);
    if (!list.ok()) return list.status();
    for (auto& t : *list) names.push_back(std::move(t.name));
  }
  KeyLayout layout = KeyLayout::kCanonical;
  if (!DetectKeyLayout(names, &layout)) return Corruption(folder.dir + ": the tensor names match no known layout");
  return layout;
}

// Everything LoadCheckpoint, ConvertCheckpoint and InspectCheckpoint share: config and sources.
struct Plan {
  ModelConfig config;
  std::vector<Source> sources;  // the main folder first
};

Result<Plan> MakePlan(const std::string& dir, const std::string& vision_tower_dir) {
  Plan plan;
  auto folder = ScanModelFolder(dir);
  if (!folder.ok()) return folder.status();
  plan.sources.push_back({std::move(*folder), KeyLayout::kCanonical, false});
  if (!vision_tower_dir.empty()) {
    auto vision = ScanModelFolder(vision_tower_dir);
    if (!vision.ok()) return vision.status();
    plan.sources.push_back({std::move(*vision), KeyLayout::kCanonical, true});
  }
  auto config =
      ReadFolderConfig(plan.sources.front().folder, plan.sources.size() > 1 ? &plan.sources.back().folder : nullptr);
  if (!config.ok()) return config.status();
  plan.config = std::move(*config);
  for (auto& source : plan.sources) {
    auto layout = DetectFolderLayout(source.folder);
    if (!layout.ok()) return layout.status();
    source.layout = *layout;
  }
  return plan;
}

// Maps one source name; false for a skipped key.
Result<bool> MapName(const Source& source, const std::string& key, const std::string& path, std::string* name) {
  const KeyMapping mapping = MapToCanonical(source.layout, key);
  if (mapping.action == KeyMapping::Action::kSkip) return false;
  if (mapping.action == KeyMapping::Action::kUnknown) {
    return Corruption(path + ": tensor " + key + " is not part of the " + KeyLayoutName(source.layout) + " layout");
  }
  if (source.vision_only && keys::PartOf(mapping.name) != keys::Part::kVision) {
    return Corruption(path + ": the vision tower folder holds a non-vision tensor " + key);
  }
  *name = mapping.name;
  return true;
}

// std::optional, not c10::optional: 1.13's c10::optional is a class of its own, while in LibTorch 2.x it is a
// deprecated alias of std::optional (gone under C10_NODEPRECATED) that the headers need not declare at all.
Result<std::optional<c10::ScalarType>> ParseDType(const std::string& dtype) {
  if (dtype.empty()) return std::optional<c10::ScalarType>();
  if (dtype == "f32") return std::optional<c10::ScalarType>(c10::ScalarType::Float);
  if (dtype == "f16") return std::optional<c10::ScalarType>(c10::ScalarType::Half);
  if (dtype == "bf16") return std::optional<c10::ScalarType>(c10::ScalarType::BFloat16);
  return InvalidArgument("dtype must be f32, f16 or bf16, not \"" + dtype + "\"");
}

Status CopyTokenizer(const std::string& from, const fs::path& dir) {
  if (from.empty()) return Status::Ok();
  auto bytes = ReadFile(from);
  if (!bytes.ok()) return bytes.status();
  return WriteFileAtomically((dir / "tokenizer.model").string(), *bytes);
}

Status MakeDirectory(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return IoError(dir.string() + ": cannot create: " + error.message());
  return Status::Ok();
}

}  // namespace

Result<ModelFolder> ScanModelFolder(const std::string& dir) {
  const fs::path root(dir);
  std::error_code error;
  if (!fs::is_directory(root, error)) return NotFound(dir + ": not a folder");
  ModelFolder folder;
  folder.dir = dir;
  folder.config_path = IfExists(root / "config.json");
  folder.tokenizer_path = IfExists(root / "tokenizer.model");
  folder.preprocessor_path = IfExists(root / "preprocessor_config.json");
  struct Candidate {
    const char* single;
    const char* index;
    WeightFormat format;
  };
  for (const Candidate& c : {Candidate{"model.safetensors", "model.safetensors.index.json", WeightFormat::kSafetensors},
                             Candidate{"pytorch_model.bin", "pytorch_model.bin.index.json", WeightFormat::kTorchZip}}) {
    folder.format = c.format;
    if (IsFile(root / c.index)) {
      auto shards = ReadWeightIndex(root / c.index);
      if (!shards.ok()) return shards.status();
      folder.weight_files = std::move(*shards);
      return folder;
    }
    if (IsFile(root / c.single)) {
      folder.weight_files = {(root / c.single).string()};
      return folder;
    }
  }
  return NotFound(dir + ": no model.safetensors, pytorch_model.bin or shard index");
}

Result<ModelConfig> ModelConfigFromHuggingFace(const std::string& config_json, const std::string& vision_config_json,
                                               const std::string& preprocessor_json) {
  ModelConfig config;
  try {
    const Json j = Json::parse(config_json);
    if (!j.is_object()) return ParseError("config.json is not an object");
    const std::string type = Get<std::string>(j, "model_type", "");
    config.name = Get<std::string>(j, "_name_or_path", "");
    if (type == "llava" && j.contains("text_config")) {  // llava-hf LlavaConfig
      ReadLlamaFields(j["text_config"], &config.text);
      ReadClipVisionFields(j.contains("vision_config") ? j["vision_config"] : Json::object(), &config.vision);
      config.vision.feature_layer = Get(j, "vision_feature_layer", -2);
      config.vision.drop_class_token = Get<std::string>(j, "vision_feature_select_strategy", "default") == "default";
      config.projector.hidden_act = Get<std::string>(j, "projector_hidden_act", "gelu");
    } else if (type == "llava" || type == "llava_llama" || type == "moe_llava_llama" || type == "llama") {
      ReadLlamaFields(j, &config.text);
      if (type != "llama") {
        if (vision_config_json.empty()) {
          return InvalidArgument("a liuhaotian-style LLaVA folder holds no vision tower (mm_vision_tower = " +
                                 Get<std::string>(j, "mm_vision_tower", "?") +
                                 "): pass its CLIP folder with --vision-tower DIR");
        }
        config.vision.feature_layer = Get(j, "mm_vision_select_layer", -2);
        config.vision.drop_class_token = Get<std::string>(j, "mm_vision_select_feature", "patch") == "patch";
        const std::string projector = Get<std::string>(j, "mm_projector_type", "mlp2x_gelu");
        if (projector != "mlp2x_gelu") return InvalidArgument("unsupported mm_projector_type " + projector);
      }
    } else if (type == "clip" || type == "clip_vision_model") {
      MGRS_RETURN_IF_ERROR(ReadClipConfig(j, &config.vision));
    } else {
      return InvalidArgument("unsupported model_type \"" + type + "\"");
    }
    if (!vision_config_json.empty())
      MGRS_RETURN_IF_ERROR(ReadClipConfig(Json::parse(vision_config_json), &config.vision));
    if (!preprocessor_json.empty()) {
      const Json p = Json::parse(preprocessor_json);
      config.vision.image_mean = Get(p, "image_mean", config.vision.image_mean);
      config.vision.image_std = Get(p, "image_std", config.vision.image_std);
    }
  } catch (const Json::exception& e) {
    return ParseError(std::string("Hugging Face config: ") + e.what());
  }
  MGRS_RETURN_IF_ERROR(ValidateModelConfig(config));
  return config;
}

Result<Checkpoint> LoadCheckpoint(const std::string& dir, const LoadOptions& options) {
  auto plan = MakePlan(dir, options.vision_tower_dir);
  if (!plan.ok()) return plan.status();
  Checkpoint checkpoint;
  checkpoint.config = plan->config;
  checkpoint.tokenizer_path = plan->sources.front().folder.tokenizer_path;
  ExpectedSet expected(plan->config);
  std::vector<std::pair<size_t, std::pair<std::string, at::Tensor>>> found;
  for (const auto& source : plan->sources) {
    for (const auto& path : source.folder.weight_files) {
      auto shard = ReadShard(path, source.folder.format);
      if (!shard.ok()) return shard.status();
      for (auto& [key, tensor] : *shard) {
        std::string name;
        auto keep = MapName(source, key, path, &name);
        if (!keep.ok()) return keep.status();
        if (!*keep) continue;
        auto position = expected.Accept(name, tensor.sizes().vec(), path);
        if (!position.ok()) return position.status();
        found.push_back({*position, {name, std::move(tensor)}});
      }
    }
  }
  MGRS_RETURN_IF_ERROR(CheckComplete(expected, options.allow_partial, dir));
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& item : found) checkpoint.tensors.push_back(std::move(item.second));
  return checkpoint;
}

Status SaveCheckpoint(const std::string& dir, const ModelConfig& config, const NamedTensors& tensors,
                      const std::string& tokenizer_path) {
  MGRS_RETURN_IF_ERROR(ValidateModelConfig(config));
  const fs::path root(dir);
  MGRS_RETURN_IF_ERROR(MakeDirectory(root));
  MGRS_RETURN_IF_ERROR(WriteSafetensors((root / "model.safetensors").string(), tensors));
  MGRS_RETURN_IF_ERROR(CopyTokenizer(tokenizer_path, root));
  return WriteModelConfig(config, (root / "config.json").string());
}

Result<ConvertReport> ConvertCheckpoint(const ConvertOptions& options) {
  auto dtype = ParseDType(options.dtype);
  if (!dtype.ok()) return dtype.status();
  auto plan = MakePlan(options.from_dir, options.vision_tower_dir);
  if (!plan.ok()) return plan.status();
  ModelConfig config = plan->config;
  if (options.image_size > 0) config.vision.image_size = options.image_size;
  MGRS_RETURN_IF_ERROR(ValidateModelConfig(config));
  const fs::path out(options.out_dir);
  MGRS_RETURN_IF_ERROR(MakeDirectory(out));

  ConvertReport report;
  report.layout = plan->sources.front().layout;
  if (plan->sources.size() > 1) report.vision_layout = plan->sources.back().layout;
  ExpectedSet expected(plan->config);  // shapes are checked against the stored grid, not the new image size
  size_t shard_count = 0;
  for (const auto& source : plan->sources) shard_count += source.folder.weight_files.size();
  auto shard_name = [shard_count](size_t i) {
    if (shard_count == 1) return std::string("model.safetensors");
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "model-%05zu-of-%05zu.safetensors", i + 1, shard_count);
    return std::string(buffer);
  };
  Json weight_map = Json::object();
  size_t shard_index = 0;
  for (const auto& source : plan->sources) {
    for (const auto& path : source.folder.weight_files) {
      auto shard = ReadShard(path, source.folder.format);  // the only shard in memory
      if (!shard.ok()) return shard.status();
      NamedTensors output;
      const std::string file = shard_name(shard_index++);
      for (auto& [key, tensor] : *shard) {
        std::string name;
        auto keep = MapName(source, key, path, &name);
        if (!keep.ok()) return keep.status();
        if (!*keep) {
          ++report.tensors_skipped;
          continue;
        }
        auto position = expected.Accept(name, tensor.sizes().vec(), path);
        if (!position.ok()) return position.status();
        if (dtype->has_value() && tensor.is_floating_point()) tensor = tensor.to(**dtype);
        report.bytes_written += static_cast<int64_t>(tensor.numel() * tensor.element_size());
        weight_map[name] = file;
        output.emplace_back(name, std::move(tensor));
      }
      report.tensors_written += static_cast<int64_t>(output.size());
      MGRS_RETURN_IF_ERROR(WriteSafetensors((out / file).string(), output));
    }
  }
  MGRS_RETURN_IF_ERROR(CheckComplete(expected, options.allow_partial, options.from_dir));
  report.missing = expected.Missing();
  if (shard_count > 1) {
    const Json index = {{"metadata", {{"total_size", report.bytes_written}}}, {"weight_map", weight_map}};
    MGRS_RETURN_IF_ERROR(WriteFileAtomically((out / "model.safetensors.index.json").string(), index.dump(2) + "\n"));
  }
  MGRS_RETURN_IF_ERROR(CopyTokenizer(plan->sources.front().folder.tokenizer_path, out));
  MGRS_RETURN_IF_ERROR(WriteModelConfig(config, (out / "config.json").string()));
  return report;
}

Result<CheckpointSummary> InspectCheckpoint(const std::string& dir, const std::string& vision_tower_dir) {
  auto plan = MakePlan(dir, vision_tower_dir);
  if (!plan.ok()) return plan.status();
  CheckpointSummary summary;
  summary.config = plan->config;
  summary.layout = plan->sources.front().layout;
  for (const auto& source : plan->sources) {
    for (const auto& path : source.folder.weight_files) {
      auto list = ListShard(path, source.folder.format);
      if (!list.ok()) return list.status();
      for (auto& t : *list) {
        std::string name;
        auto keep = MapName(source, t.name, path, &name);
        if (!keep.ok()) return keep.status();
        if (!*keep) continue;
        TensorSummary s;
        s.name = name;
        s.dtype = t.dtype;
        s.shape = t.shape;
        s.numel = 1;
        for (int64_t d : t.shape) s.numel *= d;
        s.part = keys::PartOf(name);
        summary.parameters_by_part[s.part] += s.numel;
        summary.total_parameters += s.numel;
        summary.tensors.push_back(std::move(s));
      }
    }
  }
  std::sort(summary.tensors.begin(), summary.tensors.end(),
            [](const TensorSummary& a, const TensorSummary& b) { return a.name < b.name; });
  // Expert weights are shared out over the experts; a token uses top_k of them in each MoE layer.
  const MoeConfig& moe = summary.config.moe;
  int64_t expert_weights = 0;
  for (const auto& t : summary.tensors) {
    if (t.name.find(".mlp.experts.") != std::string::npos) expert_weights += t.numel;
  }
  summary.active_parameters_per_token = summary.total_parameters - expert_weights;
  if (moe.enabled() && expert_weights > 0) {
    summary.active_parameters_per_token += expert_weights / moe.num_experts * std::min(moe.top_k, moe.num_experts);
  } else {
    summary.active_parameters_per_token += expert_weights;
  }
  return summary;
}

}  // namespace mgrs::model
