// What the previous runs of a pipeline finished (DIR/pipeline-state.json), and the fingerprints that decide
// whether a stage runs again.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::pipeline {

// FNV-1a, 64 bits, as 16 hex digits: stable across builds and machines, unlike std::hash.
class Fingerprint {
 public:
  explicit Fingerprint(const std::string& seed) { Add(seed); }
  Fingerprint& Add(const std::string& text);
  // A file's content, or each regular file under a folder (sorted by path); a missing path adds its name only.
  Fingerprint& AddPath(const std::string& path);
  std::string Hex() const;

 private:
  uint64_t hash_ = 1469598103934665603ULL;
};

struct StageRecord {
  std::string fingerprint;  // of the last successful run
  std::string started;      // the fingerprint of a run that began and has not finished (a resumable training)
  double seconds = 0;
  std::string summary;
};

class PipelineState {
 public:
  // A missing file is an empty state; an unreadable one is a Corruption naming it.
  static Result<PipelineState> Load(const std::string& path);
  StageRecord& operator[](const std::string& stage) { return stages_[stage]; }
  // Writes the file atomically.
  Status Save() const;

 private:
  std::string path_;
  std::map<std::string, StageRecord> stages_;
};

}  // namespace mgrs::pipeline
