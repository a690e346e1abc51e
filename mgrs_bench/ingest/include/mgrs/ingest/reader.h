// The reader interface every source format implements (one file each in src/readers/), and the one table that
// registers them. Readers turn annotation files into catalog batches; they never touch the database.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "mgrs/catalog/batch.h"
#include "mgrs/core/status.h"
#include "mgrs/ingest/manifest.h"

namespace mgrs::ingest {

// One unit of work: a source file and what the listing learned about it.
struct SourceFile {
  std::string path;         // relative to the dataset root, "/" separators
  std::string split;        // split its images belong to ("all" when the layout does not say)
  std::string stem;         // image stem for one-image-per-file formats
  std::string companion;    // a second file the reader needs (DOTA v2.0 meta file), relative to the root, or ""
  int64_t first_index = 0;  // reader-specific ordinal (DIOR-RSVG: global index of the file's first object)
};

// What every reader call sees. Read-only during Read(), so readers may run on several threads at once.
struct ReaderContext {
  std::string root;         // absolute dataset root
  std::string dataset;      // dataset name: the first part of every image id
  std::string split;        // --split: overrides the split the layout gives ("" = use the layout's)
  bool read_images = true;  // false (--no-images): no image lookup, sizes from the annotation, no clamping
  std::string image_root;   // an extra folder searched for images by stem ("" = none)
  std::unordered_set<std::string> known_class_keys;  // from the manifest version; empty = every class known
  UnknownClassPolicy unknown_class = UnknownClassPolicy::kKeep;
  OutOfBoundsPolicy out_of_bounds = OutOfBoundsPolicy::kClamp;
  // Called by the listing after each folder with the folders entered and matching files found so far (may be
  // empty): a tree of a million files takes minutes to list, and a listing that reports nothing looks hung.
  std::function<void(int64_t folders, int64_t files)> listing_progress;
};

class FormatReader {
 public:
  virtual ~FormatReader() = default;
  // The source files under ctx.root in a deterministic order (sorted by path; a reader may append units of its
  // own, like DIOR-RSVG's split files). Called once per ingest, before any Read(). kNotFound when the root holds
  // nothing of this format.
  virtual Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const = 0;
  // Reads one source file. Bad records become rejects in the batch; the Status fails only when the file cannot
  // be read at all (I/O). Thread-safe.
  virtual Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const = 0;
};

struct ReaderEntry {
  const char* format;   // the --format value
  const char* summary;  // one line for --help
  std::unique_ptr<FormatReader> (*make)();
};

// The registration table (src/readers/registry.cpp): one line per format.
const std::vector<ReaderEntry>& Readers();
// nullptr when the format is unknown.
std::unique_ptr<FormatReader> MakeReader(const std::string& format);
// "dota|dior|fair1m|..." for usage lines.
std::string FormatNames();

}  // namespace mgrs::ingest
