// Reading dataset manifests and comparing a catalog with them.
#include "mgrs/ingest/manifest.h"

#include <cstdlib>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/core/records.h"

namespace mgrs::ingest {
namespace {

using nlohmann::json;

Result<std::optional<int64_t>> OptionalCount(const json& split, const char* key, const std::string& where) {
  if (!split.contains(key) || split[key].is_null()) return std::optional<int64_t>();
  if (!split[key].is_number_integer() || split[key].get<int64_t>() < 0) {
    return ParseError(where + "." + key + " must be a non-negative integer or null");
  }
  return std::optional<int64_t>(split[key].get<int64_t>());
}

std::string Text(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

Result<const ManifestVersion*> DatasetManifest::Version(const std::string& version) const {
  const std::string wanted = version.empty() ? default_version : version;
  auto it = versions.find(wanted);
  if (it != versions.end()) return &it->second;
  std::string known;
  for (const auto& entry : versions) known += (known.empty() ? "" : ", ") + entry.first;
  return NotFound("manifest " + path + " has no version '" + wanted + "' (it has: " + known + ")");
}

Result<DatasetManifest> LoadManifest(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return ParseError("manifest " + path + " is not a JSON object");
  DatasetManifest m;
  m.path = path;
  auto sha = Sha256OfFile(path);
  if (!sha.ok()) return sha.status();
  m.sha256 = *sha;
  m.name = Text(j, "name");
  m.format = Text(j, "format");
  m.title = Text(j, "title");
  m.homepage = Text(j, "homepage");
  m.licence = Text(j, "licence");
  m.default_version = Text(j, "default_version");
  if (m.name.empty() || m.format.empty()) return ParseError("manifest " + path + " needs \"name\" and \"format\"");
  if (j.contains("coord_origin")) {
    if (!j["coord_origin"].is_number_integer() || (j["coord_origin"] != 0 && j["coord_origin"] != 1)) {
      return ParseError("manifest " + path + ": coord_origin must be 0 or 1");
    }
    m.coord_origin = j["coord_origin"].get<int>();
  }
  if (j.contains("policy")) {
    const json& policy = j["policy"];
    const std::string unknown = Text(policy, "unknown_class"), bounds = Text(policy, "out_of_bounds");
    if (!unknown.empty() && unknown != "keep" && unknown != "reject") {
      return ParseError("manifest " + path + ": policy.unknown_class must be \"keep\" or \"reject\"");
    }
    if (!bounds.empty() && bounds != "clamp" && bounds != "reject") {
      return ParseError("manifest " + path + ": policy.out_of_bounds must be \"clamp\" or \"reject\"");
    }
    m.unknown_class = unknown == "reject" ? UnknownClassPolicy::kReject : UnknownClassPolicy::kKeep;
    m.out_of_bounds = bounds == "reject" ? OutOfBoundsPolicy::kReject : OutOfBoundsPolicy::kClamp;
  }
  if (!j.contains("versions") || !j["versions"].is_object() || j["versions"].empty()) {
    return ParseError("manifest " + path + " needs a non-empty \"versions\" object");
  }
  for (const auto& [version_name, v] : j["versions"].items()) {
    const std::string where = "manifest " + path + ": versions." + version_name;
    ManifestVersion version;
    if (v.contains("classes")) {
      if (!v["classes"].is_array()) return ParseError(where + ".classes must be an array");
      for (const json& c : v["classes"]) {
        ManifestClass mc{Text(c, "name"), Text(c, "key")};
        if (mc.name.empty()) return ParseError(where + ": every class needs a \"name\"");
        if (mc.key != NormaliseClassKey(mc.name)) {
          return ParseError(where + ": class '" + mc.name + "' has key '" + mc.key + "', expected '" +
                            NormaliseClassKey(mc.name) + "'");
        }
        version.classes.push_back(std::move(mc));
      }
    }
    if (v.contains("splits")) {
      if (!v["splits"].is_object()) return ParseError(where + ".splits must be an object");
      for (const auto& [split_name, s] : v["splits"].items()) {
        PublishedSplit published;
        auto images = OptionalCount(s, "images", where + ".splits." + split_name);
        if (!images.ok()) return images.status();
        auto objects = OptionalCount(s, "objects", where + ".splits." + split_name);
        if (!objects.ok()) return objects.status();
        published.images = *images;
        published.objects = *objects;
        version.splits[split_name] = published;
      }
    }
    m.versions[version_name] = std::move(version);
  }
  if (m.default_version.empty()) m.default_version = m.versions.begin()->first;
  if (!m.versions.count(m.default_version)) {
    return ParseError("manifest " + path + ": default_version '" + m.default_version + "' is not in versions");
  }
  return m;
}

Result<std::string> FindManifest(const std::string& name, const std::string& format) {
  std::string tried;
  for (const std::string& dir : ManifestDirs()) {
    for (const std::string& stem : {name, format}) {
      if (stem.empty()) continue;
      const std::string path = dir + "/datasets/" + stem + ".json";
      std::error_code ec;
      if (std::filesystem::is_regular_file(path, ec)) return path;
      tried += (tried.empty() ? "" : ", ") + path;
    }
  }
  return NotFound("no manifest for dataset '" + name + "' (format " + format + "); looked for " + tried +
                  " (set MGRS_MANIFESTS or pass --manifest)");
}

Result<std::vector<std::string>> VerifyAgainstManifest(catalog::Catalog* catalog, const std::string& dataset,
                                                       const DatasetManifest& manifest) {
  auto info = catalog->FindDataset(dataset);
  if (!info.ok()) return info.status();
  if (!info->has_value()) return NotFound("dataset '" + dataset + "' is not in catalog " + catalog->path());
  std::vector<std::string> differences;
  const catalog::DatasetInfo& d = **info;
  if (d.format != manifest.format) {
    differences.push_back("format: catalog has '" + d.format + "', manifest says '" + manifest.format + "'");
  }
  if (d.manifest_sha256 != manifest.sha256) {
    differences.push_back("manifest checksum: the catalog was ingested with " +
                          (d.manifest_sha256.empty() ? std::string("no manifest") : d.manifest_sha256) + ", " +
                          manifest.path + " is now " + manifest.sha256);
  }
  auto version = manifest.Version(d.version);
  if (!version.ok()) {
    differences.push_back("version: " + version.status().message());
    return differences;
  }
  auto stats = catalog->Stats();
  if (!stats.ok()) return stats.status();
  const catalog::DatasetStats* ds = nullptr;
  for (const auto& s : stats->datasets) {
    if (s.info.name == dataset) ds = &s;
  }
  for (const auto& [split, published] : (*version)->splits) {
    auto it = ds->splits.find(split);
    const catalog::SplitCount have = it == ds->splits.end() ? catalog::SplitCount{} : it->second;
    if (published.images && *published.images != have.images) {
      differences.push_back("split " + split + ": " + std::to_string(*published.images) + " images published, " +
                            std::to_string(have.images) + " in the catalog");
    }
    if (published.objects && *published.objects != have.objects) {
      differences.push_back("split " + split + ": " + std::to_string(*published.objects) + " objects published, " +
                            std::to_string(have.objects) + " in the catalog");
    }
  }
  for (const auto& [split, have] : ds->splits) {
    if (!(*version)->splits.count(split)) {
      differences.push_back("split " + split + ": in the catalog (" + std::to_string(have.images) +
                            " images) but not in the manifest");
    }
  }
  if (!(*version)->classes.empty()) {
    std::set<std::string> manifest_keys, catalog_keys;
    for (const ManifestClass& c : (*version)->classes) manifest_keys.insert(c.key);
    for (const catalog::ClassCount& c : ds->classes) {
      if (c.objects == 0) continue;
      catalog_keys.insert(c.class_key);
      if (!manifest_keys.count(c.class_key)) {
        differences.push_back("class '" + c.raw_class + "': " + std::to_string(c.objects) +
                              " objects in the catalog, not in the manifest");
      }
    }
    for (const ManifestClass& c : (*version)->classes) {
      if (!catalog_keys.count(c.key)) differences.push_back("class '" + c.name + "': in the manifest, no objects");
    }
  }
  return differences;
}

}  // namespace mgrs::ingest
