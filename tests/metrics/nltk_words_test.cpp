// NLTK 3.8's word tokenization against NLTK's own output (tests/metrics/golden/nltk_word_tokenize_vectors.json,
// written by make_nltk_vectors.py with Debian's python3-nltk; exact, token for token), and EarthDial's token
// recall on hand cases scored by that script's copy of EarthDial's evaluate_f1 (exact; scores are ratios of
// small integers, compared with a 1e-15 tolerance).
#include "mgrs/metrics/nltk_words.h"

#include <gtest/gtest.h>

#include <fstream>

#include "metrics_test_support.h"
#include "mgrs/metrics/answers.h"

namespace mgrs::metrics {
namespace {

const nlohmann::json& Golden() {
  static const nlohmann::json golden = [] {
    std::ifstream in(std::string(MGRS_SOURCE_DIR) + "/tests/metrics/golden/nltk_word_tokenize_vectors.json");
    return nlohmann::json::parse(in);
  }();
  return golden;
}

std::vector<std::string> Strings(const nlohmann::json& array) { return array.get<std::vector<std::string>>(); }

TEST(NltkWordsTest, GoldenFileIsWhole) {
  ASSERT_EQ(Golden()["vectors"].size(), 1889u);
  ASSERT_EQ(Golden()["token_recall"].size(), 41u);
  EXPECT_NE(Golden()["source"].get<std::string>().find("NLTK 3.8"), std::string::npos);
}

TEST(NltkWordsTest, TreebankTokenizerMatchesNltkOnEveryVector) {
  for (const auto& v : Golden()["vectors"]) {
    const std::string text = v["text"];
    EXPECT_EQ(NltkTreebankTokenize(text), Strings(v["tokens"])) << v["origin"] << ": " << v["text"].dump();
  }
}

TEST(NltkWordsTest, PunktMatchesUntrainedNltkOnEveryVector) {
  for (const auto& v : Golden()["vectors"]) {
    const std::string text = v["text"];
    EXPECT_EQ(PunktSentences(text), Strings(v["sentences"])) << v["origin"] << ": " << v["text"].dump();
  }
}

TEST(NltkWordsTest, WordTokenizeMatchesNltkOnEveryVector) {
  for (const auto& v : Golden()["vectors"]) {
    const std::string text = v["text"];
    EXPECT_EQ(NltkWordTokenize(text), Strings(v["punkt_tokens"])) << v["origin"] << ": " << v["text"].dump();
  }
}

// Removing spaces does not keep Punkt from splitting: a period before a bracket is a sentence end, so
// word_tokenize splits "yes." off where NLTKWordTokenizer alone keeps it whole.
TEST(NltkWordsTest, PunktSplitsSpaceFreeAnswers) {
  EXPECT_EQ(NltkTreebankTokenize("yes.(maybe)"), (std::vector<std::string>{"yes.", "(", "maybe", ")"}));
  EXPECT_EQ(PunktSentences("yes.(maybe)"), (std::vector<std::string>{"yes.", "(maybe)"}));
  EXPECT_EQ(NltkWordTokenize("yes.(maybe)"), (std::vector<std::string>{"yes", ".", "(", "maybe", ")"}));
  // A closing bracket or quote at the end is realigned into the sentence before it.
  EXPECT_EQ(PunktSentences("(yes.)"), (std::vector<std::string>{"(yes.)"}));
}

TEST(NltkWordsTest, EmptyAndWhitespaceOnly) {
  EXPECT_TRUE(NltkTreebankTokenize("").empty());
  EXPECT_TRUE(NltkWordTokenize(" \t\n").empty());
  EXPECT_TRUE(PunktSentences("  ").empty());
}

TEST(TokenRecallTest, MatchesTheScriptsEvaluateF1OnEveryCase) {
  for (const auto& c : Golden()["token_recall"]) {
    const std::string reference = c["reference"], candidate = c["candidate"];
    EXPECT_NEAR(TokenRecall(candidate, reference), c["score"].get<double>(), 1e-15)
        << c["reference"].dump() << " vs " << c["candidate"].dump();
  }
}

// A few of those cases written out (values from make_nltk_vectors.py's evaluate_f1).
TEST(TokenRecallTest, HandCases) {
  EXPECT_EQ(TokenRecall("Tennis Court", "tennis court"), 1.0);  // both "tenniscourt"
  EXPECT_EQ(TokenRecall("tennis-court", "tennis court"), 0.0);  // "tennis-court" is one token
  EXPECT_EQ(TokenRecall("rural", "Rural."), 0.5);               // reference tokens: rural, .
  EXPECT_DOUBLE_EQ(TokenRecall("yes", "(yes)"), 1.0 / 3.0);     // (, yes, )
  EXPECT_EQ(TokenRecall("cannot", "can"), 1.0);                 // can, not
  EXPECT_EQ(TokenRecall("yes.(maybe)", "yes"), 1.0);            // Punkt splits "yes." off
  EXPECT_EQ(TokenRecall("No.\nThe image shows no airport.", "no"), 1.0);
  EXPECT_EQ(TokenRecall("1000", "1,000"), 0.0);
  EXPECT_EQ(TokenRecall("οδοσ", "ΟΔΟΣ"), 0.0);  // str.lower() gives a final sigma: "οδος"
  EXPECT_EQ(TokenRecall("yes", ""), 0.0);
}

}  // namespace
}  // namespace mgrs::metrics
