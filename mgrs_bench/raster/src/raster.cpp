// GDAL for headers, georeferencing and multi-band rasters; OpenCV for the common 8-bit codecs.
#include "mgrs/raster/raster.h"

#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "mgrs/core/files.h"
#include "mgrs/core/text.h"

namespace mgrs::raster {
namespace {

void RegisterDrivers() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

// Silences GDAL's own printing for one call and keeps its last message for ours.
class QuietGdal {
 public:
  QuietGdal() {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
  }
  ~QuietGdal() { CPLPopErrorHandler(); }
  std::string message() const { return CPLGetLastErrorMsg(); }
};

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

Result<DatasetPtr> Open(const std::string& path, const QuietGdal& quiet) {
  RegisterDrivers();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound("image not found: " + path);
  DatasetPtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!dataset) {
    return ParseError("cannot read image " + path + (quiet.message().empty() ? "" : ": " + quiet.message()));
  }
  if (dataset->GetRasterCount() < 1 || dataset->GetRasterXSize() < 1 || dataset->GetRasterYSize() < 1) {
    return ParseError("image has no pixels: " + path);
  }
  return dataset;
}

std::optional<double> GroundSampleDistance(const std::array<double, 6>& gt, const OGRSpatialReference& srs, int width,
                                           int height) {
  const double px = std::hypot(gt[1], gt[4]);
  const double py = std::hypot(gt[2], gt[5]);
  if (!(px > 0) || !(py > 0)) return std::nullopt;
  if (srs.IsProjected()) {
    const double to_metres = srs.GetLinearUnits();
    return (px + py) / 2 * to_metres;
  }
  if (srs.IsGeographic()) {
    const double lat = gt[3] + gt[4] * width / 2.0 + gt[5] * height / 2.0;
    constexpr double kMetresPerDegree = 111319.49079327357;  // WGS84 equatorial circumference / 360
    const double mx = px * kMetresPerDegree * std::cos(lat * M_PI / 180.0);
    const double my = py * kMetresPerDegree;
    return (mx + my) / 2;
  }
  return std::nullopt;
}

int OpenCvDepth(GDALDataType type) {
  switch (type) {
    case GDT_Byte: return CV_8U;
    case GDT_UInt16: return CV_16U;
    case GDT_Int16: return CV_16S;
    case GDT_Int32: return CV_32S;
    case GDT_Float32: return CV_32F;
    case GDT_Float64: return CV_64F;
    default: return -1;
  }
}

GDALDataType GdalType(int depth) {
  switch (depth) {
    case CV_8U: return GDT_Byte;
    case CV_16U: return GDT_UInt16;
    case CV_16S: return GDT_Int16;
    case CV_32S: return GDT_Int32;
    case CV_32F: return GDT_Float32;
    case CV_64F: return GDT_Float64;
    default: return GDT_Unknown;
  }
}

bool IsCommonCodec(const std::string& path) {
  const std::string ext = ToLowerAscii(std::filesystem::path(path).extension().string());
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

Result<cv::Mat> ReadWithGdal(const std::string& path) {
  QuietGdal quiet;
  auto dataset = Open(path, quiet);
  if (!dataset.ok()) return dataset.status();
  GDALDataset& ds = **dataset;
  const int bands = ds.GetRasterCount();
  const int depth = OpenCvDepth(ds.GetRasterBand(1)->GetRasterDataType());
  if (depth < 0) return ParseError("unsupported sample type in " + path);
  if (bands > CV_CN_MAX) return ParseError("too many bands (" + std::to_string(bands) + ") in " + path);
  const int width = ds.GetRasterXSize(), height = ds.GetRasterYSize();
  cv::Mat pixels(height, width, CV_MAKETYPE(depth, bands));
  // Read band-interleaved-by-pixel straight into the matrix.
  const int elem = static_cast<int>(CV_ELEM_SIZE1(depth));
  std::vector<int> band_map(bands);
  for (int b = 0; b < bands; ++b) band_map[b] = b + 1;
  const CPLErr err = ds.RasterIO(
      GF_Read, 0, 0, width, height, pixels.data, width, height, ds.GetRasterBand(1)->GetRasterDataType(), bands,
      band_map.data(), static_cast<GSpacing>(elem) * bands, static_cast<GSpacing>(pixels.step[0]), elem, nullptr);
  if (err != CE_None) return IoError("cannot decode " + path + ": " + quiet.message());
  if (bands == 3) cv::cvtColor(pixels, pixels, cv::COLOR_RGB2BGR);
  if (bands == 4) cv::cvtColor(pixels, pixels, cv::COLOR_RGBA2BGRA);
  return pixels;
}

}  // namespace

Result<ImageInfo> ReadImageInfo(const std::string& path) {
  QuietGdal quiet;
  auto dataset = Open(path, quiet);
  if (!dataset.ok()) return dataset.status();
  GDALDataset& ds = **dataset;
  ImageInfo info;
  info.width = ds.GetRasterXSize();
  info.height = ds.GetRasterYSize();
  info.bands = ds.GetRasterCount();
  info.data_type = GDALGetDataTypeName(ds.GetRasterBand(1)->GetRasterDataType());
  info.driver = ds.GetDriver() ? ds.GetDriver()->GetDescription() : "";
  std::array<double, 6> gt{};
  const OGRSpatialReference* srs = ds.GetSpatialRef();
  if (ds.GetGeoTransform(gt.data()) == CE_None && srs != nullptr && !srs->IsEmpty()) {
    info.geotransform = gt;
    char* wkt = nullptr;
    if (srs->exportToWkt(&wkt) == OGRERR_NONE && wkt) info.crs_wkt = wkt;
    CPLFree(wkt);
    info.gsd = GroundSampleDistance(gt, *srs, info.width, info.height);
  }
  return info;
}

Result<cv::Mat> ReadPixels(const std::string& path) {
  if (IsCommonCodec(path)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return NotFound("image not found: " + path);
    cv::Mat pixels;
    try {
      pixels = cv::imread(path, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
      return ParseError("cannot decode " + path + ": " + e.what());
    }
    if (!pixels.empty()) return pixels;
    // Fall through: GDAL reads some files OpenCV does not (e.g. a mislabelled extension).
  }
  return ReadWithGdal(path);
}

Status WritePixels(const std::string& path, const cv::Mat& pixels) {
  if (pixels.empty()) return InvalidArgument("no pixels to write to " + path);
  const std::string ext = ToLowerAscii(std::filesystem::path(path).extension().string());
  if (ext == ".tif" || ext == ".tiff") {
    RegisterDrivers();
    QuietGdal quiet;
    const GDALDataType type = GdalType(pixels.depth());
    if (type == GDT_Unknown) return InvalidArgument("unsupported pixel type for " + path);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    const std::string temp = path + ".tmp.tif";
    cv::Mat rgb = pixels;
    if (pixels.channels() == 3) cv::cvtColor(pixels, rgb, cv::COLOR_BGR2RGB);
    if (pixels.channels() == 4) cv::cvtColor(pixels, rgb, cv::COLOR_BGRA2RGBA);
    {
      DatasetPtr out(driver->Create(temp.c_str(), rgb.cols, rgb.rows, rgb.channels(), type, nullptr));
      if (!out) return IoError("cannot create " + temp + ": " + quiet.message());
      const int elem = static_cast<int>(rgb.elemSize1());
      std::vector<int> band_map(rgb.channels());
      for (int b = 0; b < rgb.channels(); ++b) band_map[b] = b + 1;
      const CPLErr err = out->RasterIO(GF_Write, 0, 0, rgb.cols, rgb.rows, rgb.data, rgb.cols, rgb.rows, type,
                                       rgb.channels(), band_map.data(), static_cast<GSpacing>(elem) * rgb.channels(),
                                       static_cast<GSpacing>(rgb.step[0]), elem, nullptr);
      if (err != CE_None) {
        std::remove(temp.c_str());
        return IoError("cannot write " + temp + ": " + quiet.message());
      }
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) return IoError("cannot rename " + temp + " to " + path);
    return Status::Ok();
  }
  std::vector<uchar> bytes;
  try {
    if (!cv::imencode(ext, pixels, bytes)) return InvalidArgument("cannot encode " + path);
  } catch (const cv::Exception& e) {
    return InvalidArgument("cannot encode " + path + ": " + e.what());
  }
  return WriteFileAtomically(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace mgrs::raster
