// BLEU-1..4 exactly as coco-caption's bleu_scorer.py computes it (option "closest"): the clipped n-gram counts,
// the closest reference length (ties to the shorter), the epsilons 1e-15 / 1e-9 in every ratio, and the corpus
// score from counts summed over images (research/metrics.md section 3).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "mgrs/metrics/caption_corpus.h"

namespace mgrs::metrics {

// BLEU's sufficient statistics; coco prints them with verbose=1 ("testlen", "reflen", "guess", "correct").
struct BleuStats {
  int64_t testlen = 0;
  int64_t reflen = 0;                // the closest reference length (summed over images for a corpus)
  std::array<int64_t, 4> guess{};    // n-grams in the hypothesis, n = 1..4
  std::array<int64_t, 4> correct{};  // of those, matched (clipped by the maximum count in any reference)
  BleuStats& operator+=(const BleuStats& o);
  bool operator==(const BleuStats& o) const;
};

// BLEU-1..4 from statistics with coco's formula: cumulative geometric means of (correct + 1e-15) /
// (guess + 1e-9), times exp(1 - 1/ratio) when ratio = (testlen + 1e-15) / (reflen + 1e-9) < 1.
std::array<double, 4> BleuFromStats(const BleuStats& stats);

struct BleuResult {
  std::array<double, 4> corpus{};                // coco's Bleu_1..Bleu_4
  BleuStats totals;                              // summed statistics behind `corpus`
  std::vector<std::array<double, 4>> per_image;  // coco's per-image list (not what the corpus averages)
  std::vector<BleuStats> per_image_stats;
};

// Scores every image of `corpus` with `threads` threads (0 = all cores); identical for any thread count.
BleuResult CorpusBleu(const CaptionCorpus& corpus, int threads);

}  // namespace mgrs::metrics
