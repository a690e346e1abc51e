// RSVQA LR / HR: <prefix>_split_<split>_{questions,answers,images}.json (prefix LR or USGS), arrays indexed by id
// holding every id, with "active": false for entries outside the split (datasets.md section 12). Only active
// questions are read; each must point at an active image and an existing answer. The JSON type "comp" is stored
// as "comparison" (DESIGN.md's name); the others as they are.
#include <unordered_map>

#include "mgrs/core/text.h"
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

constexpr const char* kQuestionsSuffix = "_questions.json";

bool Active(const nlohmann::json& entry) {
  return entry.is_object() && entry.contains("active") && entry["active"].is_boolean() && entry["active"].get<bool>();
}

// Entries by their "id" (the arrays are indexed by id, but a lookup does not have to trust that).
std::unordered_map<int64_t, const nlohmann::json*> ById(const nlohmann::json& array) {
  std::unordered_map<int64_t, const nlohmann::json*> out;
  if (!array.is_array()) return out;
  for (const nlohmann::json& entry : array) {
    if (entry.is_object() && entry.contains("id") && entry["id"].is_number_integer()) {
      out[entry["id"].get<int64_t>()] = &entry;
    }
  }
  return out;
}

class RsvqaReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto jsons = ListFilesWithExtension(ctx, kQuestionsSuffix);
    if (!jsons.ok()) return jsons.status();
    std::vector<SourceFile> out;
    for (const std::string& path : *jsons) {
      const std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
      const size_t marker = name.find("_split_");
      if (marker == std::string::npos) continue;
      const std::string stem = name.substr(0, name.size() - std::string(kQuestionsSuffix).size());
      const std::string split = stem.substr(marker + 7);
      out.push_back(SourceFile{path, split, stem, ParentOf(path), 0});
    }
    if (out.empty()) return NotFound("no RSVQA *_split_<split>_questions.json under " + ctx.root);
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    const std::string base = JoinPath(file.companion, file.stem);
    auto questions = ReadJsonFile(ctx, base + "_questions.json", &batch);
    if (!questions.ok()) return questions.status();
    auto answers = ReadJsonFile(ctx, base + "_answers.json", &batch);
    if (!answers.ok()) return answers.status();
    auto images = ReadJsonFile(ctx, base + "_images.json", &batch);
    if (!images.ok()) return images.status();
    if (!questions->has_value() || !answers->has_value() || !images->has_value()) return batch;
    const nlohmann::json& q_root = **questions;
    if (!q_root.contains("questions") || !(*answers)->contains("answers") || !(*images)->contains("images")) {
      AddReject(&batch, file.path, 0, code::kMissingField,
                "expected {\"questions\": [...]}, {\"answers\": [...]} and {\"images\": [...]}", "", 0);
      return batch;
    }
    const auto answer_by_id = ById((**answers)["answers"]);
    const auto image_by_id = ById((**images)["images"]);
    const bool high_resolution = StartsWith(file.stem, "USGS");
    std::unordered_map<int64_t, size_t> record_of_image;
    std::vector<catalog::ImageRecord> records;
    std::vector<int64_t> image_ids;
    int64_t number = 0;
    for (const nlohmann::json& q : q_root["questions"]) {
      ++number;
      if (!Active(q)) continue;
      auto raw = [&] { return q.dump().substr(0, 300); };
      const std::string where = "question " + JsonText(q, "id");
      if (!q.contains("img_id") || !q["img_id"].is_number_integer() || JsonText(q, "question").empty() ||
          !q.contains("answers_ids") || !q["answers_ids"].is_array() || q["answers_ids"].empty() ||
          !q["answers_ids"][0].is_number_integer()) {
        AddReject(&batch, file.path, number, code::kMissingField,
                  where + " needs \"img_id\", \"question\" and \"answers_ids\"", raw(), 0);
        continue;
      }
      const int64_t image_id = q["img_id"].get<int64_t>();
      auto image = image_by_id.find(image_id);
      if (image == image_by_id.end() || !Active(*image->second)) {
        AddReject(&batch, file.path, number, code::kDanglingReference,
                  where + " points at image " + std::to_string(image_id) + ", which is not an active image of " + base +
                      "_images.json",
                  raw(), 0);
        continue;
      }
      const int64_t answer_id = q["answers_ids"][0].get<int64_t>();
      auto answer = answer_by_id.find(answer_id);
      if (answer == answer_by_id.end() || JsonText(*answer->second, "answer").empty()) {
        AddReject(
            &batch, file.path, number, code::kDanglingReference,
            where + " points at answer " + std::to_string(answer_id) + ", which is not in " + base + "_answers.json",
            raw(), 0);
        continue;
      }
      auto found = record_of_image.find(image_id);
      if (found == record_of_image.end()) {
        catalog::ImageRecord record;
        const std::string split = EffectiveSplit(ctx, file);
        record.image.id = ctx.dataset + "/" + split + "/" + std::to_string(image_id);
        record.image.dataset = ctx.dataset;
        record.image.split = split;
        found = record_of_image.emplace(image_id, records.size()).first;
        records.push_back(std::move(record));
        image_ids.push_back(image_id);
      }
      std::string type = JsonText(q, "type");
      if (type == "comp") type = "comparison";
      records[found->second].qa.push_back(catalog::QaRecord{type, JsonText(q, "question"),
                                                            JsonText(*answer->second, "answer"),
                                                            q["id"].is_number_integer() ? q["id"].get<int64_t>() : -1});
    }
    for (size_t i = 0; i < records.size(); ++i) {
      const std::string id = std::to_string(image_ids[i]);
      std::vector<std::string> candidates;
      for (const char* folder : high_resolution ? std::vector<const char*>{"Data", "Images_HR"}
                                                : std::vector<const char*>{"Images_LR", "Images", "Data"}) {
        for (const char* ext : {".tif", ".png"})
          candidates.push_back(JoinPath(JoinPath(file.companion, folder), id + ext));
      }
      FinishImage(ctx, file, candidates, std::move(records[i]), &batch);
    }
    return batch;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeRsvqaReader() { return std::make_unique<RsvqaReader>(); }

}  // namespace mgrs::ingest
