// Combining catalogs: shard catalogs from `mgrs ingest --shard i/n` on several machines become one.
#pragma once

#include <string>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::catalog {

struct MergeSummary {
  int64_t datasets = 0, images = 0, objects = 0, rejects = 0;
};

// Copies every row of each input into `out` (created when missing), renumbering integer keys. All or nothing:
// `out` changes in one transaction, or not at all when any input is refused. Up to 10 inputs (SQLite's limit on
// attached databases) are attached and copied in that one transaction; more are first merged in groups of 10
// into staging catalogs beside `out` (`out`.merging-N, removed afterwards), which are then merged into `out` the
// same way. Refused (kFailedPrecondition, naming the files and the first conflicting ids) when a dataset exists
// on both sides (or in two inputs) with another format, version or manifest checksum, when an image id or a
// stored source file is on both sides, or when an input fails its integrity check.
Result<MergeSummary> MergeCatalogs(const std::string& out, const std::vector<std::string>& inputs);

}  // namespace mgrs::catalog
