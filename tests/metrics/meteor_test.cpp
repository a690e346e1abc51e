// METEOR 1.5 against Meteor 1.5 itself run without paraphrases (research/metrics.md 4.7-4.9 and
// shared/vectors/meteor_local_nopara_vectors.tsv): statistics exact, scores within 1e-6 per segment (they agree
// to the last bit), the coco demo corpus 0.18967223242926706 within 1e-4.
#include "mgrs/metrics/meteor.h"

#include <gtest/gtest.h>

#include <fstream>

#include "metrics_test_support.h"

namespace mgrs::metrics {
namespace {

std::shared_ptr<const MeteorData> Data() {
  static const std::shared_ptr<const MeteorData> data = [] {
    auto loaded = MeteorData::Load(MGRS_METEOR_DIR);
    if (!loaded.ok()) throw std::runtime_error(loaded.status().ToString());
    return std::shared_ptr<const MeteorData>(*loaded);
  }();
  return data;
}

MeteorStats Stats(const std::string& line) {
  auto s = MeteorStats::Parse(line);
  if (!s.ok()) throw std::runtime_error(s.status().ToString());
  return *s;
}

TEST(MeteorTest, EveryLocalVectorSegment) {
  std::ifstream in(mgrs::testing::SharedFile("vectors/meteor_local_nopara_vectors.tsv"));
  MeteorScorer scorer(Data());
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    const size_t tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
    const std::string segment = line.substr(0, tab1);
    std::vector<std::string> parts;
    for (size_t at = 0;;) {
      const size_t bar = segment.find("|||", at);
      parts.push_back(segment.substr(at, bar == std::string::npos ? std::string::npos : bar - at));
      if (bar == std::string::npos) break;
      at = bar + 3;
    }
    const std::vector<std::string> refs(parts.begin() + 1, parts.end() - 1);
    const MeteorStats stats = scorer.SegmentStats(parts.back(), refs);
    EXPECT_EQ(stats.ToString(), Stats(line.substr(tab1 + 1, tab2 - tab1 - 1)).ToString()) << segment;
    EXPECT_NEAR(MeteorScoreFromStats(stats), std::stod(line.substr(tab2 + 1)), 1e-6) << segment;
    ++cases;
  }
  EXPECT_EQ(cases, 7);
}

struct QuirkVector {
  const char *hypothesis, *reference, *stats;
  double score;
};

// research/metrics.md section 4.9: one vector per aligner or normaliser quirk.
TEST(MeteorTest, QuirkVectors) {
  const QuirkVector vectors[] = {
      {"m1", "ko", "1 1 0 0 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 1", 1.0},
      {"ships boats 2", "and ship automobile", "3 3 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", 0.0},
      {"the ships", "the ship", "2 2 1 1 0 0 1 1 1 1 0 0 0 0 0 0 0 0 0 0 1 2 2", 0.6999999999999998},
      {"large white two is a", "sitting are", "5 2 3 1 0 0 0 0 0 0 0 0 0 0 1 1 0 0 0 0 1 1 1", 0.06736842105263158},
      {"man flying a kite in the sky", "a man is about to fly a kite", "7 8 3 5 2 2 1 1 1 1 0 0 0 0 0 0 0 0 0 0 2 4 4",
       0.2970666449326123},
      {"man flying a kite in front of a field", "boy flies a kite with family in the park",
       "9 9 4 4 1 1 2 2 1 1 0 0 0 0 0 0 0 0 0 0 2 4 4", 0.17095545798693756},
      {"two chairs a couch and a table in a living room", "living room with a chair in front of a living room",
       "11 11 6 5 2 2 3 3 0 0 0 0 0 0 0 0 0 0 0 0 4 5 5", 0.16897341414686348},
      {"a dog 's toy , us made .", "A dog's toy, U.S.-made.", "9 8 5 4 4 4 3 3 0 0 0 0 0 0 0 0 0 0 0 0 2 7 7",
       0.4950257043987284},
      {"a , b , c", "a,b,c", "5 3 3 2 0 0 2 2 0 0 0 0 0 0 0 0 0 0 0 0 1 2 2", 0.17059630786511623},
  };
  MeteorScorer scorer(Data());
  for (const auto& v : vectors) {
    const MeteorStats stats = scorer.SegmentStats(v.hypothesis, {v.reference});
    EXPECT_EQ(stats, Stats(v.stats)) << v.hypothesis << " | " << stats.ToString();
    EXPECT_NEAR(MeteorScoreFromStats(stats), v.score, 1e-6) << v.hypothesis;
  }
}

// research/metrics.md 4.7: nlg-eval's published segment values and corpus 0.295797 from the summed statistics.
TEST(MeteorTest, FormulaAndCocoAggregationOnPublishedStatistics) {
  const MeteorStats a = Stats("10 7 4 4 1 1 2 2 0 0 0 0 0 0 0 0 0 0 0 0 2 3 3");
  const MeteorStats b = Stats("10 13 6 7 4 4 4 4 0 0 0 0 0 0 0 0 0 0 2 1 2 10 9");
  EXPECT_DOUBLE_EQ(MeteorScoreFromStats(a), 0.1556568826170604);
  EXPECT_DOUBLE_EQ(MeteorScoreFromStats(b), 0.39012536521249613);
  EXPECT_DOUBLE_EQ(MeteorScoreFromStats(SumMeteorStats({a, b})), 0.2957971080379661);
}

TEST(MeteorTest, PerfectSegmentsAddNoChunksToTheCorpus) {
  const MeteorStats perfect = Stats("5 5 1 1 4 4 1 1 0 0 0 0 0 0 0 0 0 0 0 0 1 5 5");
  const MeteorStats other = Stats("6 6 3 3 3 3 3 3 0 0 0 0 0 0 0 0 0 0 0 0 3 6 6");
  EXPECT_TRUE(perfect.IsPerfect());
  EXPECT_EQ(SumMeteorStats({perfect, other}).chunks, 3);
}

TEST(MeteorTest, CocoDemoCorpusWithoutParaphrases) {
  const auto expected = testing::ReadSharedJson("vectors/coco_fakecap_1000_expected.json");
  const MeteorResult result = CorpusMeteor(testing::CocoDemoItems(), Data(), 2);
  EXPECT_NEAR(result.corpus, expected["METEOR_meteor15_without_paraphrase_table"].get<double>(), 1e-4);
  EXPECT_NEAR(NumpyMean(result.per_image),
              expected["METEOR_meteor15_without_paraphrase_table_mean_of_segments"].get<double>(), 1e-4);
}

TEST(MeteorTest, SameResultsForAnyThreadCount) {
  auto items = testing::CocoDemoItems();
  items.resize(200);
  const MeteorResult one = CorpusMeteor(items, Data(), 1), three = CorpusMeteor(items, Data(), 3);
  EXPECT_EQ(one.per_image, three.per_image);
  EXPECT_EQ(one.corpus, three.corpus);
}

// Examples of research/metrics.md 4.3 (normaliser output, compared after lower-casing).
TEST(MeteorNormalizeTest, DocumentedExamples) {
  const std::pair<const char*, const char*> cases[] = {
      {"a,b,c", "a , b,c"},
      {"1,000,000 and 1,2,3", "1,000,000 and 1,2,3"},
      {"a-b-c d-e", "a b-c d e"},
      {"tree--lined", "tree lined"},
      {"wait... what..ok", "wait ... what .. ok"},
      {"U.S. Dr. Smith", "us dr. smith"},
      {"3.5. 1.5.a.", "3.5 . 15a"},
      {"see No. 5 and No. x", "see no. 5 and no. x"},
      {"the st. at end st.", "the st. at end st ."},
      {"x. Y", "x . y"},
      {"don't it's dogs' 'tis 1990's 4'x a'b'c", "don 't it 's dogs ' ' tis 1990 's 4'x a 'b'c"},
      {"a dog 's toy", "a dog ' s toy"},
      {"``hello'' \u201cq\u201d \u2018s\u2019", "\" hello \" \" q \" ' s '"},
      {"rock&roll 50% $5 #1 @home", "rock & roll 50 % $ 5 # 1 @ home"},
      {"an \u2014 em \u2013 en", "an \u2014 em - en"},
      {"Hello.\u00a0world", "hello . world"},
  };
  for (const auto& [input, expected] : cases) EXPECT_EQ(MeteorNormalize(input, *Data()), expected) << input;
}

// The paraphrase module with a one-entry table ("was" <-> "has been"): nlg-eval's second segment, whose statistics
// under the real coco jar research/metrics.md 4.7 derives exactly.
TEST(MeteorTest, ParaphraseTableReproducesTheNlgEvalSegment) {
  auto data = MeteorData::Load(MGRS_METEOR_DIR);
  ASSERT_TRUE(data.ok());
  ASSERT_TRUE((*data)->LoadParaphrases(mgrs::testing::FixtureFile("metrics/paraphrase_was_has_been.txt")).ok());
  MeteorScorer scorer(*data);
  const MeteorStats stats =
      scorer.SegmentStats("this is sentence2 which has been generated by your model",
                          {"this is a reference sentence for sentence2 which was generated by your model",
                           "this is the second reference sentence for sentence2"});
  EXPECT_EQ(stats, Stats("10 13 6 7 4 4 4 4 0 0 0 0 0 0 0 0 0 0 2 1 2 10 9")) << stats.ToString();
  EXPECT_DOUBLE_EQ(MeteorScoreFromStats(stats), 0.39012536521249613);
}

TEST(MeteorTest, MissingDataFolderIsNotFound) {
  const auto data = MeteorData::Load("/nonexistent/meteor");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), StatusCode::kNotFound);
  EXPECT_NE(data.status().message().find("english.words"), std::string::npos);
  EXPECT_EQ(FindMeteorData("/nonexistent/meteor").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace mgrs::metrics
