// Images for the whole toolkit: metadata without decoding pixels (GDAL), and pixels as OpenCV matrices.
// The catalog, augmentation and the model read every image through this header. Thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "mgrs/core/status.h"

namespace mgrs::raster {

struct ImageInfo {
  int width = 0;
  int height = 0;
  int bands = 0;
  std::string data_type;  // GDAL's name of the first band's type: "Byte", "UInt16", "Float32", ...
  std::string driver;     // "PNG", "JPEG", "GTiff", ...
  // Georeferencing, when the file has it (GeoTIFF, or a world file GDAL finds beside the image).
  std::optional<std::array<double, 6>> geotransform;
  std::string crs_wkt;
  // Ground sample distance in metres per pixel: the pixel size of a projected CRS in metres, or of a geographic
  // CRS converted at the image centre's latitude. Empty when the image is not georeferenced.
  std::optional<double> gsd;
};

// Reads the header only. kNotFound when the file is missing, kParseError when no driver recognises it.
Result<ImageInfo> ReadImageInfo(const std::string& path);

// Decodes all pixels. 8-bit PNG/JPEG come back as OpenCV decodes them (1, 3 or 4 channels, BGR(A) order);
// TIFF and other GDAL formats keep their sample type (CV_8U, CV_16U, CV_16S, CV_32S, CV_32F, CV_64F) and up to
// 512 bands; 3- and 4-band images are returned in BGR(A) order as well.
Result<cv::Mat> ReadPixels(const std::string& path);

// Encodes by the file extension (.png, .jpg, .tif), atomically (temp file + rename).
Status WritePixels(const std::string& path, const cv::Mat& pixels);

}  // namespace mgrs::raster

namespace mgrs::raster {

// "GDAL 3.6.2, OpenCV 4.6.0".
std::string LibraryVersions();
// Writes, reads back and checks a PNG and a 16-bit GeoTIFF in `scratch_dir`.
Status SelfTest(const std::string& scratch_dir);

}  // namespace mgrs::raster
