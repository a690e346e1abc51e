// Object polygons rasterised to masks, validity checks, coverage (see regions.h).
#include "mgrs/augment/regions.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace mgrs::augment {
namespace {

constexpr int kShift = 4;  // fillPoly's fractional bits: 1/16 px

}  // namespace

Polygon ObjectPolygon(const Object& object) { return object.quad ? ToPolygon(*object.quad) : ToPolygon(object.hbb); }

std::string CheckObject(const Object& object, int width, int height, double tolerance_px) {
  const Polygon polygon = ObjectPolygon(object);
  for (const Point& p : polygon) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return "degenerate_polygon";
  }
  const double area = PolygonArea(polygon);
  if (area < 1.0) return "degenerate_polygon";
  if (area < 0.5 * PolygonArea(ConvexHull(polygon))) return "degenerate_polygon";
  for (const Point& p : polygon) {
    if (p.x < -tolerance_px || p.y < -tolerance_px || p.x > width + tolerance_px || p.y > height + tolerance_px)
      return "object_outside_image";
  }
  return "";
}

void FillObject(cv::Mat& mask, const Object& object, cv::Point offset) {
  std::vector<cv::Point> points;
  for (const Point& p : ObjectPolygon(object)) {
    points.emplace_back(static_cast<int>(std::lround((p.x - offset.x) * (1 << kShift))),
                        static_cast<int>(std::lround((p.y - offset.y) * (1 << kShift))));
  }
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{points}, cv::Scalar(255), cv::LINE_8, kShift);
}

cv::Mat ObjectMask(const Object& object, cv::Size size) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  FillObject(mask, object);
  return mask;
}

double CoveredFraction(const Object& object, const cv::Mat& mask) {
  const cv::Rect box = PixelBox(object, 1, mask.size());
  if (box.empty()) return 0.0;
  cv::Mat own = cv::Mat::zeros(box.size(), CV_8UC1);
  FillObject(own, object, box.tl());
  const int pixels = cv::countNonZero(own);
  if (pixels == 0) return 0.0;
  cv::Mat both;
  cv::bitwise_and(own, mask(box), both);
  return static_cast<double>(cv::countNonZero(both)) / pixels;
}

cv::Rect PixelBox(const Object& object, int margin, cv::Size bounds) {
  const Box b =
      BoundingBox(object.quad ? *object.quad
                              : Quad{Point{object.hbb.x1, object.hbb.y1}, Point{object.hbb.x2, object.hbb.y1},
                                     Point{object.hbb.x2, object.hbb.y2}, Point{object.hbb.x1, object.hbb.y2}});
  const int x1 = static_cast<int>(std::floor(b.x1)) - margin, y1 = static_cast<int>(std::floor(b.y1)) - margin;
  const int x2 = static_cast<int>(std::ceil(b.x2)) + margin + 1, y2 = static_cast<int>(std::ceil(b.y2)) + margin + 1;
  return cv::Rect(x1, y1, x2 - x1, y2 - y1) & cv::Rect(0, 0, bounds.width, bounds.height);
}

}  // namespace mgrs::augment
