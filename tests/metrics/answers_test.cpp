// Short-answer rules: EvalAI normalisation against shared/vectors/evalai_vqa_normalization_vectors.json (the
// EvalAIAnswerProcessor Python code's output, exact), and hand-derived cases for the other rules.
#include "mgrs/metrics/answers.h"

#include <gtest/gtest.h>

#include "metrics_test_support.h"

namespace mgrs::metrics {
namespace {

TEST(EvalAiNormalizeTest, EveryVector) {
  const auto vectors = testing::ReadSharedJson("vectors/evalai_vqa_normalization_vectors.json");
  ASSERT_EQ(vectors.size(), 24u);
  for (const auto& v : vectors) {
    EXPECT_EQ(EvalAiNormalize(v["input"].get<std::string>()), v["evalai_normalized"].get<std::string>()) << v["input"];
  }
}

// The script passes re.UNICODE (32) as re.sub's count, so only the first 32 dots go.
TEST(EvalAiNormalizeTest, RemovesAtMost32Dots) {
  const std::string dots(40, '.');
  EXPECT_EQ(EvalAiNormalize("a" + dots), "a" + std::string(8, '.'));
}

TEST(VqaAnswerScoreTest, EachModeOnOneAnswer) {
  // "Two" vs "2": only the EvalAI normalisation maps number words.
  EXPECT_EQ(VqaAnswerScore("Two", "2", VqaMode::kExact), 0.0);
  EXPECT_EQ(VqaAnswerScore("Two", "2", VqaMode::kVqa), 1.0);
  EXPECT_EQ(VqaAnswerScore(" Yes ", "yes", VqaMode::kExact), 1.0);
  // VRSBench: the target is a substring of the answer ("13" contains "3", the quirk research 9.3 notes).
  EXPECT_EQ(VqaAnswerScore("there are 13 planes", "3", VqaMode::kContains), 1.0);
  // LHRS-Bot: an empty answer is a substring of every target.
  EXPECT_EQ(VqaAnswerScore("", "yes", VqaMode::kLhrsBot), 1.0);
  EXPECT_EQ(VqaAnswerScore("It is rural", "rural", VqaMode::kLhrsBot), 0.0);
  // EarthDial: spaces removed, so "ruralarea" is one token and does not recall "rural".
  EXPECT_EQ(VqaAnswerScore("rural area", "rural", VqaMode::kTokenRecall), 0.0);
  EXPECT_EQ(VqaAnswerScore("Rural.", "rural", VqaMode::kTokenRecall), 1.0);
}

TEST(ClassificationRulesTest, NormalisationAndLongestCommonSubstring) {
  EXPECT_EQ(NormaliseClassName("Dense_Residential."), "dense residential");
  EXPECT_EQ(NormaliseClassName(" storage-tank "), "storage tank");
  EXPECT_EQ(LongestCommonSubstring("harbour", "harbor"), 5u);
  const std::vector<std::string> classes = {"dense_residential", "harbor", "farmland"};
  EXPECT_EQ(LcsClass("harbor", classes), 1);                // exact name
  EXPECT_EQ(LcsClass("a harbour with ships", classes), 1);  // "harbo" (5) beats "ar" of farmland
  EXPECT_EQ(LcsClass("Dense residential.", classes), 0);    // case kept: "ense residential" (16)
  EXPECT_EQ(LcsClass("xyz", classes), 0);                   // no overlap: the first maximum (0) wins
}

TEST(FirstIntegerTest, DigitsAndNumberWords) {
  EXPECT_EQ(FirstInteger("There are 3 planes and 4 ships"), 3);
  EXPECT_EQ(FirstInteger("1,024 cars"), 1024);
  EXPECT_EQ(FirstInteger("I count seven."), 7);
  EXPECT_EQ(FirstInteger("twenty-one"), 21);
  EXPECT_EQ(FirstInteger("thirty"), 30);
  EXPECT_EQ(FirstInteger("none"), 0);
  EXPECT_EQ(FirstInteger("no idea"), std::nullopt);
  EXPECT_EQ(FirstInteger(""), std::nullopt);
}

}  // namespace
}  // namespace mgrs::metrics
