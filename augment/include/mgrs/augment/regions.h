// Object regions as pixel masks: the polygon of an object (its quad when it has one, else its box), the checks
// that make an object editable, and how much of an object a mask covers (the rule for partly removed objects).
#pragma once

#include <string>

#include <opencv2/core.hpp>

#include "mgrs/core/records.h"

namespace mgrs::augment {

// The quad when present, else the box's four corners.
Polygon ObjectPolygon(const Object& object);

// Why an object cannot be edited in a width x height image ("degenerate_polygon", "object_outside_image"), or ""
// when it can. Degenerate: a non-finite corner, area below 1 px², or a self-crossing quad (shoelace area below half
// its convex hull's). Outside: the polygon leaves the image by more than `tolerance_px` on any side.
std::string CheckObject(const Object& object, int width, int height, double tolerance_px = 2.0);

// Sets to 255 the pixels of `mask` (CV_8UC1) inside the object's polygon, rasterised by cv::fillPoly with 1/16 px
// precision (pixel (i, j) has its centre at x = i, y = j). `offset` is subtracted from the polygon first, for
// masks of a crop.
void FillObject(cv::Mat& mask, const Object& object, cv::Point offset = {0, 0});
cv::Mat ObjectMask(const Object& object, cv::Size size);

// Fraction of the object's pixels (its ObjectMask) that are set in `mask`; 0 for an object without pixels.
double CoveredFraction(const Object& object, const cv::Mat& mask);

// The object's box rounded outwards to whole pixels, grown by `margin`, clipped to `bounds`.
cv::Rect PixelBox(const Object& object, int margin, cv::Size bounds);

}  // namespace mgrs::augment
