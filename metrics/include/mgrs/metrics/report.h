// Writing what the scorer produced: the JSON report, the per-sample JSON Lines, and (from JSON reports) Markdown
// tables and a self-contained HTML page.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/core/status.h"
#include "mgrs/metrics/scorer.h"

namespace mgrs::metrics {

// Each write is atomic (temp file + rename); kIoError names the file.
Status WriteJsonReport(const nlohmann::ordered_json& report, const std::string& path);
Status WritePerSample(const std::vector<nlohmann::ordered_json>& per_sample, const std::string& path);

}  // namespace mgrs::metrics
