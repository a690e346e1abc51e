// Spatial attribute edit: the moved object's centre lies in its new cell, its IoU with every other object is
// below 0.1, the phrase is rewritten, no ghost stays in the hole, pixels far from both places are unchanged. On a
// synthetic scene and on the real DOTA image P1888 (with expressions written here for its small vehicles).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "augment_helpers.h"
#include "mgrs/augment/edit.h"
#include "mgrs/augment/phrases.h"
#include "mgrs/augment/regions.h"
#include "mgrs/raster/raster.h"
#include "test_support.h"

namespace mgrs::augment {
namespace {

using namespace testing_helpers;

Point Centre(const Box& b) { return Point{(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2}; }

const Object& ById(const std::vector<Object>& objects, int64_t id) {
  return *std::find_if(objects.begin(), objects.end(), [&](const Object& o) { return o.id == id; });
}

// The properties every spatial edit must have.
void ExpectGoodMove(const cv::Mat& image, const std::vector<Object>& objects, const Expression& target,
                    const EditOutcome& out, const SpatialOptions& options) {
  ASSERT_EQ(out.skip_reason, "") << target.text;
  const Object& before = ById(objects, target.object_id);
  const Object& after = ById(out.objects, target.object_id);
  const GridCell cell = CellOf(Centre(after.hbb), image.cols, image.rows);
  EXPECT_EQ(CellName(cell), out.params.at("to_cell"));
  EXPECT_EQ(after.attributes.grid_cell, CellName(cell));
  EXPECT_NE(out.params.at("to_cell"), out.params.at("from_cell"));
  EXPECT_DOUBLE_EQ(after.hbb.width(), before.hbb.width());
  EXPECT_DOUBLE_EQ(after.hbb.x1 - before.hbb.x1, out.params.at("dx").get<double>());
  for (const Object& o : out.objects) {
    if (o.id != after.id) {
      EXPECT_LT(BoxIou(after.hbb, o.hbb), 0.1) << "object " << o.id;
    }
  }
  // The rewritten phrase names the new cell.
  const auto phrase = FindPositionPhrase(out.expression.text);
  ASSERT_TRUE(phrase) << out.expression.text;
  EXPECT_TRUE(phrase->Matches(cell)) << out.expression.text;
  EXPECT_FALSE(FindPositionPhrase(target.text)->Matches(cell)) << "the old phrase no longer fits";
  // Pixels away from the old and the new place (beyond the blending context) are untouched.
  cv::Mat near = cv::Mat::zeros(image.size(), CV_8UC1);
  const int grow = std::max(options.mask_margin_px, options.hole_margin_px) + options.context_px + 3;
  cv::rectangle(near, PixelBox(before, grow, image.size()), cv::Scalar(255), cv::FILLED);
  cv::rectangle(near, PixelBox(after, grow, image.size()), cv::Scalar(255), cv::FILLED);
  cv::Mat diff;
  cv::absdiff(out.pixels, image, diff);
  diff.setTo(cv::Scalar::all(0), near);
  EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0);
}

TEST(SpatialEditTest, SyntheticObjectMovesToAnotherCell) {
  cv::Mat image = Background(300, 300, 7);
  std::vector<Object> objects = {MakeObject(1, "car", Box{20, 25, 60, 55}),
                                 MakeObject(2, "car", Box{150, 140, 180, 170}),
                                 MakeObject(3, "tree", Box{220, 220, 280, 280})};
  Paint(image, objects[0], cv::Scalar(230, 230, 235), 1);  // a bright car on a dark ground
  Paint(image, objects[1], cv::Scalar(40, 40, 200), 2);
  const Expression target{1, "s", "the white car at the top left"};
  const SpatialOptions options;
  Rng rng(3, "s/spatial");
  const EditOutcome out = SpatialEdit(image, objects, target, options, rng);
  ExpectGoodMove(image, objects, target, out, options);
  EXPECT_EQ(out.params.at("hole"), "ground_patch");
  // No ghost: the old place reads as ground again (the ground is about 90 grey, the car about 230).
  const cv::Mat old_mask = ObjectMask(objects[0], image.size());
  cv::Mat grey;
  cv::cvtColor(out.pixels, grey, cv::COLOR_BGR2GRAY);
  const Object& moved = ById(out.objects, 1);
  const bool overlaps_old = BoxIou(moved.hbb, objects[0].hbb) > 0;
  if (!overlaps_old) {
    EXPECT_LT(cv::mean(grey, old_mask)[0], 140.0);
  }
  // The car is at its new place: Poisson blending darkens it towards the ground, but it stands out.
  EXPECT_GT(cv::mean(grey, ObjectMask(moved, image.size()))[0], 140.0);
}

TEST(SpatialEditTest, HoleIsInpaintedWhenNoClearGroundIsNear) {
  cv::Mat image = Background(300, 300, 10);
  std::vector<Object> objects = {MakeObject(1, "car", Box{20, 25, 60, 55})};
  Paint(image, objects[0], cv::Scalar(230, 230, 235), 1);
  // Small boxes in every ground patch the hole could borrow (the hole's cut is the box grown by 9 px: 59 x 49).
  for (const Point& c : {Point{99, 40}, Point{40, 89}, Point{99, 89}, Point{158, 40}, Point{40, 138}}) {
    objects.push_back(
        MakeObject(static_cast<int64_t>(objects.size()) + 1, "bush", Box{c.x - 4, c.y - 4, c.x + 4, c.y + 4}));
  }
  const Expression target{1, "s", "the white car at the top left"};
  const SpatialOptions options;
  Rng rng(4, "s/spatial");
  const EditOutcome out = SpatialEdit(image, objects, target, options, rng);
  ExpectGoodMove(image, objects, target, out, options);
  EXPECT_EQ(out.params.at("hole"), "inpaint");
  cv::Mat grey;
  cv::cvtColor(out.pixels, grey, cv::COLOR_BGR2GRAY);
  if (BoxIou(ById(out.objects, 1).hbb, objects[0].hbb) == 0) {
    EXPECT_LT(cv::mean(grey, ObjectMask(objects[0], image.size()))[0], 140.0) << "no ghost";
  }
}

TEST(SpatialEditTest, SkipReasons) {
  cv::Mat image = Background(300, 300, 8);
  const std::vector<Object> objects = {MakeObject(1, "car", Box{20, 25, 60, 55})};
  Rng rng(1, "r");
  const SpatialOptions options;
  EXPECT_EQ(SpatialEdit(image, objects, Expression{1, "s", "the white car"}, options, rng).skip_reason,
            "no_position_term");
  EXPECT_EQ(SpatialEdit(image, objects, Expression{1, "s", "the car at the bottom right"}, options, rng).skip_reason,
            "phrase_disagrees_with_position");
  const std::vector<Object> big = {MakeObject(1, "field", Box{0, 0, 340, 340})};
  EXPECT_EQ(SpatialEdit(Background(400, 400, 9), big, Expression{1, "s", "the field in the middle"}, options, rng)
                .skip_reason,
            "object_too_large");
  // Car-sized boxes everywhere but around the car: any place in another cell overlaps one with IoU >= 0.14.
  const Object car = MakeObject(1, "car", Box{20, 25, 60, 55});
  std::vector<Object> crowded = {car};
  for (int y = 0; y < 300; y += 30) {
    for (int x = 0; x < 300; x += 40) {
      const Object roof =
          MakeObject(static_cast<int64_t>(crowded.size()) + 1, "roof", Box{x + 0.0, y + 0.0, x + 40.0, y + 30.0});
      if (BoxIou(roof.hbb, car.hbb) == 0) crowded.push_back(roof);
    }
  }
  EXPECT_EQ(SpatialEdit(image, crowded, Expression{1, "s", "the car at the top left"}, options, rng).skip_reason,
            "no_free_cell");
}

TEST(SpatialEditTest, P1888SmallVehiclesMove) {
  const std::string catalog = IngestP1888(testing::ScratchDir("augment-p1888-spatial"));
  const auto sources = LoadSources(catalog, "dota");
  ASSERT_EQ(sources.size(), 1u);
  auto pixels = raster::ReadPixels(sources[0].file);
  ASSERT_TRUE(pixels.ok());
  std::vector<Object> objects;
  for (const auto& s : sources[0].objects) objects.push_back(s.object);
  const SpatialOptions options;
  int moved = 0;
  for (const Object& o : objects) {
    if (o.class_key != "small-vehicle") continue;
    const GridCell cell = CellOf(Centre(o.hbb), pixels->cols, pixels->rows);
    static const char* const kPhrases[3][3] = {{"at the top left", "at the top", "at the top right"},
                                               {"on the left", "in the middle", "on the right"},
                                               {"at the bottom left", "at the bottom", "at the bottom right"}};
    const Expression target{o.id, sources[0].image.id,
                            std::string("the small vehicle ") + kPhrases[cell.row][cell.col]};
    Rng rng(5, sources[0].image.id + "/" + std::to_string(o.id));
    const EditOutcome out = SpatialEdit(*pixels, objects, target, options, rng);
    if (out.skip_reason == "no_free_cell") continue;  // a crowded parking lot can leave no room
    ExpectGoodMove(*pixels, objects, target, out, options);
    ++moved;
  }
  EXPECT_GE(moved, 10);  // of the 14 small vehicles
}

}  // namespace
}  // namespace mgrs::augment
