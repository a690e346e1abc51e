// CIDEr-D exactly as coco-caption's cider_scorer.py computes it: 1- to 4-grams, tf-idf with document
// frequencies over the references of the evaluated set, clipped products, the Gaussian length penalty with
// sigma 6 on bigram counts, times 10, corpus = np.mean of the images (research/metrics.md section 6).
#pragma once

#include <vector>

#include "mgrs/metrics/caption_corpus.h"

namespace mgrs::metrics {

struct CiderResult {
  double corpus = 0.0;
  std::vector<double> per_image;
};

// Scores every image with `threads` threads (0 = all cores); identical for any thread count. The document
// frequencies come from `corpus` itself, so a corpus of one image scores 0 (idf = log 1 - log 1), as in coco.
CiderResult CorpusCiderD(const CaptionCorpus& corpus, int threads);

}  // namespace mgrs::metrics
