// Attribute extraction, the first stage of the MGRS-Bench pipeline: per object its size bucket, 3x3 cell, dominant
// colour name and orientation; per image its counts per class, density, scene and GSD bucket.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "mgrs/bench/config.h"
#include "mgrs/catalog/catalog.h"

namespace mgrs::bench {

// The direction of an object's long axis: "horizontal", "vertical", "diagonal-down" (top left to bottom right, as
// "\"), "diagonal-up" ("/"), or "none" when the box is nearly square (long side < 1.25 x the short side). From the
// oriented quad when there is one, else from the axis-aligned box (which can only say horizontal, vertical, none).
std::string Orientation(const Object& object);

// The colour name (augment::Palette) most pixels of the object's core carry: the quad (or box) shrunk to 40% about
// its centre, so that ground between a plane's wings or around a tank's dome does not vote. "" when the core
// covers no pixel of `bgr` (CV_8UC3).
std::string DominantColour(const cv::Mat& bgr, const Object& object);

// "none" (no object), "sparse", "medium", "dense", by the image's object count and the config's thresholds.
std::string Density(int64_t objects, const BenchConfig& config);

// Every attribute of one image. `bgr` may be empty (the image file is unreadable): colours are then left "".
// The object attributes are written into record->objects as well, for the candidates built from them.
catalog::ImageAttributes ExtractAttributes(catalog::AnnotatedImage* record, const cv::Mat& bgr,
                                           const BenchConfig& config);

}  // namespace mgrs::bench
