// coco-caption's CIDEr-D (cider_scorer.py) over the n-gram ids of a CaptionCorpus. Sums run in the order the
// Python dicts iterate (n-grams by first occurrence), so results agree with coco to the last bits.
#include "mgrs/metrics/cider.h"

#include <array>
#include <cmath>

#include "caption_corpus_data.h"
#include "parallel.h"

namespace mgrs::metrics {
namespace {

// One caption's tf-idf vectors: distinct n-grams by first occurrence, per order.
struct TfIdf {
  std::vector<uint32_t> ids;        // distinct n-gram ids, orders 1..4 one after another
  std::vector<double> values;       // tf * idf, same order
  std::array<uint32_t, 5> start{};  // ids[start[n-1] .. start[n]) are the n-grams of order n
  std::array<double, 4> norm{};
  double length = 0;  // number of bigrams: coco's "length"
};

class Vectorizer {
 public:
  Vectorizer(const CaptionCorpus::Data& d, const std::vector<double>& idf) : d_(d), idf_(idf), count_(d.n_ngrams, 0) {}

  void Build(uint32_t caption, TfIdf* out) {
    out->ids.clear();
    out->values.clear();
    out->norm = {};
    const Span s = d_.ngrams[caption];
    const uint32_t length = d_.words[caption].size;
    uint32_t i = 0;
    for (int n = 1; n <= 4; ++n) {
      out->start[n - 1] = static_cast<uint32_t>(out->ids.size());
      const uint32_t count = length >= static_cast<uint32_t>(n) ? length - n + 1 : 0;
      for (uint32_t k = 0; k < count; ++k, ++i) {
        const uint32_t id = d_.ngram_ids[s.begin + i];
        if (count_[id]++ == 0) out->ids.push_back(id);
      }
    }
    out->start[4] = static_cast<uint32_t>(out->ids.size());
    for (int n = 0; n < 4; ++n) {
      double norm = 0.0;
      for (uint32_t k = out->start[n]; k < out->start[n + 1]; ++k) {
        const uint32_t id = out->ids[k];
        const double value = static_cast<double>(count_[id]) * idf_[id];
        out->values.push_back(value);
        norm += std::pow(value, 2);
      }
      out->norm[n] = std::sqrt(norm);
    }
    out->length = length >= 2 ? length - 1 : 0;
    for (uint32_t id : out->ids) count_[id] = 0;
  }

 private:
  const CaptionCorpus::Data& d_;
  const std::vector<double>& idf_;
  std::vector<int32_t> count_;
};

}  // namespace

CiderResult CorpusCiderD(const CaptionCorpus& corpus, int threads) {
  const CaptionCorpus::Data& d = corpus.data();
  const size_t images = d.images();
  const int n_threads = internal::ClampThreads(threads, images);
  // Document frequency: in how many images' reference sets each n-gram occurs. Integer sums per thread, merged.
  std::vector<std::vector<int32_t>> df_parts(n_threads);
  internal::ParallelRanges(images, n_threads, [&](size_t begin, size_t end, int t) {
    std::vector<int32_t>& df = df_parts[t];
    df.assign(d.n_ngrams, 0);
    std::vector<uint32_t> last_image(d.n_ngrams, ~0u);
    for (size_t image = begin; image < end; ++image) {
      for (uint32_t ref = d.first[image] + 1; ref < d.first[image + 1]; ++ref) {
        const Span s = d.ngrams[ref];
        for (uint32_t i = 0; i < s.size; ++i) {
          const uint32_t id = d.ngram_ids[s.begin + i];
          if (last_image[id] != image) {
            last_image[id] = static_cast<uint32_t>(image);
            ++df[id];
          }
        }
      }
    }
  });
  const double ref_len = std::log(static_cast<double>(images));
  std::vector<double> idf(d.n_ngrams);
  for (uint32_t id = 0; id < d.n_ngrams; ++id) {
    int64_t df = 0;
    for (const auto& part : df_parts) df += part[id];
    idf[id] = ref_len - std::log(std::max(1.0, static_cast<double>(df)));
  }
  df_parts.clear();

  CiderResult result;
  result.per_image.resize(images);
  constexpr double kSigma = 6.0;
  constexpr double kE = 2.718281828459045;  // np.e
  internal::ParallelRanges(images, n_threads, [&](size_t begin, size_t end, int) {
    Vectorizer vectorizer(d, idf);
    std::vector<double> ref_value(d.n_ngrams, 0.0);
    TfIdf hyp, ref;
    for (size_t image = begin; image < end; ++image) {
      const uint32_t h = d.first[image];
      vectorizer.Build(h, &hyp);
      std::array<double, 4> score{};
      for (uint32_t r = h + 1; r < d.first[image + 1]; ++r) {
        vectorizer.Build(r, &ref);
        for (size_t k = 0; k < ref.ids.size(); ++k) ref_value[ref.ids[k]] = ref.values[k];
        const double delta = hyp.length - ref.length;
        const double penalty = std::pow(kE, -(std::pow(delta, 2)) / (2 * std::pow(kSigma, 2)));
        for (int n = 0; n < 4; ++n) {
          double val = 0.0;
          for (uint32_t k = hyp.start[n]; k < hyp.start[n + 1]; ++k) {
            const double vh = hyp.values[k], vr = ref_value[hyp.ids[k]];
            val += std::min(vh, vr) * vr;
          }
          if (hyp.norm[n] != 0 && ref.norm[n] != 0) val /= (hyp.norm[n] * ref.norm[n]);
          val *= penalty;
          score[n] += val;
        }
        for (uint32_t id : ref.ids) ref_value[id] = 0.0;
      }
      const size_t n_refs = d.first[image + 1] - h - 1;
      double mean = (((0.0 + score[0]) + score[1]) + score[2]) + score[3];
      mean /= 4;
      if (n_refs > 0) mean /= static_cast<double>(n_refs);
      result.per_image[image] = mean * 10.0;
    }
  });
  result.corpus = NumpyMean(result.per_image);
  return result;
}

}  // namespace mgrs::metrics
