// VRSBench (NeurIPS 2024) eval files: VRSBench_EVAL_{Cap,referring,vqa}.json, JSON arrays of {"image_id",
// "question", "ground_truth", "dataset", "question_id", "type", ...} (datasets.md section 14, lx709/VRSBench
// prepare_eval_all.ipynb). The three files describe the same images, so the files of one folder are one unit.
// Captions go to captions, questions to qa, and each referring record becomes an object (class "obj_cls", HBB from
// the 0-100 grid box in "ground_truth") with its expression. VRSBench_train.json is not read.
#include <array>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mgrs/core/text.h"
#include "readers/common.h"
#include "readers/formats.h"

namespace mgrs::ingest {
namespace {

enum class EvalTask { kCaption, kReferring, kVqa };

struct EvalFile {
  const char* name;
  EvalTask task;
};

// Read in this order. The unit is named after the referring file when there is one (its objects' rejects name it).
constexpr std::array<EvalFile, 3> kEvalFiles = {{{"VRSBench_EVAL_Cap.json", EvalTask::kCaption},
                                                 {"VRSBench_EVAL_referring.json", EvalTask::kReferring},
                                                 {"VRSBench_EVAL_vqa.json", EvalTask::kVqa}}};
constexpr const char* kEvalSplit = "test";
// VRSBench images are 512x512 patches (datasets.md section 14): the size boxes are placed in when images are not
// read. When they are, the image's own size is used (the grid is relative to the image).
constexpr int kPatchSize = 512;
// Referring boxes are int(coord * 100) of the 0-1 box clamped to [0, 1] (prepare_eval_all.ipynb).
constexpr double kGridExtent = 100;
// Folders (relative to the eval files' folder) searched for an image, in order: the Hugging Face archive unpacks
// to Images_val/.
constexpr std::array<const char*, 5> kImageFolders = {"Images_val", "images/Images_val", "Images", "images", ""};

std::string FileName(const std::string& path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A record's JSON text for its reject (at most 300 bytes, cut at a character boundary).
std::string RawRecord(const nlohmann::json& record) {
  std::string text = record.dump();
  text.resize(Utf8SafePrefix(text, 300));
  return text;
}

bool IsBlank(const std::string& text) { return TrimAscii(text).empty(); }

// A text member: a string (or an integer, read as its decimal text).
bool HasText(const nlohmann::json& record, const char* key) {
  return record.is_object() && record.contains(key) && (record[key].is_string() || record[key].is_number_integer());
}

// Of `keys`, those the record lacks, holds as something other than text, or holds blank (an empty question, answer,
// type or class is as good as none); `present_keys` need only be present (their blank text is an EMPTY_TEXT
// warning). A question_id need only be present here: its value is checked on its own (BAD_NUMBER).
std::vector<const char*> MissingFields(const nlohmann::json& record, std::initializer_list<const char*> keys,
                                       std::initializer_list<const char*> present_keys = {}) {
  std::vector<const char*> out;
  for (const char* key : keys) {
    if (!HasText(record, key) || IsBlank(JsonText(record, key))) out.push_back(key);
  }
  for (const char* key : present_keys) {
    if (!HasText(record, key)) out.push_back(key);
  }
  if (!record.is_object() || !record.contains("question_id") || record["question_id"].is_null()) {
    out.push_back("question_id");
  }
  return out;
}

// Parses "{<x1><y1><x2><y2>}" on the 0-100 grid into `box` (grid units). Returns the reject code and sets
// `message` when the text is not such a box.
const char* ParseGridBox(std::string_view text, Box* box, std::string* message) {
  text = TrimAscii(text);
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') {
    *message = "ground truth is not a {<x1><y1><x2><y2>} box";
    return code::kBadBox;
  }
  text = text.substr(1, text.size() - 2);
  double values[4];
  int count = 0;
  while (!text.empty()) {
    const size_t close = text.find('>');
    if (text.front() != '<' || close == std::string_view::npos || count == 4) {
      *message = "ground truth is not a {<x1><y1><x2><y2>} box (four <...> values)";
      return code::kBadBox;
    }
    const std::string_view token = TrimAscii(text.substr(1, close - 1));
    if (!ParseNumber(token, &values[count]) || values[count] < 0 || values[count] > kGridExtent) {
      *message = "box value '" + std::string(token) + "' is not a number on the 0-100 grid";
      return code::kBadNumber;
    }
    ++count;
    text = text.substr(close + 1);
  }
  if (count != 4) {
    *message = "ground truth has " + std::to_string(count) + " values, a box needs 4";
    return code::kBadBox;
  }
  *box = Box{values[0], values[1], values[2], values[3]};
  return nullptr;
}

// question_id: a non-negative integer (or its decimal text).
bool ParseQuestionId(const nlohmann::json& value, int64_t* id) {
  if (value.is_number_unsigned() || value.is_number_integer()) {
    *id = value.get<int64_t>();
    return *id >= 0;
  }
  return value.is_string() && ParseInteger(value.get<std::string>(), id) && *id >= 0;
}

// The images of one unit in order of first mention, by stem (one catalog image each).
class UnitImages {
 public:
  UnitImages(const ReaderContext& ctx, const SourceFile& file) : ctx_(ctx), file_(file) {}

