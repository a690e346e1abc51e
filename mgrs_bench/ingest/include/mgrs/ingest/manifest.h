// Dataset manifests (manifests/datasets/<name>.json): format, versions, class lists with their exact spellings,
// the published image and object counts per split, policies for unknown classes and out-of-image boxes,
// licence and homepage. Ingest checks records against them; `mgrs catalog verify` compares a catalog with them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "mgrs/catalog/catalog.h"
#include "mgrs/core/status.h"

namespace mgrs::ingest {

enum class UnknownClassPolicy { kKeep, kReject };  // keep: store the object, flag it, warn
enum class OutOfBoundsPolicy { kClamp, kReject };  // clamp: clamp the HBB, keep the quad raw, warn

struct ManifestClass {
  std::string name;  // exact spelling in the annotations
  std::string key;   // NormaliseClassKey(name)
};

struct PublishedSplit {
  std::optional<int64_t> images;  // absent when the publication gives no number
  std::optional<int64_t> objects;
};

struct ManifestVersion {
  std::vector<ManifestClass> classes;  // empty: any class is accepted as known
  std::map<std::string, PublishedSplit> splits;
};

struct DatasetManifest {
  std::string path;    // the file it was read from
  std::string sha256;  // of that file
  std::string name;
  std::string format;
  std::string title;
  std::string homepage;
  std::string licence;
  int coord_origin = 0;
  UnknownClassPolicy unknown_class = UnknownClassPolicy::kKeep;
  OutOfBoundsPolicy out_of_bounds = OutOfBoundsPolicy::kClamp;
  std::string default_version;
  std::map<std::string, ManifestVersion> versions;

  // The named version, or the default one when `version` is empty; kNotFound lists the versions there are.
  Result<const ManifestVersion*> Version(const std::string& version) const;
};

// Reads and validates a manifest; kParseError names the file and the field at fault.
Result<DatasetManifest> LoadManifest(const std::string& path);

// The manifest for a dataset: <dir>/datasets/<name>.json, else <dir>/datasets/<format>.json, for the first dir of:
// $MGRS_MANIFESTS, the installed share/mgrs/manifests, the source tree's manifests/. kNotFound names the places.
Result<std::string> FindManifest(const std::string& name, const std::string& format);

// Every way a catalog's dataset differs from its manifest: format, manifest checksum, per-split image and object
// counts against the published ones, splits the manifest does not know, classes outside the manifest, manifest
// classes with no object. Empty when they agree.
Result<std::vector<std::string>> VerifyAgainstManifest(catalog::Catalog* catalog, const std::string& dataset,
                                                       const DatasetManifest& manifest);

// Hex SHA-256 of a file (the manifest checksum stored in the catalog).
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace mgrs::ingest
