// METEOR 1.5 as coco-caption runs it (`-l en -norm`, task "rank"): Meteor's normaliser, exact / Snowball stem /
// WordNet synonym / optional paraphrase matching, the beam-search aligner with its quirks, and the coco corpus
// score from summed statistics. Reimplemented from research/metrics.md section 4, not from Meteor's source.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mgrs/core/status.h"
#include "mgrs/metrics/caption_corpus.h"

namespace mgrs::metrics {

// Meteor's English resources: function words, non-breaking prefixes, WordNet synonym sets and exceptions, and
// an optional paraphrase table. Immutable after loading; share it between threads freely.
class MeteorData {
 public:
  // Reads english.words, english.prefixes, english.synsets and english.exceptions from `dir`. kNotFound names a
  // missing file; kParseError a malformed one.
  static Result<std::shared_ptr<MeteorData>> Load(const std::string& dir);
  // Adds Meteor's paraphrase table (paraphrase-en.gz: gzip or plain text, line triples probability / reference
  // phrase / paraphrase). Without it the paraphrase module never matches ("METEOR 1.5 (no paraphrase table)").
  Status LoadParaphrases(const std::string& path);

  bool has_paraphrases() const;
  const std::string& directory() const { return directory_; }

  struct Tables;
  const Tables& tables() const { return *tables_; }
  ~MeteorData();

 private:
  MeteorData();
  std::string directory_;
  std::unique_ptr<Tables> tables_;
};

// Where the data files are: `explicit_dir` (--meteor-data) when not empty, else $MGRS_METEOR_DATA, else the
// install location (<prefix>/share/mgrs/meteor, also looked up relative to the running executable), else this
// source tree's data/meteor. kNotFound lists the places tried.
Result<std::string> FindMeteorData(const std::string& explicit_dir);

// Meteor's 23 sufficient statistics of one segment (MeteorStats.toString order); module m = 0 exact, 1 stem,
// 2 synonym, 3 paraphrase.
struct MeteorStats {
  double tst_len = 0, ref_len = 0, tst_func_words = 0, ref_func_words = 0;
  std::array<double, 4> tst_content{}, ref_content{}, tst_function{}, ref_function{};
  double chunks = 0, tst_word_matches = 0, ref_word_matches = 0;

  // "5 4 3 3 ..." as Meteor prints it with its ".0" suffixes dropped.
  std::string ToString() const;
  // Parses the 23 numbers of a Meteor stats line ("5.0 4.0 ..."); kParseError otherwise.
  static Result<MeteorStats> Parse(std::string_view line);
  bool operator==(const MeteorStats& o) const;
  // True when every word of both sides matched in one chunk (such a segment adds no chunks to a corpus).
  bool IsPerfect() const;
};

// English "rank" parameters, the defaults of Meteor 1.5 `-l en`.
struct MeteorParameters {
  double alpha = 0.85, beta = 0.2, gamma = 0.6, delta = 0.75;
  std::array<double, 4> module_weights = {1.0, 0.6, 0.8, 0.6};
  int beam_size = 40;
};

// Meteor's computeMetrics: the score of one set of statistics (segment or summed corpus), NaN -> 0, >= 0.
double MeteorScoreFromStats(const MeteorStats& stats, const MeteorParameters& parameters = {});
// coco's corpus statistics: every field summed, except chunks of perfect segments.
MeteorStats SumMeteorStats(const std::vector<MeteorStats>& segments);

// Meteor's -norm normaliser (steps N1-N11) followed by lower-casing: the text whose space-separated tokens
// Meteor aligns.
std::string MeteorNormalize(std::string_view text, const MeteorData& data);

// Scores segments. Holds a Snowball stemmer and a cache of per-word facts, so one scorer must not be used by two
// threads at once; make one per thread (they can share the MeteorData).
class MeteorScorer {
 public:
  explicit MeteorScorer(std::shared_ptr<const MeteorData> data, MeteorParameters parameters = {});
  ~MeteorScorer();
  MeteorScorer(MeteorScorer&&) noexcept;

  // The statistics Meteor's SCORE command prints for `hypothesis` against `references` (the first reference
  // with the strictly highest score wins). The hypothesis is cleaned as coco's meteor.py does ("|||" removed,
  // double spaces made single); a reference holding "|||" becomes several references, as in Meteor's protocol.
  MeteorStats SegmentStats(std::string_view hypothesis, const std::vector<std::string>& references);
  double SegmentScore(std::string_view hypothesis, const std::vector<std::string>& references) {
    return MeteorScoreFromStats(SegmentStats(hypothesis, references), parameters_);
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  MeteorParameters parameters_;
};

struct MeteorResult {
  double corpus = 0.0;            // coco's METEOR: computeMetrics of the summed statistics
  std::vector<double> per_image;  // each segment's score
  std::vector<MeteorStats> per_image_stats;
};

// Scores every image with `threads` threads (0 = all cores), one MeteorScorer per thread; identical for any
// thread count.
MeteorResult CorpusMeteor(const std::vector<CaptionItem>& items, std::shared_ptr<const MeteorData> data, int threads,
                          const MeteorParameters& parameters = {});

}  // namespace mgrs::metrics