  catalog::ImageRecord& Of(const std::string& name) {
    const std::string stem = Stem(name);
    auto found = index_.find(stem);
    if (found == index_.end()) {
      catalog::ImageRecord record;
      record.image.id = ImageId(ctx_, file_, stem);
      record.image.dataset = ctx_.dataset;
      record.image.split = EffectiveSplit(ctx_, file_);
      found = index_.emplace(stem, records_.size()).first;
      records_.push_back(std::move(record));
      names_.push_back(name);
    }
    return records_[found->second];
  }

  size_t size() const { return records_.size(); }
  catalog::ImageRecord& record(size_t i) { return records_[i]; }
  const std::string& name(size_t i) const { return names_[i]; }

 private:
  const ReaderContext& ctx_;
  const SourceFile& file_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<catalog::ImageRecord> records_;
  std::vector<std::string> names_;  // the image file name as the records give it
};

class VrsbenchReader : public FormatReader {
 public:
  Result<std::vector<SourceFile>> ListFiles(const ReaderContext& ctx) const override {
    auto jsons = ListFilesWithExtension(ctx, ".json");
    if (!jsons.ok()) return jsons.status();
    // Folder -> the unit's file (the referring file if the folder has one, else the first eval file).
    std::map<std::string, std::string> unit_of_folder;
    for (const std::string& path : *jsons) {
      const std::string name = FileName(path);
      for (const EvalFile& eval : kEvalFiles) {
        if (name != eval.name) continue;
        std::string& unit = unit_of_folder[ParentOf(path)];
        if (unit.empty() || eval.task == EvalTask::kReferring) unit = path;
      }
    }
    if (unit_of_folder.empty()) {
      return NotFound("no VRSBench_EVAL_{Cap,referring,vqa}.json under " + ctx.root +
                      " (VRSBench_train.json is not read)");
    }
    std::vector<SourceFile> out;
    for (const auto& [folder, path] : unit_of_folder) out.push_back(SourceFile{path, kEvalSplit, "", folder, 0});
    return out;
  }

  Result<catalog::SourceBatch> Read(const SourceFile& file, const ReaderContext& ctx) const override {
    catalog::SourceBatch batch;
    batch.file = file.path;
    UnitImages images(ctx, file);
    std::optional<nlohmann::json> referring;  // kept for the raw text of the objects' rejects
    for (const EvalFile& eval : kEvalFiles) {
      const std::string path = JoinPath(file.companion, eval.name);
      if (FirstExisting(ctx, {path}).empty()) continue;
      auto parsed = ReadJsonFile(ctx, path, &batch);
      if (!parsed.ok()) return parsed.status();
      if (!parsed->has_value()) continue;
      if (!(*parsed)->is_array()) {
        AddReject(&batch, path, 0, code::kMissingField, "expected a JSON array of records", "", 0);
        continue;
      }
      int64_t number = 0;
      for (const nlohmann::json& record : **parsed) {
        ++number;
        switch (eval.task) {
          case EvalTask::kCaption: ReadCaption(record, path, number, &images, &batch); break;
          case EvalTask::kReferring: ReadReferring(record, path, number, &images, &batch); break;
          case EvalTask::kVqa: ReadQuestion(record, path, number, &images, &batch); break;
        }
      }
      if (eval.task == EvalTask::kReferring) referring = std::move(**parsed);
    }
    auto raw_line = [&](int64_t number) {
      return referring && number >= 1 && number <= static_cast<int64_t>(referring->size())
                 ? RawRecord((*referring)[static_cast<size_t>(number - 1)])
                 : std::string();
    };
    for (size_t i = 0; i < images.size(); ++i) {
      catalog::ImageRecord& record = images.record(i);
      if (!LocateImage(ctx, file, ImageCandidatesFor(file.companion, images.name(i)), &record, &batch)) continue;
      if (!ctx.read_images) record.image.width = record.image.height = kPatchSize;
      for (catalog::ObjectRecord& o : record.objects) {
        Box& b = o.object.hbb;
        b = Box{b.x1 * record.image.width / kGridExtent, b.y1 * record.image.height / kGridExtent,
                b.x2 * record.image.width / kGridExtent, b.y2 * record.image.height / kGridExtent};
      }
      // The objects all come from the referring file, which names the unit, so their rejects name it.
      AddImage(ctx, file, std::move(record), &batch, raw_line);
    }
    return batch;
  }

