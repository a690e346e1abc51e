// JSON form of Sample and Prediction.
#include "mgrs/core/sample.h"

#include <algorithm>
#include <cmath>

namespace mgrs {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kTaskNames[] = {"caption", "vqa", "grounding", "counting", "classification"};
constexpr const char* kSampleKeys[] = {"id",    "task",        "image",         "image_size", "dataset",
                                       "split", "granularity", "conversations", "gt"};

Status FieldError(const std::string& field, const std::string& what) { return ParseError(field + ": " + what); }

Status ReadString(const json& object, const char* key, bool required, std::string* out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return required ? FieldError(key, "missing") : Status::Ok();
  }
  if (!it->is_string()) return FieldError(key, "expected a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ReadStringList(const json& value, const std::string& field, std::vector<std::string>* out) {
  if (!value.is_array()) return FieldError(field, "expected an array of strings");
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) return FieldError(field + "[" + std::to_string(i) + "]", "expected a string");
    out->push_back(value[i].get<std::string>());
  }
  return Status::Ok();
}

Status ReadNumbers(const json& value, const std::string& field, size_t count, double* out) {
  if (!value.is_array() || value.size() != count) {
    return FieldError(field, "expected " + std::to_string(count) + " numbers");
  }
  for (size_t i = 0; i < count; ++i) {
    if (!value[i].is_number()) return FieldError(field, "expected " + std::to_string(count) + " numbers");
    out[i] = value[i].get<double>();
    if (!std::isfinite(out[i])) return FieldError(field, "not a finite number");
  }
  return Status::Ok();
}

// A ground-truth box must be ordered (x1 <= x2, y1 <= y2) and, when the image size is known, overlap the image
// and stay within one image size of its edges: anything else is a broken annotation, and quietly scoring against
// it would make every prediction for the sample wrong.
Status CheckTruthBox(const double* v, const std::optional<std::array<int, 2>>& image_size, const std::string& field) {
  if (v[2] < v[0] || v[3] < v[1]) return FieldError(field, "x2 < x1 or y2 < y1 (expected [x1, y1, x2, y2])");
  if (!image_size) return Status::Ok();
  const double w = (*image_size)[0], h = (*image_size)[1];
  if (v[0] >= w || v[1] >= h || v[2] <= 0 || v[3] <= 0) {
    return FieldError(field, "lies wholly outside the image (image_size " + std::to_string((*image_size)[0]) + "x" +
                                 std::to_string((*image_size)[1]) + ")");
  }
  if (v[0] < -w || v[1] < -h || v[2] > 2 * w || v[3] > 2 * h) {
    return FieldError(field, "reaches more than one image size past the image's edges (image_size " +
                                 std::to_string((*image_size)[0]) + "x" + std::to_string((*image_size)[1]) + ")");
  }
  return Status::Ok();
}

Status ReadTruth(Task task, const json& gt, const std::optional<std::array<int, 2>>& image_size, GroundTruth* out) {
  if (!gt.is_object()) return FieldError("gt", "expected an object");
  switch (task) {
    case Task::kCaption: {
      CaptionTruth truth;
      const auto it = gt.find("references");
      if (it == gt.end()) return FieldError("gt.references", "missing");
      MGRS_RETURN_IF_ERROR(ReadStringList(*it, "gt.references", &truth.references));
      if (truth.references.empty()) return FieldError("gt.references", "empty");
      *out = std::move(truth);
      return Status::Ok();
    }
    case Task::kVqa: {
      VqaTruth truth;
      MGRS_RETURN_IF_ERROR(ReadString(gt, "answer", true, &truth.answer));
      MGRS_RETURN_IF_ERROR(ReadString(gt, "type", false, &truth.type));
      *out = std::move(truth);
      return Status::Ok();
    }
    case Task::kGrounding: {
      GroundingTruth truth;
      const auto boxes = gt.find("boxes");
      if (boxes == gt.end()) return FieldError("gt.boxes", "missing");
      if (!boxes->is_array()) return FieldError("gt.boxes", "expected an array of [x1, y1, x2, y2]");
      for (size_t i = 0; i < boxes->size(); ++i) {
        double v[4];
        const std::string field = "gt.boxes[" + std::to_string(i) + "]";
        MGRS_RETURN_IF_ERROR(ReadNumbers((*boxes)[i], field, 4, v));
        MGRS_RETURN_IF_ERROR(CheckTruthBox(v, image_size, field));
        truth.boxes.push_back({v[0], v[1], v[2], v[3]});
      }
      const auto quads = gt.find("quads");
      if (quads != gt.end()) {
        if (!quads->is_array()) return FieldError("gt.quads", "expected an array of 8-number arrays");
        for (size_t i = 0; i < quads->size(); ++i) {
          std::array<double, 8> q{};
          const std::string field = "gt.quads[" + std::to_string(i) + "]";
          MGRS_RETURN_IF_ERROR(ReadNumbers((*quads)[i], field, 8, q.data()));
          // The quad's bounds take the box rules (its corners may come in any order, so no ordering rule).
          const double bounds[4] = {std::min({q[0], q[2], q[4], q[6]}), std::min({q[1], q[3], q[5], q[7]}),
                                    std::max({q[0], q[2], q[4], q[6]}), std::max({q[1], q[3], q[5], q[7]})};
          MGRS_RETURN_IF_ERROR(CheckTruthBox(bounds, image_size, field));
          truth.quads.push_back(q);
        }
      }
      *out = std::move(truth);
      return Status::Ok();
    }
    case Task::kCounting: {
      CountingTruth truth;
      const auto it = gt.find("count");
      if (it == gt.end()) return FieldError("gt.count", "missing");
      if (!it->is_number_integer() || it->get<int64_t>() < 0) {
        return FieldError("gt.count", "expected a non-negative integer");
      }
      truth.count = it->get<int64_t>();
      MGRS_RETURN_IF_ERROR(ReadString(gt, "class", false, &truth.object_class));
      *out = std::move(truth);
      return Status::Ok();
    }
    case Task::kClassification: {
      ClassificationTruth truth;
      MGRS_RETURN_IF_ERROR(ReadString(gt, "label", true, &truth.label));
      const auto it = gt.find("classes");
      if (it != gt.end()) MGRS_RETURN_IF_ERROR(ReadStringList(*it, "gt.classes", &truth.classes));
      *out = std::move(truth);
      return Status::Ok();
    }
  }
  return Internal("unknown task");
}

