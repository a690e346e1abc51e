// Writing what a run made: the two Sample files, the image links and stats.json. Private to instruct.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compose.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/instruct/instruct.h"

namespace mgrs::instruct {

// One canonical Sample line per candidate (serialised by `jobs` threads), written to a temporary file beside
// `path`; the caller commits it, together with the run's other files (CommitTogether).
Result<std::unique_ptr<AtomicFileWriter>> StageSamples(const std::string& path, const std::vector<Candidate>& samples,
                                                       int jobs);

// `dir`/<dataset> links to each dataset root a sample names; `dir`/derived/<image id>.png to each derived file a
// sample names. Existing links are replaced; anything else in the way is an error.
Status LinkImages(const std::string& dir, const std::vector<catalog::DatasetInfo>& datasets,
                  const std::map<std::string, std::string>& derived_files, const Composition& composition);

nlohmann::ordered_json StatsJson(const InstructSummary& summary, const Composition& composition,
                                 const InstructOptions& options);

}  // namespace mgrs::instruct
