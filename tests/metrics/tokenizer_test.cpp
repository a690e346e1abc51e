// The PTB tokenizer against CoreNLP 3.4.1's real output (shared/vectors/ptb_tokenizer_vectors.json, exact) and
// the coco demo hypotheses (raw -> tokenized, exact).
#include "mgrs/metrics/tokenizer.h"

#include <gtest/gtest.h>

#include "metrics_test_support.h"

namespace mgrs::metrics {
namespace {

TEST(TokenizerTest, MatchesCoreNlpOnEveryVector) {
  const auto vectors = testing::ReadSharedJson("vectors/ptb_tokenizer_vectors.json");
  ASSERT_EQ(vectors.size(), 24u);
  for (const auto& v : vectors) {
    const std::string input = v["input"];
    std::string raw;
    PtbTokenize(input, &raw);
    EXPECT_EQ(raw, v["ptb_lowercase"].get<std::string>()) << input;
    EXPECT_EQ(CocoTokenize(input), v["coco_final"].get<std::string>()) << input;
  }
}

TEST(TokenizerTest, RawDemoHypothesesGiveTheTokenizedOnes) {
  std::map<int64_t, std::string> tokenized;
  for (const auto& x : testing::ReadSharedJson("vectors/coco_fakecap_1000_tokenized.json")) {
    tokenized[x["image_id"].get<int64_t>()] = x["test"].get<std::string>();
  }
  const auto raw = testing::ReadSharedJson("vectors/coco_fakecap_1000_raw_hyps.json");
  ASSERT_EQ(raw.size(), 1000u);
  for (const auto& r : raw) {
    EXPECT_EQ(CocoTokenize(r["caption"].get<std::string>()), tokenized.at(r["image_id"].get<int64_t>()));
  }
}

TEST(TokenizerTest, FilterIsCaseSensitiveSoLowerCaseBracketsSurvive) {
  EXPECT_TRUE(IsCocoPunctuation("-LRB-"));
  EXPECT_FALSE(IsCocoPunctuation("-lrb-"));
  EXPECT_FALSE(IsCocoPunctuation("-lsb-"));
  EXPECT_TRUE(IsCocoPunctuation("..."));
  EXPECT_FALSE(IsCocoPunctuation("$"));
  EXPECT_EQ(CocoTokenize("(a) [b] {c}"), "-lrb- a -rrb- -lsb- b -rsb- -lcb- c -rcb-");
}

TEST(TokenizerTest, NewlinesAreSpacesAndEmptyInputGivesNothing) {
  EXPECT_EQ(CocoTokenize("two planes\nnear a hangar."), "two planes near a hangar");
  EXPECT_EQ(CocoTokenize(""), "");
  EXPECT_EQ(CocoTokenize(" . , ! "), "");
}

}  // namespace
}  // namespace mgrs::metrics
