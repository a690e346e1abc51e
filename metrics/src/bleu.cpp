// coco-caption's BLEU (bleu_scorer.py, option "closest") over the n-gram ids of a CaptionCorpus.
#include "mgrs/metrics/bleu.h"

#include <cmath>
#include <cstdlib>

#include "caption_corpus_data.h"
#include "parallel.h"

namespace mgrs::metrics {

BleuStats& BleuStats::operator+=(const BleuStats& o) {
  testlen += o.testlen;
  reflen += o.reflen;
  for (int k = 0; k < 4; ++k) {
    guess[k] += o.guess[k];
    correct[k] += o.correct[k];
  }
  return *this;
}

bool BleuStats::operator==(const BleuStats& o) const {
  return testlen == o.testlen && reflen == o.reflen && guess == o.guess && correct == o.correct;
}

std::array<double, 4> BleuFromStats(const BleuStats& stats) {
  constexpr double kSmall = 1e-9, kTiny = 1e-15;
  std::array<double, 4> bleu{};
  double product = 1.0;
  for (int k = 0; k < 4; ++k) {
    product *= (static_cast<double>(stats.correct[k]) + kTiny) / (static_cast<double>(stats.guess[k]) + kSmall);
    bleu[k] = std::pow(product, 1.0 / (k + 1));
  }
  const double ratio = (static_cast<double>(stats.testlen) + kTiny) / (static_cast<double>(stats.reflen) + kSmall);
  if (ratio < 1) {
    for (double& b : bleu) b *= std::exp(1 - 1 / ratio);
  }
  return bleu;
}

BleuResult CorpusBleu(const CaptionCorpus& corpus, int threads) {
  const CaptionCorpus::Data& d = corpus.data();
  const size_t images = d.images();
  BleuResult result;
  result.per_image.resize(images);
  result.per_image_stats.resize(images);
  internal::ParallelRanges(images, threads, [&](size_t begin, size_t end, int) {
    // Dense scratch indexed by n-gram id, the three counts of an n-gram side by side (one cache line); only
    // touched entries are reset.
    struct Counts {
      int32_t hyp = 0, max_ref = 0, ref = 0;
    };
    std::vector<Counts> counts(d.n_ngrams);
    std::vector<uint32_t> touched;
    for (size_t image = begin; image < end; ++image) {
      const uint32_t hyp = d.first[image];
      BleuStats& stats = result.per_image_stats[image];
      const int64_t testlen = d.words[hyp].size;
      stats.testlen = testlen;
      // Closest reference length; min over (|l - testlen|, l) breaks ties toward the shorter reference.
      bool have_ref = false;
      int64_t best = 0;
      for (uint32_t ref = hyp + 1; ref < d.first[image + 1]; ++ref) {
        const int64_t l = d.words[ref].size;
        if (!have_ref || std::llabs(l - testlen) < std::llabs(best - testlen) ||
            (std::llabs(l - testlen) == std::llabs(best - testlen) && l < best)) {
          best = l;
          have_ref = true;
        }
        const Span s = d.ngrams[ref];
        for (uint32_t i = 0; i < s.size; ++i) {
          const uint32_t id = d.ngram_ids[s.begin + i];
          if (counts[id].ref++ == 0) touched.push_back(id);
        }
        for (uint32_t id : touched) {
          Counts& c = counts[id];
          if (c.ref > c.max_ref) c.max_ref = c.ref;
          c.ref = 0;
        }
        touched.clear();
      }
      stats.reflen = best;
      const Span s = d.ngrams[hyp];
      for (uint32_t i = 0; i < s.size; ++i) {
        const uint32_t id = d.ngram_ids[s.begin + i];
        const int order = CaptionCorpus::Data::NgramOrder(static_cast<uint32_t>(testlen), i);
        stats.guess[order - 1] += 1;
        // Each occurrence up to the clip counts once: min(count_hyp, max_ref) summed over distinct n-grams.
        Counts& c = counts[id];
        if (c.hyp++ < c.max_ref) stats.correct[order - 1] += 1;
      }
      for (uint32_t i = 0; i < s.size; ++i) counts[d.ngram_ids[s.begin + i]] = Counts{};
      for (uint32_t ref = hyp + 1; ref < d.first[image + 1]; ++ref) {
        const Span r = d.ngrams[ref];
        for (uint32_t i = 0; i < r.size; ++i) counts[d.ngram_ids[r.begin + i]].max_ref = 0;
      }
      result.per_image[image] = BleuFromStats(stats);
    }
  });
  for (const BleuStats& stats : result.per_image_stats) result.totals += stats;
  result.corpus = BleuFromStats(result.totals);
  return result;
}

}  // namespace mgrs::metrics
