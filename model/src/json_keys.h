// Reading one object of a JSON config into fields, refusing the keys nobody read (a misspelt key must not fall back
// to a default silently). Shared by the model and the training configs.
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "mgrs/core/status.h"

namespace mgrs::model {

class JsonKeyReader {
 public:
  using Json = nlohmann::ordered_json;
  // `owner` names the file's kind in messages ("config", "train config"); `section` the object ("" = top level).
  JsonKeyReader(const Json& object, std::string owner, std::string section)
      : object_(object), owner_(std::move(owner)), section_(std::move(section)) {}

  template <typename T>
  void Read(const char* key, T* field) {
    seen_.insert(key);
    if (!status_.ok() || !object_.contains(key)) return;
    try {
      *field = object_.at(key).get<T>();
    } catch (const nlohmann::json::exception& e) {
      status_ = ParseError(owner_ + " " + Qualified(key) + ": wrong type (" + e.what() + ")");
    }
  }
  // A key read elsewhere (a nested section).
  void Skip(const char* key) { seen_.insert(key); }
  // The first wrong type, or the first key nobody read.
  Status Finish() const {
    if (!status_.ok()) return status_;
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (!seen_.count(it.key())) return ParseError(owner_ + ": unknown key \"" + Qualified(it.key()) + "\"");
    }
    return Status::Ok();
  }

 private:
  std::string Qualified(const std::string& key) const { return section_.empty() ? key : section_ + "." + key; }

  const Json& object_;
  std::string owner_, section_;
  std::set<std::string> seen_;
  Status status_;
};

}  // namespace mgrs::model
