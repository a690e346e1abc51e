// The layout behind CaptionCorpus, shared by the BLEU, ROUGE-L and CIDEr-D scorers. Internal to mgrs::metrics.
#pragma once

#include <cstdint>
#include <vector>

#include "mgrs/metrics/caption_corpus.h"

namespace mgrs::metrics {

struct Span {
  uint32_t begin = 0, size = 0;
};

struct CaptionCorpus::Data {
  // Captions in image order: the hypothesis of image i is caption first[i]; its references follow it up to
  // first[i + 1]. first has size() + 1 entries.
  std::vector<uint32_t> first;
  std::vector<Span> words;        // per caption, into word_ids (str.split())
  std::vector<Span> rouge_words;  // per caption, into rouge_ids (str.split(" "))
  std::vector<Span> ngrams;       // per caption, into ngram_ids: all 1-grams, then 2-grams, 3-grams, 4-grams
  std::vector<uint32_t> word_ids, rouge_ids, ngram_ids;
  uint32_t n_ngrams = 0;  // distinct 1- to 4-grams over all captions (hypotheses included)

  size_t images() const { return first.size() - 1; }
  // The order of n (1-4) of the n-gram at position `index` of a caption with `length` words.
  static int NgramOrder(uint32_t length, uint32_t index) {
    for (int n = 1; n <= 4; ++n) {
      const uint32_t count = length >= static_cast<uint32_t>(n) ? length - n + 1 : 0;
      if (index < count) return n;
      index -= count;
    }
    return 5;
  }
};

}  // namespace mgrs::metrics
