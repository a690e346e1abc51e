// Box parsing, IoU conventions and average precision: shared/vectors/iou_vectors.json and
// rotated_iou_vectors.json (shapely / the scripts' own IoU code) through each answer format, and a hand-computed
// multi-box AP case.
#include "mgrs/metrics/boxes.h"

#include <gtest/gtest.h>

#include "metrics_test_support.h"

namespace mgrs::metrics {
namespace {

std::string Int(const nlohmann::json& v) { return std::to_string(v.get<int>()); }

// Each IoU vector written in every syntax on a 100 x 100 image, so grid units are pixels (Qwen's 0-1000 grid
// is 10 per pixel); parsed and mapped back, it must give the vector's IoU under both conventions (1e-12).
TEST(BoxParsingTest, IouVectorsThroughEveryFormat) {
  const auto vectors = testing::ReadSharedJson("vectors/iou_vectors.json");
  for (const auto& v : vectors) {
    const auto& p = v["pred"];
    const Box truth{v["gt"][0], v["gt"][1], v["gt"][2], v["gt"][3]};
    const std::vector<std::pair<std::string, BoxSyntax>> answers = {
        {"{<" + Int(p[0]) + "><" + Int(p[1]) + "><" + Int(p[2]) + "><" + Int(p[3]) + ">}", BoxSyntax::kGeoChat},
        {"the box is {<" + Int(p[0]) + "><" + Int(p[1]) + "><" + Int(p[2]) + "><" + Int(p[3]) + ">|<0>}",
         BoxSyntax::kGeoChat},
        {"<ref>it</ref><box>(" + std::to_string(p[0].get<int>() * 10) + "," + std::to_string(p[1].get<int>() * 10) +
             "),(" + std::to_string(p[2].get<int>() * 10) + "," + std::to_string(p[3].get<int>() * 10) + ")</box>",
         BoxSyntax::kQwen},
        {"[[" + Int(p[0]) + ", " + Int(p[1]) + ", " + Int(p[2]) + ", " + Int(p[3]) + ", 0]]", BoxSyntax::kEarthDial},
        {"x " + Int(p[0]) + " y " + Int(p[1]) + " to " + Int(p[2]) + "," + Int(p[3]), BoxSyntax::kFirstFourInts},
    };
    for (const auto& [answer, syntax] : answers) {
      const ParsedAnswer parsed =
          ParseAnswerBoxes(answer, syntax == BoxSyntax::kFirstFourInts ? syntax : BoxSyntax::kAuto);
      ASSERT_EQ(parsed.boxes.size(), 1u) << answer;
      EXPECT_EQ(parsed.syntax, syntax) << answer;
      const AnswerBox& a = parsed.boxes[0];
      const double e = ScaleExtent(CoordScale::kAuto, parsed.syntax, a);
      const Box box{a.x1 / e * 100, a.y1 / e * 100, a.x2 / e * 100, a.y2 / e * 100};
      EXPECT_NEAR(BoxIou(box, truth, IouConvention::kContinuous), v["iou_continuous"].get<double>(), 1e-12) << answer;
      EXPECT_NEAR(BoxIou(box, truth, IouConvention::kPlusOne), v["iou_plus1_inclusive"].get<double>(), 1e-12) << answer;
    }
  }
}

TEST(BoxParsingTest, RotatedVectorsThroughEarthDialLists) {
  for (const auto& v : testing::ReadSharedJson("vectors/rotated_iou_vectors.json")) {
    const auto list = [](const nlohmann::json& b) {
      return "[[" + b[0].dump() + ", " + b[1].dump() + ", " + b[2].dump() + ", " + b[3].dump() + ", " + b[4].dump() +
             "]]";
    };
    const ParsedAnswer gt = ParseAnswerBoxes(list(v["gt"]), BoxSyntax::kAuto);
    const ParsedAnswer pred = ParseAnswerBoxes("answer: " + list(v["pred"]), BoxSyntax::kAuto);
    ASSERT_EQ(gt.boxes.size(), 1u);
    ASSERT_EQ(pred.boxes.size(), 1u);
    EXPECT_EQ(pred.syntax, BoxSyntax::kEarthDial);
    const auto polygon = [](const AnswerBox& b) { return EarthDialBoxPolygon(b.x1, b.y1, b.x2, b.y2, *b.angle); };
    EXPECT_NEAR(ConvexPolygonIou(polygon(gt.boxes[0]), polygon(pred.boxes[0])),
                v["rotated_iou_earthdial_convention"].get<double>(), 1e-9);
  }
}

TEST(BoxParsingTest, SeveralBoxesInOneAnswerKeepTheirOrder) {
  const ParsedAnswer geochat = ParseAnswerBoxes("{<1><2><3><4>}<delim>{<5><6><7><8>|<30>}", BoxSyntax::kAuto);
  ASSERT_EQ(geochat.boxes.size(), 2u);
  EXPECT_EQ(geochat.boxes[1].x1, 5);
  EXPECT_EQ(*geochat.boxes[1].angle, 30);
  EXPECT_EQ(ParseAnswerBoxes("[[1, 2, 3, 4, 0]][[5, 6, 7, 8, 9]]", BoxSyntax::kAuto).boxes.size(), 2u);
  EXPECT_EQ(ParseAnswerBoxes("<box>(1,2),(3,4)</box> and <box>(5,6),(7,8)</box>", BoxSyntax::kAuto).boxes.size(), 2u);
}

TEST(BoxParsingTest, UnusableAnswersGiveNoBox) {
  EXPECT_TRUE(ParseAnswerBoxes("no box here", BoxSyntax::kAuto).boxes.empty());
  EXPECT_TRUE(ParseAnswerBoxes("[nan, 0, 1, 1]", BoxSyntax::kAuto).boxes.empty());
  EXPECT_TRUE(ParseAnswerBoxes("<box>(1,2),(3</box>", BoxSyntax::kAuto).boxes.empty());
  EXPECT_TRUE(ParseAnswerBoxes("{<1><2><3>}", BoxSyntax::kGeoChat).boxes.empty());
  // VRSBench reads "0.5" as two integers, as re.findall(r'\d+') does.
  const ParsedAnswer ints = ParseAnswerBoxes("0.5 0.25", BoxSyntax::kFirstFourInts);
  ASSERT_EQ(ints.boxes.size(), 1u);
  EXPECT_EQ(ints.boxes[0].y2, 25);
}

// MiniGPT-v2's eval_ref.py: spaces and <unk> removed, then re.match of {<d{1,3}>x4} at the start.
TEST(BoxParsingTest, MiniGptStrictRule) {
  EXPECT_EQ(ParseAnswerBoxes("{<10><20><30><40>}", BoxSyntax::kMiniGpt).boxes.size(), 1u);
  EXPECT_EQ(ParseAnswerBoxes("<unk> {< 10 ><20><30><40>} trailing", BoxSyntax::kMiniGpt).boxes.size(), 1u);
  EXPECT_TRUE(ParseAnswerBoxes("The box is {<10><20><30><40>}", BoxSyntax::kMiniGpt).boxes.empty());
  EXPECT_TRUE(ParseAnswerBoxes("{<1000><20><30><40>}", BoxSyntax::kMiniGpt).boxes.empty());
  EXPECT_TRUE(ParseAnswerBoxes("{<10><20><30><40>|<5>}", BoxSyntax::kMiniGpt).boxes.empty());
}

// Qwen-VL's regex \((.*?)\),\((.*?)\) does not need the <box> tags.
TEST(BoxParsingTest, QwenWithoutTags) {
  const ParsedAnswer parsed = ParseAnswerBoxes("at (100, 200),(300,400)", BoxSyntax::kQwen);
  ASSERT_EQ(parsed.boxes.size(), 1u);
  EXPECT_EQ(parsed.boxes[0].y1, 200);
  EXPECT_EQ(parsed.boxes[0].x2, 300);
}

TEST(BoxParsingTest, AutoScaleOfPlainLists) {
  EXPECT_EQ(ScaleExtent(CoordScale::kAuto, BoxSyntax::kList, {0.1, 0.2, 0.5, 1.0, {}}), 1);
  EXPECT_EQ(ScaleExtent(CoordScale::kAuto, BoxSyntax::kList, {10, 20, 50, 100, {}}), 0);  // pixels
  EXPECT_EQ(ScaleExtent(CoordScale::k999, BoxSyntax::kQwen, {}), 999);
}

// Hand-computed: hits [1, 0, 1, 0] over 3 objects. Precision 1, 1/2, 2/3, 1/2 at recall 1/3, 1/3, 2/3, 2/3;
// envelope 1, 2/3, 2/3, 1/2; AP = 1/3 * 1 + 1/3 * 2/3 = 5/9.
TEST(AveragePrecisionTest, HandComputedCase) {
  EXPECT_NEAR(AveragePrecision({true, false, true, false}, 3), 5.0 / 9, 1e-15);
  EXPECT_NEAR(AveragePrecision({true, true}, 2), 1.0, 1e-15);
  EXPECT_EQ(AveragePrecision({}, 2), 0.0);
  EXPECT_EQ(AveragePrecision({false}, 0), 0.0);
  // A miss ranked first: precision 0, 1/2 at recall 0, 1 -> AP 1/2.
  EXPECT_NEAR(AveragePrecision({false, true}, 1), 0.5, 1e-15);
}

}  // namespace
}  // namespace mgrs::metrics
