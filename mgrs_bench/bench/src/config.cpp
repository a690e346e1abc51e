// Reading manifests/bench/mgrs.json strictly: every key known, every task and granularity one the builder makes.
#include "mgrs/bench/config.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/core/json_config.h"

namespace mgrs::bench {
namespace {

using nlohmann::json;

using json_config::ConfigError;
using json_config::OnlyKeys;
using json_config::Read;

TaskConfig ReadTask(const std::string& task, const json& j) {
  const std::string where = "tasks." + task;
  OnlyKeys(j, where, {"images", "granularity", "sources"});
  TaskConfig config;
  Read(j, "images", where, &config.images);
  if (config.images < 0) throw ConfigError{where + ".images: must not be negative"};
  Read(j, "sources", where, &config.sources);
  const auto& known = GranularitiesOf(task);
  if (j.contains("granularity")) {
    const json& weights = j["granularity"];
    OnlyKeys(weights, where + ".granularity", std::set<std::string>(known.begin(), known.end()));
    for (const std::string& g : known) {  // the documented order, whatever the file's
      if (!weights.contains(g)) continue;
      double weight = 0;
      Read(weights, g, where + ".granularity", &weight);
      if (!(weight >= 0) || !std::isfinite(weight)) throw ConfigError{where + ".granularity." + g + ": bad weight"};
      config.granularity.emplace_back(g, weight);
    }
  } else {
    for (const std::string& g : known) config.granularity.emplace_back(g, 1.0);
  }
  return config;
}

}  // namespace

const std::vector<std::string>& BenchTasks() {
  static const std::vector<std::string> tasks = {"counting", "grounding", "vqa", "classification", "caption"};
  return tasks;
}

const std::vector<std::string>& GranularitiesOf(const std::string& task) {
  static const std::map<std::string, std::vector<std::string>> granularities = {
      {"counting", {"sparse", "medium", "dense"}},
      {"grounding", {"small", "medium", "large"}},
      {"vqa", {"presence", "direction", "other"}},
      {"classification", {"scene"}},
      {"caption", {"image"}},
  };
  static const std::vector<std::string> none;
  const auto found = granularities.find(task);
  return found == granularities.end() ? none : found->second;
}

Result<BenchConfig> ParseBenchConfig(const std::string& text, const std::string& origin) {
  BenchConfig config;
  try {
    const json j = json::parse(text);
    OnlyKeys(j, "config",
             {"seed", "tasks", "gsd_edges", "downsample", "cross_resolution_fraction", "counting", "box_format",
              "min_round_trip_iou", "description"});
    Read(j, "seed", "config", &config.seed);
    Read(j, "gsd_edges", "config", &config.gsd_edges);
    Read(j, "downsample", "config", &config.downsample);
    Read(j, "cross_resolution_fraction", "config", &config.cross_resolution_fraction);
    Read(j, "box_format", "config", &config.box_format);
    Read(j, "min_round_trip_iou", "config", &config.min_round_trip_iou);
    if (!(config.min_round_trip_iou >= 0 && config.min_round_trip_iou <= 1))
      throw ConfigError{"min_round_trip_iou: must be in [0, 1]"};
    if (!std::is_sorted(config.gsd_edges.begin(), config.gsd_edges.end()))
      throw ConfigError{"gsd_edges: must be ascending"};
    for (int factor : config.downsample) {
      if (factor < 2) throw ConfigError{"downsample: factors must be 2 or more"};
    }
    if (!(config.cross_resolution_fraction >= 0 && config.cross_resolution_fraction <= 1))
      throw ConfigError{"cross_resolution_fraction: must be in [0, 1]"};
    if (j.contains("counting")) {
      OnlyKeys(j["counting"], "counting", {"sparse_max", "medium_max"});
      Read(j["counting"], "sparse_max", "counting", &config.sparse_max);
      Read(j["counting"], "medium_max", "counting", &config.medium_max);
      if (config.sparse_max < 1 || config.medium_max <= config.sparse_max)
        throw ConfigError{"counting: need 1 <= sparse_max < medium_max"};
    }
    if (j.contains("tasks")) {
      const auto& tasks = BenchTasks();
      OnlyKeys(j["tasks"], "tasks", std::set<std::string>(tasks.begin(), tasks.end()));
      for (const std::string& task : tasks) {
        if (j["tasks"].contains(task)) config.tasks.emplace_back(task, ReadTask(task, j["tasks"][task]));
      }
    } else {
      for (const std::string& task : BenchTasks()) config.tasks.emplace_back(task, ReadTask(task, json::object()));
    }
  } catch (const ConfigError& e) {
    return ParseError(origin + ": " + e.message);
  } catch (const json::exception& e) {
    return ParseError(origin + ": " + e.what());
  }
  return config;
}

Result<BenchConfig> LoadBenchConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseBenchConfig(*text, path);
}

std::string GsdBucket(const std::optional<double>& gsd, const std::vector<double>& edges) {
  if (!gsd || !(*gsd > 0)) return "unknown";
  const auto number = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  if (edges.empty()) return "any";
  if (*gsd < edges.front()) return "<" + number(edges.front()) + "m";
  for (size_t k = 1; k < edges.size(); ++k) {
    if (*gsd < edges[k]) return number(edges[k - 1]) + "-" + number(edges[k]) + "m";
  }
  return ">=" + number(edges.back()) + "m";
}

}  // namespace mgrs::bench
