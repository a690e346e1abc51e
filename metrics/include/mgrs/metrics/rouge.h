// ROUGE-L exactly as coco-caption's rouge.py computes it: words from str.split(" "), beta 1.2, the maximum
// precision and the maximum recall over references taken independently, corpus = np.mean of the images
// (research/metrics.md section 5).
#pragma once

#include <vector>

#include "mgrs/metrics/caption_corpus.h"

namespace mgrs::metrics {

struct RougeResult {
  double corpus = 0.0;
  std::vector<double> per_image;
};

// Length of the longest common subsequence of two word-id sequences.
size_t LongestCommonSubsequence(const uint32_t* a, size_t a_size, const uint32_t* b, size_t b_size);

// Scores every image with `threads` threads (0 = all cores); identical for any thread count.
RougeResult CorpusRougeL(const CaptionCorpus& corpus, int threads);

}  // namespace mgrs::metrics
