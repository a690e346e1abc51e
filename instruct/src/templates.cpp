// Loading and rendering task templates.
#include "mgrs/instruct/templates.h"

#include <algorithm>
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"

namespace mgrs::instruct {
namespace {

struct KindInfo {
  SampleKind kind;
  const char* name;
  Task task;
  std::vector<std::string> fields;
};

const std::vector<KindInfo>& Kinds() {
  static const std::vector<KindInfo> kinds = {
      {SampleKind::kClassification, "classification", Task::kClassification, {"classes", "label"}},
      {SampleKind::kCaption, "caption", Task::kCaption, {"caption"}},
      {SampleKind::kVqa, "vqa", Task::kVqa, {"question", "answer"}},
      {SampleKind::kPresence, "presence", Task::kVqa, {"class", "a_class", "class_plural", "answer"}},
      {SampleKind::kComparison, "comparison", Task::kVqa, {"class_plural", "other_plural", "answer"}},
      {SampleKind::kDirection, "direction", Task::kVqa, {"class", "answer"}},
      {SampleKind::kIdentify, "identify", Task::kVqa, {"box", "answer"}},
      {SampleKind::kGrounding, "grounding", Task::kGrounding, {"expression", "box"}},
      {SampleKind::kCounting, "counting", Task::kCounting, {"class", "class_plural", "count"}},
  };
  return kinds;
}

const KindInfo& InfoOf(SampleKind kind) { return Kinds()[static_cast<int>(kind)]; }

Status CheckTemplate(const Template& t, SampleKind kind) {
  for (const std::string* text : {&t.human, &t.gpt}) {
    auto names = Placeholders(*text);
    if (!names.ok()) return Status(StatusCode::kParseError, "template " + t.name + ": " + names.status().message());
    for (const std::string& name : *names) {
      const auto& allowed = FieldsOf(kind);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return Status(StatusCode::kParseError, "template " + t.name + ": unknown field {" + name + "} (a " +
                                                   SampleKindName(kind) + " template may use " + list + ")");
      }
    }
  }
  if (t.human.empty() || t.gpt.empty()) {
    return Status(StatusCode::kParseError, "template " + t.name + ": needs a non-empty \"human\" and \"gpt\"");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> Placeholders(const std::string& text) {
  std::vector<std::string> names;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0 || text.compare(i, 2, "}}") == 0) {
      ++i;
    } else if (text[i] == '{') {
      const size_t end = text.find('}', i);
      if (end == std::string::npos) return Status(StatusCode::kParseError, "unclosed '{'");
      names.push_back(text.substr(i + 1, end - i - 1));
      i = end;
    } else if (text[i] == '}') {
      return Status(StatusCode::kParseError, "'}' without '{' (write '}}' for a brace)");
    }
  }
  return names;
}

const char* SampleKindName(SampleKind kind) { return InfoOf(kind).name; }
Task TaskOf(SampleKind kind) { return InfoOf(kind).task; }
const std::vector<std::string>& FieldsOf(SampleKind kind) { return InfoOf(kind).fields; }

std::string Render(const std::string& text, const Fields& fields) {
  std::string out;
  out.reserve(text.size() + 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0 || text.compare(i, 2, "}}") == 0) {
      out += text[i++];
    } else if (text[i] == '{') {
      const size_t end = text.find('}', i);
      const std::string_view name(text.data() + i + 1, end - i - 1);
      for (const auto& [key, value] : fields) {
        if (key == name) out += value;
      }
      i = end;
    } else {
      out += text[i];
    }
  }
  return out;
}

Status TemplateSet::AddFile(const std::string& text, const std::string& origin) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return Status(StatusCode::kParseError, origin + ": " + e.what());
  }
  if (!json.is_object() || !json.contains("templates") || !json["templates"].is_object()) {
    return Status(StatusCode::kParseError, origin + ": expected {\"templates\": {\"<kind>\": [...]}}");
  }
  for (const auto& item : json["templates"].items()) {  // not a structured binding: the lambda below captures it
    const std::string& kind_name = item.key();
    const auto& list = item.value();
    auto info = std::find_if(Kinds().begin(), Kinds().end(), [&](const KindInfo& k) { return kind_name == k.name; });
    if (info == Kinds().end()) return Status(StatusCode::kParseError, origin + ": unknown kind \"" + kind_name + "\"");
    if (!list.is_array()) return Status(StatusCode::kParseError, origin + ": \"" + kind_name + "\" is not a list");
    for (size_t k = 0; k < list.size(); ++k) {
      const auto& entry = list[k];
      Template t;
      t.name = origin + "#" + kind_name + "[" + std::to_string(k) + "]";
      if (!entry.is_object() || !entry.value("human", nlohmann::json()).is_string() ||
          !entry.value("gpt", nlohmann::json()).is_string()) {
        return Status(StatusCode::kParseError,
                      "template " + t.name + ": expected {\"human\": \"...\", \"gpt\": \"...\"}");
      }
      if (entry.contains("name") && entry["name"].is_string()) t.name += " (" + entry["name"].get<std::string>() + ")";
      t.human = entry["human"].get<std::string>();
      t.gpt = entry["gpt"].get<std::string>();
      MGRS_RETURN_IF_ERROR(CheckTemplate(t, info->kind));
      by_kind_[static_cast<int>(info->kind)].push_back(std::move(t));
    }
  }
  return Status::Ok();
}

Result<TemplateSet> TemplateSet::LoadDirectory(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (error) return Status(StatusCode::kIoError, dir + ": " + error.message());
  std::sort(files.begin(), files.end());
  TemplateSet set;
  for (const std::string& file : files) {
    auto text = ReadFile(file);
    if (!text.ok()) return text.status();
    MGRS_RETURN_IF_ERROR(set.AddFile(*text, file));
  }
  for (const KindInfo& info : Kinds()) {
    if (set.Of(info.kind).empty()) {
      return Status(StatusCode::kNotFound, dir + ": no template for \"" + std::string(info.name) + "\"");
    }
  }
  return set;
}

}  // namespace mgrs::instruct
