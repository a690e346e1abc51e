// Count-Varying Cutout: the count plan's rules for every N_c, the count rule and the pixel rule on the real DOTA
// image P1888, the cover rule and polygons (not boxes) on synthetic scenes.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "augment_helpers.h"
#include "ingest_helpers.h"
#include "mgrs/augment/cutout.h"
#include "mgrs/augment/regions.h"
#include "mgrs/raster/raster.h"
#include "test_support.h"

namespace mgrs::augment {
namespace {

using namespace testing_helpers;

int Count(const std::vector<Object>& objects, const std::string& key) {
  int n = 0;
  for (const Object& o : objects) n += o.class_key == key;
  return n;
}

TEST(CountPlanTest, DistinctCountsInTheRatioRangeAsFarApartAsPossible) {
  const CutoutOptions options;
  for (int n = 1; n <= 300; ++n) {
    Rng rng(11, "plan/" + std::to_string(n));
    const CountPlan plan = PlanCounts(n, options, rng);
    const int lo = static_cast<int>(std::ceil(0.15 * n - 1e-9)), hi = static_cast<int>(std::ceil(0.30 * n - 1e-9));
    ASSERT_EQ(plan.lo, lo) << n;
    ASSERT_EQ(plan.hi, hi) << n;
    const int expected = std::min(4, hi - lo + 1);
    ASSERT_EQ(static_cast<int>(plan.removals.size()), expected) << n;
    for (size_t k = 0; k < plan.removals.size(); ++k) {
      const int m = plan.removals[k];
      EXPECT_GE(m, static_cast<int>(std::ceil(0.1 * n - 1e-9))) << n;  // at least ceil(0.1 N_c) below N_c
      EXPECT_GE(plan.ratios[k], 0.15) << n;
      EXPECT_LT(plan.ratios[k], 0.30 + 1e-12) << n;
      EXPECT_EQ(m, static_cast<int>(std::ceil(plan.ratios[k] * n - 1e-9))) << n << " m = ceil(r N_c)";
      if (k > 0) {
        EXPECT_GE(m - plan.removals[k - 1], expected > 1 ? (hi - lo) / (expected - 1) : 0) << n;
      }
    }
  }
}

TEST(CountPlanTest, DifferentSeedsGiveDifferentPlansWithinTheRules) {
  std::set<std::vector<int>> plans;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    Rng rng(seed, "img");
    plans.insert(PlanCounts(110, CutoutOptions{}, rng).removals);
  }
  EXPECT_GT(plans.size(), 1u);  // lo 17, hi 33, gap 5: more than one spread set fits (N_c = 100 has only one)
}

class P1888Test : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string catalog = IngestP1888(testing::ScratchDir("augment-p1888-cutout"));
    sources_ = LoadSources(catalog, "dota");
    ASSERT_EQ(sources_.size(), 1u);
    auto pixels = raster::ReadPixels(sources_[0].file);
    ASSERT_TRUE(pixels.ok()) << pixels.status().ToString();
    image_ = *pixels;
    for (const auto& s : sources_[0].objects) objects_.push_back(s.object);
  }
  std::vector<SourceImage> sources_;
  cv::Mat image_;
  std::vector<Object> objects_;
};

TEST_F(P1888Test, EveryVariantKeepsTheCountRule) {
  for (const auto& [key, variants] : {std::pair<std::string, size_t>{"large-vehicle", 4}, {"small-vehicle", 3}}) {
    Rng rng(7, "P1888/" + key);
    const CutoutResult result = MakeCutoutVariants(image_, objects_, key, CutoutOptions{}, rng);
    const int n = Count(objects_, key);
    EXPECT_EQ(result.count, n);
    ASSERT_EQ(result.variants.size(), variants) << key;  // 50 and 14 objects: m ranges over 8 and 3 values
    std::set<int> counts;
    for (const CutoutVariant& v : result.variants) {
      EXPECT_EQ(v.removed, static_cast<int>(std::ceil(v.ratio * n - 1e-9)));
      EXPECT_EQ(static_cast<int>(v.removed_ids.size()), v.removed);
      EXPECT_EQ(Count(v.objects, key), n - v.removed) << key;  // N_new = N_c - m
      EXPECT_GE(v.removed, static_cast<int>(std::ceil(0.1 * n)));
      counts.insert(n - v.removed);
    }
    EXPECT_EQ(counts.size(), variants) << "distinct counts";
  }
}

TEST_F(P1888Test, SmallVehiclesGiveFewerVariantsWithAReason) {
  // 14 small vehicles: m in [ceil(2.1), ceil(4.2)] = [3, 5], three values: three variants, one counted missing.
  Rng rng(7, "P1888/small");
  const CutoutResult result = MakeCutoutVariants(image_, objects_, "small-vehicle", CutoutOptions{}, rng);
  EXPECT_EQ(result.variants.size(), 3u);
  EXPECT_EQ(result.skipped.at("count_range_too_narrow"), 1);
}

TEST_F(P1888Test, RemovedPolygonsAreZeroAndEveryOtherPixelUnchanged) {
  Rng rng(3, "P1888");
  const CutoutResult result = MakeCutoutVariants(image_, objects_, "large-vehicle", CutoutOptions{}, rng);
  ASSERT_FALSE(result.variants.empty());
  for (const CutoutVariant& v : result.variants) {
    std::vector<Object> removed;
    for (const Object& o : objects_) {
      if (std::find(v.removed_ids.begin(), v.removed_ids.end(), o.id) != v.removed_ids.end()) removed.push_back(o);
    }
    const cv::Mat mask = UnionMask(removed, image_.size());
    ASSERT_GT(cv::countNonZero(mask), 0);
    cv::Mat inside_values;
    image_.copyTo(inside_values);
    inside_values.setTo(cv::Scalar::all(0));
    v.pixels.copyTo(inside_values, mask);
    EXPECT_EQ(cv::norm(inside_values, cv::NORM_INF), 0.0) << "removed regions are exactly zero";
    cv::Mat diff;
    cv::absdiff(v.pixels, image_, diff);
    diff.setTo(cv::Scalar::all(0), mask);
    EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0) << "every other pixel unchanged";
  }
}

