// The colour namer (palette and achromatic rules) and the Lab mean/covariance transfer: the namer reads the
// target after a transfer, texture and shading are kept, nothing outside the mask changes.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "augment_helpers.h"
#include "mgrs/augment/colour.h"
#include "mgrs/augment/edit.h"
#include "mgrs/augment/regions.h"

namespace mgrs::augment {
namespace {

using namespace testing_helpers;

TEST(ColourNamerTest, PaletteColoursNameThemselves) {
  for (const NamedColour& c : Palette()) EXPECT_EQ(NameLab(c.lab), c.name);
}

TEST(ColourNamerTest, AchromaticRulesGoByLightness) {
  EXPECT_EQ(NameLab(cv::Vec3f(90, 2, -3)), "white");
  EXPECT_EQ(NameLab(cv::Vec3f(50, 5, 5)), "gray");
  EXPECT_EQ(NameLab(cv::Vec3f(10, 1, 1)), "black");
  EXPECT_EQ(NameLab(cv::Vec3f(50, 60, 40)), "red");  // chroma far above the achromatic limit
}

double LightnessCorrelation(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask) {
  cv::Mat ga, gb;
  cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY);
  cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  ga.convertTo(ga, CV_64F);
  gb.convertTo(gb, CV_64F);
  const double ma = cv::mean(ga, mask)[0], mb = cv::mean(gb, mask)[0];
  double sab = 0, saa = 0, sbb = 0;
  for (int y = 0; y < a.rows; ++y) {
    for (int x = 0; x < a.cols; ++x) {
      if (!mask.at<uchar>(y, x)) continue;
      const double da = ga.at<double>(y, x) - ma, db = gb.at<double>(y, x) - mb;
      sab += da * db, saa += da * da, sbb += db * db;
    }
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(ColourTransferTest, EveryPaletteColourIsReachedKeepingTexture) {
  cv::Mat image = Background(96, 96, 4);
  const Object car = MakeObject(1, "car", Box{20, 20, 70, 60});
  Paint(image, car, cv::Scalar(60, 150, 60), 9);  // green, shaded, with grain
  const cv::Mat mask = ObjectMask(car, image.size());
  ASSERT_EQ(NameRegion(image, mask), "green");
  for (const NamedColour& target : Palette()) {
    cv::Mat out = image.clone();
    TransferColour(out, mask, target);
    EXPECT_EQ(NameRegion(out, mask), target.name);
    EXPECT_GT(LightnessCorrelation(image, out, mask), 0.8) << target.name << ": shading and texture kept";
    cv::Mat diff;
    cv::absdiff(out, image, diff);
    diff.setTo(cv::Scalar::all(0), mask);
    EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0) << target.name << ": outside the mask unchanged";
  }
}

TEST(ColourEditTest, SwapsTheTermAndTheNamerReadsIt) {
  cv::Mat image = Background(128, 128, 5);
  const Object car = MakeObject(7, "car", Box{30, 30, 80, 70});
  Paint(image, car, cv::Scalar(200, 200, 205), 2);  // white-ish
  const Expression expression{7, "img", "the white car near the road"};
  Rng rng(1, "img/colour");
  const EditOutcome out = ColourEdit(image, {car}, expression, ColourOptions{}, rng);
  ASSERT_EQ(out.skip_reason, "");
  const std::string colour = out.params.at("colour");
  EXPECT_NE(colour, "white");
  EXPECT_EQ(out.expression.text, "the " + colour + " car near the road");
  EXPECT_EQ(NameRegion(out.pixels, ObjectMask(car, image.size())), colour);
  EXPECT_EQ(out.objects.at(0).attributes.colour, colour);
}

TEST(ColourEditTest, ExpressionWithoutAColourIsSkipped) {
  cv::Mat image = Background(64, 64, 6);
  const Object car = MakeObject(1, "car", Box{10, 10, 40, 40});
  Rng rng(1, "x");
  EXPECT_EQ(ColourEdit(image, {car}, Expression{1, "img", "the car"}, ColourOptions{}, rng).skip_reason,
            "no_colour_term");
  EXPECT_EQ(ColourEdit(image, {car}, Expression{2, "img", "the red car"}, ColourOptions{}, rng).skip_reason,
            "no_target_object");
}

}  // namespace
}  // namespace mgrs::augment
