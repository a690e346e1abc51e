// Reading manifests/pipeline/*.json strictly: an unknown key is an error (a typo would otherwise run a default).
#include "config.h"

#include <filesystem>
#include <set>

#include "mgrs/core/files.h"
#include "mgrs/core/json_config.h"
#include "mgrs/core/jsonl.h"

namespace mgrs::pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using json_config::ConfigError;  // thrown on the first problem; LoadPipelineConfig adds the file

// Reads the keys of one object into fields; a key that is not listed is an error.
class Section {
 public:
  Section(const json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) throw ConfigError{where_ + ": expected an object"};
  }
  template <typename T>
  Section& Read(const std::string& key, T* out) {
    known_.insert(key);
    json_config::Read(object_, key, where_, out);
    return *this;
  }
  // A path, made absolute against `base` (the config's folder); it must exist.
  Section& Path(const std::string& key, const fs::path& base, std::string* out) {
    std::string relative;
    Read(key, &relative);
    if (relative.empty()) throw ConfigError{where_ + "." + key + ": missing"};
    const fs::path path = fs::weakly_canonical(base / relative);
    if (!fs::exists(path)) throw ConfigError{where_ + "." + key + ": " + path.string() + " does not exist"};
    *out = path.string();
    return *this;
  }
  void Done() const {
    for (const auto& item : object_.items()) {
      if (!known_.count(item.key())) throw ConfigError{where_ + ": unknown key \"" + item.key() + "\""};
    }
  }

 private:
  const json& object_;
  std::string where_;
  std::set<std::string> known_;
};

const json& Child(const json& j, const std::string& key) {
  static const json kEmpty = json::object();
  return j.contains(key) ? j.at(key) : kEmpty;
}

TrainStage ReadTrainStage(const json& j, const std::string& key, const fs::path& base) {
  TrainStage stage;
  Section(Child(j, key), key).Path("config", base, &stage.config).Read("steps", &stage.steps).Done();
  if (stage.steps < 0) throw ConfigError{key + ".steps: must be >= 0"};
  return stage;
}

void ReadConfig(const json& j, const fs::path& base, PipelineConfig* c) {
  std::string description;  // free text for the reader of the file
  Section(j, "config").Read("description", &description).Read("threads", &c->threads);
  const std::set<std::string> sections = {"description", "threads", "data",   "augment", "instruct",
                                          "model",       "stage1",  "stage2", "eval",    "targets"};
  for (const auto& item : j.items()) {
    if (!sections.count(item.key())) throw ConfigError{"unknown key \"" + item.key() + "\""};
  }
  Section(Child(j, "data"), "data")
      .Read("seed", &c->data_seed)
      .Read("scale", &c->data_scale)
      .Read("image_size", &c->image_size)
      .Done();
  const json& augment = j.contains("augment") ? j.at("augment") : json::array();
  if (!augment.is_array()) throw ConfigError{"augment: expected an array"};
  for (size_t i = 0; i < augment.size(); ++i) {
    AugmentStep step;
    Section(augment[i], "augment[" + std::to_string(i) + "]")
        .Read("operation", &step.operation)
        .Read("dataset", &step.dataset)
        .Read("class", &step.class_key)
        .Read("seed", &step.seed)
        .Done();
    if (step.operation != "cutout" && step.operation != "edit") {
      throw ConfigError{"augment[" + std::to_string(i) + "].operation: \"cutout\" or \"edit\""};
    }
    c->augment.push_back(step);
  }
  Section(Child(j, "instruct"), "instruct")
      .Path("config", base, &c->instruct_config)
      .Path("templates", base, &c->templates_dir)
      .Read("seed", &c->instruct_seed)
      .Done();
  Section(Child(j, "model"), "model").Path("config", base, &c->model_config).Read("seed", &c->model_seed).Done();
  c->stage1 = ReadTrainStage(j, "stage1", base);
  c->stage2 = ReadTrainStage(j, "stage2", base);
  Section(Child(j, "eval"), "eval")
      .Read("batch_size", &c->eval_batch_size)
      .Read("max_new_tokens", &c->max_new_tokens)
      .Done();
  Targets& t = c->targets;
  Section(Child(j, "targets"), "targets")
      .Read("check", &t.check)
      .Read("classification_accuracy", &t.classification_accuracy)
      .Read("counting_over_baseline", &t.counting_over_baseline)
      .Read("caption_over_baseline", &t.caption_over_baseline)
      .Read("grounding_over_baseline", &t.grounding_over_baseline)
      .Done();
  if (c->data_scale <= 0 || c->image_size < 64 || c->eval_batch_size < 1 || c->max_new_tokens < 1) {
    throw ConfigError{"data.scale > 0, data.image_size >= 64, eval.batch_size and eval.max_new_tokens >= 1"};
  }
}

}  // namespace

Result<PipelineConfig> LoadPipelineConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  Diagnostic bad;
  auto j = ParseJsonText(*text, path, &bad);
  if (!j.ok()) return j.status();
  PipelineConfig config;
  try {
    ReadConfig(*j, fs::absolute(path).parent_path(), &config);
  } catch (const ConfigError& error) {
    return InvalidArgument(path + ": " + error.message);
  }
  config.path = path;
  config.sections = *j;
  return config;
}

}  // namespace mgrs::pipeline
