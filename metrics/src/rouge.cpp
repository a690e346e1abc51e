// coco-caption's ROUGE-L (rouge.py) over the str.split(" ") words of a CaptionCorpus.
#include "mgrs/metrics/rouge.h"

#include <algorithm>
#include <cmath>

#include "caption_corpus_data.h"
#include "parallel.h"

namespace mgrs::metrics {

size_t LongestCommonSubsequence(const uint32_t* a, size_t a_size, const uint32_t* b, size_t b_size) {
  if (a_size < b_size) {
    std::swap(a, b);
    std::swap(a_size, b_size);
  }
  // One row of the DP table over the shorter sequence.
  std::vector<uint32_t> row(b_size + 1, 0);
  for (size_t i = 0; i < a_size; ++i) {
    uint32_t diagonal = 0;
    for (size_t j = 0; j < b_size; ++j) {
      const uint32_t up = row[j + 1];
      row[j + 1] = a[i] == b[j] ? diagonal + 1 : std::max(up, row[j]);
      diagonal = up;
    }
  }
  return row[b_size];
}

RougeResult CorpusRougeL(const CaptionCorpus& corpus, int threads) {
  const CaptionCorpus::Data& d = corpus.data();
  const double beta_squared = std::pow(1.2, 2);
  RougeResult result;
  result.per_image.resize(d.images());
  internal::ParallelRanges(d.images(), threads, [&](size_t begin, size_t end, int) {
    for (size_t image = begin; image < end; ++image) {
      const uint32_t hyp = d.first[image];
      const Span h = d.rouge_words[hyp];
      double precision = 0.0, recall = 0.0;
      bool any = false;
      for (uint32_t ref = hyp + 1; ref < d.first[image + 1]; ++ref) {
        const Span r = d.rouge_words[ref];
        const double lcs = static_cast<double>(
            LongestCommonSubsequence(d.rouge_ids.data() + r.begin, r.size, d.rouge_ids.data() + h.begin, h.size));
        const double p = lcs / static_cast<double>(h.size), q = lcs / static_cast<double>(r.size);
        precision = any ? std::max(precision, p) : p;
        recall = any ? std::max(recall, q) : q;
        any = true;
      }
      double score = 0.0;
      if (precision != 0 && recall != 0) {
        score = ((1 + beta_squared) * precision * recall) / (recall + beta_squared * precision);
      }
      result.per_image[image] = score;
    }
  });
  result.corpus = NumpyMean(result.per_image);
  return result;
}

}  // namespace mgrs::metrics
