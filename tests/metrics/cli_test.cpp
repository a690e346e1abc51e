// mgrs-score's command line: every bad-input fixture gives its message and exit code (0 ok, 1 failure, 2 usage,
// 3 too many rejected prediction records); outputs are written.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace mgrs {
namespace {

std::string Fixture(const std::string& name) { return mgrs::testing::FixtureFile("metrics/" + name); }

int RunTool(const std::string& args, std::string* out) {
  return mgrs::testing::RunCommand(std::string(MGRS_SCORE_TOOL) + " --meteor-data " + MGRS_METEOR_DIR + " " + args,
                                   out);
}

int Score(const std::string& gt, const std::string& pred, std::string* out, const std::string& extra = "") {
  return RunTool("--gt " + Fixture(gt) + " --pred " + Fixture(pred) + " " + extra, out);
}

TEST(CliTest, SelfTestPasses) {
  std::string out;
  EXPECT_EQ(RunTool("--self-test", &out), 0) << out;
  EXPECT_NE(out.find("self-test: ok"), std::string::npos) << out;
}

TEST(CliTest, ScoresAndWritesTheReports) {
  const std::string dir = mgrs::testing::ScratchDir("cli-score");
  std::string out;
  ASSERT_EQ(Score("captions_gt.jsonl", "captions_pred.jsonl", &out,
                  "--json " + dir + "/r.json --per-sample " + dir + "/s.jsonl"),
            0)
      << out;
  EXPECT_NE(out.find("CIDEr"), std::string::npos) << out;
  std::ifstream report(dir + "/r.json");
  const auto json = nlohmann::json::parse(report);
  EXPECT_EQ(json["tasks"]["caption"]["n"], 3);
  std::ifstream per_sample(dir + "/s.jsonl");
  int lines = 0;
  for (std::string line; std::getline(per_sample, line);) ++lines;
  EXPECT_EQ(lines, 3);
}

TEST(CliTest, MissingPredictionExitsZeroAndSaysSo) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_missing_one.jsonl", &out), 0) << out;
  EXPECT_NE(out.find("missing predictions: 1"), std::string::npos) << out;
}

TEST(CliTest, UnknownIdExitsZeroAndSaysSo) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_unknown_id.jsonl", &out), 0) << out;
  EXPECT_NE(out.find("unknown ids: 1"), std::string::npos) << out;
}

TEST(CliTest, DuplicatePredictionIdExitsThree) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_duplicate_id.jsonl", &out), 3) << out;
  EXPECT_NE(out.find("pred_duplicate_id.jsonl:4: error[DUPLICATE_ID]"), std::string::npos) << out;
}

TEST(CliTest, MalformedPredictionLineExitsThreeWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_bad_json_line2.jsonl", &out), 3) << out;
  EXPECT_NE(out.find("pred_bad_json_line2.jsonl:2: error[BAD_JSON]"), std::string::npos) << out;
}

TEST(CliTest, MaxRejectsLetsABadLineThroughAsAMissingSample) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_bad_json_line2.jsonl", &out, "--max-rejects 1"), 0) << out;
  EXPECT_NE(out.find("missing predictions: 1"), std::string::npos) << out;
  EXPECT_NE(out.find("rejected records: 1"), std::string::npos) << out;
}

// A 65 MiB line (past JsonlReader::kMaxLineBytes) is refused with its file and line, the others are scored.
TEST(CliTest, AnOversizedPredictionLineIsRefusedWithItsLineAndTheRestScored) {
  const std::string dir = mgrs::testing::ScratchDir("cli-oversized");
  const std::string pred = dir + "/pred_oversized_line2.jsonl";
  {
    std::ifstream good(Fixture("captions_pred.jsonl"));
    std::ofstream out(pred);
    std::string line;
    std::getline(good, line);
    out << line;
    std::getline(good, line);  // the second prediction gives way to the oversized line
    out << "\n{\"id\": \"ucm/test/2\", \"answer\": \"" << std::string(size_t{65} << 20, 'x') << "\"}\n";
    while (std::getline(good, line)) out << line << "\n";
  }
  std::string out;
  EXPECT_EQ(RunTool("--no-meteor --max-rejects 1 --gt " + Fixture("captions_gt.jsonl") + " --pred " + pred, &out), 0)
      << out.substr(0, 2000);
  EXPECT_NE(out.find("pred_oversized_line2.jsonl:2: error[LINE_TOO_LONG]"), std::string::npos) << out.substr(0, 2000);
  EXPECT_NE(out.find("missing predictions: 1"), std::string::npos) << out.substr(0, 2000);
  EXPECT_NE(out.find("caption (n=3)"), std::string::npos) << out.substr(0, 2000);
}