 private:
  // The image file name of a record ("image_id"; a folder part is dropped, so the lookup stays under the root), or
  // "" after a MISSING_FIELD reject.
  static std::string ImageName(const nlohmann::json& record, const std::string& path, int64_t number,
                               const std::vector<const char*>& also_missing, int64_t objects,
                               catalog::SourceBatch* batch) {
    const std::string name = record.is_object() ? FileName(JsonText(record, "image_id")) : std::string();
    std::string missing;
    if (name.empty() || name == "." || name == "..") missing = "\"image_id\"";
    for (const char* key : also_missing) missing += (missing.empty() ? "\"" : ", \"") + std::string(key) + "\"";
    if (!missing.empty()) {
      AddReject(batch, path, number, code::kMissingField,
                "record " + std::to_string(number) + " has no (or an empty) " + missing, RawRecord(record), objects);
      return {};
    }
    return name;
  }

  static void ReadCaption(const nlohmann::json& record, const std::string& path, int64_t number, UnitImages* images,
                          catalog::SourceBatch* batch) {
    // Eval captions carry a question_id too, but the captions table has no place for it: not required.
    std::vector<const char*> missing;
    if (!HasText(record, "ground_truth")) missing.push_back("ground_truth");
    const std::string name = ImageName(record, path, number, missing, 0, batch);
    if (name.empty()) return;
    catalog::ImageRecord& image = images->Of(name);
    const std::string caption = JsonText(record, "ground_truth");
    if (IsBlank(caption)) {
      AddReject(batch, path, number, code::kEmptyText, "the caption of " + name + " is empty; left out",
                RawRecord(record), 0, Severity::kWarning);
      return;
    }
    image.captions.push_back(catalog::CaptionRecord{caption, static_cast<int>(image.captions.size())});
  }

  static void ReadQuestion(const nlohmann::json& record, const std::string& path, int64_t number, UnitImages* images,
                           catalog::SourceBatch* batch) {
    const std::string name =
        ImageName(record, path, number, MissingFields(record, {"question", "ground_truth", "type"}), 0, batch);
    if (name.empty()) return;
    int64_t question_id = -1;
    if (!ParseQuestionId(record["question_id"], &question_id)) {
      AddReject(batch, path, number, code::kBadNumber, "question_id is not a non-negative integer", RawRecord(record),
                0);
      return;
    }
    // The authors normalise types with strip().lower() (prepare_eval_all.ipynb).
    images->Of(name).qa.push_back(catalog::QaRecord{ToLowerAscii(TrimAscii(JsonText(record, "type"))),
                                                    JsonText(record, "question"), JsonText(record, "ground_truth"),
                                                    question_id});
  }

  static void ReadReferring(const nlohmann::json& record, const std::string& path, int64_t number, UnitImages* images,
                            catalog::SourceBatch* batch) {
    const std::string name =
        ImageName(record, path, number, MissingFields(record, {"ground_truth", "obj_cls"}, {"question"}),
                  /*objects=*/1, batch);
    if (name.empty()) return;
    int64_t question_id = -1;
    if (!ParseQuestionId(record["question_id"], &question_id)) {
      AddReject(batch, path, number, code::kBadNumber, "question_id is not a non-negative integer", RawRecord(record),
                1);
      return;
    }
    catalog::ObjectRecord object;
    std::string message;
    if (const char* bad = ParseGridBox(JsonText(record, "ground_truth"), &object.object.hbb, &message)) {
      AddReject(batch, path, number, bad, message, RawRecord(record), 1);
      return;
    }
    object.object.raw_class = JsonText(record, "obj_cls");
    object.line = number;
    catalog::ImageRecord& image = images->Of(name);
    const std::string expression = JsonText(record, "question");
    if (IsBlank(expression)) {
      AddReject(batch, path, number, code::kEmptyText,
                "referring record " + std::to_string(question_id) + " has no expression; its object is stored without",
                RawRecord(record), 0, Severity::kWarning);
    } else {
      image.expressions.push_back(
          catalog::ExpressionRecord{static_cast<int>(image.objects.size()), expression, question_id});
    }
    image.objects.push_back(std::move(object));
  }

  // Where the image of `name` may be: the name as given, then other extensions of its stem, in each image folder.
  static std::vector<std::string> ImageCandidatesFor(const std::string& dir, const std::string& name) {
    std::vector<std::string> out;
    for (const char* folder : kImageFolders) out.push_back(JoinPath(JoinPath(dir, folder), name));
    for (const char* folder : kImageFolders) {
      for (std::string& candidate : ImageCandidates(JoinPath(dir, folder), Stem(name))) {
        out.push_back(std::move(candidate));
      }
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<FormatReader> MakeVrsbenchReader() { return std::make_unique<VrsbenchReader>(); }

}  // namespace mgrs::ingest
