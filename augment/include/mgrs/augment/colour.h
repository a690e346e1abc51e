// The colour namer attribute editing checks its recolouring with, and the Lab mean/covariance transfer it
// recolours by. docs/augment.md lists the palette and the rules.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace mgrs::augment {

struct NamedColour {
  std::string name;
  cv::Vec3f lab;  // CIE L*a*b* (D65) of the reference sRGB colour: L in [0, 100]
  bool chromatic = true;
};

// white, gray, black (achromatic) and red, orange, yellow, green, blue, purple, brown.
const std::vector<NamedColour>& Palette();
const NamedColour* FindColour(const std::string& name);

struct ColourNamerOptions {
  double achromatic_chroma = 14.0;  // C* = sqrt(a*^2 + b*^2) below this is white, gray or black
  double white_lightness = 72.0;    // achromatic and L* at or above: white
  double black_lightness = 28.0;    // achromatic and L* below: black
};

// Achromatic rules first (by L*), else the nearest chromatic palette colour by CIE76 distance in a*b* with L*
// weighted by 1/2 (lightness separates brown from orange, but shading should not decide the hue).
std::string NameLab(const cv::Vec3f& lab, const ColourNamerOptions& options = {});
// The mean L*a*b* of the pixels of `bgr` (CV_8UC3) where `mask` (CV_8UC1) is set.
cv::Vec3f MeanLab(const cv::Mat& bgr, const cv::Mat& mask);
std::string NameRegion(const cv::Mat& bgr, const cv::Mat& mask, const ColourNamerOptions& options = {});

struct TransferOptions {
  double target_chroma_sigma = 4.0;  // spread of a* and b* around the target colour after the transfer
  double regularise = 1.0;           // added to the source covariance's diagonal (flat regions are singular)
};

// Recolours the masked pixels of `bgr` (CV_8UC3, in place) towards `target` by the linear Monge-Kantorovich map
// x' = mu_t + A (x - mu_s), A = S^-1/2 (S^1/2 T S^1/2)^1/2 S^-1/2 (Pitie and Kokaram 2007), where S is the region's
// Lab covariance and T keeps the region's own L* variance (texture, shading) with a narrow a*b* spread around
// the target. Pixels outside the mask are untouched.
void TransferColour(cv::Mat& bgr, const cv::Mat& mask, const NamedColour& target, const TransferOptions& options = {});

}  // namespace mgrs::augment
