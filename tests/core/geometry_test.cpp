// Geometry against the reference IoU vectors (research/metrics.md section 9.4) and hand-checked cases.
#include "mgrs/core/geometry.h"

#include <cmath>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace mgrs {
namespace {

nlohmann::json LoadVectors(const std::string& name) {
  std::ifstream in(testing::SharedFile("vectors/" + name));
  return nlohmann::json::parse(in);
}

Box ToBox(const nlohmann::json& v) {
  return {v[0].get<double>(), v[1].get<double>(), v[2].get<double>(), v[3].get<double>()};
}

TEST(GeometryTest, BoxIouMatchesReferenceVectorsInBothConventions) {
  const auto vectors = LoadVectors("iou_vectors.json");
  ASSERT_GE(vectors.size(), 7u);
  for (const auto& v : vectors) {
    const Box gt = ToBox(v["gt"]), pred = ToBox(v["pred"]);
    // Tolerance 1e-15: the reference is Python float arithmetic on the same formula.
    EXPECT_NEAR(BoxIou(gt, pred, IouConvention::kContinuous), v["iou_continuous"].get<double>(), 1e-15) << v.dump();
    EXPECT_NEAR(BoxIou(gt, pred, IouConvention::kPlusOne), v["iou_plus1_inclusive"].get<double>(), 1e-15) << v.dump();
  }
}

TEST(GeometryTest, EarthDialRotatedIouMatchesReferenceVectors) {
  const auto vectors = LoadVectors("rotated_iou_vectors.json");
  ASSERT_GE(vectors.size(), 5u);
  for (const auto& v : vectors) {
    const auto& g = v["gt"];
    const auto& p = v["pred"];
    const Polygon a = EarthDialBoxPolygon(g[0], g[1], g[2], g[3], g[4]);
    const Polygon b = EarthDialBoxPolygon(p[0], p[1], p[2], p[3], p[4]);
    // Tolerance 1e-9: shapely's GEOS overlay and our clipping round differently in the last bits.
    EXPECT_NEAR(ConvexPolygonIou(a, b), v["rotated_iou_earthdial_convention"].get<double>(), 1e-9) << v.dump();
  }
}

TEST(GeometryTest, TouchingBoxesOverlapOnlyUnderPlusOne) {
  const Box a{0, 0, 10, 10}, b{10, 0, 20, 10};
  EXPECT_EQ(BoxIou(a, b), 0.0);
  EXPECT_NEAR(BoxIou(a, b, IouConvention::kPlusOne), 11.0 / (121 + 121 - 11), 1e-15);
}

TEST(GeometryTest, DegenerateAndInvertedBoxesHaveNoArea) {
  EXPECT_EQ(BoxIou({5, 5, 5, 5}, {5, 5, 5, 5}), 0.0);
  EXPECT_EQ(BoxArea({10, 10, 5, 20}), 0.0);
  EXPECT_EQ(BoxIou({10, 10, 5, 20}, {0, 0, 20, 20}), 0.0);
}

TEST(GeometryTest, PolygonIouOfAxisAlignedBoxesEqualsBoxIou) {
  const Box a{30, 40, 60, 80}, b{32, 38, 64, 77};
  EXPECT_NEAR(ConvexPolygonIou(ToPolygon(a), ToPolygon(b)), BoxIou(a, b), 1e-12);
  // Orientation of either polygon does not matter.
  Polygon reversed = ToPolygon(b);
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_NEAR(ConvexPolygonIou(ToPolygon(a), reversed), BoxIou(a, b), 1e-12);
  EXPECT_EQ(ConvexPolygonIou(ToPolygon(a), ToPolygon(Box{100, 100, 110, 110})), 0.0);
}

TEST(GeometryTest, ConvexHullDropsInteriorAndCollinearPoints) {
  const Polygon hull = ConvexHull({{0, 0}, {2, 0}, {1, 0}, {2, 2}, {0, 2}, {1, 1}});
  EXPECT_EQ(hull.size(), 4u);
  EXPECT_DOUBLE_EQ(PolygonArea(hull), 4.0);
}

TEST(GeometryTest, MinAreaOrientedBoxOfRotatedRectangle) {
  // A 4 x 2 rectangle rotated by 30 degrees around (10, 20).
  const OrientedBox truth{10, 20, 4, 2, M_PI / 6};
  const OrientedBox box = MinAreaOrientedBox(truth.Corners());
  EXPECT_NEAR(box.cx, 10, 1e-12);
  EXPECT_NEAR(box.cy, 20, 1e-12);
  EXPECT_NEAR(box.width * box.height, 8, 1e-12);
  EXPECT_NEAR(ConvexPolygonIou(ToPolygon(box.Corners()), ToPolygon(truth.Corners())), 1.0, 1e-12);
  EXPECT_GE(box.angle, 0.0);
  EXPECT_LT(box.angle, M_PI / 2);
}

TEST(GeometryTest, MinAreaOrientedBoxOfIrregularQuadContainsIt) {
  const Quad quad{{{0, 0}, {10, 1}, {9, 6}, {1, 4}}};
  const OrientedBox box = MinAreaOrientedBox(quad);
  const Polygon rect = ToPolygon(box.Corners());
  // Every corner of the quad is inside (or on) the rectangle: intersection area equals the quad's area.
  EXPECT_NEAR(PolygonArea(IntersectConvex(ToPolygon(quad), rect)), PolygonArea(ToPolygon(quad)), 1e-9);
  EXPECT_LE(box.width * box.height, BoxArea(BoundingBox(quad)) + 1e-9);
}

TEST(GeometryTest, ContinuousGridConversionRoundTrips) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> coordinate(0, 4000), extent(1, 4000);
  for (Grid grid : {Grid::kUnit, Grid::kPercent, Grid::k999, Grid::k1000}) {
    for (int i = 0; i < 1000; ++i) {
      const double w = extent(rng), x = coordinate(rng);
      // Two correctly rounded divisions and products: equal to within 4 ulps (EXPECT_DOUBLE_EQ's rule).
      EXPECT_DOUBLE_EQ(GridToPixel(PixelToGrid(x, w, grid, Rounding::kNone), w, grid), x);
    }
  }
  // Exact in binary: powers of two.
  EXPECT_EQ(GridToPixel(PixelToGrid(96, 512, Grid::kUnit, Rounding::kNone), 512, Grid::kUnit), 96);
}