TEST(CutoutTest, DiorOrientedBoxOneObjectGivesOneVariant) {
  // The real DIOR 00001 (800x800 JPEG) with its one oriented box (a golf field): N_c = 1, m = 1 is the only count.
  const std::string scratch = testing::ScratchDir("augment-dior-cutout");
  const auto options = ingest::testing_helpers::OptionsFor(scratch, "dior", testing::SharedFile("fixtures/dior"));
  EXPECT_EQ(ingest::testing_helpers::MustIngest(options).images, 1);
  const std::string path = options.catalog_path;
  const auto sources = LoadSources(path, "dior");
  ASSERT_EQ(sources.size(), 1u);
  ASSERT_EQ(sources[0].objects.size(), 1u);
  const Object field = sources[0].objects[0].object;
  ASSERT_TRUE(field.quad.has_value()) << "the oriented box is kept as a quad";
  const cv::Mat image = *raster::ReadPixels(sources[0].file);
  Rng rng(1, sources[0].image.id);
  const CutoutResult result = MakeCutoutVariants(image, {field}, field.class_key, CutoutOptions{}, rng);
  ASSERT_EQ(result.variants.size(), 1u);
  EXPECT_EQ(result.skipped.at("count_range_too_narrow"), 3);
  const cv::Mat mask = ObjectMask(field, image.size());
  cv::Mat diff;
  cv::absdiff(result.variants[0].pixels, image, diff);
  diff.setTo(cv::Scalar::all(0), mask);
  EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0);
  cv::Mat inside = cv::Mat::zeros(image.size(), image.type());
  result.variants[0].pixels.copyTo(inside, mask);
  EXPECT_EQ(cv::norm(inside, cv::NORM_INF), 0.0);
  EXPECT_TRUE(result.variants[0].objects.empty());
}

TEST(CutoutTest, QuadIsZeroedNotItsBox) {
  cv::Mat image = Background(120, 120, 1);
  Object diamond = MakeObject(1, "car", Box{20, 20, 80, 80});
  diamond.quad = Quad{Point{50, 20}, Point{80, 50}, Point{50, 80}, Point{20, 50}};
  Rng rng(1, "diamond");
  const CutoutResult result = MakeCutoutVariants(image, {diamond}, "car", CutoutOptions{}, rng);
  ASSERT_EQ(result.variants.size(), 1u);  // N_c = 1: m = 1 is the only count
  const cv::Mat& out = result.variants[0].pixels;
  EXPECT_EQ(out.at<cv::Vec3b>(50, 50), cv::Vec3b(0, 0, 0));           // centre: inside the quad
  EXPECT_EQ(out.at<cv::Vec3b>(22, 22), image.at<cv::Vec3b>(22, 22));  // box corner: outside the quad
  EXPECT_TRUE(result.variants[0].objects.empty());
}

TEST(CutoutTest, OtherObjectsMoreThanHalfCoveredLoseTheirAnnotation) {
  cv::Mat image = Background(200, 100, 2);
  const Object car = MakeObject(1, "car", Box{10, 10, 60, 60});
  const Object mostly = MakeObject(2, "tree", Box{30, 10, 70, 60});  // 30 of its 40 columns under the car
  const Object partly = MakeObject(3, "tree", Box{45, 10, 95, 60});  // 15 of 50 columns
  Rng rng(5, "cover");
  const CutoutResult result = MakeCutoutVariants(image, {car, mostly, partly}, "car", CutoutOptions{}, rng);
  ASSERT_EQ(result.variants.size(), 1u);
  const CutoutVariant& v = result.variants[0];
  EXPECT_EQ(v.dropped_ids, std::vector<int64_t>{2});
  ASSERT_EQ(v.objects.size(), 1u);
  EXPECT_EQ(v.objects[0].id, 3);
}

TEST(CutoutTest, ImagesWithoutEnoughObjectsAreSkippedWithAReason) {
  cv::Mat image = Background(64, 64, 3);
  CutoutOptions options;
  options.min_objects = 2;
  Rng rng(1, "few");
  const CutoutResult result = MakeCutoutVariants(image, {MakeObject(1, "car", Box{5, 5, 20, 20})}, "car", options, rng);
  EXPECT_TRUE(result.variants.empty());
  EXPECT_EQ(result.skipped.at("too_few_objects"), 1);
}

TEST(RegionsTest, BadObjectsAreNamed) {
  EXPECT_EQ(CheckObject(MakeObject(1, "car", Box{10, 10, 20, 20}), 100, 100), "");
  EXPECT_EQ(CheckObject(MakeObject(1, "car", Box{10, 10, 10.5, 10.5}), 100, 100), "degenerate_polygon");
  EXPECT_EQ(CheckObject(MakeObject(1, "car", Box{90, 90, 130, 120}), 100, 100), "object_outside_image");
  Object bowtie = MakeObject(1, "car", Box{0, 0, 40, 40});
  bowtie.quad = Quad{Point{0, 0}, Point{40, 40}, Point{40, 0}, Point{0, 40}};  // self-crossing
  EXPECT_EQ(CheckObject(bowtie, 100, 100), "degenerate_polygon");
}

}  // namespace
}  // namespace mgrs::augment
