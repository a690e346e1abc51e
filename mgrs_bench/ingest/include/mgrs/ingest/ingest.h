// `mgrs ingest` as a library call: list a dataset's files, parse them (on `jobs` threads) while one writer
// stores them in the catalog, skip the files a previous run stored, record every reject.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mgrs/catalog/bulk_writer.h"
#include "mgrs/core/diagnostic.h"
#include "mgrs/core/status.h"

namespace mgrs::ingest {

struct IngestProgress {
  int64_t files_done = 0;
  int64_t files_total = 0;
  int64_t objects_accepted = 0;
};

struct IngestOptions {
  std::string catalog_path;     // created when missing
  std::string format;           // a format of Readers()
  std::string root;             // the dataset's folder
  std::string name;             // dataset name; "" = the format name
  std::string split;            // overrides the split the layout gives; "" = the layout's
  std::string manifest_path;    // "" = FindManifest(name, format)
  std::string dataset_version;  // manifest version; "" = the manifest's default
  std::string image_root;       // extra folder searched for images by stem
  bool read_images = true;      // --no-images turns this off
  bool strict = false;          // stop at the first error reject
  int64_t max_rejects = -1;     // stop when error rejects exceed this; -1 = no limit
  int jobs = 1;                 // parser threads (one writer thread besides them)
  int shard_index = 0;          // --shard i/n: only files whose path hash % n == i
  int shard_count = 1;
  int queue_files = 64;  // parsed files waiting for the writer, per parser thread (bounds memory)
  catalog::BulkWriterOptions writer;
  // Called on the writer thread after each stored file; may be empty.
  std::function<void(const IngestProgress&)> progress;
  // Called while the dataset is listed, after each folder (ReaderContext::listing_progress); may be empty.
  std::function<void(int64_t folders, int64_t files)> listing_progress;
};

struct IngestSummary {
  std::string dataset;
  int64_t run_id = 0;
  int64_t files_listed = 0;
  int64_t files_skipped = 0;  // stored by an earlier run (idempotence, resume) or outside the shard
  int64_t files_retried = 0;
  bool indexes_rebuilt = false;  // secondary indexes dropped for the load and built at the end  // stored earlier
                                 // without an image (missing or unreadable) and read again
  int64_t files_read = 0;
  int64_t images = 0;
  int64_t objects_read = 0;  // = objects_accepted + objects_rejected
  int64_t objects_accepted = 0;
  int64_t objects_rejected = 0;
  int64_t errors = 0;    // reject rows with severity error
  int64_t warnings = 0;  // flagged records that were kept
  std::map<std::string, int64_t> rejects_by_code;
  std::vector<Diagnostic> first_rejects;  // up to 20, errors first seen, for the user
  bool stopped = false;                   // --strict or --max-rejects ended the run early (exit 3)
  std::string stop_reason;
  // Seconds: parsing (summed over parser threads), inserting (writer busy), index build, foreign-key check, all.
  double parse_seconds = 0, insert_seconds = 0, index_seconds = 0, foreign_key_seconds = 0, wall_seconds = 0;
  // CPU seconds of the parser threads (summed) and of the writer while inserting: what the stages cost on a
  // machine shared with other work, where wall times stretch.
  double parse_cpu_seconds = 0, insert_cpu_seconds = 0;
};

// Runs one ingest. Fails (Status) on usage problems (kInvalidArgument: unknown format, bad shard, a dataset name
// already used by another format), a missing root or manifest (kNotFound) and system errors (I/O, database);
// bad records never fail it. Reading the same tree twice stores it once; a run killed at any point leaves a
// consistent catalog and the next run stores only what is missing.
Result<IngestSummary> Ingest(const IngestOptions& options);

// "files 7 (skipped 0), images 1, objects read 172 = accepted 50 + rejected 122, warnings 3" and the codes.
std::string SummaryText(const IngestSummary& summary);

}  // namespace mgrs::ingest
