// Reading manifests/instruct/*.json strictly: every key known, every count a non-negative integer.
#include "mgrs/instruct/config.h"

#include <map>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/core/json_config.h"
#include "mgrs/core/sample.h"

namespace mgrs::instruct {
namespace {

using nlohmann::json;

using json_config::ConfigError;
using json_config::OnlyKeys;
using json_config::Read;

// One section of rules: each key with the field it sets; other keys are refused.
using RuleField = std::variant<bool*, int*, int64_t*, double*>;
void ReadSection(const json& j, const std::string& name, const std::map<std::string, RuleField>& fields) {
  if (!j.contains(name)) return;
  std::set<std::string> keys;
  for (const auto& [key, field] : fields) keys.insert(key);
  OnlyKeys(j[name], name, keys);
  for (const auto& entry : fields) {  // not a structured binding: C++17 lambdas cannot capture one (clang refuses)
    std::visit([&](auto* out) { Read(j[name], entry.first, name, out); }, entry.second);
  }
}

void ReadTargets(const json& j, InstructConfig* config) {
  if (!j.contains("targets")) return;
  OnlyKeys(j["targets"], "targets", {"train", "test"});
  for (const char* side : {"train", "test"}) {
    if (!j["targets"].contains(side)) continue;
    const std::string where = std::string("targets.") + side;
    const json& tasks = j["targets"][side];
    if (!tasks.is_object()) throw ConfigError{where + ": expected an object"};
    Targets& targets = std::string(side) == "train" ? config->train : config->test;
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
  CountingRules& c = config.counting;
  ReadSection(j, "counting",
              {{"max_count", &c.max_count},
               {"max_ambiguous_fraction", &c.max_ambiguous_fraction},
               {"sparse_max", &c.sparse_max},
               {"medium_max", &c.medium_max}});
  GroundingRules& g = config.grounding;
  ReadSection(j, "grounding",
              {{"generate_expressions", &g.generate_expressions},
               {"max_generated_per_image", &g.max_generated_per_image},
               {"min_round_trip_iou", &g.min_round_trip_iou}});
  VqaRules& v = config.vqa;
  ReadSection(j, "vqa",
              {{"presence", &v.presence},
               {"comparison", &v.comparison},
               {"direction", &v.direction},
               {"identify", &v.identify},
               {"max_generated_per_image", &v.max_generated_per_image}});
  Read(j, "test_sources", "config", &config.test_sources);
  Read(j, "test_splits", "config", &config.test_splits);
  Read(j, "shared_images", "config", &config.shared_images);
  ReadTargets(j, &config);
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