ordered_json TruthToJson(const GroundTruth& gt) {
  ordered_json out = ordered_json::object();
  if (const auto* t = std::get_if<CaptionTruth>(&gt)) {
    out["references"] = t->references;
  } else if (const auto* v = std::get_if<VqaTruth>(&gt)) {
    out["answer"] = v->answer;
    if (!v->type.empty()) out["type"] = v->type;
  } else if (const auto* g = std::get_if<GroundingTruth>(&gt)) {
    ordered_json boxes = ordered_json::array();
    for (const Box& b : g->boxes) boxes.push_back({b.x1, b.y1, b.x2, b.y2});
    out["boxes"] = std::move(boxes);
    if (!g->quads.empty()) out["quads"] = g->quads;
  } else if (const auto* c = std::get_if<CountingTruth>(&gt)) {
    out["count"] = c->count;
    if (!c->object_class.empty()) out["class"] = c->object_class;
  } else if (const auto* k = std::get_if<ClassificationTruth>(&gt)) {
    out["label"] = k->label;
    if (!k->classes.empty()) out["classes"] = k->classes;
  }
  return out;
}

// Ids may be strings or integers (coco image ids); integers become their decimal text.
bool ReadId(const json& value, std::string* out) {
  if (value.is_string()) {
    *out = value.get<std::string>();
    return true;
  }
  if (value.is_number_integer()) {
    *out = value.is_number_unsigned() ? std::to_string(value.get<uint64_t>()) : std::to_string(value.get<int64_t>());
    return true;
  }
  return false;
}

}  // namespace

const char* TaskName(Task task) { return kTaskNames[static_cast<int>(task)]; }

Result<Task> ParseTask(const std::string& name) {
  for (int i = 0; i < 5; ++i) {
    if (name == kTaskNames[i]) return static_cast<Task>(i);
  }
  return InvalidArgument("unknown task '" + name + "' (expected caption, vqa, grounding, counting or classification)");
}

std::string Sample::ReferenceAnswer() const {
  for (auto it = conversations.rbegin(); it != conversations.rend(); ++it) {
    if (it->from == "gpt") return it->value;
  }
  return {};
}

std::string Sample::Question() const {
  for (const Turn& turn : conversations) {
    if (turn.from != "human") continue;
    std::string text = turn.value;
    for (const char* placeholder : {"<image>\n", "\n<image>", "<image>"}) {
      const auto pos = text.find(placeholder);
      if (pos != std::string::npos) {
        text.erase(pos, std::char_traits<char>::length(placeholder));
        break;
      }
    }
    return text;
  }
  return {};
}

