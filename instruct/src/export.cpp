// The LLaVA/GeoChat training format: one JSON array of {"id", "image", "conversations"}.
#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/core/sample.h"
#include "mgrs/instruct/instruct.h"

namespace mgrs::instruct {

Status ExportLlava(const std::string& in, const std::string& out) {
  auto reader = JsonlReader::Open(in);
  if (!reader.ok()) return reader.status();
  auto writer = AtomicFileWriter::Create(out);
  if (!writer.ok()) return writer.status();
  MGRS_RETURN_IF_ERROR((*writer)->Append("["));
  bool first = true;
  nlohmann::json value;
  Diagnostic bad;
  for (;;) {
    const auto outcome = reader->Next(&value, &bad);
    if (outcome == JsonlReader::Outcome::kEnd) break;
    if (outcome == JsonlReader::Outcome::kBadLine) return Status(StatusCode::kParseError, bad.ToString());
    auto sample = SampleFromJson(value);
    if (!sample.ok()) {
      return Status(StatusCode::kParseError,
                    in + ":" + std::to_string(reader->line_number()) + ": " + sample.status().message());
    }
    nlohmann::ordered_json entry;
    entry["id"] = sample->id;
    entry["image"] = sample->image;
    entry["conversations"] = nlohmann::ordered_json::array();
    for (const Turn& turn : sample->conversations)
      entry["conversations"].push_back({{"from", turn.from}, {"value", turn.value}});
    MGRS_RETURN_IF_ERROR((*writer)->Append((first ? "\n" : ",\n") + entry.dump()));
    first = false;
  }
  if (!reader->status().ok()) return reader->status();
  MGRS_RETURN_IF_ERROR((*writer)->Append("\n]\n"));
  return (*writer)->Commit();
}

}  // namespace mgrs::instruct