TEST(GeometryTest, IntegerGridsFollowTheStatedRounding) {
  // VRSBench: int(x / W * 100) truncates; 199 / 800 * 100 = 24.875.
  EXPECT_EQ(PixelToGrid(199, 800, Grid::kPercent, Rounding::kTruncate), 24);
  EXPECT_EQ(PixelToGrid(199, 800, Grid::kPercent, Rounding::kNearest), 25);
  EXPECT_EQ(PixelToGrid(4, 800, Grid::kPercent, Rounding::kNearest), 1);  // 0.5 rounds away from zero
  EXPECT_DOUBLE_EQ(PixelToGrid(199, 800, Grid::kPercent, Rounding::kNone), 24.875);
  EXPECT_EQ(PixelToGrid(300, 600, Grid::k999, Rounding::kTruncate), 499);  // 499.5
  EXPECT_EQ(PixelToGrid(300, 600, Grid::k1000, Rounding::kTruncate), 500);
  const Box grid_box = BoxToGrid({96, 64, 160, 120}, 800, 800, Grid::kPercent, Rounding::kTruncate);
  EXPECT_EQ(grid_box, (Box{12, 8, 20, 15}));
  EXPECT_EQ(BoxFromGrid(grid_box, 800, 800, Grid::kPercent), (Box{96, 64, 160, 120}));
}

}  // namespace
}  // namespace mgrs
