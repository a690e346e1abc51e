// ModelConfig <-> JSON, and the consistency checks every loader runs.
#include "mgrs/model/config.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "json_keys.h"
#include "mgrs/core/files.h"

namespace mgrs::model {
namespace {

using Json = nlohmann::ordered_json;

Result<const Json*> Section(const Json& root, const char* key) {
  static const Json kEmpty = Json::object();
  if (!root.contains(key)) return &kEmpty;
  const Json& section = root.at(key);
  if (!section.is_object()) return ParseError(std::string("config: \"") + key + "\" must be an object");
  return &section;
}

Status ReadVision(const Json& j, VisionConfig* v) {
  JsonKeyReader r(j, "config", "vision");
  r.Read("image_size", &v->image_size);
  r.Read("patch_size", &v->patch_size);
  r.Read("hidden_size", &v->hidden_size);
  r.Read("num_layers", &v->num_layers);
  r.Read("num_heads", &v->num_heads);
  r.Read("intermediate_size", &v->intermediate_size);
  r.Read("num_channels", &v->num_channels);
  r.Read("feature_layer", &v->feature_layer);
  r.Read("drop_class_token", &v->drop_class_token);
  r.Read("layer_norm_eps", &v->layer_norm_eps);
  r.Read("hidden_act", &v->hidden_act);
  r.Read("image_mean", &v->image_mean);
  r.Read("image_std", &v->image_std);
  return r.Finish();
}

Status ReadProjector(const Json& j, ProjectorConfig* p) {
  JsonKeyReader r(j, "config", "projector");
  r.Read("type", &p->type);
  r.Read("hidden_act", &p->hidden_act);
  return r.Finish();
}

Status ReadText(const Json& j, TextConfig* t) {
  JsonKeyReader r(j, "config", "text");
  r.Read("vocab_size", &t->vocab_size);
  r.Read("hidden_size", &t->hidden_size);
  r.Read("num_layers", &t->num_layers);
  r.Read("num_heads", &t->num_heads);
  r.Read("num_kv_heads", &t->num_kv_heads);
  r.Read("intermediate_size", &t->intermediate_size);
  r.Read("rms_norm_eps", &t->rms_norm_eps);
  r.Read("rope_theta", &t->rope_theta);
  r.Read("max_position_embeddings", &t->max_position_embeddings);
  r.Read("bos_id", &t->bos_id);
  r.Read("eos_id", &t->eos_id);
  r.Read("pad_id", &t->pad_id);
  r.Read("tie_word_embeddings", &t->tie_word_embeddings);
  r.Read("hidden_act", &t->hidden_act);
  return r.Finish();
}

Status ReadMoe(const Json& j, MoeConfig* m) {
  JsonKeyReader r(j, "config", "moe");
  r.Read("num_experts", &m->num_experts);
  r.Read("top_k", &m->top_k);
  r.Read("layer_mode", &m->layer_mode);
  r.Read("layers", &m->layers);
  r.Read("capacity_factor", &m->capacity_factor);
  r.Read("eval_capacity_factor", &m->eval_capacity_factor);
  r.Read("aux_loss_coef", &m->aux_loss_coef);
  r.Read("router_noise", &m->router_noise);
  return r.Finish();
}

Status ReadLora(const Json& j, LoraConfig* l) {
  JsonKeyReader r(j, "config", "lora");
  r.Read("rank", &l->rank);
  r.Read("alpha", &l->alpha);
  r.Read("dropout", &l->dropout);
  r.Read("targets", &l->targets);
  return r.Finish();
}

Status ReadTokenizer(const Json& j, TokenizerConfig* t) {
  JsonKeyReader r(j, "config", "tokenizer");
  r.Read("model_file", &t->model_file);
  r.Read("conversation", &t->conversation);
  r.Read("model_max_length", &t->model_max_length);
  return r.Finish();
}

Status Positive(const char* what, double value) {
  return value > 0 ? Status::Ok() : InvalidArgument(std::string("config: ") + what + " must be positive");
}

}  // namespace

std::vector<int> MoeConfig::MoeLayers(int num_layers) const {
  std::vector<int> result;
  if (!enabled()) return result;
  if (layer_mode == "explicit") {
    for (int layer : layers) {
      if (layer >= 0 && layer < num_layers) result.push_back(layer);
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
  }
  const int step = layer_mode == "every_second" ? 2 : layer_mode == "all" ? 1 : 0;
  for (int layer = 0; step > 0 && layer < num_layers; layer += step) result.push_back(layer);
  return result;
}

Result<ModelConfig> ParseModelConfig(const std::string& json_text) {
  Json root;
  try {
    root = Json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    return ParseError(std::string("config: bad JSON: ") + e.what());
  }
  if (!root.is_object()) return ParseError("config: the top level must be a JSON object");
  ModelConfig config;
  JsonKeyReader top(root, "config", "model");
  top.Read("name", &config.name);
  for (const char* section : {"vision", "projector", "text", "moe", "lora", "tokenizer"}) {
    Json ignored;
    top.Read(section, &ignored);
  }
  MGRS_RETURN_IF_ERROR(top.Finish());
  struct Part {
    const char* key;
    Status (*read)(const Json&, ModelConfig*);
  };
  const Part parts[] = {
      {"vision", [](const Json& j, ModelConfig* c) { return ReadVision(j, &c->vision); }},
      {"projector", [](const Json& j, ModelConfig* c) { return ReadProjector(j, &c->projector); }},
      {"text", [](const Json& j, ModelConfig* c) { return ReadText(j, &c->text); }},
      {"moe", [](const Json& j, ModelConfig* c) { return ReadMoe(j, &c->moe); }},
      {"lora", [](const Json& j, ModelConfig* c) { return ReadLora(j, &c->lora); }},
      {"tokenizer", [](const Json& j, ModelConfig* c) { return ReadTokenizer(j, &c->tokenizer); }},
  };
  for (const auto& part : parts) {
    auto section = Section(root, part.key);
    if (!section.ok()) return section.status();
    MGRS_RETURN_IF_ERROR(part.read(**section, &config));
  }
  MGRS_RETURN_IF_ERROR(ValidateModelConfig(config));
  return config;
}

Result<ModelConfig> ReadModelConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  auto config = ParseModelConfig(*text);
  if (!config.ok()) return Status(config.status().code(), path + ": " + config.status().message());
  return config;
}

std::string ModelConfigToJson(const ModelConfig& c) {
  Json root;
  root["name"] = c.name;
  const auto& v = c.vision;
  root["vision"] = {{"image_size", v.image_size},
                    {"patch_size", v.patch_size},
                    {"hidden_size", v.hidden_size},
                    {"num_layers", v.num_layers},
                    {"num_heads", v.num_heads},
                    {"intermediate_size", v.intermediate_size},
                    {"num_channels", v.num_channels},
                    {"feature_layer", v.feature_layer},
                    {"drop_class_token", v.drop_class_token},
                    {"layer_norm_eps", v.layer_norm_eps},
                    {"hidden_act", v.hidden_act},
                    {"image_mean", v.image_mean},
                    {"image_std", v.image_std}};
  root["projector"] = {{"type", c.projector.type}, {"hidden_act", c.projector.hidden_act}};
  const auto& t = c.text;
  root["text"] = {{"vocab_size", t.vocab_size},
                  {"hidden_size", t.hidden_size},
                  {"num_layers", t.num_layers},
                  {"num_heads", t.num_heads},
                  {"num_kv_heads", t.num_kv_heads},
                  {"intermediate_size", t.intermediate_size},
                  {"rms_norm_eps", t.rms_norm_eps},
                  {"rope_theta", t.rope_theta},
                  {"max_position_embeddings", t.max_position_embeddings},
                  {"bos_id", t.bos_id},
                  {"eos_id", t.eos_id},
                  {"pad_id", t.pad_id},
                  {"tie_word_embeddings", t.tie_word_embeddings},
                  {"hidden_act", t.hidden_act}};
  const auto& m = c.moe;
  root["moe"] = {{"num_experts", m.num_experts},         {"top_k", m.top_k},
                 {"layer_mode", m.layer_mode},           {"layers", m.layers},
                 {"capacity_factor", m.capacity_factor}, {"eval_capacity_factor", m.eval_capacity_factor},
                 {"aux_loss_coef", m.aux_loss_coef},     {"router_noise", m.router_noise}};
  root["lora"] = {
      {"rank", c.lora.rank}, {"alpha", c.lora.alpha}, {"dropout", c.lora.dropout}, {"targets", c.lora.targets}};
  root["tokenizer"] = {{"model_file", c.tokenizer.model_file},
                       {"conversation", c.tokenizer.conversation},
                       {"model_max_length", c.tokenizer.model_max_length}};
  return root.dump(2) + "\n";
}

Status WriteModelConfig(const ModelConfig& config, const std::string& path) {
  return WriteFileAtomically(path, ModelConfigToJson(config));
}

Status ValidateModelConfig(const ModelConfig& c) {
  const auto& v = c.vision;
  const auto& t = c.text;
  for (const auto& [what, value] : std::initializer_list<std::pair<const char*, double>>{
           {"vision.image_size", v.image_size},
           {"vision.patch_size", v.patch_size},
           {"vision.hidden_size", v.hidden_size},
           {"vision.num_layers", v.num_layers},
           {"vision.num_heads", v.num_heads},
           {"vision.intermediate_size", v.intermediate_size},
           {"vision.num_channels", v.num_channels},
           {"vision.layer_norm_eps", v.layer_norm_eps},
           {"text.vocab_size", t.vocab_size},
           {"text.hidden_size", t.hidden_size},
           {"text.num_layers", t.num_layers},
           {"text.num_heads", t.num_heads},
           {"text.num_kv_heads", t.num_kv_heads},
           {"text.intermediate_size", t.intermediate_size},
           {"text.rms_norm_eps", t.rms_norm_eps},
           {"text.rope_theta", t.rope_theta},
           {"text.max_position_embeddings", t.max_position_embeddings},
           {"tokenizer.model_max_length", c.tokenizer.model_max_length}}) {
    MGRS_RETURN_IF_ERROR(Positive(what, value));
  }
  if (v.image_size % v.patch_size != 0) return InvalidArgument("config: vision.patch_size must divide image_size");
  if (v.hidden_size % v.num_heads != 0) return InvalidArgument("config: vision.num_heads must divide hidden_size");
  if (v.feature_layer == 0 || v.feature_layer > v.num_layers || v.feature_layer < -v.num_layers) {
    return InvalidArgument("config: vision.feature_layer must name an encoder layer (1..N or -1..-N)");
  }
  for (double s : v.image_std) {
    if (!(s > 0)) return InvalidArgument("config: vision.image_std must be positive");
  }
  if (c.projector.type != "mlp2x_gelu") return InvalidArgument("config: projector.type must be mlp2x_gelu");
  if (t.hidden_size % t.num_heads != 0) return InvalidArgument("config: text.num_heads must divide hidden_size");
  if (t.HeadDim() % 2 != 0) return InvalidArgument("config: text head dimension must be even (rotary embeddings)");
  if (t.num_heads % t.num_kv_heads != 0) return InvalidArgument("config: text.num_kv_heads must divide num_heads");
  for (const auto& [what, id] : {std::pair<const char*, int>{"bos_id", t.bos_id}, {"eos_id", t.eos_id}}) {
    if (id < 0 || id >= t.vocab_size) return InvalidArgument(std::string("config: text.") + what + " outside vocab");
  }
  if (t.pad_id < -1 || t.pad_id >= t.vocab_size) return InvalidArgument("config: text.pad_id outside vocab");
  const auto& m = c.moe;
  if (m.num_experts < 0) return InvalidArgument("config: moe.num_experts must not be negative");
  if (m.enabled()) {
    if (m.top_k < 1 || m.top_k > m.num_experts) return InvalidArgument("config: moe.top_k must be 1..num_experts");
    if (m.layer_mode != "every_second" && m.layer_mode != "all" && m.layer_mode != "none" &&
        m.layer_mode != "explicit") {
      return InvalidArgument("config: moe.layer_mode must be every_second, all, none or explicit");
    }
    for (int layer : m.layers) {
      if (layer < 0 || layer >= t.num_layers) return InvalidArgument("config: moe.layers names a missing layer");
    }
  }
  if (m.router_noise != "none" && m.router_noise != "gumbel") {
    return InvalidArgument("config: moe.router_noise must be none or gumbel");
  }
  if (m.capacity_factor < 0 || m.eval_capacity_factor < 0 || m.aux_loss_coef < 0) {
    return InvalidArgument("config: moe factors must not be negative");
  }
  if (c.lora.rank < 1) return InvalidArgument("config: lora.rank must be positive");
  if (c.lora.dropout < 0 || c.lora.dropout >= 1) return InvalidArgument("config: lora.dropout must be in [0, 1)");
  if (c.tokenizer.conversation != "vicuna_v1" && c.tokenizer.conversation != "llava_v1") {
    return InvalidArgument("config: tokenizer.conversation must be vicuna_v1 or llava_v1");
  }
  return Status::Ok();
}

}  // namespace mgrs::model
