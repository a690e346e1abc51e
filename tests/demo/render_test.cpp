// The renderer's scenes: objects inside the image and apart, counts within the documented ranges, size classes
// that do not overlap, colours that the pixels show, and texts that hold for the scene.
#include <gtest/gtest.h>

#include <map>

#include "mgrs/demo/describe.h"
#include "mgrs/demo/render.h"

namespace mgrs::demo {
namespace {

constexpr int kSeedsPerKind = 12;

std::vector<RenderedScene> ScenesOf(SceneKind kind, int size = 256) {
  std::vector<RenderedScene> out;
  for (int seed = 0; seed < kSeedsPerKind; ++seed) {
    Random random(1000 + seed * 7 + static_cast<int>(kind));
    out.push_back(RenderScene(kind, size, random));
  }
  return out;
}

TEST(RenderTest, ObjectsLieInsideTheImageAndDoNotOverlap) {
  for (int k = 0; k < kSceneKindCount; ++k) {
    for (const RenderedScene& r : ScenesOf(SceneKindAt(k))) {
      const Scene& scene = r.scene;
      ASSERT_EQ(r.image.cols, 256);
      ASSERT_EQ(r.image.rows, 256);
      ASSERT_EQ(r.image.type(), CV_8UC3);
      for (size_t i = 0; i < scene.objects.size(); ++i) {
        const Box b = scene.objects[i].Bounds();
        EXPECT_GE(b.x1, 0);
        EXPECT_GE(b.y1, 0);
        EXPECT_LE(b.x2, 256);
        EXPECT_LE(b.y2, 256);
        for (size_t j = i + 1; j < scene.objects.size(); ++j) {
          EXPECT_EQ(PolygonArea(
                        IntersectConvex(ToPolygon(scene.objects[i].Corners()), ToPolygon(scene.objects[j].Corners()))),
                    0)
              << SceneFolderName(scene.kind) << " objects " << i << " and " << j;
        }
      }
    }
  }
}

TEST(RenderTest, EachSceneClassHasItsObjectKindsInTheirRanges) {
  struct Range {
    SceneKind scene;
    ObjectKind kind;
    int lo, hi;
  };
  // Lower bounds: what every scene reached in practice is at least this (placement may give up on a crowded
  // layout, so the documented 2-6 planes can come out as fewer, never as none).
  const Range ranges[] = {
      {SceneKind::kAirport, ObjectKind::kPlane, 1, 6},     {SceneKind::kHarbor, ObjectKind::kShip, 1, 6},
      {SceneKind::kParkingLot, ObjectKind::kCar, 6, 18},   {SceneKind::kParkingLot, ObjectKind::kTruck, 0, 3},
      {SceneKind::kStorageTanks, ObjectKind::kTank, 3, 9}, {SceneKind::kResidential, ObjectKind::kCar, 0, 4}};
  for (const Range& range : ranges) {
    for (const RenderedScene& r : ScenesOf(range.scene)) {
      const int n = r.scene.Count(range.kind);
      EXPECT_GE(n, range.lo) << SceneFolderName(range.scene) << " " << Noun(range.kind);
      EXPECT_LE(n, range.hi) << SceneFolderName(range.scene) << " " << Noun(range.kind);
    }
  }
  for (SceneKind empty : {SceneKind::kFarmland, SceneKind::kForest}) {
    for (const RenderedScene& r : ScenesOf(empty)) EXPECT_TRUE(r.scene.objects.empty());
  }
}

TEST(RenderTest, EveryLargeObjectIsLongerThanEverySmallOneOfItsKind) {
  std::map<ObjectKind, double> longest_small, shortest_large;
  for (int k = 0; k < kSceneKindCount; ++k) {
    for (const RenderedScene& r : ScenesOf(SceneKindAt(k))) {
      for (const SceneObject& o : r.scene.objects) {
        if (o.size == SizeClass::kSmall) {
          longest_small[o.kind] = std::max(longest_small[o.kind], o.length);
        } else {
          shortest_large[o.kind] = shortest_large.count(o.kind) ? std::min(shortest_large[o.kind], o.length) : o.length;
        }
      }
    }
  }
  ASSERT_EQ(shortest_large.size(), 5u);
  for (const auto& [kind, small] : longest_small) {
    EXPECT_GE(shortest_large[kind], 1.3 * small) << Noun(kind);
  }
}

// The colour a text states is the colour the pixels show: the palette colour nearest to the pixel at the object's
// centre (after shading, noise and blur) is the object's own. One pixel, since a small car's windscreen starts
// 1.5 pixels ahead of its centre.
TEST(RenderTest, TheCentreOfEveryObjectShowsItsPaletteColour) {
  int checked = 0;
  for (int k = 0; k < kSceneKindCount; ++k) {
    for (const RenderedScene& r : ScenesOf(SceneKindAt(k))) {
      for (const SceneObject& o : r.scene.objects) {
        const cv::Vec3b pixel = r.image.at<cv::Vec3b>(static_cast<int>(o.cy), static_cast<int>(o.cx));
        const cv::Scalar mean(pixel[0], pixel[1], pixel[2]);
        int nearest = -1;
        double best = 1e18;
        for (size_t c = 0; c < Palette().size(); ++c) {
          const NamedColour& p = Palette()[c];
          const double d =
              (mean[0] - p.b) * (mean[0] - p.b) + (mean[1] - p.g) * (mean[1] - p.g) + (mean[2] - p.r) * (mean[2] - p.r);
          if (d < best) best = d, nearest = static_cast<int>(c);
        }
        EXPECT_EQ(nearest, o.colour) << SceneFolderName(r.scene.kind) << " " << Noun(o.kind) << " at " << o.cx << ","
                                     << o.cy << " painted " << Palette()[o.colour].name << " shows "
                                     << Palette()[nearest].name;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 200);
}

TEST(RenderTest, ObjectsAndGroundScaleWithTheImageSize) {
  Random a(5), b(5);
  const RenderedScene small = RenderScene(SceneKind::kAirport, 128, a);
  const RenderedScene large = RenderScene(SceneKind::kAirport, 512, b);
  EXPECT_EQ(small.image.cols, 128);
  EXPECT_EQ(large.image.cols, 512);
  EXPECT_DOUBLE_EQ(small.scene.gsd, 2.0);  // 1 m at 256 pixels
  EXPECT_DOUBLE_EQ(large.scene.gsd, 0.5);
  for (const SceneObject& o : small.scene.objects) EXPECT_LE(o.length, 56 / 2.0 + 1e-9);
}

TEST(DescribeTest, EveryExpressionMatchesExactlyItsObject) {
  int expressions = 0, objects = 0;
  for (int k = 0; k < kSceneKindCount; ++k) {
    for (const RenderedScene& r : ScenesOf(SceneKindAt(k))) {
      const Scene& scene = r.scene;
      std::map<std::string, int> texts;
      for (size_t i = 0; i < scene.objects.size(); ++i) {
        ++objects;
        const std::optional<Expression> e = Refer(scene, i);
        if (!e) continue;
        ++expressions;
        ++texts[e->text];
        for (size_t j = 0; j < scene.objects.size(); ++j) {
          EXPECT_EQ(Matches(*e, scene.objects[j], scene.width, scene.height), i == j) << e->text;
        }
        EXPECT_NE(e->text.find(Noun(scene.objects[i].kind)), std::string::npos);
        EXPECT_NE(e->text.find(Palette()[scene.objects[i].colour].name), std::string::npos);
      }
      for (const auto& [text, count] : texts) EXPECT_EQ(count, 1) << text;
    }
  }
  // Nearly every object can be named: only two alike objects in one ninth of the image cannot.
  EXPECT_GT(expressions, objects * 9 / 10);
}

TEST(DescribeTest, CaptionsStateTheCountsAndQuestionsAnswerFromTheScene) {
  for (int k = 0; k < kSceneKindCount; ++k) {
    for (const RenderedScene& r : ScenesOf(SceneKindAt(k))) {
      Random random(3);
      const std::vector<std::string> captions = Captions(r.scene, random);
      ASSERT_EQ(captions.size(), 5u);
      for (int kind = 0; kind < kObjectKindCount; ++kind) {
        const int n = r.scene.Count(static_cast<ObjectKind>(kind));
        if (n < 2) continue;
        const std::string stated = NumberWord(n) + " " + Plural(static_cast<ObjectKind>(kind));
        int mentions = 0;
        for (const std::string& c : captions) mentions += c.find(stated) != std::string::npos ? 1 : 0;
        EXPECT_GE(mentions, 3) << stated;
      }
      const std::vector<Question> questions = Questions(r.scene, random);
      ASSERT_EQ(questions.size(), 6u);
      for (const Question& q : questions) {
        if (q.type != "count") continue;
        for (int kind = 0; kind < kObjectKindCount; ++kind) {
          if (q.question == "How many " + Plural(static_cast<ObjectKind>(kind)) + " are there?") {
            EXPECT_EQ(q.answer, std::to_string(r.scene.Count(static_cast<ObjectKind>(kind))));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace mgrs::demo
