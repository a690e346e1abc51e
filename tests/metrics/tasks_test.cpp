// VQA, classification, counting and grounding through the scorer on small fixtures (tests/fixtures/metrics);
// every expected value is derived by hand in the comment beside it.
#include <gtest/gtest.h>

#include "metrics_test_support.h"
#include "mgrs/metrics/scorer.h"

namespace mgrs::metrics {
namespace {

nlohmann::ordered_json ScoreFixture(const std::string& fixture, const std::string& preset = "mgrs",
                                    void (*adjust)(ScoreOptions*) = nullptr) {
  ScoreOptions o;
  o.gt_path = mgrs::testing::FixtureFile("metrics/" + fixture + "_gt.jsonl");
  o.pred_path = mgrs::testing::FixtureFile("metrics/" + fixture + "_pred.jsonl");
  o.preset = preset;
  o.meteor = false;
  if (adjust) adjust(&o);
  auto report = Score(o);
  if (!report.ok()) throw std::runtime_error(report.status().ToString());
  return report->json;
}

double Metric(const nlohmann::ordered_json& report, const char* task, const char* key) {
  return report["tasks"][task]["metrics"][key].get<double>();
}

// v1 "Yes." / yes, v2 "no, there isn't" / no, v3 "It is a rural area" / rural, v4 "Two" / 2, v5 "" / yes.
TEST(VqaTaskTest, EachPresetRule) {
  // mgrs (EvalAI, equality): v1 yes=yes, v4 2=2 -> 2/5.
  EXPECT_DOUBLE_EQ(Metric(ScoreFixture("vqa"), "vqa", "accuracy"), 0.4);
  // geochat (lower-case equality): nothing equal -> 0.
  EXPECT_DOUBLE_EQ(Metric(ScoreFixture("vqa", "geochat"), "vqa", "accuracy"), 0.0);
  // vrsbench (contains): v1, v2, v3 contain their target; "two" does not contain "2" -> 3/5.
  EXPECT_DOUBLE_EQ(Metric(ScoreFixture("vqa", "vrsbench"), "vqa", "accuracy"), 0.6);
  // lhrsbot: v1, v4 equal; the empty v5 is a substring of "yes" -> 3/5.
  EXPECT_DOUBLE_EQ(Metric(ScoreFixture("vqa", "lhrsbot"), "vqa", "accuracy"), 0.6);
  // earthdial (token recall): "yes." -> {yes, .} recalls yes; "no,thereisn't" -> {no, ...} recalls no -> 2/5.
  EXPECT_DOUBLE_EQ(Metric(ScoreFixture("vqa", "earthdial"), "vqa", "accuracy"), 0.4);
}

TEST(VqaTaskTest, AccuracyPerType) {
  const auto report = ScoreFixture("vqa");
  const auto& by_type = report["tasks"]["vqa"]["by_type"];
  EXPECT_DOUBLE_EQ(by_type["presence"]["metrics"]["accuracy"].get<double>(), 0.5);  // v1 right, v2 wrong
  EXPECT_DOUBLE_EQ(by_type["count"]["metrics"]["accuracy"].get<double>(), 1.0);
  EXPECT_EQ(by_type["comparison"]["n"], 1);
  EXPECT_EQ(report["tasks"]["vqa"]["by_dataset"]["rsvqa-hr"]["n"], 2);
  EXPECT_EQ(report["tasks"]["vqa"]["empty_answer_ids"][0], "v5");
}

// c1 dense_residential / "Dense residential.", c2 harbor / "harbour", c3 farmland / "farmland",
// c4 harbor / "a harbor with ships".
TEST(ClassificationTaskTest, EachRule) {
  // mgrs: c1 and c3 normalise equal -> 2/4; per class: dense 1, harbor 0/2, farmland 1 -> balanced 2/3.
  const auto mgrs = ScoreFixture("classification");
  EXPECT_DOUBLE_EQ(Metric(mgrs, "classification", "accuracy"), 0.5);
  EXPECT_DOUBLE_EQ(Metric(mgrs, "classification", "balanced_accuracy"), 2.0 / 3);
  // geochat nospace: "denseresidential" != "dense_residential"; only c3 -> 1/4.
  EXPECT_DOUBLE_EQ(Metric(ScoreFixture("classification", "geochat"), "classification", "accuracy"), 0.25);
  // lhrsbot LCS: every answer maps to its class (see answers_test) -> 1, balanced 1.
  const auto lhrs = ScoreFixture("classification", "lhrsbot");
  EXPECT_DOUBLE_EQ(Metric(lhrs, "classification", "accuracy"), 1.0);
  EXPECT_DOUBLE_EQ(Metric(lhrs, "classification", "balanced_accuracy"), 1.0);
  // vrsbench contains: c3 and c4 -> 1/2.
  EXPECT_DOUBLE_EQ(Metric(ScoreFixture("classification", "vrsbench"), "classification", "accuracy"), 0.5);
}

TEST(ClassificationTaskTest, ConfusionMatrix) {
  const auto report = ScoreFixture("classification");
  const auto& confusion = report["tasks"]["classification"]["confusion"];
  EXPECT_EQ(confusion["harbor"]["harbour"], 1);
  EXPECT_EQ(confusion["harbor"]["a harbor with ships"], 1);
  EXPECT_EQ(confusion["dense residential"]["dense residential"], 1);
}

// SkySenseGPT multi-label: "harbor, ship" vs "Ship, harbor, bridge": TP 2, FP 1 (bridge), FN 0.
TEST(ClassificationTaskTest, MultiLabelCounts) {
  const auto report = ScoreFixture("multilabel", "skysensegpt");
  const auto& m = report["tasks"]["classification"]["multi_label"];
  EXPECT_EQ(m["tp"], 2);
  EXPECT_EQ(m["fp"], 1);
  EXPECT_EQ(m["fn"], 0);
  EXPECT_DOUBLE_EQ(m["f1"].get<double>(), 0.8);  // P 2/3, R 1
}

// k1 3 / "There are 3 planes.", k2 7 / "eight", k3 12 / "I see twelve ships", k4 0 / "no idea".
TEST(CountingTaskTest, FirstIntegerWithTolerancesAndErrors) {
  const auto report = ScoreFixture("counting");
  EXPECT_DOUBLE_EQ(Metric(report, "counting", "accuracy"), 0.5);       // k1, k3
  EXPECT_DOUBLE_EQ(Metric(report, "counting", "accuracy_pm1"), 0.75);  // + k2 (8 vs 7)
  EXPECT_DOUBLE_EQ(Metric(report, "counting", "mae"), 1.0 / 3);        // errors 0, 1, 0 over 3 parsed
  EXPECT_DOUBLE_EQ(Metric(report, "counting", "rmse"), std::sqrt(1.0 / 3));
  EXPECT_EQ(report["tasks"]["counting"]["parse_failures"], 1);
  EXPECT_EQ(report["tasks"]["counting"]["parse_failure_ids"][0], "k4");
}

TEST(CountingTaskTest, VrsBenchReadsCountsAsSubstrings) {
  // "3" in k1's answer; "7", "12", "0" are not substrings of theirs -> 1/4.
  EXPECT_DOUBLE_EQ(Metric(ScoreFixture("counting", "vrsbench"), "counting", "accuracy"), 0.25);
}

// 200 x 100 images. g1 {<10><10><30><50>} -> [20,10,60,50] px = the truth, IoU 1. g2 <box>(0,0),(250,500)
// on 0-1000 -> [0,0,50,50] vs [0,0,100,100]: 2500/10000 = 0.25. g3 [0.5,0,1,0.7] on 0-1 -> [100,0,200,70] vs
// [100,0,200,100]: 0.7. g4 no box: a parse failure, wrong.
TEST(GroundingTaskTest, FormatsScalesAndMetrics) {
  const auto report = ScoreFixture("grounding");
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "acc@0.5"), 0.5);              // g1, g3
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "acc@0.7"), 0.5);              // 0.7 >= 0.7
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "mean_iou"), 0.4875);          // (1 + 0.25 + 0.7 + 0) / 4
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "cum_iou"), 11100.0 / 21600);  // (1600+2500+7000)/(1600+10000+10000)
  // Detections g1, g2, g3 (all first in their answers, so sample order): hits 1, 0, 1 over 4 objects.
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "precision@0.5"), 2.0 / 3);
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "recall@0.5"), 0.5);
  EXPECT_NEAR(Metric(report, "grounding", "ap@0.5"), 0.25 + 0.25 * 2 / 3, 1e-15);
  EXPECT_EQ(report["tasks"]["grounding"]["parse_failures"], 1);
  EXPECT_EQ(report["tasks"]["grounding"]["parse_failure_ids"][0]["id"], "g4");
}

