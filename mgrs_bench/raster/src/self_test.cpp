// The raster module's self-test and version report.
#include <gdal.h>

#include <opencv2/core/version.hpp>

#include "mgrs/raster/raster.h"

namespace mgrs::raster {

std::string LibraryVersions() {
  return std::string("GDAL ") + GDALVersionInfo("RELEASE_NAME") + ", OpenCV " + CV_VERSION;
}

Status SelfTest(const std::string& scratch_dir) {
  for (const char* name : {"/mgrs-self-test.png", "/mgrs-self-test.tif"}) {
    const std::string path = scratch_dir + name;
    const bool tiff = std::string(name).find(".tif") != std::string::npos;
    cv::Mat pixels(17, 23, tiff ? CV_16UC1 : CV_8UC3, cv::Scalar(1000 % (tiff ? 65536 : 256), 20, 30));
    MGRS_RETURN_IF_ERROR(WritePixels(path, pixels));
    auto info = ReadImageInfo(path);
    auto back = ReadPixels(path);
    std::remove(path.c_str());
    if (!info.ok()) return info.status();
    if (!back.ok()) return back.status();
    if (info->width != 23 || info->height != 17 || back->type() != pixels.type() ||
        cv::norm(*back, pixels, cv::NORM_INF) != 0) {
      return Internal(std::string("raster round trip failed for ") + name);
    }
  }
  return Status::Ok();
}

}  // namespace mgrs::raster
