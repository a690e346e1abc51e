// Drawing helpers of the demo renderer: noise fields, ground fills, polygons in an object's frame, shadows.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "mgrs/demo/random.h"
#include "mgrs/demo/scene.h"

namespace mgrs::demo::draw {

// Smooth noise in [0, 1] (CV_32F, rows x cols): random values on a (cells+1)^2 grid, cubic-interpolated; octaves
// of cells {c, 2c, 4c, ...} summed with halving weights.
cv::Mat Noise(int rows, int cols, int cells, int octaves, Random& random);

// image = colour + (noise - 0.5) * amplitude, per channel, where mask is set (empty mask: everywhere).
void FillTextured(cv::Mat& image, const cv::Scalar& colour, double amplitude, const cv::Mat& noise,
                  const cv::Mat& mask = cv::Mat());

// The colour scaled by `factor` (shading), clamped to 0..255.
cv::Scalar Shade(const cv::Scalar& colour, double factor);
cv::Scalar ColourOf(const NamedColour& colour);

// A point in an object's frame: `along` the heading and `across` it (to the right), in pixels from its centre.
struct Local {
  double along, across;
};
// Image coordinates of local points of a frame centred at (cx, cy) with `heading` degrees.
std::vector<cv::Point2d> ToImage(double cx, double cy, double heading, const std::vector<Local>& points);

// Fractional bits of the vertices passed to OpenCV's drawing functions.
constexpr int kShift = 4;
// A point in the scene's convention (pixel (i, j) covers [i, i+1) x [j, j+1)) as OpenCV's fixed-point drawing
// coordinate (OpenCV puts integer coordinates at pixel centres, hence the half-pixel shift).
cv::Point Fixed(const cv::Point2d& point);

// Filled, anti-aliased polygon with sub-pixel vertices.
void FillPolygon(cv::Mat& image, const std::vector<cv::Point2d>& points, const cv::Scalar& colour);
// Darkens the polygon's area by `strength` (0..1): shadows, wet patches.
void Darken(cv::Mat& image, const std::vector<cv::Point2d>& points, double strength);
// Blends `colour` into the polygon's area with weight `alpha`.
void Blend(cv::Mat& image, const std::vector<cv::Point2d>& points, const cv::Scalar& colour, double alpha);

// Per-pixel sensor noise (about `sigma` grey levels, correlated across channels) and a slight blur.
void Finish(cv::Mat& image, double sigma, Random& random);

}  // namespace mgrs::demo::draw
