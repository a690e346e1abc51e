// Combining catalogs: shard catalogs from `mgrs ingest --shard i/n` on several machines become one.
#pragma once

#include <string>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::catalog {

struct MergeSummary {
  int64_t datasets = 0, images = 0, objects = 0, rejects = 0;
};

// Copies every row of each input into `out` (created when missing), renumbering integer keys. Every input is
// checked against `out` before anything is written, and each input is copied in one transaction, so a refused
// input leaves `out` as it was before that input (a conflict between two inputs shows when the second one comes,
// after the first was merged). Refused (kFailedPrecondition, naming the files and the first conflicting ids) when a
// dataset exists on both sides with another format, version or manifest checksum, when an image id or a stored
// source file is on both sides, or when an input fails its integrity check.
Result<MergeSummary> MergeCatalogs(const std::string& out, const std::vector<std::string>& inputs);

}  // namespace mgrs::catalog
