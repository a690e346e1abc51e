// Format detection and reading of ground truth and predictions, with a diagnostic for every bad record.
#include "mgrs/metrics/inputs.h"

#include <unordered_map>

#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/core/text.h"

namespace mgrs::metrics {
namespace {

using nlohmann::json;

constexpr size_t kMaxListedErrors = 20;

std::string_view SkipBomAndSpace(std::string_view text) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty() && (text[0] == ' ' || text[0] == '\t' || text[0] == '\n' || text[0] == '\r')) {
    text.remove_prefix(1);
  }
  return text;
}

// Parses a whole file as one JSON value; errors name the line.
Result<json> ParseWholeFile(const std::string& path, const std::string& text) {
  Diagnostic bad;
  return ParseJsonText(text, path, &bad);
}

// The first non-blank line of a file parses alone as a JSON object: the file is JSON Lines.
bool FirstLineIsJsonObject(std::string_view text) {
  const size_t end = text.find('\n');
  Diagnostic bad;
  const auto first = ParseJsonLine(std::string(text.substr(0, end)), "", 1, &bad);
  return first.ok() && first->is_object() && !first->contains("annotations");
}

std::string IdText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return {};
}

Result<GroundTruthSet> ReadCocoCaptions(const std::string& path, const std::string& text) {
  auto parsed = ParseWholeFile(path, text);
  if (!parsed.ok()) return parsed.status();
  const json& root = *parsed;
  if (!root.is_object() || !root.contains("annotations") || !root["annotations"].is_array()) {
    return ParseError(
        MakeDiagnostic(path, 0, "NOT_COCO", "expected a coco caption file with an \"annotations\" array").ToString());
  }
  GroundTruthSet set;
  set.format = GroundTruthFormat::kCocoCaptions;
  std::unordered_map<std::string, size_t> index;
  std::vector<std::string> order;
  const auto add_image = [&](const std::string& id) {
    if (index.emplace(id, set.samples.size()).second) {
      Sample s;
      s.id = id;
      s.task = Task::kCaption;
      s.gt = CaptionTruth{};
      set.samples.push_back(std::move(s));
    }
  };
  if (root.contains("images") && root["images"].is_array()) {
    for (const json& image : root["images"]) {
      if (image.is_object() && image.contains("id")) add_image(IdText(image["id"]));
    }
  }
  std::vector<std::string> errors;
  const json& annotations = root["annotations"];
  for (size_t i = 0; i < annotations.size(); ++i) {
    const json& a = annotations[i];
    const std::string where = "annotations[" + std::to_string(i) + "]";
    if (!a.is_object() || !a.contains("image_id") || IdText(a["image_id"]).empty() || !a.contains("caption") ||
        !a["caption"].is_string()) {
      errors.push_back(
          MakeDiagnostic(path, 0, "BAD_SAMPLE", where + ": expected {\"image_id\", \"caption\"}").ToString());
      continue;
    }
    const std::string id = IdText(a["image_id"]);
    if (!index.count(id)) {
      if (root.contains("images")) {
        errors.push_back(
            MakeDiagnostic(path, 0, "BAD_SAMPLE", where + ": image_id " + id + " is not in \"images\"").ToString());
        continue;
      }
      add_image(id);
    }
    std::get<CaptionTruth>(set.samples[index[id]].gt).references.push_back(a["caption"].get<std::string>());
  }
  if (!errors.empty()) {
    std::string message;
    for (size_t i = 0; i < errors.size() && i < kMaxListedErrors; ++i) message += (i ? "\n" : "") + errors[i];
    return ParseError(message);
  }
  std::vector<Sample> kept;
  for (Sample& s : set.samples) {
    if (std::get<CaptionTruth>(s.gt).references.empty()) {
      set.skipped_ids.push_back(s.id);
    } else {
      kept.push_back(std::move(s));
    }
  }
  set.samples = std::move(kept);
  if (set.samples.empty()) {
    return ParseError(MakeDiagnostic(path, 0, "EMPTY_FILE", "no captions in the coco annotation file").ToString());
  }
  return set;
}

Result<GroundTruthSet> ReadSamples(const std::string& path) {
  auto reader = JsonlReader::Open(path);
  if (!reader.ok()) return reader.status();
  GroundTruthSet set;
  set.format = GroundTruthFormat::kSamples;
  std::unordered_map<std::string, int64_t> seen;
  std::vector<std::string> errors;
  json value;
  Diagnostic bad;
  while (true) {
    const auto outcome = reader->Next(&value, &bad);
    if (outcome == JsonlReader::Outcome::kEnd) break;
    if (outcome == JsonlReader::Outcome::kBadLine) {
      errors.push_back(bad.ToString());
      continue;
    }
    const int64_t line = reader->line_number();
    auto sample = SampleFromJson(value);
    if (!sample.ok()) {
      errors.push_back(MakeDiagnostic(path, line, "BAD_SAMPLE", sample.status().message()).ToString());
      continue;
    }
    const auto [it, inserted] = seen.emplace(sample->id, line);
    if (!inserted) {
      errors.push_back(MakeDiagnostic(path, line, "DUPLICATE_ID",
                                      "id '" + sample->id + "' already on line " + std::to_string(it->second))
                           .ToString());
      continue;
    }
    set.samples.push_back(std::move(sample).value());
  }
  if (!reader->status().ok()) return reader->status();
  if (!errors.empty()) {
    std::string message;
    for (size_t i = 0; i < errors.size() && i < kMaxListedErrors; ++i) message += (i ? "\n" : "") + errors[i];
    if (errors.size() > kMaxListedErrors) {
      message += "\n... and " + std::to_string(errors.size() - kMaxListedErrors) + " more bad records";
    }
    return ParseError(message);
  }
  if (set.samples.empty()) {
    return ParseError(MakeDiagnostic(path, 0, "EMPTY_FILE", "the ground truth holds no samples").ToString());
  }
  return set;
}

