// Stage fingerprints and DIR/pipeline-state.json.
#include "state.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"

namespace mgrs::pipeline {
namespace fs = std::filesystem;

Fingerprint& Fingerprint::Add(const std::string& text) {
  for (const unsigned char c : text) {
    hash_ ^= c;
    hash_ *= 1099511628211ULL;
  }
  hash_ ^= 0xff;  // ends each part, so ("ab", "c") and ("a", "bc") differ
  hash_ *= 1099511628211ULL;
  return *this;
}

Fingerprint& Fingerprint::AddPath(const std::string& path) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(path);
  }
  for (const auto& file : files) {
    Add(fs::relative(file, path, ec).generic_string());
    auto content = ReadFile(file.string());
    Add(content.ok() ? *content : "(missing)");
  }
  return *this;
}

std::string Fingerprint::Hex() const {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash_));
  return text;
}

Result<PipelineState> PipelineState::Load(const std::string& path) {
  PipelineState state;
  state.path_ = path;
  if (!fs::exists(path)) return state;
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  Diagnostic bad;
  auto json = ParseJsonText(*text, path, &bad);
  if (!json.ok()) return json.status();
  try {
    for (const auto& [name, record] : json->at("stages").items()) {
      StageRecord& r = state.stages_[name];
      r.fingerprint = record.value("fingerprint", "");
      r.started = record.value("started", "");
      r.seconds = record.value("seconds", 0.0);
      r.summary = record.value("summary", "");
    }
  } catch (const nlohmann::json::exception& error) {
    return Corruption(path + ": not a pipeline state (" + error.what() + "); delete it to run every stage");
  }
  return state;
}

Status PipelineState::Save() const {
  nlohmann::ordered_json stages = nlohmann::ordered_json::object();
  for (const auto& [name, r] : stages_) {
    stages[name] = {
        {"fingerprint", r.fingerprint}, {"started", r.started}, {"seconds", r.seconds}, {"summary", r.summary}};
  }
  nlohmann::ordered_json json = {{"stages", stages}};
  return WriteFileAtomically(path_, json.dump(2) + "\n");
}

}  // namespace mgrs::pipeline
