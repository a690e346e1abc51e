// The scorer on small fixtures (tests/fixtures/metrics): joining by id, missing / unknown / duplicate ids,
// breakdowns, and the coco demo end to end through both input formats.
#include "mgrs/metrics/scorer.h"

#include <gtest/gtest.h>

#include <fstream>

#include "metrics_test_support.h"

namespace mgrs::metrics {
namespace {

ScoreOptions Options(const std::string& gt, const std::string& pred) {
  ScoreOptions o;
  o.gt_path = mgrs::testing::FixtureFile("metrics/" + gt);
  o.pred_path = mgrs::testing::FixtureFile("metrics/" + pred);
  o.meteor_data = MGRS_METEOR_DIR;
  o.threads = 2;
  return o;
}

TEST(ScorerTest, JoinsTheThreeIdAndAnswerSpellings) {
  auto report = Score(Options("captions_gt.jsonl", "captions_pred.jsonl"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const auto& caption = report->json["tasks"]["caption"];
  EXPECT_EQ(caption["n"], 3);
  EXPECT_TRUE(report->json["missing_ids"].empty());
  EXPECT_GT(caption["metrics"]["CIDEr"].get<double>(), 0.0);
  EXPECT_EQ(caption["metric_labels"]["METEOR"], "METEOR 1.5 (no paraphrase table)");
  EXPECT_EQ(report->per_sample.size(), 3u);
  EXPECT_FALSE(report->too_many_rejects);
}

TEST(ScorerTest, BreakdownsByDatasetAndGranularity) {
  auto report = Score(Options("captions_gt.jsonl", "captions_pred.jsonl"));
  ASSERT_TRUE(report.ok());
  const auto& caption = report->json["tasks"]["caption"];
  EXPECT_EQ(caption["by_dataset"]["ucm-captions"]["n"], 2);
  EXPECT_EQ(caption["by_dataset"]["sydney-captions"]["n"], 1);
  EXPECT_EQ(caption["by_granularity"]["scene"]["n"], 1);
  // A one-image evaluation set has CIDEr 0 in coco (idf = log 1 - log 1).
  EXPECT_EQ(caption["by_dataset"]["sydney-captions"]["metrics"]["CIDEr"], 0.0);
}

TEST(ScorerTest, MissingPredictionIsListedAndCountedAsAnEmptyCaption) {
  auto report = Score(Options("captions_gt.jsonl", "pred_missing_one.jsonl"));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->json["tasks"]["caption"]["n"], 3);
  EXPECT_EQ(report->json["missing_ids"], nlohmann::ordered_json::array({"sydney/test/3"}));
  EXPECT_EQ(report->per_sample[2]["missing"], true);
  EXPECT_EQ(report->per_sample[2]["metrics"]["Bleu_1"], 0.0);
}

TEST(ScorerTest, OnlyPredictedLeavesMissingSamplesOut) {
  ScoreOptions o = Options("captions_gt.jsonl", "pred_missing_one.jsonl");
  o.only_predicted = true;
  auto report = Score(o);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->json["tasks"]["caption"]["n"], 2);
  EXPECT_EQ(report->json["missing_ids"].size(), 1u);
}

TEST(ScorerTest, UnknownIdsAreListed) {
  auto report = Score(Options("captions_gt.jsonl", "pred_unknown_id.jsonl"));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->json["unknown_ids"], nlohmann::ordered_json::array({"ucm/test/999"}));
  EXPECT_EQ(report->json["tasks"]["caption"]["n"], 3);
}

TEST(ScorerTest, DuplicatePredictionIsARejectAndTheFirstIsKept) {
  auto report = Score(Options("captions_gt.jsonl", "pred_duplicate_id.jsonl"));
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->rejects.size(), 1u);
  EXPECT_EQ(report->rejects[0].code, "DUPLICATE_ID");
  EXPECT_EQ(report->rejects[0].line, 4);
  EXPECT_TRUE(report->too_many_rejects);
}

TEST(ScorerTest, EmptyAnswersAreListed) {
  auto report = Score(Options("captions_gt.jsonl", "pred_empty_answer.jsonl"));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->json["tasks"]["caption"]["empty_answer_ids"], nlohmann::ordered_json::array({"ucm/test/2"}));
}

TEST(ScorerTest, DuplicateGroundTruthIdFailsWithTheLines) {
  auto report = Score(Options("gt_duplicate_id.jsonl", "captions_pred.jsonl"));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kParseError);
  EXPECT_NE(report.status().message().find(":4: error[DUPLICATE_ID]: id 'ucm/test/1' already on line 1"),
            std::string::npos)
      << report.status().message();
}

TEST(ScorerTest, ThreadCountDoesNotChangeTheReport) {
  ScoreOptions o = Options("captions_gt.jsonl", "captions_pred.jsonl");
  o.threads = 1;
  auto one = Score(o);
  o.threads = 3;
  auto three = Score(o);
  ASSERT_TRUE(one.ok() && three.ok());
  one->json["settings"].erase("threads");
  three->json["settings"].erase("threads");
  EXPECT_EQ(one->json.dump(), three->json.dump());
}

// The coco demo through files: a coco annotation file and a coco results file with the raw hypotheses, tokenized
// by mgrs-score. BLEU, ROUGE-L and METEOR equal the published values; CIDEr differs by one reference, because
// CoreNLP kept "bat." whole in one reference (research/metrics.md 2), which the tokenized file records.
TEST(ScorerTest, CocoDemoThroughCocoFiles) {
  const std::string dir = mgrs::testing::ScratchDir("coco-demo");
  nlohmann::json gt = {{"images", nlohmann::json::array()}, {"annotations", nlohmann::json::array()}};
  for (const auto& x : testing::ReadSharedJson("vectors/coco_fakecap_1000_tokenized.json")) {
    gt["images"].push_back({{"id", x["image_id"]}});
    for (const auto& r : x["refs"]) gt["annotations"].push_back({{"image_id", x["image_id"]}, {"caption", r}});
  }
  std::ofstream(dir + "/gt.json") << gt.dump();
  ScoreOptions o;
  o.gt_path = dir + "/gt.json";
  o.pred_path = mgrs::testing::SharedFile("vectors/coco_fakecap_1000_raw_hyps.json");
  o.meteor_data = MGRS_METEOR_DIR;
  auto report = Score(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->json["inputs"]["gt_format"], "coco");
  EXPECT_EQ(report->json["inputs"]["pred_format"], "coco");
  const auto expected = testing::ReadSharedJson("vectors/coco_fakecap_1000_expected.json");
  const auto& m = report->json["tasks"]["caption"]["metrics"];
  for (const char* key : {"Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L"}) {
    EXPECT_NEAR(m[key].get<double>(), expected[key].get<double>(), 1e-9) << key;
  }
  EXPECT_NEAR(m["METEOR"].get<double>(), expected["METEOR_meteor15_without_paraphrase_table"].get<double>(), 1e-4);
  EXPECT_NEAR(m["CIDEr"].get<double>(), expected["CIDEr"].get<double>(), 2e-4);
  EXPECT_EQ(report->json["tasks"]["caption"]["n"], 1000);
}

TEST(ScorerTest, BadOptionsAreInvalidArguments) {
  ScoreOptions o = Options("captions_gt.jsonl", "captions_pred.jsonl");
  o.task = "poetry";
  EXPECT_EQ(Score(o).status().code(), StatusCode::kInvalidArgument);
  o = Options("captions_gt.jsonl", "captions_pred.jsonl");
  o.gt_format = "xml";
  EXPECT_EQ(Score(o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::metrics
