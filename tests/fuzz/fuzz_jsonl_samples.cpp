// libFuzzer harness: the JSON Lines reader, Sample and Prediction JSON (read and written back), and mgrs-score's
// input readers with format detection (samples, coco captions, coco results) on one arbitrary file.
#include "fuzz_support.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/core/sample.h"
#include "mgrs/metrics/inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mgrs;
  const std::string path = fuzz::WriteInput("jsonl", "input.jsonl", data, size) + "/input.jsonl";
  auto reader = JsonlReader::Open(path);
  if (reader.ok()) {
    nlohmann::json value;
    Diagnostic bad;
    while (reader->Next(&value, &bad) != JsonlReader::Outcome::kEnd) {
      if (auto sample = SampleFromJson(value); sample.ok()) (void)DumpJson(SampleToJson(*sample));
      if (auto prediction = PredictionFromJson(value); prediction.ok()) (void)DumpJson(PredictionToJson(*prediction));
    }
  }
  Diagnostic bad;
  (void)ParseJsonText(std::string(reinterpret_cast<const char*>(data), size), path, &bad);
  (void)metrics::ReadGroundTruth(path, metrics::GroundTruthFormat::kAuto);
  (void)metrics::ReadPredictions(path, metrics::PredictionFormat::kAuto);
  return 0;
}
