// An evaluation set of captions (one hypothesis and its references per image), split into words once and shared
// by BLEU, ROUGE-L and CIDEr-D, which all follow coco-caption's Python scorers.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace mgrs::metrics {

// One image: the model's caption and the reference captions, already tokenized (CocoTokenize) unless the user
// asked for --no-tokenize. coco-caption requires at least one reference; an image without one scores 0.
struct CaptionItem {
  std::string hypothesis;
  std::vector<std::string> references;
};

// The words of every caption: Python's str.split() for BLEU and CIDEr, str.split(" ") for ROUGE-L (so double
// spaces make empty tokens there, as in coco), and ids for every 1- to 4-gram. Immutable once built, so the
// scorers may read it from several threads; cheap to copy (shared).
class CaptionCorpus {
 public:
  // Splits and interns every caption, using `threads` threads (0 = all cores). `items` is not kept.
  static CaptionCorpus Build(const std::vector<CaptionItem>& items, int threads);

  size_t size() const;
  struct Data;
  const Data& data() const { return *data_; }

 private:
  std::shared_ptr<const Data> data_;
};

// numpy's np.mean of a float64 array: pairwise summation in numpy's order, divided by the count; 0 for none.
// coco's ROUGE-L and CIDEr corpus scores are this mean of the per-image scores.
double NumpyMean(const std::vector<double>& values);

}  // namespace mgrs::metrics
