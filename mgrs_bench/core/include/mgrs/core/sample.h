// Sample and Prediction: the JSON Lines contract between instruct, bench, model and metrics (DESIGN.md
// section 4). Reading validates every field; writing produces the canonical form (keys in the documented order),
// so a canonical line reads and writes back byte for byte.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/core/geometry.h"
#include "mgrs/core/status.h"

namespace mgrs {

enum class Task { kCaption, kVqa, kGrounding, kCounting, kClassification };

const char* TaskName(Task task);
// Accepts the five names of TaskName; kInvalidArgument otherwise.
Result<Task> ParseTask(const std::string& name);

struct Turn {
  std::string from;  // "human" | "gpt" (LLaVA's roles; "system" is allowed)
  std::string value;
};

struct CaptionTruth {
  std::vector<std::string> references;
};
struct VqaTruth {
  std::string answer;
  std::string type;  // optional; empty when absent
};
struct GroundingTruth {
  std::vector<Box> boxes;                    // pixels
  std::vector<std::array<double, 8>> quads;  // optional oriented targets, x1,y1,...,x4,y4
};
struct CountingTruth {
  int64_t count = 0;
  std::string object_class;  // JSON key "class"; optional
};
struct ClassificationTruth {
  std::string label;
  std::vector<std::string> classes;  // optional candidate list
};
using GroundTruth = std::variant<CaptionTruth, VqaTruth, GroundingTruth, CountingTruth, ClassificationTruth>;

struct Sample {
  std::string id;
  Task task = Task::kCaption;
  std::string image;                             // relative to --image-root, "/" separators
  std::optional<std::array<int, 2>> image_size;  // [width, height]
  std::string dataset, split, granularity;       // optional; empty when absent
  std::vector<Turn> conversations;
  GroundTruth gt;
  nlohmann::json extra = nlohmann::json::object();  // unknown top-level keys, kept and written back after the rest

  // The last "gpt" turn (the reference answer in the training format), or empty.
  std::string ReferenceAnswer() const;
  // The first "human" turn with the "<image>\n" placeholder removed, or empty.
  std::string Question() const;
};

// Validates and converts one JSON object. Errors name the field ("gt.boxes[1]: expected 4 numbers").
Result<Sample> SampleFromJson(const nlohmann::json& json);
nlohmann::ordered_json SampleToJson(const Sample& sample);
// Appends SampleToJson(sample).dump() and "\n" to *out, byte for byte, without building the JSON tree (about ten
// times faster: for writers of large files). Invalid UTF-8 is replaced by U+FFFD, as nlohmann's replace handler does.
void AppendSampleLine(const Sample& sample, std::string* out);

struct Prediction {
  std::string id;
  std::string answer;
  nlohmann::json extra = nlohmann::json::object();
};

// Accepts "id" or "question_id" or "image_id" (string or integer; integers become their decimal text) and
// "answer" or "text" or "caption" or "prediction".
Result<Prediction> PredictionFromJson(const nlohmann::json& json);
nlohmann::ordered_json PredictionToJson(const Prediction& prediction);

}  // namespace mgrs
