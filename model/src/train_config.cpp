// TrainConfig <-> JSON (manifests/train/*.json) and the learning-rate schedule. No LibTorch here.
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "json_keys.h"
#include "mgrs/core/files.h"
#include "mgrs/model/train.h"

namespace mgrs::model {
namespace {

using Json = nlohmann::ordered_json;

Status Validate(const TrainConfig& c) {
  if (c.stage != 1 && c.stage != 2) return InvalidArgument("train config: stage must be 1 or 2");
  if (c.micro_batch_size < 1 || c.global_batch_size < c.micro_batch_size) {
    return InvalidArgument("train config: need 1 <= micro_batch_size <= global_batch_size");
  }
  if (c.optimizer.lr <= 0 || c.optimizer.warmup_ratio < 0 || c.optimizer.warmup_ratio >= 1) {
    return InvalidArgument("train config: need lr > 0 and 0 <= warmup_ratio < 1");
  }
  if (c.optimizer.schedule != "cosine" && c.optimizer.schedule != "constant") {
    return InvalidArgument("train config: schedule must be \"cosine\" or \"constant\"");
  }
  if (c.steps < 0 || (c.steps == 0 && c.epochs <= 0)) return InvalidArgument("train config: no steps and no epochs");
  if (c.data_workers < 1 || c.prefetch_batches < 1) {
    return InvalidArgument("train config: data_workers and prefetch_batches must be at least 1");
  }
  if (c.stage == 2 && !c.moe.enabled()) return InvalidArgument("train config: Stage II needs moe.num_experts >= 2");
  return Status::Ok();
}

}  // namespace

Result<TrainConfig> ParseTrainConfig(const std::string& json_text) {
  Json root;
  try {
    root = Json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    return ParseError(std::string("train config: bad JSON (") + e.what() + ")");
  }
  if (!root.is_object()) return ParseError("train config: not a JSON object");
  TrainConfig c;
  JsonKeyReader r(root, "train config", "");
  r.Read("stage", &c.stage);
  r.Read("global_batch_size", &c.global_batch_size);
  r.Read("micro_batch_size", &c.micro_batch_size);
  r.Read("epochs", &c.epochs);
  r.Read("steps", &c.steps);
  r.Read("save_every", &c.save_every);
  r.Read("seed", &c.seed);
  r.Read("data_workers", &c.data_workers);
  r.Read("prefetch_batches", &c.prefetch_batches);
  r.Read("group_by_length", &c.group_by_length);
  r.Read("max_length", &c.max_length);
  std::string overlong = "truncate";
  r.Read("overlong", &overlong);
  r.Read("bf16", &c.bf16);
  r.Read("activation_checkpointing", &c.activation_checkpointing);
  r.Read("extra_trainable", &c.extra_trainable);
  r.Skip("optimizer");
  r.Skip("lora");
  r.Skip("moe");
  MGRS_RETURN_IF_ERROR(r.Finish());
  if (overlong != "truncate" && overlong != "skip") {
    return InvalidArgument("train config: overlong must be \"truncate\" or \"skip\"");
  }
  c.overlong = overlong == "skip" ? Overlong::kSkip : Overlong::kTruncate;
  if (root.contains("optimizer")) {
    if (!root["optimizer"].is_object()) return ParseError("train config: \"optimizer\" must be an object");
    JsonKeyReader o(root["optimizer"], "train config", "optimizer");
    o.Read("lr", &c.optimizer.lr);
    o.Read("weight_decay", &c.optimizer.weight_decay);
    o.Read("beta1", &c.optimizer.beta1);
    o.Read("beta2", &c.optimizer.beta2);
    o.Read("eps", &c.optimizer.eps);
    o.Read("warmup_ratio", &c.optimizer.warmup_ratio);
    o.Read("schedule", &c.optimizer.schedule);
    o.Read("max_grad_norm", &c.optimizer.max_grad_norm);
    MGRS_RETURN_IF_ERROR(o.Finish());
  }
  // The lora and moe sections have the model config's schema: let its reader check them.
  Json sections = Json::object();
  sections["moe"] = Json{{"num_experts", c.moe.num_experts}};
  for (const char* key : {"lora", "moe"}) {
    if (root.contains(key)) sections[key] = root[key];
  }
  if (sections["moe"].is_object() && !sections["moe"].contains("num_experts")) sections["moe"]["num_experts"] = 4;
  auto parsed = ParseModelConfig(sections.dump());
  if (!parsed.ok()) return Status(parsed.status().code(), "train " + parsed.status().message());
  c.lora = parsed->lora;
  c.moe = parsed->moe;
  MGRS_RETURN_IF_ERROR(Validate(c));
  return c;
}

Result<TrainConfig> ReadTrainConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  auto config = ParseTrainConfig(*text);
  if (!config.ok()) return Status(config.status().code(), path + ": " + config.status().message());
  return config;
}

std::string TrainConfigToJson(const TrainConfig& c) {
  auto model_sections = Json::parse([&] {
    ModelConfig m;
    m.lora = c.lora;
    m.moe = c.moe;
    return ModelConfigToJson(m);
  }());
  Json j;
  j["stage"] = c.stage;
  j["global_batch_size"] = c.global_batch_size;
  j["micro_batch_size"] = c.micro_batch_size;
  j["epochs"] = c.epochs;
  j["steps"] = c.steps;
  j["save_every"] = c.save_every;
  j["seed"] = c.seed;
  j["data_workers"] = c.data_workers;
  j["prefetch_batches"] = c.prefetch_batches;
  j["group_by_length"] = c.group_by_length;
  j["max_length"] = c.max_length;
  j["overlong"] = c.overlong == Overlong::kSkip ? "skip" : "truncate";
  j["bf16"] = c.bf16;
  j["activation_checkpointing"] = c.activation_checkpointing;
  j["extra_trainable"] = c.extra_trainable;
  j["optimizer"] = Json{{"lr", c.optimizer.lr},
                        {"weight_decay", c.optimizer.weight_decay},
                        {"beta1", c.optimizer.beta1},
                        {"beta2", c.optimizer.beta2},
                        {"eps", c.optimizer.eps},
                        {"warmup_ratio", c.optimizer.warmup_ratio},
                        {"schedule", c.optimizer.schedule},
                        {"max_grad_norm", c.optimizer.max_grad_norm}};
  j["lora"] = model_sections["lora"];
  j["moe"] = model_sections["moe"];
  return j.dump(2) + "\n";
}

double LearningRate(const OptimizerConfig& config, int64_t step, int64_t total) {
  const auto warmup = static_cast<int64_t>(std::ceil(config.warmup_ratio * static_cast<double>(total)));
  if (step < warmup) return config.lr * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
  if (config.schedule == "constant") return config.lr;
  const double progress =
      static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(1, total - warmup));
  return config.lr * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace mgrs::model
