// Reading what mgrs-score scores: ground truth (Sample JSONL or a coco caption annotation file) and predictions
// (Prediction JSONL, LLaVA/GeoChat-style JSONL, or a coco results file), with their formats detected.
#pragma once

#include <string>
#include <vector>

#include "mgrs/core/diagnostic.h"
#include "mgrs/core/sample.h"
#include "mgrs/core/status.h"

namespace mgrs::metrics {

// "auto" detects: a file starting with '[' is a coco results array; a JSON object with "annotations" is a coco
// caption annotation file; anything else is JSON Lines.
enum class GroundTruthFormat { kAuto, kSamples, kCocoCaptions };
enum class PredictionFormat { kAuto, kJsonl, kCocoResults };
Result<GroundTruthFormat> ParseGroundTruthFormat(const std::string& name);  // auto | samples | coco
Result<PredictionFormat> ParsePredictionFormat(const std::string& name);    // auto | jsonl | coco
const char* FormatName(GroundTruthFormat format);
const char* FormatName(PredictionFormat format);

struct GroundTruthSet {
  GroundTruthFormat format = GroundTruthFormat::kAuto;  // the detected one
  std::vector<Sample> samples;                          // file order (coco: order of "images", then annotations)
  std::vector<std::string> skipped_ids;                 // coco images listed without any caption
};

// Reads the whole ground truth. Any bad record fails the read (a lost ground-truth sample would change the
// denominator): kParseError with "path:line: error[CODE]: message" lines for up to 20 bad records, codes
// BAD_JSON, INVALID_UTF8, TRUNCATED_LINE, BAD_SAMPLE, DUPLICATE_ID, EMPTY_FILE, NOT_COCO.
Result<GroundTruthSet> ReadGroundTruth(const std::string& path, GroundTruthFormat format);

struct PredictionSet {
  PredictionFormat format = PredictionFormat::kAuto;
  std::vector<Prediction> predictions;  // file order, one per id
  std::vector<int64_t> lines;           // line of each prediction (0 for coco arrays: element index + 1)
  // Records that could not be used (BAD_JSON, INVALID_UTF8, TRUNCATED_LINE, BAD_PREDICTION, DUPLICATE_ID):
  // their samples count as missing, and the caller decides whether that many rejects are acceptable.
  std::vector<Diagnostic> rejects;
};

// Reads predictions. A file that cannot be read at all (I/O error, empty, a coco array that is not valid JSON)
// fails with kIoError or kParseError; bad records become rejects.
Result<PredictionSet> ReadPredictions(const std::string& path, PredictionFormat format);

}  // namespace mgrs::metrics