TEST(CliTest, InvalidUtf8PredictionExitsThree) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_invalid_utf8_line3.jsonl", &out), 3) << out;
  EXPECT_NE(out.find("pred_invalid_utf8_line3.jsonl:3: error[INVALID_UTF8]"), std::string::npos) << out;
}

TEST(CliTest, TruncatedLastLineExitsThree) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_truncated_last_line.jsonl", &out), 3) << out;
  EXPECT_NE(out.find(":3: error[TRUNCATED_LINE]"), std::string::npos) << out;
}

TEST(CliTest, PredictionWithoutAnswerExitsThree) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_missing_answer_field.jsonl", &out), 3) << out;
  EXPECT_NE(out.find(":2: error[BAD_PREDICTION]: answer: missing"), std::string::npos) << out;
}

TEST(CliTest, EmptyAnswerIsScoredAndListed) {
  const std::string dir = mgrs::testing::ScratchDir("cli-empty-answer");
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_empty_answer.jsonl", &out, "--json " + dir + "/r.json"), 0) << out;
  std::ifstream in(dir + "/r.json");
  EXPECT_EQ(nlohmann::json::parse(in)["tasks"]["caption"]["empty_answer_ids"][0], "ucm/test/2");
}

TEST(CliTest, EmptyPredictionFileExitsOne) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "empty.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("error[EMPTY_FILE]: the prediction file is empty"), std::string::npos) << out;
}

TEST(CliTest, EmptyGroundTruthFileExitsOne) {
  std::string out;
  EXPECT_EQ(Score("empty.jsonl", "captions_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("error[EMPTY_FILE]: the ground-truth file is empty"), std::string::npos) << out;
}

TEST(CliTest, DuplicateGroundTruthIdExitsOne) {
  std::string out;
  EXPECT_EQ(Score("gt_duplicate_id.jsonl", "captions_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_duplicate_id.jsonl:4: error[DUPLICATE_ID]"), std::string::npos) << out;
}

TEST(CliTest, MalformedGroundTruthLineExitsOneWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("gt_bad_json_line2.jsonl", "captions_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_bad_json_line2.jsonl:2: error[BAD_JSON]"), std::string::npos) << out;
}

TEST(CliTest, InvalidGroundTruthSampleExitsOne) {
  std::string out;
  EXPECT_EQ(Score("gt_bad_sample_line1.jsonl", "captions_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_bad_sample_line1.jsonl:1: error[BAD_SAMPLE]: gt.references: empty"), std::string::npos) << out;
}

TEST(CliTest, InvalidUtf8GroundTruthExitsOne) {
  std::string out;
  EXPECT_EQ(Score("gt_invalid_utf8_line2.jsonl", "captions_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_invalid_utf8_line2.jsonl:2: error[INVALID_UTF8]"), std::string::npos) << out;
}

TEST(CliTest, MalformedCocoResultsExitsOneWithTheLine) {
  std::string out;
  EXPECT_EQ(Score("coco_gt.json", "coco_results_bad_json.json", &out), 1) << out;
  EXPECT_NE(out.find("coco_results_bad_json.json:2: error[BAD_JSON]"), std::string::npos) << out;
}

// Issue 17: hostile inputs that crashed or aborted mgrs-score. Each is a bad record with its file and line now.
TEST(CliTest, PredictionNested100000DeepIsARejectNotACrash) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_deep_100000_line2.jsonl", &out), 3) << out;
  EXPECT_NE(out.find("pred_deep_100000_line2.jsonl:2: error[TOO_DEEP]"), std::string::npos) << out;
}

TEST(CliTest, GroundTruthNested100000DeepExitsOneWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("gt_deep_100000_line2.jsonl", "captions_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_deep_100000_line2.jsonl:2: error[TOO_DEEP]"), std::string::npos) << out;
}

TEST(CliTest, NumberOverflowInAPredictionIsARejectWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("captions_gt.jsonl", "pred_number_overflow_line2.jsonl", &out), 3) << out;
  EXPECT_NE(out.find("pred_number_overflow_line2.jsonl:2: error[BAD_JSON]: number overflow"), std::string::npos) << out;
}

TEST(CliTest, NumberOverflowInAGroundTruthBoxExitsOneWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("gt_box_overflow_line2.jsonl", "grounding_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_box_overflow_line2.jsonl:2: error[BAD_JSON]: number overflow"), std::string::npos) << out;
}

