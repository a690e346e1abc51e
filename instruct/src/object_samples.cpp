// Samples about objects: visual grounding (dataset and generated expressions), counting per class, and GeoChat's
// [identify] questions.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "generate.h"
#include "mgrs/instruct/box_text.h"
#include "mgrs/instruct/describe.h"

namespace mgrs::instruct {
namespace {

// A box that is finite, has area and overlaps the image.
bool Usable(const Object& o, int width, int height) {
  const Box& b = o.hbb;
  for (double v : {b.x1, b.y1, b.x2, b.y2}) {
    if (!std::isfinite(v)) return false;
  }
  return b.x2 > b.x1 && b.y2 > b.y1 && b.x2 > 0 && b.y2 > 0 && b.x1 < width && b.y1 < height;
}

// The targets of one image: each object's box text when the grid can write it, else why not.
class TargetBoxes {
 public:
  TargetBoxes(const GenerationContext& context, const ImageJob& job) : context_(context), job_(job) {
    const auto& objects = job.record->objects;
    for (size_t k = 0; k < objects.size(); ++k) index_of_[objects[k].object.id] = k;
  }

  // The box text for objects[k], or nullptr after counting the reason under `task`.
  const BoxText* Box(size_t k, const std::string& task, const std::string& sample_id) {
    const Image& image = job_.record->image;
    const Object& o = job_.record->objects[k].object;
    const char* reason = nullptr;
    if (image.width <= 0 || image.height <= 0) {
      reason = ": image size unknown";
    } else if (!Usable(o, image.width, image.height)) {
      reason = ": object without usable geometry";
    }
    if (reason) {
      job_.skips->Add(task + reason, sample_id);
      return nullptr;
    }
    auto cached = texts_.find(k);
    if (cached == texts_.end()) {
      cached =
          texts_.emplace(k, FormatBox(o.hbb, o.quad, image.width, image.height, context_.config->box_format)).first;
    }
    if (cached->second.round_trip_iou < context_.config->grounding.min_round_trip_iou) {
      job_.skips->Add(task + ": target too small for the box grid", sample_id);
      return nullptr;
    }
    return &cached->second;
  }

  std::optional<size_t> IndexOf(int64_t object_id) const {
    auto it = index_of_.find(object_id);
    if (it == index_of_.end()) return std::nullopt;
    return it->second;
  }

