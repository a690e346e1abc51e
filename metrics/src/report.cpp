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

}  // namespace mgrs::metrics
