// Image preprocessing of LLaVA-1.5 / SkyMoE: pad to a square with the mean colour, resize with Pillow's bicubic
// (as CLIPImageProcessor does), scale to [0, 1] and normalise with the CLIP mean and std. No LibTorch here.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "mgrs/core/status.h"
#include "mgrs/model/config.h"

namespace mgrs::model {

// Converts any image ReadPixels returns to 8-bit RGB: BGR(A) and grey inputs are reordered or replicated; other
// band counts use bands 1-3 as red, green, blue (band 1 as grey when fewer than 3); samples that are not 8-bit are
// stretched linearly from the image's minimum..maximum to 0..255. kInvalidArgument for an empty image.
Result<cv::Mat> ToRgb8(const cv::Mat& pixels);

// Pillow's Image.resize(..., BICUBIC) on an 8-bit RGB image, bit for bit: separable cubic (a = -0.5) whose support
// widens with the downscale factor (antialiasing), horizontal pass first, 22-bit fixed-point weights, each pass
// rounded to 8 bits. An image already `width` x `height` is returned as a copy.
cv::Mat ResizeBicubicLikePillow(const cv::Mat& rgb8, int width, int height);

// LLaVA's expand2square: a square of side max(w, h) filled with `fill` (RGB), the image pasted centred
// (offset (side - w) / 2, (side - h) / 2, rounded down).
cv::Mat PadToSquare(const cv::Mat& rgb8, const cv::Scalar& fill);

// The full pipeline for one decoded image: ToRgb8, PadToSquare with int(255 * mean), resize to image_size (skipped
// when already that size), (v / 255 - mean) / std. Returns channel-major floats [3, S, S] (S = image_size).
Result<std::vector<float>> PreprocessImage(const cv::Mat& pixels, const VisionConfig& config);

// Reads `path` through mgrs::raster::ReadPixels, then PreprocessImage. Errors name the file.
Result<std::vector<float>> PreprocessImageFile(const std::string& path, const VisionConfig& config);

}  // namespace mgrs::model
