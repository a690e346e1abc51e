// Where the manifests/ data lives: an override, the install folder, the source tree.
#include <cstdlib>
#include <filesystem>

#include "mgrs/core/files.h"

namespace mgrs {

std::vector<std::string> ManifestDirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("MGRS_MANIFESTS"); env && *env) dirs.push_back(env);
  dirs.push_back(MGRS_INSTALLED_MANIFESTS);
  dirs.push_back(MGRS_SOURCE_MANIFESTS);
  return dirs;
}

Result<std::string> FindManifestFile(const std::string& relative) {
  std::string tried;
  for (const std::string& dir : ManifestDirs()) {
    const std::string path = dir + "/" + relative;
    std::error_code error;
    if (std::filesystem::exists(path, error)) return path;
    tried += (tried.empty() ? "" : ", ") + path;
  }
  return Status(StatusCode::kNotFound, "no " + relative + " in the manifest folders (tried " + tried +
                                           "; set MGRS_MANIFESTS to the folder that has it)");
}

}  // namespace mgrs