void AddPrediction(PredictionSet* set, std::unordered_map<std::string, int64_t>* seen, const std::string& path,
                   int64_t line, const json& value, const std::string& raw) {
  auto p = PredictionFromJson(value);
  if (!p.ok()) {
    set->rejects.push_back(MakeDiagnostic(path, line, "BAD_PREDICTION", p.status().message(), raw));
    return;
  }
  const auto [it, inserted] = seen->emplace(p->id, line);
  if (!inserted) {
    set->rejects.push_back(MakeDiagnostic(
        path, line, "DUPLICATE_ID",
        "a second prediction for id '" + p->id + "' (first at record " + std::to_string(it->second) + ") is kept",
        raw));
    return;
  }
  set->predictions.push_back(std::move(p).value());
  set->lines.push_back(line);
}

}  // namespace

Result<GroundTruthFormat> ParseGroundTruthFormat(const std::string& name) {
  if (name == "auto") return GroundTruthFormat::kAuto;
  if (name == "samples" || name == "jsonl") return GroundTruthFormat::kSamples;
  if (name == "coco") return GroundTruthFormat::kCocoCaptions;
  return InvalidArgument("--gt-format: expected auto, samples or coco, got '" + name + "'");
}

Result<PredictionFormat> ParsePredictionFormat(const std::string& name) {
  if (name == "auto") return PredictionFormat::kAuto;
  if (name == "jsonl" || name == "predictions") return PredictionFormat::kJsonl;
  if (name == "coco") return PredictionFormat::kCocoResults;
  return InvalidArgument("--pred-format: expected auto, jsonl or coco, got '" + name + "'");
}

const char* FormatName(GroundTruthFormat format) {
  switch (format) {
    case GroundTruthFormat::kSamples: return "samples";
    case GroundTruthFormat::kCocoCaptions: return "coco";
    default: return "auto";
  }
}

const char* FormatName(PredictionFormat format) {
  switch (format) {
    case PredictionFormat::kJsonl: return "jsonl";
    case PredictionFormat::kCocoResults: return "coco";
    default: return "auto";
  }
}

Result<GroundTruthSet> ReadGroundTruth(const std::string& path, GroundTruthFormat format) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  const std::string_view start = SkipBomAndSpace(*text);
  if (start.empty()) {
    return ParseError(MakeDiagnostic(path, 0, "EMPTY_FILE", "the ground-truth file is empty").ToString());
  }
  if (format == GroundTruthFormat::kAuto) {
    if (start[0] == '[') {
      return ParseError(MakeDiagnostic(path, 1, "NOT_COCO",
                                       "a JSON array looks like a coco results file (predictions), not ground truth")
                            .ToString());
    }
    format = FirstLineIsJsonObject(start) ? GroundTruthFormat::kSamples : GroundTruthFormat::kCocoCaptions;
  }
  if (format == GroundTruthFormat::kCocoCaptions) return ReadCocoCaptions(path, *text);
  return ReadSamples(path);
}

Result<PredictionSet> ReadPredictions(const std::string& path, PredictionFormat format) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  const std::string_view start = SkipBomAndSpace(*text);
  if (start.empty()) {
    return ParseError(MakeDiagnostic(path, 0, "EMPTY_FILE", "the prediction file is empty").ToString());
  }
  if (format == PredictionFormat::kAuto) {
    format = start[0] == '[' ? PredictionFormat::kCocoResults : PredictionFormat::kJsonl;
  }
  PredictionSet set;
  set.format = format;
  std::unordered_map<std::string, int64_t> seen;
  if (format == PredictionFormat::kCocoResults) {
    auto parsed = ParseWholeFile(path, *text);
    if (!parsed.ok()) return parsed.status();
    if (!parsed->is_array()) {
      return ParseError(MakeDiagnostic(path, 0, "NOT_COCO", "a coco results file is a JSON array").ToString());
    }
    int64_t record = 0;
    for (const json& item : *parsed) AddPrediction(&set, &seen, path, ++record, item, DumpJson(item));
  } else {
    auto reader = JsonlReader::Open(path);
    if (!reader.ok()) return reader.status();
    json value;
    Diagnostic bad;
    while (true) {
      const auto outcome = reader->Next(&value, &bad);
      if (outcome == JsonlReader::Outcome::kEnd) break;
      if (outcome == JsonlReader::Outcome::kBadLine) {
        set.rejects.push_back(bad);
        continue;
      }
      AddPrediction(&set, &seen, path, reader->line_number(), value, DumpJson(value));
    }
    if (!reader->status().ok()) return reader->status();
  }
  if (set.predictions.empty() && set.rejects.empty()) {
    return ParseError(MakeDiagnostic(path, 0, "EMPTY_FILE", "the prediction file holds no predictions").ToString());
  }
  return set;
}

}  // namespace mgrs::metrics
