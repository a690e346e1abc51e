// Loading manifests/bench/prompts.json: prompts per task and granularity, every placeholder checked.
#include "mgrs/bench/prompts.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "mgrs/bench/config.h"
#include "mgrs/core/files.h"

namespace mgrs::bench {
namespace {

using nlohmann::json;

Status CheckFields(const instruct::Template& t, const std::string& task, const std::string& granularity) {
  const auto& allowed = PromptFields(task, granularity);
  for (const std::string* text : {&t.human, &t.gpt}) {
    auto names = instruct::Placeholders(*text);
    if (!names.ok()) return ParseError("prompt " + t.name + ": " + names.status().message());
    for (const std::string& name : *names) {
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return ParseError("prompt " + t.name + ": unknown field {" + name + "} (" + task + "/" + granularity +
                        " prompts may use " + list + ")");
    }
  }
  if (t.human.empty() || t.gpt.empty()) return ParseError("prompt " + t.name + ": needs a non-empty human and gpt");
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& PromptFields(const std::string& task, const std::string& granularity) {
  static const std::vector<std::string> counting = {"class", "class_plural", "count"};
  static const std::vector<std::string> grounding = {"expression", "box", "size"};
  static const std::vector<std::string> presence = {"class", "a_class", "class_plural", "answer"};
  static const std::vector<std::string> direction = {"class", "a_class", "answer"};
  static const std::vector<std::string> other = {"question", "answer"};
  static const std::vector<std::string> any_vqa = {"class", "a_class", "class_plural", "question", "answer"};
  static const std::vector<std::string> classification = {"classes", "label"};
  static const std::vector<std::string> caption = {"caption", "scene"};
  static const std::vector<std::string> none;
  if (task == "counting") return counting;
  if (task == "grounding") return grounding;
  if (task == "vqa") {
    if (granularity == "presence") return presence;
    if (granularity == "direction") return direction;
    if (granularity == "other") return other;
    return granularity == "*" ? any_vqa : none;
  }
  if (task == "classification") return classification;
  if (task == "caption") return caption;
  return none;
}

Result<PromptSet> PromptSet::Parse(const std::string& text, const std::string& origin) {
  PromptSet set;
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    return ParseError(origin + ": " + e.what());
  }
  if (!j.is_object()) return ParseError(origin + ": expected an object of tasks");
  for (const auto& [task, by_granularity] : j.items()) {
    if (task == "description") continue;
    const auto& granularities = GranularitiesOf(task);
    if (granularities.empty()) return ParseError(origin + ": unknown task \"" + task + "\"");
    if (!by_granularity.is_object()) return ParseError(origin + ": " + task + ": expected an object");
    for (const auto& [granularity, list] : by_granularity.items()) {
      if (granularity != "*" &&
          std::find(granularities.begin(), granularities.end(), granularity) == granularities.end())
        return ParseError(origin + ": " + task + ": unknown granularity \"" + granularity + "\"");
      if (!list.is_array() || list.empty())
        return ParseError(origin + ": " + task + "/" + granularity + ": expected a non-empty list");
      auto& out = set.prompts_[{task, granularity}];
      for (size_t k = 0; k < list.size(); ++k) {
        const json& p = list[k];
        instruct::Template t;
        t.name = origin + "#" + task + "/" + granularity + "[" + std::to_string(k) + "]";
        if (!p.is_object() || !p.contains("human") || !p.contains("gpt") || !p["human"].is_string() ||
            !p["gpt"].is_string())
          return ParseError("prompt " + t.name + ": needs string \"human\" and \"gpt\"");
        if (p.contains("name") && p["name"].is_string()) t.name = p["name"].get<std::string>();
        t.human = p["human"].get<std::string>();
        t.gpt = p["gpt"].get<std::string>();
        MGRS_RETURN_IF_ERROR(CheckFields(t, task, granularity));
        out.push_back(std::move(t));
      }
    }
  }
  for (const std::string& task : BenchTasks()) {
    for (const std::string& granularity : GranularitiesOf(task)) {
      if (!set.prompts_.count({task, granularity}) && !set.prompts_.count({task, "*"}))
        return NotFound(origin + ": no prompt for " + task + "/" + granularity + " (nor " + task + "/*)");
    }
  }
  return set;
}

Result<PromptSet> PromptSet::Load(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

const std::vector<instruct::Template>& PromptSet::Of(const std::string& task, const std::string& granularity) const {
  static const std::vector<instruct::Template> none;
  auto found = prompts_.find({task, granularity});
  if (found == prompts_.end()) found = prompts_.find({task, "*"});
  return found == prompts_.end() ? none : found->second;
}

}  // namespace mgrs::bench