TEST(GroundingTaskTest, StrictThresholdFailsAnIouOfExactlyTheThreshold) {
  // g3's IoU is exactly 0.7: it passes ">=" and fails ">".
  const auto strict = ScoreFixture("grounding", "mgrs", [](ScoreOptions* o) { o->threshold_op = "gt"; });
  EXPECT_DOUBLE_EQ(Metric(strict, "grounding", "acc@0.7"), 0.25);
}

TEST(GroundingTaskTest, SkippingParseFailuresChangesTheDenominator) {
  const auto skip = ScoreFixture("grounding", "mgrs", [](ScoreOptions* o) { o->on_parse_fail = "skip"; });
  EXPECT_DOUBLE_EQ(Metric(skip, "grounding", "acc@0.5"), 2.0 / 3);
  EXPECT_EQ(skip["tasks"]["grounding"]["metrics"]["scored"], 3);
}

// g1 {<30><10><10><50>} has x2 < x1; g2's 130 is off the 0-100 grid; g3 holds NaN; g4 is cut off.
TEST(GroundingTaskTest, BadBoxesAreListedParseFailures) {
  ScoreOptions o;
  o.gt_path = mgrs::testing::FixtureFile("metrics/grounding_gt.jsonl");
  o.pred_path = mgrs::testing::FixtureFile("metrics/grounding_bad_boxes_pred.jsonl");
  auto report = Score(o);
  ASSERT_TRUE(report.ok());
  const auto& g = report->json["tasks"]["grounding"];
  EXPECT_EQ(g["parse_failures"], 4);
  EXPECT_EQ(g["parse_failure_ids"][0]["reason"], "x2 < x1 or y2 < y1");
  EXPECT_EQ(g["parse_failure_ids"][1]["reason"], "coordinates out of range");
  EXPECT_EQ(g["parse_failure_ids"][2]["reason"], "no parsable box");
  EXPECT_DOUBLE_EQ(g["metrics"]["acc@0.5"].get<double>(), 0.0);
}