Result<Sample> SampleFromJson(const json& value) {
  if (!value.is_object()) return ParseError("expected a JSON object");
  Sample s;
  const auto id = value.find("id");
  if (id == value.end()) return FieldError("id", "missing");
  if (!ReadId(*id, &s.id) || s.id.empty()) return FieldError("id", "expected a non-empty string or an integer");
  std::string task;
  MGRS_RETURN_IF_ERROR(ReadString(value, "task", true, &task));
  auto parsed_task = ParseTask(task);
  if (!parsed_task.ok()) return FieldError("task", parsed_task.status().message());
  s.task = *parsed_task;
  MGRS_RETURN_IF_ERROR(ReadString(value, "image", false, &s.image));
  if (const auto size = value.find("image_size"); size != value.end() && !size->is_null()) {
    if (!size->is_array() || size->size() != 2 || !(*size)[0].is_number_integer() || !(*size)[1].is_number_integer() ||
        (*size)[0].get<int64_t>() <= 0 || (*size)[1].get<int64_t>() <= 0 || (*size)[0].get<int64_t>() > 1'000'000 ||
        (*size)[1].get<int64_t>() > 1'000'000) {
      return FieldError("image_size", "expected [width, height] as two positive integers");
    }
    s.image_size = std::array<int, 2>{(*size)[0].get<int>(), (*size)[1].get<int>()};
  }
  MGRS_RETURN_IF_ERROR(ReadString(value, "dataset", false, &s.dataset));
  MGRS_RETURN_IF_ERROR(ReadString(value, "split", false, &s.split));
  MGRS_RETURN_IF_ERROR(ReadString(value, "granularity", false, &s.granularity));
  if (const auto conv = value.find("conversations"); conv != value.end()) {
    if (!conv->is_array()) return FieldError("conversations", "expected an array of {from, value}");
    for (size_t i = 0; i < conv->size(); ++i) {
      const json& turn = (*conv)[i];
      const std::string field = "conversations[" + std::to_string(i) + "]";
      if (!turn.is_object()) return FieldError(field, "expected {\"from\": ..., \"value\": ...}");
      Turn t;
      if (!turn.contains("from") || !turn["from"].is_string()) return FieldError(field + ".from", "expected a string");
      if (!turn.contains("value") || !turn["value"].is_string()) {
        return FieldError(field + ".value", "expected a string");
      }
      t.from = turn["from"].get<std::string>();
      t.value = turn["value"].get<std::string>();
      s.conversations.push_back(std::move(t));
    }
  }
  const auto gt = value.find("gt");
  if (gt == value.end()) return FieldError("gt", "missing");
  MGRS_RETURN_IF_ERROR(ReadTruth(s.task, *gt, s.image_size, &s.gt));
  for (const auto& [key, item] : value.items()) {
    if (std::find(std::begin(kSampleKeys), std::end(kSampleKeys), key) == std::end(kSampleKeys)) {
      s.extra[key] = item;
    }
  }
  return s;
}

ordered_json SampleToJson(const Sample& s) {
  ordered_json out = ordered_json::object();
  out["id"] = s.id;
  out["task"] = TaskName(s.task);
  if (!s.image.empty()) out["image"] = s.image;
  if (s.image_size) out["image_size"] = {(*s.image_size)[0], (*s.image_size)[1]};
  if (!s.dataset.empty()) out["dataset"] = s.dataset;
  if (!s.split.empty()) out["split"] = s.split;
  if (!s.granularity.empty()) out["granularity"] = s.granularity;
  if (!s.conversations.empty()) {
    ordered_json turns = ordered_json::array();
    for (const Turn& t : s.conversations) turns.push_back({{"from", t.from}, {"value", t.value}});
    out["conversations"] = std::move(turns);
  }
  out["gt"] = TruthToJson(s.gt);
  for (const auto& [key, item] : s.extra.items()) out[key] = ordered_json::parse(item.dump());
  return out;
}

Result<Prediction> PredictionFromJson(const json& value) {
  if (!value.is_object()) return ParseError("expected a JSON object");
  Prediction p;
  std::string id_key, answer_key;
  for (const char* key : {"id", "question_id", "image_id"}) {
    const auto it = value.find(key);
    if (it == value.end()) continue;
    if (!ReadId(*it, &p.id)) return FieldError(key, "expected a string or an integer");
    id_key = key;
    break;
  }
  if (id_key.empty()) return FieldError("id", "missing (also looked for question_id and image_id)");
  for (const char* key : {"answer", "text", "caption", "prediction"}) {
    const auto it = value.find(key);
    if (it == value.end()) continue;
    if (!it->is_string()) return FieldError(key, "expected a string");
    p.answer = it->get<std::string>();
    answer_key = key;
    break;
  }
  if (answer_key.empty()) return FieldError("answer", "missing (also looked for text, caption and prediction)");
  // Keep what the writer did not consume, so a prediction file keeps its other fields.
  for (const auto& [key, item] : value.items()) {
    if (key != id_key && key != answer_key) p.extra[key] = item;
  }
  return p;
}

ordered_json PredictionToJson(const Prediction& p) {
  ordered_json out = {{"id", p.id}, {"answer", p.answer}};
  for (const auto& [key, item] : p.extra.items()) out[key] = ordered_json::parse(item.dump());
  return out;
}

}  // namespace mgrs
