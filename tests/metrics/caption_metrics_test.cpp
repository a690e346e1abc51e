// BLEU, ROUGE-L and CIDEr-D against pycocoevalcap's own numbers:
// - coco demo (research/metrics.md 7.1, shared/vectors/coco_fakecap_1000_expected.json): BLEU statistics exact,
//   scores within 1e-9 (the tolerance; they agree bit for bit in practice);
// - coco_edge_case_vectors.json (pycocoevalcap on Debian python3): corpus and per-image within 1e-12;
// - coco test_metrics.py values (research 7.2), within 1e-9.
#include <gtest/gtest.h>

#include "metrics_test_support.h"
#include "mgrs/metrics/bleu.h"
#include "mgrs/metrics/cider.h"
#include "mgrs/metrics/rouge.h"

namespace mgrs::metrics {
namespace {

TEST(CocoDemoTest, BleuStatisticsAreExact) {
  const auto expected = testing::ReadSharedJson("vectors/coco_fakecap_1000_expected.json")["bleu_totals"];
  const BleuResult bleu = CorpusBleu(CaptionCorpus::Build(testing::CocoDemoItems(), 2), 2);
  EXPECT_EQ(bleu.totals.testlen, expected["testlen"].get<int64_t>());
  EXPECT_EQ(bleu.totals.reflen, expected["reflen"].get<int64_t>());
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(bleu.totals.guess[k], expected["guess"][k].get<int64_t>());
    EXPECT_EQ(bleu.totals.correct[k], expected["correct"][k].get<int64_t>());
  }
}

TEST(CocoDemoTest, BleuRougeCiderMatchCocoWithin1e9) {
  const auto expected = testing::ReadSharedJson("vectors/coco_fakecap_1000_expected.json");
  const CaptionCorpus corpus = CaptionCorpus::Build(testing::CocoDemoItems(), 2);
  const BleuResult bleu = CorpusBleu(corpus, 2);
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(bleu.corpus[k], expected["Bleu_" + std::to_string(k + 1)].get<double>(), 1e-9) << k;
  }
  EXPECT_NEAR(CorpusRougeL(corpus, 2).corpus, expected["ROUGE_L"].get<double>(), 1e-9);
  EXPECT_NEAR(CorpusCiderD(corpus, 2).corpus, expected["CIDEr"].get<double>(), 1e-9);
}

TEST(CocoDemoTest, ResultsAreIdenticalForAnyThreadCount) {
  const auto items = testing::CocoDemoItems();
  const CaptionCorpus one = CaptionCorpus::Build(items, 1);
  const BleuResult b1 = CorpusBleu(one, 1);
  const RougeResult r1 = CorpusRougeL(one, 1);
  const CiderResult c1 = CorpusCiderD(one, 1);
  for (int threads : {2, 3, 7}) {
    const CaptionCorpus many = CaptionCorpus::Build(items, threads);
    EXPECT_EQ(CorpusBleu(many, threads).per_image, b1.per_image) << threads;
    EXPECT_EQ(CorpusRougeL(many, threads).per_image, r1.per_image) << threads;
    const CiderResult c = CorpusCiderD(many, threads);
    EXPECT_EQ(c.per_image, c1.per_image) << threads;
    EXPECT_EQ(c.corpus, c1.corpus) << threads;
  }
}

