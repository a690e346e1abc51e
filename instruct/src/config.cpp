// Reading manifests/instruct/*.json strictly: every key known, every count a non-negative integer.
#include "mgrs/instruct/config.h"

#include <set>

#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/core/sample.h"

namespace mgrs::instruct {
namespace {

using nlohmann::json;

// Throws on the first problem; ParseInstructConfig turns it into a Status naming the file and the key.
struct ConfigError {
  std::string message;
};

void OnlyKeys(const json& object, const std::string& where, const std::set<std::string>& allowed) {
  if (!object.is_object()) throw ConfigError{where + ": expected an object"};
  for (const auto& item : object.items()) {
    if (!allowed.count(item.key())) throw ConfigError{where + ": unknown key \"" + item.key() + "\""};
  }
}

template <typename T>
void Read(const json& object, const std::string& key, const std::string& where, T* out) {
  if (!object.contains(key)) return;
  try {
    *out = object.at(key).get<T>();
  } catch (const json::exception&) {
    throw ConfigError{where + "." + key + ": wrong type"};
  }
}

InstructConfig FromJson(const json& j) {
  OnlyKeys(j, "config",
           {"description", "box_format", "counting", "grounding", "vqa", "test_sources", "test_splits", "shared_images",
            "targets"});
  InstructConfig config;
  if (j.contains("box_format")) {
    auto format = ParseBoxFormat(j["box_format"].is_string() ? j["box_format"].get<std::string>() : "");
    if (!format.ok()) throw ConfigError{"box_format: " + format.status().message()};
    config.box_format = *format;
  }
  if (j.contains("counting")) {
    const json& c = j["counting"];
    OnlyKeys(c, "counting", {"max_count", "max_ambiguous_fraction", "sparse_max", "medium_max"});
    Read(c, "max_count", "counting", &config.counting.max_count);
    Read(c, "max_ambiguous_fraction", "counting", &config.counting.max_ambiguous_fraction);
    Read(c, "sparse_max", "counting", &config.counting.sparse_max);
    Read(c, "medium_max", "counting", &config.counting.medium_max);
  }
  if (j.contains("grounding")) {
    const json& g = j["grounding"];
    OnlyKeys(g, "grounding", {"generate_expressions", "max_generated_per_image", "min_round_trip_iou"});
    Read(g, "generate_expressions", "grounding", &config.grounding.generate_expressions);
    Read(g, "max_generated_per_image", "grounding", &config.grounding.max_generated_per_image);
    Read(g, "min_round_trip_iou", "grounding", &config.grounding.min_round_trip_iou);
  }
  if (j.contains("vqa")) {
    const json& v = j["vqa"];
    OnlyKeys(v, "vqa", {"presence", "comparison", "direction", "identify", "max_generated_per_image"});
    Read(v, "presence", "vqa", &config.vqa.presence);
    Read(v, "comparison", "vqa", &config.vqa.comparison);
    Read(v, "direction", "vqa", &config.vqa.direction);
    Read(v, "identify", "vqa", &config.vqa.identify);
    Read(v, "max_generated_per_image", "vqa", &config.vqa.max_generated_per_image);
  }
  Read(j, "test_sources", "config", &config.test_sources);
  Read(j, "test_splits", "config", &config.test_splits);
  Read(j, "shared_images", "config", &config.shared_images);
  if (j.contains("targets")) {
    OnlyKeys(j["targets"], "targets", {"train", "test"});
    for (const char* side : {"train", "test"}) {
      if (!j["targets"].contains(side)) continue;
      const std::string where = std::string("targets.") + side;
      const json& tasks = j["targets"][side];
      if (!tasks.is_object()) throw ConfigError{where + ": expected an object"};
      Targets& targets = std::string(side) == "train" ? config.train : config.test;
      for (const auto& [task, sources] : tasks.items()) {
        if (!ParseTask(task).ok()) throw ConfigError{where + ": unknown task \"" + task + "\""};
        if (!sources.is_object()) throw ConfigError{where + "." + task + ": expected {\"<source>\": count}"};
        for (const auto& [source, count] : sources.items()) {
          if (!count.is_number_integer() || count.get<int64_t>() < 0) {
            throw ConfigError{where + "." + task + "." + source + ": expected a non-negative integer"};
          }
          targets[task][source] = count.get<int64_t>();
        }
      }
    }
  }
  if (config.counting.sparse_max > config.counting.medium_max) {
    throw ConfigError{"counting: sparse_max is larger than medium_max"};
  }
  return config;
}

}  // namespace

Result<InstructConfig> ParseInstructConfig(const std::string& text, const std::string& origin) {
  try {
    return FromJson(json::parse(text));
  } catch (const ConfigError& e) {
    return Status(StatusCode::kParseError, origin + ": " + e.message);
  } catch (const json::exception& e) {
    return Status(StatusCode::kParseError, origin + ": " + e.what());
  }
}

Result<InstructConfig> LoadInstructConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseInstructConfig(*text, path);
}

}  // namespace mgrs::instruct
