// LLaVA composition (vision tower, projector, decoder), prompt splicing and parameter loading.
#include "mgrs/model/llava.h"

#include <optional>
#include <set>

#include <torch/torch.h>

#include "mgrs/model/checkpoint.h"
#include "mgrs/model/keys.h"
#include "mgrs/model/runtime.h"

namespace mgrs::model {
namespace {

std::string ShapeText(const at::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// Checkpoint tensors the model deliberately does not hold: LLaVA never runs CLIP's post_layernorm nor the encoder
// layers after the feature layer.
bool IsUnusedVisionTensor(const std::string& name, int layers_run) {
  const std::string prefix(keys::kVisionPrefix);
  if (name.rfind(prefix + "post_layernorm.", 0) == 0) return true;
  const std::string layers = prefix + "encoder.layers.";
  if (name.rfind(layers, 0) != 0) return false;
  const auto rest = name.substr(layers.size());
  const auto dot = rest.find('.');
  if (dot == 0 || dot == std::string::npos) return false;
  for (size_t i = 0; i < dot; ++i) {
    if (rest[i] < '0' || rest[i] > '9') return false;
  }
  return std::stoi(rest.substr(0, dot)) >= layers_run;
}

// Parameters created while this lives get `dtype`, so a model is built directly in bf16 instead of fp32 first.
class DefaultDtypeScope {
 public:
  explicit DefaultDtypeScope(torch::Dtype dtype) : saved_(torch::get_default_dtype()) {
    torch::set_default_dtype(caffe2::TypeMeta::fromScalarType(dtype));
  }
  ~DefaultDtypeScope() { torch::set_default_dtype(saved_); }
  DefaultDtypeScope(const DefaultDtypeScope&) = delete;
  DefaultDtypeScope& operator=(const DefaultDtypeScope&) = delete;

 private:
  caffe2::TypeMeta saved_;
};

Result<torch::Dtype> ParseDtype(const std::string& name, const torch::Device& device) {
  if (name == "auto") return device.is_cuda() ? torch::kBFloat16 : torch::kFloat;
  if (name == "float32" || name == "f32") return torch::kFloat;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  if (name == "float16" || name == "f16") return torch::kHalf;
  return InvalidArgument("unknown dtype \"" + name + "\" (auto, float32, bfloat16, float16)");
}

}  // namespace

LlavaImpl::LlavaImpl(const ModelConfig& config) : config_(config) {
  vision_tower_ = register_module("vision_tower", VisionTower(config_.vision));
  projector_ =
      register_module("multi_modal_projector", Projector(config_.vision.hidden_size, config_.text.hidden_size));
  language_model_ = register_module("language_model", LlamaForCausalLM(config_.text, config_.moe));
}

torch::Tensor LlavaImpl::EncodeImages(const torch::Tensor& pixels) { return projector_(vision_tower_(pixels)); }

Result<MultimodalBatch> LlavaImpl::EmbedPrompts(const std::vector<std::vector<int64_t>>& prompts,
                                                const torch::Tensor& image_features) {
  const int64_t images = image_features.defined() ? image_features.size(0) : 0;
  int64_t placeholders = 0;
  for (const auto& prompt : prompts) {
    if (prompt.empty()) return InvalidArgument("a prompt has no tokens");
    for (const auto id : prompt) {
      if (id == kImageTokenIndex) {
        ++placeholders;
      } else if (id < 0 || id >= config_.text.vocab_size) {
        return InvalidArgument("token id " + std::to_string(id) + " is outside the vocabulary of " +
                               std::to_string(config_.text.vocab_size));
      }
    }
  }
  if (placeholders != images) {
    return InvalidArgument("the prompts hold " + std::to_string(placeholders) + " image placeholders for " +
                           std::to_string(images) + " images");
  }
  const auto device = language_model_->parameters().front().device();
  std::vector<torch::Tensor> sequences;
  int64_t next_image = 0;
  for (const auto& prompt : prompts) {
    std::vector<int64_t> ids(prompt);
    for (auto& id : ids) id = id == kImageTokenIndex ? 0 : id;
    const auto text = language_model_->Embed(torch::tensor(ids, torch::kLong).to(device));
    std::vector<torch::Tensor> pieces;
    int64_t start = 0;
    for (int64_t i = 0; i < static_cast<int64_t>(prompt.size()); ++i) {
      if (prompt[i] != kImageTokenIndex) continue;
      if (i > start) pieces.push_back(text.slice(0, start, i));
      pieces.push_back(image_features[next_image++].to(text.dtype()));
      start = i + 1;
    }
    if (start < static_cast<int64_t>(prompt.size())) pieces.push_back(text.slice(0, start));
    sequences.push_back(torch::cat(pieces, 0));
  }
  int64_t longest = 0;
  for (const auto& s : sequences) longest = std::max(longest, s.size(0));
  const auto batch = static_cast<int64_t>(sequences.size());
  MultimodalBatch out;
  out.embeds = torch::zeros({batch, longest, config_.text.hidden_size}, sequences.front().options());
  out.key_mask = torch::zeros({batch, longest}, torch::TensorOptions().dtype(torch::kLong).device(device));
  out.positions = torch::zeros({batch, longest}, out.key_mask.options());
  for (int64_t b = 0; b < batch; ++b) {
    const auto length = sequences[b].size(0);
    const auto pad = longest - length;
    out.embeds[b].slice(0, pad).copy_(sequences[b]);
    out.key_mask[b].slice(0, pad).fill_(1);
    out.positions[b].slice(0, pad).copy_(torch::arange(length, out.key_mask.options()));
    out.lengths.push_back(length);
  }
  return out;
}

Status LoadParameters(LlavaImpl& model, const std::map<std::string, torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  const std::string position_table = std::string(keys::kVisionPrefix) + "embeddings.position_embedding.weight";
  std::set<std::string> used;
  for (auto& item : model.named_parameters(/*recurse=*/true)) {
    const auto& name = item.key();
    auto& parameter = item.value();
    const auto found = tensors.find(name);
    if (found == tensors.end()) return NotFound("checkpoint has no tensor " + name);
    used.insert(name);
    torch::Tensor source = found->second;
    if (name == position_table && source.dim() == 2 && source.size(0) != parameter.size(0)) {
      try {
        source = InterpolatePositionEmbedding(source, model.config().vision.GridSize());
      } catch (const c10::Error&) {
        return InvalidArgument(name + ": " + ShapeText(source.sizes()) + " is not a class row plus a square grid");
      }
    }
    if (source.sizes() != parameter.sizes()) {
      return InvalidArgument(name + ": checkpoint shape " + ShapeText(source.sizes()) + ", model expects " +
                             ShapeText(parameter.sizes()));
    }
    parameter.copy_(source.to(parameter.dtype()));
  }
  const int layers_run = model.vision_tower()->LayersRun();
  for (const auto& [name, tensor] : tensors) {
    if (used.count(name) || IsUnusedVisionTensor(name, layers_run)) continue;
    if (name == keys::kLmHead && model.config().text.tie_word_embeddings) continue;
    return InvalidArgument("checkpoint tensor " + name + " has no place in this model (config mismatch?)");
  }
  return Status::Ok();
}

namespace {

struct Placement {
  torch::Device device = torch::kCPU;
  torch::Dtype dtype = torch::kFloat;
};

Result<Placement> ResolvePlacement(const RunOptions& options) {
  std::optional<torch::Device> device;
  try {
    device = torch::Device(options.device);
  } catch (const c10::Error&) {
    return InvalidArgument("unknown device \"" + options.device + "\" (cpu, cuda, cuda:N)");
  }
  if (device->is_cuda() && !torch::cuda::is_available()) {
    return Status(StatusCode::kFailedPrecondition, "CUDA requested but this LibTorch has no usable CUDA device");
  }
  auto dtype = ParseDtype(options.dtype, *device);
  if (!dtype.ok()) return dtype.status();
  return Placement{*device, *dtype};
}

// The model of `config` in the placement's dtype, its LoraLinear layers already on the device, the rest on the CPU.
Llava BuildInPlacement(const ModelConfig& config, const Placement& placement) {
  DefaultDtypeScope dtype_scope(placement.dtype);
  LinearDeviceScope device_scope(placement.device);
  return Llava(config);
}

}  // namespace

Result<LoadedLlava> LoadLlava(const std::string& checkpoint_dir, const RunOptions& options) {
  auto placement = ResolvePlacement(options);
  if (!placement.ok()) return placement.status();
  ConfigureThreads(options.threads);
  auto checkpoint = LoadCheckpoint(checkpoint_dir);
  if (!checkpoint.ok()) return checkpoint.status();
  LoadedLlava loaded;
  loaded.model = BuildInPlacement(checkpoint->config, *placement);
  std::map<std::string, torch::Tensor> tensors(checkpoint->tensors.begin(), checkpoint->tensors.end());
  MGRS_RETURN_IF_ERROR(LoadParameters(*loaded.model, tensors));
  loaded.model->to(placement->device);
  loaded.model->eval();
  loaded.tokenizer_path = checkpoint->tokenizer_path;
  return loaded;
}

Result<Llava> BuildRandomLlava(const ModelConfig& config, const RunOptions& options, uint64_t seed) {
  auto placement = ResolvePlacement(options);
  if (!placement.ok()) return placement.status();
  ConfigureThreads(options.threads);
  torch::manual_seed(seed);
  auto model = BuildInPlacement(config, *placement);
  model->to(placement->device);
  model->eval();
  return model;
}

}  // namespace mgrs::model