 private:
  const GenerationContext& context_;
  const ImageJob& job_;
  std::unordered_map<int64_t, size_t> index_of_;
  std::unordered_map<size_t, BoxText> texts_;
};

GroundingTruth TruthOf(const Object& o) {
  GroundingTruth truth;
  truth.boxes.push_back(o.hbb);
  if (o.quad) {
    std::array<double, 8> q;
    for (int p = 0; p < 4; ++p) {
      q[2 * p] = (*o.quad)[p].x;
      q[2 * p + 1] = (*o.quad)[p].y;
    }
    truth.quads.push_back(q);
  }
  return truth;
}

// Up to `limit` of `candidates`, drawn by a hash of `salt` and each index so that a rerun picks the same ones; in
// their original order.
std::vector<size_t> Draw(const std::vector<size_t>& candidates, size_t limit, uint64_t salt) {
  std::vector<std::pair<uint64_t, size_t>> keyed;
  keyed.reserve(candidates.size());
  for (size_t k : candidates) keyed.emplace_back(Mix(salt, k), k);
  if (keyed.size() > limit) {
    std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(limit), keyed.end());
    keyed.resize(limit);
  }
  std::vector<size_t> out;
  for (const auto& entry : keyed) out.push_back(entry.second);
  std::sort(out.begin(), out.end());
  return out;
}

void Grounding(const GenerationContext& context, const ImageJob& job, TargetBoxes& targets) {
  const catalog::AnnotatedImage& record = *job.record;
  const std::string& id = record.image.id;
  std::vector<bool> has_expression(record.objects.size(), false);
  std::unordered_map<size_t, int> per_object;
  for (const Expression& e : record.expressions) {
    auto k = targets.IndexOf(e.object_id);
    if (!k) {
      job.skips->Add("grounding: expression without its object", id);
      continue;
    }
    has_expression[*k] = true;
    const std::string suffix = "refer-" + std::to_string(*k) + "-" + std::to_string(per_object[*k]++);
    if (e.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      job.skips->Add("grounding: empty expression", id + "/" + suffix);
      continue;
    }
    const BoxText* box = targets.Box(*k, "grounding", id + "/" + suffix);
    if (!box) continue;
    const Object& o = record.objects[*k].object;
    Emit(context, job, SampleKind::kGrounding, suffix, {{"expression", e.text}, {"box", box->text}}, SizeBucket(o),
         TruthOf(o));
  }
  if (!context.config->grounding.generate_expressions || record.objects.empty()) return;
  std::vector<const Object*> objects;
  for (const auto& stored : record.objects) objects.push_back(&stored.object);
  const int width = record.image.width, height = record.image.height;
  const std::vector<int> detail = DistinguishingDetail(objects, width, height);
  std::vector<size_t> describable;
  for (size_t k = 0; k < objects.size(); ++k) {
    if (!has_expression[k] && detail[k] >= 0) describable.push_back(k);
  }
  const size_t limit = static_cast<size_t>(std::max(0, context.config->grounding.max_generated_per_image));
  for (size_t k : Draw(describable, limit, Hash(id + "/refer", context.seed))) {
    const std::string suffix = "refer-gen-" + std::to_string(k);
    const BoxText* box = targets.Box(k, "grounding", id + "/" + suffix);
    if (!box) continue;
    Emit(context, job, SampleKind::kGrounding, suffix,
         {{"expression", ReferringExpression(*objects[k], detail[k], width, height)}, {"box", box->text}},
         SizeBucket(*objects[k]), TruthOf(*objects[k]));
  }
}

void Counting(const GenerationContext& context, const ImageJob& job) {
  const CountingRules& rules = context.config->counting;
  struct Tally {
    int64_t all = 0, ambiguous = 0;
  };
  std::map<std::string, Tally> by_class;
  for (const auto& stored : job.record->objects) {
    Tally& t = by_class[stored.object.class_key];
    ++t.all;
    if (stored.object.difficult || stored.object.truncated) ++t.ambiguous;
  }
  for (const auto& [class_key, tally] : by_class) {
    const std::string suffix = "count-" + class_key;
    const std::string sample_id = job.record->image.id + "/" + suffix;
    if (tally.ambiguous > rules.max_ambiguous_fraction * static_cast<double>(tally.all)) {
      job.skips->Add("counting: many difficult or truncated objects", sample_id);
      continue;
    }
    if (tally.all > rules.max_count) {
      job.skips->Add("counting: more objects than max_count", sample_id);
      continue;
    }
    const std::string granularity = tally.all <= rules.sparse_max   ? "sparse"
                                    : tally.all <= rules.medium_max ? "medium"
                                                                    : "dense";
    const std::string name = ClassName(class_key);
    Emit(context, job, SampleKind::kCounting, suffix,
         {{"class", name}, {"class_plural", Plural(name)}, {"count", std::to_string(tally.all)}}, granularity,
         CountingTruth{tally.all, class_key});
  }
}

// One [identify] question per image: the box of a drawn object, answered with its class.
void Identify(const GenerationContext& context, const ImageJob& job, TargetBoxes& targets) {
  const catalog::AnnotatedImage& record = *job.record;
  if (!context.config->vqa.identify || record.objects.empty()) return;
  std::vector<size_t> all(record.objects.size());
  for (size_t k = 0; k < all.size(); ++k) all[k] = k;
  const size_t k = Draw(all, 1, Hash(record.image.id + "/identify", context.seed)).front();
  const std::string suffix = "identify-" + std::to_string(k);
  const BoxText* box = targets.Box(k, "identify", record.image.id + "/" + suffix);
  if (!box) return;
  const std::string answer = ClassName(record.objects[k].object.class_key);
  Emit(context, job, SampleKind::kIdentify, suffix, {{"box", box->text}, {"answer", answer}}, "identify",
       VqaTruth{answer, "identify"});
}

}  // namespace

void ObjectSamples(const GenerationContext& context, const ImageJob& job) {
  TargetBoxes targets(context, job);
  Grounding(context, job, targets);
  Counting(context, job);
  Identify(context, job, targets);
}

}  // namespace mgrs::instruct