TEST(CliTest, NumberOverflowInImageSizeExitsOneWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("gt_image_size_overflow_line1.jsonl", "grounding_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_image_size_overflow_line1.jsonl:1: error[BAD_JSON]: number overflow"), std::string::npos)
      << out;
}

TEST(CliTest, NumberOverflowInACocoImageIdExitsOneWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("coco_gt.json", "coco_results_image_id_overflow.json", &out), 1) << out;
  EXPECT_NE(out.find("coco_results_image_id_overflow.json:2: error[BAD_JSON]: number overflow"), std::string::npos)
      << out;
}

TEST(CliTest, InvertedGroundTruthBoxExitsOneWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("gt_box_inverted_line2.jsonl", "grounding_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_box_inverted_line2.jsonl:2: error[BAD_SAMPLE]: gt.boxes[0]: x2 < x1"), std::string::npos)
      << out;
}

TEST(CliTest, GroundTruthBoxOutsideTheImageExitsOneWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("gt_box_outside_line3.jsonl", "grounding_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_box_outside_line3.jsonl:3: error[BAD_SAMPLE]: gt.boxes[0]: lies wholly outside"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("gt_box_outside_line3.jsonl:2:"), std::string::npos) << out;  // partly outside: kept
}

TEST(CliTest, GroundTruthBoxFarPastTheEdgeExitsOneWithItsLine) {
  std::string out;
  EXPECT_EQ(Score("gt_box_far_past_edge_line1.jsonl", "grounding_pred.jsonl", &out), 1) << out;
  EXPECT_NE(out.find("gt_box_far_past_edge_line1.jsonl:1: error[BAD_SAMPLE]: gt.boxes[0]: reaches more than"),
            std::string::npos)
      << out;
}

TEST(CliTest, CountingWithNoParsedAnswerReportsNullErrors) {
  const std::string dir = mgrs::testing::ScratchDir("cli-counting-none-parsed");
  std::string out;
  ASSERT_EQ(Score("counting_gt.jsonl", "counting_pred_no_integer.jsonl", &out, "--json " + dir + "/r.json"), 0) << out;
  std::ifstream in(dir + "/r.json");
  const auto metrics = nlohmann::json::parse(in)["tasks"]["counting"]["metrics"];
  EXPECT_EQ(metrics["parsed"], 0);
  EXPECT_TRUE(metrics["mae"].is_null()) << metrics.dump();
  EXPECT_TRUE(metrics["rmse"].is_null()) << metrics.dump();
}

TEST(CliTest, CocoFilesAreDetected) {
  const std::string dir = mgrs::testing::ScratchDir("cli-coco");
  std::string out;
  ASSERT_EQ(Score("coco_gt.json", "coco_results.json", &out, "--json " + dir + "/r.json"), 0) << out;
  std::ifstream in(dir + "/r.json");
  const auto json = nlohmann::json::parse(in);
  EXPECT_EQ(json["inputs"]["gt_format"], "coco");
  EXPECT_EQ(json["inputs"]["pred_format"], "coco");
  EXPECT_EQ(json["tasks"]["caption"]["n"], 2);
}

TEST(CliTest, UsageErrorsExitTwo) {
  std::string out;
  EXPECT_EQ(RunTool("--gt " + Fixture("captions_gt.jsonl"), &out), 2) << out;
  EXPECT_NE(out.find("--gt and --pred are required"), std::string::npos) << out;
  EXPECT_EQ(Score("captions_gt.jsonl", "captions_pred.jsonl", &out, "--task poetry"), 2) << out;
}

TEST(CliTest, MissingMeteorDataExitsOneAndNamesTheFolder) {
  std::string out;
  EXPECT_EQ(mgrs::testing::RunCommand(std::string(MGRS_SCORE_TOOL) + " --meteor-data /nonexistent/m --gt " +
                                          Fixture("captions_gt.jsonl") + " --pred " + Fixture("captions_pred.jsonl"),
                                      &out),
            1);
  EXPECT_NE(out.find("/nonexistent/m"), std::string::npos) << out;
}

TEST(CliTest, WritesMarkdownAndHtmlReports) {
  const std::string dir = mgrs::testing::ScratchDir("cli-md-html");
  std::string out;
  ASSERT_EQ(Score("mixed_gt.jsonl", "mixed_pred.jsonl", &out,
                  "--markdown " + dir + "/r.md --html " + dir + "/r.html --name skymoe"),
            0)
      << out;
  std::ifstream md(dir + "/r.md"), html(dir + "/r.html");
  std::stringstream md_text, html_text;
  md_text << md.rdbuf();
  html_text << html.rdbuf();
  EXPECT_NE(md_text.str().find("| skymoe |"), std::string::npos) << md_text.str();
  EXPECT_NE(html_text.str().find("<svg"), std::string::npos);
}