// One answer, four boxes, three objects A B C: A, A again (A is taken: a false positive), C, and a box on
// nothing. Hits 1 0 1 0 -> precision 1/2, recall 2/3, F1 4/7, AP 5/9 (boxes_test has the derivation).
TEST(GroundingTaskTest, MultiBoxAnswerWithGreedyMatching) {
  const auto report = ScoreFixture("multibox");
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "precision@0.5"), 0.5);
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "recall@0.5"), 2.0 / 3);
  EXPECT_NEAR(Metric(report, "grounding", "f1@0.5"), 4.0 / 7, 1e-15);
  EXPECT_NEAR(Metric(report, "grounding", "ap@0.5"), 5.0 / 9, 1e-15);
  // EarthDial's precision counts the duplicate as correct (it overlaps a ground-truth box): 3/4.
  const auto earthdial = ScoreFixture("multibox", "mgrs", [](ScoreOptions* o) {
    o->preset = "earthdial";
    o->box_format = "geochat";
  });
  EXPECT_DOUBLE_EQ(Metric(earthdial, "grounding", "precision@0.5"), 0.75);
}

// VRSBench: ground truth int(x / W * 100) on the grid, the first four integers, +1 areas. g1's truth
// [20,10,60,50] px becomes [10,10,30,50]; its answer's integers are the same -> IoU 1.
TEST(GroundingTaskTest, VrsBenchComparesOnItsGrid) {
  const auto report = ScoreFixture("grounding", "vrsbench");
  // g2's integers 0 0 250 500 are off the grid, g3's first four are 0 5 0 0 (y2 < y1), g4 has none: only g1.
  EXPECT_DOUBLE_EQ(report["tasks"]["grounding"]["metrics"]["acc@0.5"].get<double>(), 0.25);
  EXPECT_EQ(report["settings"]["grounding"]["iou_convention"], "plus1");
}

TEST(GroundingTaskTest, QwenVlDividesBy999) {
  // g2 through qwenvl: (250/999*200, 500/999*100) -> [0, 0, 50.05, 50.05]; IoU 0.2505... < 0.5 either way,
  // but the settings must name the 999 grid and the zero-box failure rule.
  const auto report = ScoreFixture("grounding", "qwenvl");
  EXPECT_EQ(report["settings"]["grounding"]["coord_scale"], "999");
  EXPECT_NE(report["settings"]["grounding"]["on_parse_fail"].get<std::string>().find("0,0,0,0"), std::string::npos);
}

