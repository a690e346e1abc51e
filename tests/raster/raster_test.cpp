// Image metadata and pixels of real fixtures, and a 16-bit GeoTIFF with a known ground sample distance.
#include "mgrs/raster/raster.h"

#include "mgrs/core/files.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <gtest/gtest.h>

#include "test_support.h"

namespace mgrs::raster {
namespace {

TEST(RasterTest, DotaPngMetadataAndPixels) {
  const std::string path = testing::SharedFile("fixtures/dota/devkit_example/images/P1888.png");
  auto info = ReadImageInfo(path);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->width, 712);
  EXPECT_EQ(info->height, 557);
  EXPECT_EQ(info->bands, 3);
  EXPECT_EQ(info->data_type, "Byte");
  EXPECT_EQ(info->driver, "PNG");
  EXPECT_FALSE(info->gsd.has_value());
  auto pixels = ReadPixels(path);
  ASSERT_TRUE(pixels.ok());
  EXPECT_EQ(pixels->cols, 712);
  EXPECT_EQ(pixels->rows, 557);
  EXPECT_EQ(pixels->type(), CV_8UC3);
}

TEST(RasterTest, DiorJpegMetadataAndPixels) {
  const std::string path = testing::SharedFile("fixtures/dior/JPEGImages/00001.jpg");
  auto info = ReadImageInfo(path);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->width, 800);
  EXPECT_EQ(info->height, 800);
  EXPECT_EQ(info->driver, "JPEG");
  auto pixels = ReadPixels(path);
  ASSERT_TRUE(pixels.ok());
  EXPECT_EQ(pixels->size(), cv::Size(800, 800));
  EXPECT_EQ(pixels->depth(), CV_8U);
}

TEST(RasterTest, SixteenBitGeoTiffKeepsItsSamplesAndGsd) {
  const std::string path = testing::ScratchDir("geotiff") + "/scene.tif";
  GDALAllRegister();
  {
    GDALDataset* ds =
        GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), 40, 30, 4, GDT_UInt16, nullptr);
    ASSERT_NE(ds, nullptr);
    double gt[6] = {500000.0, 0.8, 0.0, 4100000.0, 0.0, -0.8};  // UTM, 0.8 m pixels
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(32633);
    ds->SetSpatialRef(&srs);
    std::vector<uint16_t> band(40 * 30);
    for (int b = 1; b <= 4; ++b) {
      for (size_t i = 0; i < band.size(); ++i) band[i] = static_cast<uint16_t>(1000 * b + i);
      ASSERT_EQ(ds->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, 40, 30, band.data(), 40, 30, GDT_UInt16, 0, 0), CE_None);
    }
    GDALClose(ds);
  }
  auto info = ReadImageInfo(path);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->width, 40);
  EXPECT_EQ(info->height, 30);
  EXPECT_EQ(info->bands, 4);
  EXPECT_EQ(info->data_type, "UInt16");
  ASSERT_TRUE(info->gsd.has_value());
  EXPECT_NEAR(*info->gsd, 0.8, 1e-12);
  ASSERT_TRUE(info->geotransform.has_value());
  EXPECT_EQ((*info->geotransform)[0], 500000.0);
  auto pixels = ReadPixels(path);
  ASSERT_TRUE(pixels.ok()) << pixels.status().ToString();
  EXPECT_EQ(pixels->type(), CV_16UC4);
  // Four bands come back in BGRA order: band 3 first, band 1 third.
  const auto& px = pixels->at<cv::Vec<uint16_t, 4>>(1, 2);  // row 1, column 2 -> index 42
  EXPECT_EQ(px[0], 3042);
  EXPECT_EQ(px[2], 1042);
  EXPECT_EQ(px[3], 4042);
}

TEST(RasterTest, GeographicCrsGsdIsConvertedToMetres) {
  const std::string path = testing::ScratchDir("geographic") + "/scene.tif";
  GDALAllRegister();
  {
    GDALDataset* ds =
        GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), 10, 10, 1, GDT_Byte, nullptr);
    double gt[6] = {10.0, 1e-5, 0.0, 0.00005, 0.0, -1e-5};  // at the equator
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    ds->SetSpatialRef(&srs);
    GDALClose(ds);
  }
  auto info = ReadImageInfo(path);
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(info->gsd.has_value());
  EXPECT_NEAR(*info->gsd, 1.113, 1e-3);  // 1e-5 degree is about 1.11 m near the equator
}

TEST(RasterTest, MissingAndCorruptFilesAreClearErrors) {
  auto missing = ReadImageInfo("/nonexistent/image.png");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/image.png"), std::string::npos);

  const std::string corrupt = testing::ScratchDir("corrupt") + "/broken.png";
  ASSERT_TRUE(WriteFileAtomically(corrupt, "not a png at all").ok());
  auto info = ReadImageInfo(corrupt);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kParseError);
  EXPECT_FALSE(ReadPixels(corrupt).ok());
}

TEST(RasterTest, WrittenPngReadsBackIdentically) {
  const std::string path = testing::ScratchDir("png") + "/out.png";
  cv::Mat pixels(9, 11, CV_8UC3);
  cv::randu(pixels, 0, 255);
  ASSERT_TRUE(WritePixels(path, pixels).ok());
  auto back = ReadPixels(path);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(cv::norm(*back, pixels, cv::NORM_INF), 0);
}

TEST(RasterTest, SelfTestPasses) {
  const Status status = SelfTest(testing::ScratchDir("raster-self-test"));
  EXPECT_TRUE(status.ok()) << status.ToString();
}

}  // namespace
}  // namespace mgrs::raster
