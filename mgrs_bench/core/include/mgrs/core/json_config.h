// Strict reading of JSON config files (manifests/*): every key known, every value of its type. The helpers throw
// ConfigError naming where in the file ("tasks.counting.images: wrong type"); the reader's entry point catches it
// and returns a Status that adds the file's path.
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace mgrs::json_config {

struct ConfigError {
  std::string message;
};

// Refuses a non-object and any key outside `allowed` (a typo would otherwise fall back to a default silently).
inline void OnlyKeys(const nlohmann::json& object, const std::string& where, const std::set<std::string>& allowed) {
  if (!object.is_object()) throw ConfigError{where + ": expected an object"};
  for (const auto& item : object.items()) {
    if (!allowed.count(item.key())) throw ConfigError{where + ": unknown key \"" + item.key() + "\""};
  }
}

// Sets *out from object[key] when the key is there; a value of another type is an error.
template <typename T>
void Read(const nlohmann::json& object, const std::string& key, const std::string& where, T* out) {
  if (!object.contains(key)) return;
  try {
    *out = object.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError{where + "." + key + ": wrong type"};
  }
}

}  // namespace mgrs::json_config
