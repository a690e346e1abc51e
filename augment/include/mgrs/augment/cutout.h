// Count-Varying Cutout (the paper's "Context-Disentangled Data Augmentation"): remove m = ceil(r N_c) objects of
// one class, r ~ U(0.15, 0.30), by zero-filling their polygons, in several variants with distinct counts.
// docs/augment.md gives the reading of "four variants with at least ceil(0.1 N_c) difference in count".
#pragma once

#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "mgrs/augment/rng.h"
#include "mgrs/core/records.h"

namespace mgrs::augment {

struct CutoutOptions {
  double min_ratio = 0.15;  // r ~ U(min_ratio, max_ratio)
  double max_ratio = 0.30;
  int variants = 4;             // wanted per image; fewer when the range of m holds fewer distinct values
  double min_step_ratio = 0.1;  // every variant's count is at least ceil(min_step_ratio N_c) below N_c
  // Another object more than this fraction of whose pixels were zeroed loses its annotation. A variant whose
  // drops would include an object of the counted class is redrawn (the count rule N_c - m must hold).
  double drop_covered_above = 0.5;
  int subset_draws = 16;  // redraws of the removed subset before the variant is given up ("cover_conflict")
  int min_objects = 1;    // images with fewer objects of the class are skipped ("too_few_objects")
};

// The removal counts of one image: lo..hi is the range of m = ceil(r N_c) over r in [min_ratio, max_ratio] (no
// lower than ceil(min_step_ratio N_c)); `removals` holds min(variants, hi - lo + 1) distinct values, ascending,
// whose smallest pairwise gap is the largest the range allows, floor((hi - lo) / (variants - 1)).
struct CountPlan {
  int n = 0, lo = 0, hi = 0, gap = 0;
  std::vector<int> removals;
  std::vector<double> ratios;  // the r each was drawn from
};
// Each m is drawn as r ~ U(min_ratio, max_ratio) resampled until m keeps the gap to the ones before and leaves
// room for the ones after; the draw is made directly from U conditioned on that interval (the same distribution,
// no rejection loop).
CountPlan PlanCounts(int n, const CutoutOptions& options, Rng& rng);

struct CutoutVariant {
  int removed = 0;                   // m
  double ratio = 0;                  // r
  std::vector<int64_t> removed_ids;  // objects of the class whose polygons were zeroed
  std::vector<int64_t> dropped_ids;  // other objects more than drop_covered_above covered, annotation removed
  std::vector<Object> objects;       // what remains, in input order
  cv::Mat pixels;
};

struct CutoutResult {
  std::string class_key;
  int count = 0;  // N_c
  std::vector<CutoutVariant> variants;
  std::map<std::string, int64_t> skipped;  // reason -> missing variants (or 1 for a skipped image)
};

// The class an image is counted by when none is given: its most frequent class key, ties by key.
std::string MostFrequentClass(const std::vector<Object>& objects);

// The variants of one image. Objects must have passed CheckObject (the caller skips images that do not).
CutoutResult MakeCutoutVariants(const cv::Mat& image, const std::vector<Object>& objects, const std::string& class_key,
                                const CutoutOptions& options, Rng& rng);

}  // namespace mgrs::augment
