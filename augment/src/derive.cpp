// One source image -> its derived images: validity checks, the operations, records with lineage (augment.h).
#include <algorithm>
#include <filesystem>
#include <set>

#include "mgrs/augment/augment.h"
#include "mgrs/augment/phrases.h"
#include "mgrs/augment/regions.h"

namespace mgrs::augment {
namespace {

std::vector<Object> PlainObjects(const SourceImage& source) {
  std::vector<Object> out;
  for (const catalog::StoredObject& o : source.objects) out.push_back(o.object);
  return out;
}

// The record for `<parent>/<op>-<k>` with `objects` (the source's stored extras kept) and the expressions of the
// objects still there; `rewritten` replaces the text of the expression at that index.
DerivedOutput MakeOutput(const SourceImage& source, const AugmentOptions& options, const std::string& op, int k,
                         cv::Mat pixels, const std::vector<Object>& objects, nlohmann::ordered_json params,
                         const std::optional<std::pair<size_t, std::string>>& rewritten = std::nullopt,
                         const std::function<bool(const Expression&)>& drop_expression = nullptr) {
  DerivedOutput out;
  catalog::DerivedImage& d = out.record;
  d.image = source.image;
  d.image.id = source.image.id + "/" + op + "-" + std::to_string(k);
  d.image.parent_id = source.image.id;
  d.image.path =
      (std::filesystem::absolute(options.out_dir) / source.image.id / (op + "-" + std::to_string(k) + ".png"))
          .lexically_normal()
          .string();
  d.image.width = pixels.cols;
  d.image.height = pixels.rows;
  d.image.bands = pixels.channels();
  d.image.sha256.clear();
  d.op = op;
  d.seed = options.seed;
  d.tool_version = options.tool_version;
  std::set<int64_t> kept;
  for (const Object& o : objects) {
    const auto it = std::find_if(source.objects.begin(), source.objects.end(),
                                 [&](const catalog::StoredObject& s) { return s.object.id == o.id; });
    catalog::StoredObject stored = it != source.objects.end() ? *it : catalog::StoredObject{};
    stored.object = o;
    stored.object.image_id = d.image.id;
    d.objects.push_back(std::move(stored));
    kept.insert(o.id);
  }
  for (size_t i = 0; i < source.expressions.size(); ++i) {
    Expression e = source.expressions[i];
    if (e.object_id == 0 || !kept.count(e.object_id)) continue;
    if (rewritten && rewritten->first == i) {
      e.text = rewritten->second;
    } else if (drop_expression && drop_expression(e)) {
      continue;
    }
    e.image_id = d.image.id;
    d.expressions.push_back(std::move(e));
  }
  d.image.derivation = op + ":" + params.dump();
  d.params_json = params.dump();
  out.pixels = std::move(pixels);
  return out;
}

void Cutouts(const SourceImage& source, const cv::Mat& pixels, const std::vector<Object>& objects,
             const AugmentOptions& options, ImageOutcome& outcome) {
  Rng rng(options.seed, source.image.id + "/cutout");
  const std::string class_key = options.class_key.empty() ? MostFrequentClass(objects) : options.class_key;
  CutoutResult result = MakeCutoutVariants(pixels, objects, class_key, options.cutout, rng);
  if (result.count == 0) result.skipped = {{"no_objects_of_class", 1}};
  for (const auto& [reason, count] : result.skipped) outcome.skipped[reason] += count;
  for (size_t k = 0; k < result.variants.size(); ++k) {
    CutoutVariant& v = result.variants[k];
    nlohmann::ordered_json params = {{"class", class_key}, {"n", result.count},        {"m", v.removed},
                                     {"r", v.ratio},       {"removed", v.removed_ids}, {"dropped", v.dropped_ids}};
    outcome.outputs.push_back(
        MakeOutput(source, options, "cutout", static_cast<int>(k), std::move(v.pixels), v.objects, params));
  }
}

// Tries the expressions in order until one edits; counts one reason when none does: the first that is not the
// want of a term, else the want itself.
template <typename EditFn>
void EditOne(const SourceImage& source, const std::vector<Object>& objects, const AugmentOptions& options,
             const std::string& op, const char* no_term, EditFn edit, ImageOutcome& outcome) {
  std::string reason = source.expressions.empty() ? "no_expressions" : no_term;
  for (size_t i = 0; i < source.expressions.size(); ++i) {
    const Expression& e = source.expressions[i];
    const auto target =
        std::find_if(objects.begin(), objects.end(), [&](const Object& o) { return o.id == e.object_id; });
    if (!options.class_key.empty() && (target == objects.end() || target->class_key != options.class_key)) continue;
    EditOutcome edited = edit(e);
    if (!edited.skip_reason.empty()) {
      if (reason == no_term && edited.skip_reason != no_term) reason = edited.skip_reason;
      continue;
    }
    // The target's other expressions may name the old attribute: only those without such a term stay.
    const int64_t target_id = e.object_id;
    auto stale = [&](const Expression& other) {
      if (other.object_id != target_id) return false;
      return op == "spatial" ? FindPositionPhrase(other.text).has_value() : FindColourTerm(other.text).has_value();
    };
    outcome.outputs.push_back(MakeOutput(source, options, op, 0, std::move(edited.pixels), edited.objects,
                                         {{"expression", i}, {"edit", edited.params}, {"dropped", edited.dropped_ids}},
                                         std::make_pair(i, edited.expression.text), stale));
    return;
  }
  ++outcome.skipped[reason];
}

}  // namespace

ImageOutcome AugmentImage(const SourceImage& source, const cv::Mat& pixels, const AugmentOptions& options) {
  ImageOutcome outcome;
  if (source.image.width > 0 && (pixels.cols != source.image.width || pixels.rows != source.image.height)) {
    outcome.skipped["size_mismatch"] = 1;
    return outcome;
  }
  const std::vector<Object> objects = PlainObjects(source);
  for (const Object& o : objects) {
    const std::string problem = CheckObject(o, pixels.cols, pixels.rows);
    if (!problem.empty()) {
      outcome.skipped[problem] = 1;
      return outcome;
    }
  }
  // PNG holds 8- and 16-bit samples only; edits need 8-bit BGR (checked by each edit).
  if (pixels.depth() != CV_8U && pixels.depth() != CV_16U) {
    outcome.skipped["unsupported_pixel_type"] = 1;
    return outcome;
  }
  if (options.operation == Operation::kCutout) {
    Cutouts(source, pixels, objects, options, outcome);
    return outcome;
  }
  if (options.spatial_edit) {
    Rng rng(options.seed, source.image.id + "/spatial");
    EditOne(
        source, objects, options, "spatial", "no_position_term",
        [&](const Expression& e) { return SpatialEdit(pixels, objects, e, options.spatial, rng); }, outcome);
  }
  if (options.colour_edit) {
    Rng rng(options.seed, source.image.id + "/colour");
    EditOne(
        source, objects, options, "colour", "no_colour_term",
        [&](const Expression& e) { return ColourEdit(pixels, objects, e, options.colour, rng); }, outcome);
  }
  return outcome;
}

}  // namespace mgrs::augment
