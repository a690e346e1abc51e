// Count-Varying Cutout: count plans, removed subsets, zero-filled polygons, the cover rule (see cutout.h).
#include "mgrs/augment/cutout.h"

#include <algorithm>
#include <cmath>

#include "mgrs/augment/regions.h"

namespace mgrs::augment {
namespace {

int CeilCount(double ratio, int n) {
  // ceil with a tolerance: 0.15 * 20 is 3.0000000000000004 in doubles, and must stay 3.
  return static_cast<int>(std::ceil(ratio * n - 1e-9));
}

// r ~ U(min_ratio, max_ratio) conditioned on ceil(r n) in [a, b]: r in ((a - 1) / n, b / n] within the range.
double DrawRatio(int n, int a, int b, const CutoutOptions& options, Rng& rng) {
  const double lo = std::max(options.min_ratio, static_cast<double>(a - 1) / n + 1e-12);
  const double hi = std::min(options.max_ratio, static_cast<double>(b) / n);
  return rng.Uniform(lo, hi);
}

struct Removal {
  cv::Mat pixels;
  std::vector<size_t> removed, dropped;
};

Removal Remove(const cv::Mat& image, const std::vector<Object>& objects, const std::vector<size_t>& removed,
               double drop_above) {
  Removal out{image.clone(), removed, {}};
  cv::Mat mask = cv::Mat::zeros(image.size(), CV_8UC1);
  for (const size_t i : removed) FillObject(mask, objects[i]);
  // Zeroed box by box: a scan of the whole image per variant would cost more than everything else.
  for (const size_t i : removed) {
    const cv::Rect box = PixelBox(objects[i], 1, image.size());
    out.pixels(box).setTo(cv::Scalar::all(0), mask(box));
  }
  for (size_t i = 0; i < objects.size(); ++i) {
    if (std::find(removed.begin(), removed.end(), i) != removed.end()) continue;
    if (CoveredFraction(objects[i], mask) > drop_above) out.dropped.push_back(i);
  }
  return out;
}

}  // namespace

CountPlan PlanCounts(int n, const CutoutOptions& options, Rng& rng) {
  CountPlan plan;
  plan.n = n;
  if (n <= 0) return plan;
  plan.lo = std::max({CeilCount(options.min_ratio, n), CeilCount(options.min_step_ratio, n), 1});
  plan.hi = std::min(CeilCount(options.max_ratio, n), n);
  if (plan.hi < plan.lo) return plan;
  const int wanted = std::min(options.variants, plan.hi - plan.lo + 1);
  plan.gap = wanted > 1 ? (plan.hi - plan.lo) / (wanted - 1) : 0;
  int previous = plan.lo - plan.gap;
  for (int k = 0; k < wanted; ++k) {
    // Room for this one: after the previous by the gap, and before hi by the gaps of the ones still to come.
    const int a = k == 0 ? plan.lo : previous + plan.gap;
    const int b = plan.hi - (wanted - 1 - k) * plan.gap;
    const double r = DrawRatio(n, a, b, options, rng);
    const int m = std::clamp(CeilCount(r, n), a, b);
    plan.removals.push_back(m);
    plan.ratios.push_back(r);
    previous = m;
  }
  return plan;
}

std::string MostFrequentClass(const std::vector<Object>& objects) {
  std::map<std::string, int> counts;
  for (const Object& o : objects) ++counts[o.class_key];
  std::string best;
  int best_count = 0;
  for (const auto& [key, count] : counts) {  // ascending key: ties go to the first
    if (count > best_count) best = key, best_count = count;
  }
  return best;
}

CutoutResult MakeCutoutVariants(const cv::Mat& image, const std::vector<Object>& objects, const std::string& class_key,
                                const CutoutOptions& options, Rng& rng) {
  CutoutResult result;
  result.class_key = class_key;
  std::vector<size_t> members;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].class_key == class_key) members.push_back(i);
  }
  result.count = static_cast<int>(members.size());
  if (result.count < std::max(1, options.min_objects)) {
    result.skipped["too_few_objects"] = 1;
    return result;
  }
  const CountPlan plan = PlanCounts(result.count, options, rng);
  if (static_cast<int>(plan.removals.size()) < options.variants) {
    result.skipped["count_range_too_narrow"] += options.variants - static_cast<int>(plan.removals.size());
  }
  for (size_t k = 0; k < plan.removals.size(); ++k) {
    const int m = plan.removals[k];
    bool done = false;
    for (int draw = 0; draw < std::max(1, options.subset_draws) && !done; ++draw) {
      std::vector<size_t> pool = members;
      rng.Shuffle(pool);
      pool.resize(static_cast<size_t>(m));
      std::sort(pool.begin(), pool.end());
      Removal removal = Remove(image, objects, pool, options.drop_covered_above);
      const bool counted_dropped = std::any_of(removal.dropped.begin(), removal.dropped.end(),
                                               [&](size_t i) { return objects[i].class_key == class_key; });
      if (counted_dropped) continue;
      CutoutVariant variant;
      variant.removed = m;
      variant.ratio = plan.ratios[k];
      for (const size_t i : removal.removed) variant.removed_ids.push_back(objects[i].id);
      for (const size_t i : removal.dropped) variant.dropped_ids.push_back(objects[i].id);
      for (size_t i = 0; i < objects.size(); ++i) {
        const bool gone = std::binary_search(removal.removed.begin(), removal.removed.end(), i) ||
                          std::find(removal.dropped.begin(), removal.dropped.end(), i) != removal.dropped.end();
        if (!gone) variant.objects.push_back(objects[i]);
      }
      variant.pixels = std::move(removal.pixels);
      result.variants.push_back(std::move(variant));
      done = true;
    }
    if (!done) ++result.skipped["cover_conflict"];
  }
  return result;
}

}  // namespace mgrs::augment