TEST(EdgeCaseVectorsTest, EveryCaseWithin1e12) {
  const auto vectors = testing::ReadSharedJson("vectors/coco_edge_case_vectors.json");
  ASSERT_EQ(vectors.size(), 6u);
  for (const auto& [name, v] : vectors.items()) {
    std::vector<CaptionItem> items;
    for (const auto& [id, refs] : v["gts"].items()) {
      CaptionItem item{v["res"][id][0].get<std::string>(), {}};
      for (const auto& r : refs) item.references.push_back(r.get<std::string>());
      items.push_back(std::move(item));
    }
    const CaptionCorpus corpus = CaptionCorpus::Build(items, 1);
    const BleuResult bleu = CorpusBleu(corpus, 1);
    const RougeResult rouge = CorpusRougeL(corpus, 1);
    const CiderResult cider = CorpusCiderD(corpus, 1);
    for (int k = 0; k < 4; ++k) {
      EXPECT_NEAR(bleu.corpus[k], v["bleu"][k].get<double>(), 1e-12) << name << " Bleu_" << k + 1;
      for (size_t i = 0; i < items.size(); ++i) {
        EXPECT_NEAR(bleu.per_image[i][k], v["bleu_per_image"][k][i].get<double>(), 1e-12) << name << " " << i;
      }
    }
    EXPECT_NEAR(rouge.corpus, v["rouge_l"].get<double>(), 1e-12) << name;
    EXPECT_NEAR(cider.corpus, v["cider"].get<double>(), 1e-12) << name;
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_NEAR(rouge.per_image[i], v["rouge_l_per_image"][i].get<double>(), 1e-12) << name << " " << i;
      EXPECT_NEAR(cider.per_image[i], v["cider_per_image"][i].get<double>(), 1e-12) << name << " " << i;
    }
  }
}

// test_metrics.py "Rouge-L 2": untokenized strings; split(" ") turns runs of spaces into empty tokens that count.
TEST(CocoTestMetricsTest, RougeCountsEmptyTokensOfRepeatedSpaces) {
  const std::vector<CaptionItem> items = {
      {"this is a strange key", {"this is a strange key", "one more, to throw you off"}},
      {" this. is! a doG, at the parK .", {"THIS.              is     !a dog     ,at the PaRK."}}};
  const RougeResult rouge = CorpusRougeL(CaptionCorpus::Build(items, 1), 1);
  EXPECT_NEAR(rouge.corpus, 0.549472830495, 1e-9);
  EXPECT_NEAR(rouge.per_image[1], 0.09894566, 1e-8);
}

// test_metrics.py "Meteor 2", which actually runs CIDEr: 1.35741235571.
TEST(CocoTestMetricsTest, CiderOfThreeUntokenizedImages) {
  const std::vector<CaptionItem> items = {
      {"this is a test", {"i did a test"}},
      {"cooking can be quite fun, if you give it a chance.", {"cooking is a fun activity, so give it a try."}},
      {"wait eight minutes, and then strain the contents of the pot.",
       {"strain pot after waiting eight minutes for the pasta"}}};
  EXPECT_NEAR(CorpusCiderD(CaptionCorpus::Build(items, 1), 1).corpus, 1.35741235571, 1e-9);
}

TEST(CocoTestMetricsTest, CommentedOutSetBleuIncludesTheEpsilonQuirk) {
  const std::vector<CaptionItem> items = {
      {"the black cat is hat is hat", {"the cat in the hat is black ."}},
      {"humans are mostly insensitive to different colors except gray",
       {"unsurprisingly it was discovered out that most humans are insensitive to different shades of gray"}}};
  const BleuResult bleu = CorpusBleu(CaptionCorpus::Build(items, 1), 1);
  const double expected[4] = {0.44388336186369043, 0.28615312506956214, 0.16393460357431763, 2.309415185245007e-05};
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(bleu.corpus[k], expected[k], 1e-12) << k;
}

TEST(BleuFromStatsTest, PerfectMatchIsJustBelowOneBecauseOfTheEpsilons) {
  BleuStats s;
  s.testlen = s.reflen = 6;
  s.guess = s.correct = {6, 5, 4, 3};
  EXPECT_DOUBLE_EQ(BleuFromStats(s)[0], 0.9999999996666668);  // coco_edge_case_vectors exact_match_single
}

TEST(NumpyMeanTest, MeansOfSmallArrays) {
  EXPECT_EQ(NumpyMean({}), 0.0);
  EXPECT_EQ(NumpyMean({1.0, 2.0, 4.0}), 7.0 / 3);
  EXPECT_EQ(NumpyMean(std::vector<double>(300, 0.5)), 0.5);
}

}  // namespace
}  // namespace mgrs::metrics
