// Image preprocessing for the vision tower, with a port of Pillow's fixed-point bicubic resampler
// (libImaging/Resample.c) so images resize exactly as CLIPImageProcessor resizes them.
#include "mgrs/model/preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <opencv2/imgproc.hpp>

#include "mgrs/raster/raster.h"

namespace mgrs::model {
namespace {

// Pillow: PRECISION_BITS = 32 - 8 - 2, so a sum of 8-bit samples times weights fits in 32 bits.
constexpr int kPrecisionBits = 32 - 8 - 2;

double BicubicWeight(double x) {
  constexpr double a = -0.5;  // Pillow's choice (PyTorch's bicubic uses -0.75)
  x = std::abs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
  return 0.0;
}

// One output pixel's source range and fixed-point weights (Pillow's precompute_coeffs + normalize_coeffs_8bpc).
struct Taps {
  int first = 0;
  std::vector<int32_t> weights;
};

std::vector<Taps> ComputeTaps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = 2.0 * filter_scale;
  std::vector<Taps> taps(out_size);
  std::vector<double> k;
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    k.assign(xmax, 0.0);
    double total = 0.0;
    for (int x = 0; x < xmax; ++x) {
      k[x] = BicubicWeight((x + xmin - center + 0.5) / filter_scale);
      total += k[x];
    }
    taps[xx].first = xmin;
    taps[xx].weights.resize(xmax);
    for (int x = 0; x < xmax; ++x) {
      const double w = total != 0.0 ? k[x] / total : k[x];
      const double scaled = w * (1 << kPrecisionBits);
      taps[xx].weights[x] = static_cast<int32_t>(w < 0 ? scaled - 0.5 : scaled + 0.5);
    }
  }
  return taps;
}

uint8_t Clip8(int32_t sum) {
  const int32_t v = sum >> kPrecisionBits;  // arithmetic shift: floor, as Pillow's lookup table
  return static_cast<uint8_t>(std::clamp(v, 0, 255));
}

// Resamples along x (horizontal = true) or y of a CV_8UC3 image.
cv::Mat ResamplePass(const cv::Mat& in, int out_size, bool horizontal) {
  const auto taps = ComputeTaps(horizontal ? in.cols : in.rows, out_size);
  cv::Mat out(horizontal ? in.rows : out_size, horizontal ? out_size : in.cols, CV_8UC3);
  constexpr int32_t kHalf = 1 << (kPrecisionBits - 1);
  for (int y = 0; y < out.rows; ++y) {
    auto* dst = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < out.cols; ++x) {
      const Taps& t = taps[horizontal ? x : y];
      int32_t sum[3] = {kHalf, kHalf, kHalf};
      for (size_t i = 0; i < t.weights.size(); ++i) {
        const int src = t.first + static_cast<int>(i);
        const cv::Vec3b& p = horizontal ? in.ptr<cv::Vec3b>(y)[src] : in.ptr<cv::Vec3b>(src)[x];
        for (int c = 0; c < 3; ++c) sum[c] += p[c] * t.weights[i];
      }
      dst[x] = cv::Vec3b(Clip8(sum[0]), Clip8(sum[1]), Clip8(sum[2]));
    }
  }
  return out;
}

}  // namespace

Result<cv::Mat> ToRgb8(const cv::Mat& pixels) {
  if (pixels.empty()) return InvalidArgument("image has no pixels");
  cv::Mat eight = pixels;
  if (pixels.depth() != CV_8U) {
    double lo = 0, hi = 0;
    cv::minMaxLoc(pixels.reshape(1), &lo, &hi);
    const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
    pixels.convertTo(eight, CV_8U, scale, -lo * scale);
  }
  cv::Mat rgb;
  switch (eight.channels()) {
    case 1: cv::cvtColor(eight, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(eight, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(eight, rgb, cv::COLOR_BGRA2RGB); break;
    default: {
      std::vector<cv::Mat> bands;
      cv::split(eight, bands);
      if (bands.size() < 3) {
        cv::merge(std::vector<cv::Mat>{bands[0], bands[0], bands[0]}, rgb);
      } else {
        cv::merge(std::vector<cv::Mat>{bands[0], bands[1], bands[2]}, rgb);
      }
    }
  }
  return rgb;
}

cv::Mat ResizeBicubicLikePillow(const cv::Mat& rgb8, int width, int height) {
  cv::Mat out = rgb8;
  if (width != rgb8.cols) out = ResamplePass(out, width, /*horizontal=*/true);
  if (height != rgb8.rows) out = ResamplePass(out, height, /*horizontal=*/false);
  return out.data == rgb8.data ? rgb8.clone() : out;
}

cv::Mat PadToSquare(const cv::Mat& rgb8, const cv::Scalar& fill) {
  if (rgb8.cols == rgb8.rows) return rgb8;
  const int side = std::max(rgb8.cols, rgb8.rows);
  cv::Mat square(side, side, rgb8.type(), fill);
  rgb8.copyTo(square(cv::Rect((side - rgb8.cols) / 2, (side - rgb8.rows) / 2, rgb8.cols, rgb8.rows)));
  return square;
}

Result<std::vector<float>> PreprocessImage(const cv::Mat& pixels, const VisionConfig& config) {
  auto rgb = ToRgb8(pixels);
  if (!rgb.ok()) return rgb.status();
  // LLaVA fills with tuple(int(x * 255) for x in image_mean): truncation, (122, 116, 104) for CLIP.
  const auto& mean = config.image_mean;
  const cv::Scalar fill(static_cast<int>(mean[0] * 255.0), static_cast<int>(mean[1] * 255.0),
                        static_cast<int>(mean[2] * 255.0));
  cv::Mat square = PadToSquare(*rgb, fill);
  const int size = config.image_size;
  if (square.cols != size) square = ResizeBicubicLikePillow(square, size, size);
  std::vector<float> chw(static_cast<size_t>(3) * size * size);
  for (int y = 0; y < size; ++y) {
    const auto* row = square.ptr<cv::Vec3b>(y);
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c) {
        const double v = (row[x][c] / 255.0 - static_cast<double>(mean[c])) / static_cast<double>(config.image_std[c]);
        chw[(static_cast<size_t>(c) * size + y) * size + x] = static_cast<float>(v);
      }
    }
  }
  return chw;
}

Result<std::vector<float>> PreprocessImageFile(const std::string& path, const VisionConfig& config) {
  auto pixels = raster::ReadPixels(path);
  if (!pixels.ok()) return pixels.status();
  auto chw = PreprocessImage(*pixels, config);
  if (!chw.ok()) return Status(chw.status().code(), path + ": " + chw.status().message());
  return chw;
}

}  // namespace mgrs::model