TEST(CliTest, CompareWritesARadarPage) {
  const std::string dir = mgrs::testing::ScratchDir("cli-compare");
  std::string out;
  ASSERT_EQ(Score("mixed_gt.jsonl", "mixed_pred.jsonl", &out, "--json " + dir + "/a.json"), 0) << out;
  ASSERT_EQ(Score("mixed_gt.jsonl", "mixed_pred_b.jsonl", &out, "--json " + dir + "/b.json"), 0) << out;
  ASSERT_EQ(mgrs::testing::RunCommand(std::string(MGRS_SCORE_TOOL) + " compare " + dir + "/a.json " + dir +
                                          "/b.json --html " + dir + "/c.html",
                                      &out),
            0)
      << out;
  std::ifstream html(dir + "/c.html");
  std::stringstream text;
  text << html.rdbuf();
  EXPECT_NE(text.str().find("All tasks (radar)"), std::string::npos);
  EXPECT_NE(text.str().find("<td>a</td>"), std::string::npos);
  EXPECT_NE(text.str().find("<td>b</td>"), std::string::npos);
}

TEST(CliTest, CompareRejectsAFileThatIsNotAReport) {
  std::string out;
  EXPECT_EQ(mgrs::testing::RunCommand(std::string(MGRS_SCORE_TOOL) + " compare " + Fixture("coco_results.json"), &out),
            1);
  EXPECT_NE(out.find("not an mgrs-score JSON report"), std::string::npos) << out;
}

TEST(CliTest, CompareRefusesAReportNested100000DeepWithItsLine) {
  std::string out;
  EXPECT_EQ(mgrs::testing::RunCommand(
                std::string(MGRS_SCORE_TOOL) + " compare " + Fixture("report_deep_100000_line2.json"), &out),
            1);
  EXPECT_NE(out.find("report_deep_100000_line2.json:2: error[TOO_DEEP]"), std::string::npos) << out;
}

TEST(CliTest, GroundingParseFailuresAreListedNotFatal) {
  const std::string dir = mgrs::testing::ScratchDir("cli-grounding-bad");
  std::string out;
  EXPECT_EQ(Score("grounding_gt.jsonl", "grounding_bad_boxes_pred.jsonl", &out, "--json " + dir + "/r.json"), 0) << out;
  std::ifstream in(dir + "/r.json");
  EXPECT_EQ(nlohmann::json::parse(in)["tasks"]["grounding"]["parse_failure_ids"].size(), 4u);
}

TEST(CliTest, UnknownPresetExitsTwo) {
  std::string out;
  EXPECT_EQ(Score("vqa_gt.jsonl", "vqa_pred.jsonl", &out, "--preset nonesuch"), 2) << out;
  EXPECT_NE(out.find("unknown preset 'nonesuch'"), std::string::npos) << out;
}

}  // namespace
}  // namespace mgrs

namespace mgrs {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++n;
  return n;
}

// Markup in a dataset name, a granularity, references, model answers and the row name (--name) is text on the page:
// every table and chart escapes it, and the embedded JSON cannot end its script element or open a comment.
TEST(CliTest, MarkupInNamesAndAnswersIsEscapedOnTheHtmlPage) {
  const std::string dir = mgrs::testing::ScratchDir("cli-markup");
  std::string out;
  ASSERT_EQ(
      Score("markup_gt.jsonl", "markup_pred.jsonl", &out,
            "--no-meteor --name '<img src=x onerror=alert(3)>' --json " + dir + "/r.json --html " + dir + "/r.html"),
      0)
      << out;
  std::ifstream page_file(dir + "/r.html");
  std::stringstream page_text;
  page_text << page_file.rdbuf();
  const std::string page = page_text.str();
  EXPECT_EQ(Count(page, "<script"), 1u);  // the JSON block only
  EXPECT_EQ(Count(page, "</script>"), 1u);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
  EXPECT_EQ(page.find("<!--"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(3)&gt;"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(&quot;ds&quot;)&lt;/script&gt;&amp;&#39;x&#39;"), std::string::npos);
  // The embedded JSON reads back as the report.
  const size_t open = page.find("<script type=\"application/json\"");
  const size_t begin = page.find('\n', open) + 1;
  const auto embedded = nlohmann::json::parse(page.substr(begin, page.find("</script>") - begin));
  std::ifstream report(dir + "/r.json");
  EXPECT_EQ(embedded, nlohmann::json::parse(report));
}

}  // namespace
}  // namespace mgrs