// 100 x 100 images. q1: truth [0,0,100,100], answer <box>(0,0),(999,999)</box>. q2: truth [0,0,9,9], answer
// {<0><0><9><4>}: continuous IoU 36/81, plus1 IoU (10*5)/(10*10) = 0.5 exactly.
TEST(GroundingPresetTest, QwenVlMiniGptV2AndMgrsDisagreeAsTheirScriptsDo) {
  // mgrs: q1 on the 0-1000 grid -> [0,0,99.9,99.9], IoU 0.998001; q2 0.444 -> acc 1/2.
  const auto mgrs = ScoreFixture("grounding_presets");
  EXPECT_DOUBLE_EQ(Metric(mgrs, "grounding", "acc@0.5"), 0.5);
  EXPECT_NEAR(Metric(mgrs, "grounding", "mean_iou"), (0.998001 + 36.0 / 81) / 2, 1e-12);
  // qwenvl: q1 / 999 -> the whole image, IoU 1; q2 has no <box>: the zero box, IoU 0 -> acc 1/2, mean 1/2.
  const auto qwen = ScoreFixture("grounding_presets", "qwenvl");
  EXPECT_DOUBLE_EQ(Metric(qwen, "grounding", "acc@0.5"), 0.5);
  EXPECT_DOUBLE_EQ(Metric(qwen, "grounding", "mean_iou"), 0.5);
  // minigptv2: q1 is not in its format (wrong); q2's plus1 IoU 0.5 is not > 0.5 -> 0.
  const auto minigpt = ScoreFixture("grounding_presets", "minigptv2");
  EXPECT_DOUBLE_EQ(Metric(minigpt, "grounding", "acc@0.5"), 0.0);
  EXPECT_DOUBLE_EQ(Metric(minigpt, "grounding", "mean_iou"), 0.25);
  // The same plus1 IoU passes with >=.
  const auto ge = ScoreFixture("grounding_presets", "minigptv2", [](ScoreOptions* o) { o->threshold_op = "ge"; });
  EXPECT_DOUBLE_EQ(Metric(ge, "grounding", "acc@0.5"), 0.5);
}

// shared/vectors/rotated_iou_vectors.json: [10,10,30,20,45] vs [12,10,32,20,45] -> 0.6637107595851476 (shapely).
// The truth is the first box's EarthDial polygon as a quad; the earthdial preset scores the answer as a rotated
// polygon on the 0-100 grid (here the image is 100 x 100, so grid = pixels).
TEST(GroundingPresetTest, EarthDialRotatedIouEndToEnd) {
  const auto report = ScoreFixture("rotated", "earthdial");
  EXPECT_NEAR(Metric(report, "grounding", "mean_iou"), 0.6637107595851476, 1e-9);
  EXPECT_DOUBLE_EQ(Metric(report, "grounding", "acc@0.5"), 1.0);
  // mgrs reads the angle too (the truth has quads): the same IoU.
  EXPECT_NEAR(Metric(ScoreFixture("rotated"), "grounding", "mean_iou"), 0.6637107595851476, 1e-9);
  // Forced axis-aligned: the answer box [12,10,32,20] against the quad's bounding box.
  const auto hbb = ScoreFixture("rotated", "mgrs", [](ScoreOptions* o) { o->box_mode = "hbb"; });
  EXPECT_LT(Metric(hbb, "grounding", "mean_iou"), 0.5);
}

TEST(PresetTest, UnknownPresetListsTheNames) {
  ScoreOptions o;
  o.gt_path = mgrs::testing::FixtureFile("metrics/vqa_gt.jsonl");
  o.pred_path = mgrs::testing::FixtureFile("metrics/vqa_pred.jsonl");
  o.preset = "gpt";
  const auto report = Score(o);
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find("earthdial"), std::string::npos);
}

TEST(PresetTest, EarthDialSaysItsPunktIsUntrained) {
  const auto report = ScoreFixture("vqa", "earthdial");
  EXPECT_NE(report["settings"]["preset_notes"].dump().find("Punkt sentence splitter runs untrained"),
            std::string::npos);
}

TEST(PresetTest, TasksWithoutARuleSayTheMgrsRuleApplies) {
  const auto report = ScoreFixture("vqa", "lhrsbot");
  EXPECT_NE(report["settings"]["preset_notes"].dump().find("grounding: LHRS-Bot has no grounding script"),
            std::string::npos);
}

}  // namespace
}  // namespace mgrs::metrics
