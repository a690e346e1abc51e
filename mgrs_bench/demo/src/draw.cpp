// Drawing helpers of the demo renderer.
#include "draw.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace mgrs::demo::draw {
namespace {

constexpr double kOne = 1 << kShift;

}  // namespace

cv::Point Fixed(const cv::Point2d& p) {
  return cv::Point(static_cast<int>(std::lround((p.x - 0.5) * kOne)),
                   static_cast<int>(std::lround((p.y - 0.5) * kOne)));
}

namespace {

std::vector<cv::Point> FixedAll(const std::vector<cv::Point2d>& points) {
  std::vector<cv::Point> out;
  out.reserve(points.size());
  for (const cv::Point2d& p : points) out.push_back(Fixed(p));
  return out;
}

// A mask (CV_8U, 0/255) of the polygon, for the blends.
cv::Mat PolygonMask(const cv::Size& size, const std::vector<cv::Point2d>& points) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8U);
  const std::vector<std::vector<cv::Point>> polygons = {FixedAll(points)};
  cv::fillPoly(mask, polygons, cv::Scalar(255), cv::LINE_AA, kShift);
  return mask;
}

}  // namespace

cv::Mat Noise(int rows, int cols, int cells, int octaves, Random& random) {
  cv::Mat sum = cv::Mat::zeros(rows, cols, CV_32F);
  double weight = 1, total = 0;
  for (int octave = 0; octave < octaves; ++octave) {
    const int n = cells << octave;
    cv::Mat grid(n + 1, n + 1, CV_32F);
    for (int y = 0; y <= n; ++y) {
      for (int x = 0; x <= n; ++x) grid.at<float>(y, x) = static_cast<float>(random.Unit());
    }
    cv::Mat up;
    cv::resize(grid, up, cv::Size(cols, rows), 0, 0, cv::INTER_CUBIC);
    cv::scaleAdd(up, weight, sum, sum);
    total += weight;
    weight /= 2;
  }
  sum /= total;
  cv::Mat clipped;
  cv::min(cv::max(sum, 0.0), 1.0, clipped);
  return clipped;
}

void FillTextured(cv::Mat& image, const cv::Scalar& colour, double amplitude, const cv::Mat& noise,
                  const cv::Mat& mask) {
  for (int y = 0; y < image.rows; ++y) {
    auto* row = image.ptr<cv::Vec3b>(y);
    const float* n = noise.ptr<float>(y);
    const uint8_t* m = mask.empty() ? nullptr : mask.ptr<uint8_t>(y);
    for (int x = 0; x < image.cols; ++x) {
      if (m && !m[x]) continue;
      const double offset = (n[x] - 0.5) * amplitude;
      for (int c = 0; c < 3; ++c) row[x][c] = cv::saturate_cast<uint8_t>(colour[c] + offset);
    }
  }
}

cv::Scalar Shade(const cv::Scalar& colour, double factor) {
  return cv::Scalar(std::clamp(colour[0] * factor, 0.0, 255.0), std::clamp(colour[1] * factor, 0.0, 255.0),
                    std::clamp(colour[2] * factor, 0.0, 255.0));
}

cv::Scalar ColourOf(const NamedColour& colour) { return cv::Scalar(colour.b, colour.g, colour.r); }

std::vector<cv::Point2d> ToImage(double cx, double cy, double heading, const std::vector<Local>& points) {
  const double a = heading * M_PI / 180.0;
  const double c = std::cos(a), s = std::sin(a);
  std::vector<cv::Point2d> out;
  out.reserve(points.size());
  for (const Local& p : points) out.emplace_back(cx + p.along * c - p.across * s, cy + p.along * s + p.across * c);
  return out;
}

void FillPolygon(cv::Mat& image, const std::vector<cv::Point2d>& points, const cv::Scalar& colour) {
  const std::vector<std::vector<cv::Point>> polygons = {FixedAll(points)};
  cv::fillPoly(image, polygons, colour, cv::LINE_AA, kShift);
}

void Darken(cv::Mat& image, const std::vector<cv::Point2d>& points, double strength) {
  Blend(image, points, cv::Scalar(0, 0, 0), strength);
}

void Blend(cv::Mat& image, const std::vector<cv::Point2d>& points, const cv::Scalar& colour, double alpha) {
  const cv::Mat mask = PolygonMask(image.size(), points);
  const cv::Rect area = cv::boundingRect(mask) & cv::Rect(0, 0, image.cols, image.rows);
  for (int y = area.y; y < area.y + area.height; ++y) {
    auto* row = image.ptr<cv::Vec3b>(y);
    const uint8_t* m = mask.ptr<uint8_t>(y);
    for (int x = area.x; x < area.x + area.width; ++x) {
      if (!m[x]) continue;
      const double w = alpha * m[x] / 255.0;
      for (int c = 0; c < 3; ++c) row[x][c] = cv::saturate_cast<uint8_t>(row[x][c] * (1 - w) + colour[c] * w);
    }
  }
}

void Finish(cv::Mat& image, double sigma, Random& random) {
  for (int y = 0; y < image.rows; ++y) {
    auto* row = image.ptr<cv::Vec3b>(y);
    for (int x = 0; x < image.cols; ++x) {
      // Four 16-bit uniforms from one draw: their sum has variance 1/3, so scale by sqrt(3).
      const uint64_t bits = random.Bits();
      double sum = -2.0;
      for (int k = 0; k < 4; ++k) sum += static_cast<double>((bits >> (16 * k)) & 0xFFFF) / 65536.0;
      const double luminance = sum * std::sqrt(3.0) * sigma;
      for (int c = 0; c < 3; ++c) row[x][c] = cv::saturate_cast<uint8_t>(row[x][c] + luminance);
    }
  }
  cv::GaussianBlur(image, image, cv::Size(3, 3), 0.7);
}

}  // namespace mgrs::demo::draw
