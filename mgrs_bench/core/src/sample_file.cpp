// ForEachSample: JsonlReader and SampleFromJson, one line at a time.
#include "mgrs/core/sample_file.h"

#include "mgrs/core/jsonl.h"

namespace mgrs {

Status ForEachSample(const std::string& path, const std::function<Status(Sample&& sample, int64_t line)>& on_sample,
                     const std::function<Status(const Diagnostic& bad)>& on_bad) {
  auto reader = JsonlReader::Open(path);
  if (!reader.ok()) return reader.status();
  nlohmann::json value;
  Diagnostic bad;
  for (;;) {
    const auto outcome = reader->Next(&value, &bad);
    if (outcome == JsonlReader::Outcome::kEnd) break;
    if (outcome == JsonlReader::Outcome::kBadLine) {
      MGRS_RETURN_IF_ERROR(on_bad(bad));
      continue;
    }
    auto sample = SampleFromJson(value);
    if (!sample.ok()) {
      MGRS_RETURN_IF_ERROR(on_bad(
          MakeDiagnostic(path, reader->line_number(), "BAD_SAMPLE", sample.status().message(), DumpJson(value))));
      continue;
    }
    MGRS_RETURN_IF_ERROR(on_sample(std::move(*sample), reader->line_number()));
  }
  return reader->status();
}

}  // namespace mgrs
