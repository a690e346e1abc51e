// JSON and JSON Lines outputs of a scoring run.
#include "mgrs/metrics/report.h"

#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"

namespace mgrs::metrics {

Status WriteJsonReport(const nlohmann::ordered_json& report, const std::string& path) {
  return WriteFileAtomically(path, DumpJson(report, 2) + "\n");
}

Status WritePerSample(const std::vector<nlohmann::ordered_json>& per_sample, const std::string& path) {
  auto writer = JsonlWriter::Create(path);
  if (!writer.ok()) return writer.status();
  for (const auto& line : per_sample) MGRS_RETURN_IF_ERROR(writer->Write(line));
  return writer->Commit();
}

Status WriteReports(const ReportPaths& paths, const NamedReport& report,
                    const std::vector<nlohmann::ordered_json>& per_sample) {
  std::vector<std::pair<std::string, std::string>> files;
  if (!paths.json.empty()) files.emplace_back(paths.json, DumpJson(report.report, 2) + "\n");
  if (!paths.markdown.empty()) files.emplace_back(paths.markdown, RenderMarkdown({report}));
  if (!paths.html.empty()) files.emplace_back(paths.html, RenderHtml({report}));
  if (!paths.per_sample.empty()) {
    std::string lines;
    for (const auto& line : per_sample) lines += DumpJson(line) + "\n";
    files.emplace_back(paths.per_sample, std::move(lines));
  }
  return WriteFilesAtomically(files);
}

}  // namespace mgrs::metrics
