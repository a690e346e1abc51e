// Canonical tensor names and the prefix rules that map public checkpoint layouts onto them.
#include "mgrs/model/keys.h"

#include <algorithm>

#include "mgrs/core/text.h"
#include "mgrs/model/config.h"

namespace mgrs::model {
namespace keys {

std::string Vision(std::string_view rest) { return std::string(kVisionPrefix).append(rest); }
std::string Projector(std::string_view rest) { return std::string(kProjectorPrefix).append(rest); }
std::string TextModel(std::string_view rest) { return std::string(kTextModelPrefix).append(rest); }

std::string VisionLayer(int layer, std::string_view rest) {
  return Vision("encoder.layers." + std::to_string(layer) + ".").append(rest);
}

std::string TextLayer(int layer, std::string_view rest) {
  return TextModel("layers." + std::to_string(layer) + ".").append(rest);
}

std::string Expert(int layer, int expert, std::string_view rest) {
  return TextLayer(layer, "mlp.experts." + std::to_string(expert) + ".").append(rest);
}

Part PartOf(std::string_view name) {
  if (StartsWith(name, kVisionPrefix)) return Part::kVision;
  if (StartsWith(name, kProjectorPrefix)) return Part::kProjector;
  if (StartsWith(name, kTextModelPrefix) || name == kLmHead) {
    const bool expert =
        name.find(".mlp.experts.") != std::string_view::npos || name.find(".mlp.router.") != std::string_view::npos;
    return expert ? Part::kExperts : Part::kLanguageModel;
  }
  return Part::kOther;
}

const char* PartName(Part part) {
  switch (part) {
    case Part::kVision: return "vision";
    case Part::kProjector: return "projector";
    case Part::kLanguageModel: return "language model";
    case Part::kExperts: return "experts";
    case Part::kOther: break;
  }
  return "other";
}

}  // namespace keys

std::vector<TensorSpec> ExpectedTensors(const ModelConfig& config) {
  std::vector<TensorSpec> specs;
  const auto& v = config.vision;
  const auto& t = config.text;
  const int64_t dv = v.hidden_size;
  const int64_t dt = t.hidden_size;
  const int64_t kv = static_cast<int64_t>(t.num_kv_heads) * t.HeadDim();
  auto add = [&specs](std::string name, std::vector<int64_t> shape) {
    specs.push_back({std::move(name), std::move(shape)});
  };
  add(keys::Vision("embeddings.class_embedding"), {dv});
  add(keys::Vision("embeddings.patch_embedding.weight"), {dv, v.num_channels, v.patch_size, v.patch_size});
  add(keys::Vision("embeddings.position_embedding.weight"), {v.NumPositions(), dv});
  add(keys::Vision("pre_layrnorm.weight"), {dv});
  add(keys::Vision("pre_layrnorm.bias"), {dv});
  for (int i = 0; i < v.num_layers; ++i) {
    for (const char* norm : {"layer_norm1", "layer_norm2"}) {
      add(keys::VisionLayer(i, std::string(norm) + ".weight"), {dv});
      add(keys::VisionLayer(i, std::string(norm) + ".bias"), {dv});
    }
    for (const char* proj : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
      add(keys::VisionLayer(i, std::string("self_attn.") + proj + ".weight"), {dv, dv});
      add(keys::VisionLayer(i, std::string("self_attn.") + proj + ".bias"), {dv});
    }
    add(keys::VisionLayer(i, "mlp.fc1.weight"), {v.intermediate_size, dv});
    add(keys::VisionLayer(i, "mlp.fc1.bias"), {v.intermediate_size});
    add(keys::VisionLayer(i, "mlp.fc2.weight"), {dv, v.intermediate_size});
    add(keys::VisionLayer(i, "mlp.fc2.bias"), {dv});
  }
  add(keys::Projector("linear_1.weight"), {dt, dv});
  add(keys::Projector("linear_1.bias"), {dt});
  add(keys::Projector("linear_2.weight"), {dt, dt});
  add(keys::Projector("linear_2.bias"), {dt});
  add(keys::TextModel("embed_tokens.weight"), {t.vocab_size, dt});
  const auto moe_layers = config.moe.MoeLayers(t.num_layers);
  for (int i = 0; i < t.num_layers; ++i) {
    add(keys::TextLayer(i, "input_layernorm.weight"), {dt});
    add(keys::TextLayer(i, "self_attn.q_proj.weight"), {dt, dt});
    add(keys::TextLayer(i, "self_attn.k_proj.weight"), {kv, dt});
    add(keys::TextLayer(i, "self_attn.v_proj.weight"), {kv, dt});
    add(keys::TextLayer(i, "self_attn.o_proj.weight"), {dt, dt});
    add(keys::TextLayer(i, "post_attention_layernorm.weight"), {dt});
    auto add_ffn = [&](auto name_of) {
      add(name_of("gate_proj.weight"), {t.intermediate_size, dt});
      add(name_of("up_proj.weight"), {t.intermediate_size, dt});
      add(name_of("down_proj.weight"), {dt, t.intermediate_size});
    };
    if (std::find(moe_layers.begin(), moe_layers.end(), i) != moe_layers.end()) {
      add(keys::TextLayer(i, "mlp.router.weight"), {config.moe.num_experts, dt});
      for (int e = 0; e < config.moe.num_experts; ++e) {
        add_ffn([&](const char* rest) { return keys::Expert(i, e, rest); });
      }
    } else {
      add_ffn([&](const char* rest) { return keys::TextLayer(i, std::string("mlp.") + rest); });
    }
  }
  add(keys::TextModel("norm.weight"), {dt});
  if (!t.tie_word_embeddings) add(std::string(keys::kLmHead), {t.vocab_size, dt});
  return specs;
}

const char* KeyLayoutName(KeyLayout layout) {
  switch (layout) {
    case KeyLayout::kCanonical: return "canonical";
    case KeyLayout::kLlavaHfNew: return "llava-hf-new";
    case KeyLayout::kLiuhaotianLlava: return "liuhaotian-llava";
    case KeyLayout::kLlama: return "llama";
    case KeyLayout::kOpenaiClip: return "openai-clip";
  }
  return "unknown";
}

namespace {

using Action = KeyMapping::Action;

KeyMapping Keep(std::string name) { return {Action::kKeep, std::move(name)}; }
KeyMapping Skip() { return {Action::kSkip, {}}; }
KeyMapping Unknown() { return {Action::kUnknown, {}}; }

// Replaces a leading `from` with `to`; false when `key` does not start with `from`.
bool Rewrite(std::string_view key, std::string_view from, std::string_view to, std::string* out) {
  if (!StartsWith(key, from)) return false;
  *out = std::string(to).append(key.substr(from.size()));
  return true;
}

// Buffers and tensors that every layout may carry but the model never reads.
bool IsUnusedEverywhere(std::string_view key) {
  return EndsWith(key, ".rotary_emb.inv_freq") || EndsWith(key, "embeddings.position_ids") ||
         key.find("vision_model.post_layernorm.") != std::string_view::npos;
}

// The canonical vision/projector/LM tail checks: after rewriting, a kept name must be canonical.
KeyMapping KeepIfCanonical(std::string name) {
  return keys::PartOf(name) == keys::Part::kOther ? Unknown() : Keep(std::move(name));
}

// liuhaotian / MoE-LLaVA: model.* (LLaMA), model.mm_projector.*, model.vision_tower.vision_tower.*, DeepSpeed MoE.
KeyMapping MapLiuhaotian(std::string_view key) {
  std::string out;
  if (key == "lm_head.weight") return Keep(std::string(keys::kLmHead));
  if (Rewrite(key, "model.mm_projector.image_spatial_proj.", "model.mm_projector.", &out)) key = out;
  std::string mapped;
  if (Rewrite(key, "model.mm_projector.0.", keys::Projector("linear_1."), &mapped) ||
      Rewrite(key, "model.mm_projector.2.", keys::Projector("linear_2."), &mapped)) {
    return Keep(mapped);
  }
  if (Rewrite(key, "model.vision_tower.vision_tower.vision_model.", keys::kVisionPrefix, &mapped)) {
    return KeepIfCanonical(mapped);
  }
  if (!Rewrite(key, "model.", keys::kTextModelPrefix, &mapped)) return Unknown();
  // MoE-LLaVA's DeepSpeed names: mlp.deepspeed_moe.gate.wg / mlp.deepspeed_moe.experts.deepspeed_experts.E.
  const auto moe = mapped.find(".mlp.deepspeed_moe.");
  if (moe != std::string::npos) {
    const std::string head = mapped.substr(0, moe) + ".mlp.";
    const std::string_view tail = std::string_view(mapped).substr(moe + std::string_view(".mlp.deepspeed_moe.").size());
    std::string rest;
    if (tail == "gate.wg.weight") return Keep(head + "router.weight");
    if (Rewrite(tail, "experts.deepspeed_experts.", "experts.", &rest)) return Keep(head + rest);
    return Unknown();
  }
  return Keep(mapped);
}

}  // namespace

KeyMapping MapToCanonical(KeyLayout layout, std::string_view key) {
  if (IsUnusedEverywhere(key)) return Skip();
  std::string mapped;
  switch (layout) {
    case KeyLayout::kCanonical: return KeepIfCanonical(std::string(key));
    case KeyLayout::kLlavaHfNew:
      if (key == "lm_head.weight") return Keep(std::string(keys::kLmHead));
      if (Rewrite(key, "model.language_model.", keys::kTextModelPrefix, &mapped) ||
          Rewrite(key, "model.vision_tower.", "vision_tower.", &mapped) ||
          Rewrite(key, "model.multi_modal_projector.", keys::kProjectorPrefix, &mapped)) {
        return KeepIfCanonical(mapped);
      }
      return Unknown();
    case KeyLayout::kLiuhaotianLlava: return MapLiuhaotian(key);
    case KeyLayout::kLlama:
      if (key == "lm_head.weight") return Keep(std::string(keys::kLmHead));
      if (Rewrite(key, "model.", keys::kTextModelPrefix, &mapped)) return Keep(mapped);
      return Unknown();
    case KeyLayout::kOpenaiClip:
      if (StartsWith(key, "text_model.") || StartsWith(key, "visual_projection.") ||
          StartsWith(key, "text_projection.") || key == "logit_scale") {
        return Skip();
      }
      if (Rewrite(key, "vision_model.", keys::kVisionPrefix, &mapped)) return Keep(mapped);
      return Unknown();
  }
  return Unknown();
}

bool DetectKeyLayout(const std::vector<std::string>& source_keys, KeyLayout* layout) {
  auto any = [&source_keys](std::string_view prefix) {
    for (const auto& key : source_keys) {
      if (StartsWith(key, prefix)) return true;
    }
    return false;
  };
  if (any(keys::kTextModelPrefix) || any(keys::kProjectorPrefix) || any("vision_tower.vision_model.")) {
    *layout = KeyLayout::kCanonical;
  } else if (any("model.language_model.") || any("model.multi_modal_projector.") ||
             any("model.vision_tower.vision_model.")) {
    *layout = KeyLayout::kLlavaHfNew;
  } else if (any("model.mm_projector.") || any("model.vision_tower.vision_tower.")) {
    *layout = KeyLayout::kLiuhaotianLlava;
  } else if (any("model.layers.") || any("model.embed_tokens.")) {
    *layout = KeyLayout::kLlama;
  } else if (any("vision_model.")) {
    *layout = KeyLayout::kOpenaiClip;
  } else {
    return false;
  }
  return true;
}

}  // namespace mgrs::model
