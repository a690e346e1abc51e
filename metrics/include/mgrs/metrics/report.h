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

namespace mgrs::metrics {

// A report and the name its row carries in tables and charts.
struct NamedReport {
  std::string name;
  nlohmann::ordered_json report;
};

// Reads a JSON report written by WriteJsonReport; the name is the file name without ".json".
Result<NamedReport> ReadJsonReport(const std::string& path);

// Markdown tables in the layout of the paper's Tables 1-5: one table per task, a row per report, columns grouped
// by dataset (the whole set when the ground truth names none) with the task's headline metrics, in percent.
std::string RenderMarkdown(const std::vector<NamedReport>& reports);

// One self-contained HTML page (no scripts, styles inline, nothing fetched): the Markdown tables as HTML, an SVG
// bar chart per task (datasets) and per granularity, and, for two or more reports, a radar chart with one axis per
// dataset and headline metric, each axis scaled so that the best report on it reaches the rim. Each report's JSON
// is embedded in a <script type="application/json"> block.
std::string RenderHtml(const std::vector<NamedReport>& reports);

// Where one scoring run's files go; an empty path is not written.
struct ReportPaths {
  std::string json, markdown, html, per_sample;
};

// Writes a run's files together (CommitTogether in mgrs/core/files.h): a write that fails (a full disk, a
// file-size limit) leaves every earlier file as it was, never a new JSON report beside an old page.
Status WriteReports(const ReportPaths& paths, const NamedReport& report,
                    const std::vector<nlohmann::ordered_json>& per_sample);

}  // namespace mgrs::metrics
