// Each reader on the real fixtures in tests/data/fixtures (SOURCES.md there lists where each file comes from).
// Golden numbers are counted from those files (line counts, headers) and are exact.
#include <gtest/gtest.h>

#include <set>

#include "ingest_helpers.h"
#include "mgrs/ingest/reader.h"
#include "test_support.h"

namespace mgrs::ingest {
namespace {

using testing_helpers::AllRejects;
using testing_helpers::MustIngest;
using testing_helpers::OpenCatalog;
using testing_helpers::OptionsFor;

std::string DotaDevkit() { return testing::SharedFile("fixtures/dota/devkit_example"); }
std::string DotaPatches() { return testing::SharedFile("fixtures/dota/mmrotate_split_patches"); }

TEST(DotaReaderTest, DevkitLabelsWithoutImagesGiveAllObjects) {
  // 7 files; object lines per file (wc -l minus the 2 header lines): 536+22+34+144+64+26+158 = 984.
  const std::string scratch = testing::ScratchDir("dota-devkit-noimages");
  IngestOptions options = OptionsFor(scratch, "dota", DotaDevkit());
  options.read_images = false;
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.files_read, 7);
  EXPECT_EQ(summary.images, 7);
  EXPECT_EQ(summary.objects_accepted, 984);
  EXPECT_EQ(summary.errors, 0);
  auto catalog = OpenCatalog(options.catalog_path);
  auto images = catalog->Images("dota");
  ASSERT_TRUE(images.ok());
  ASSERT_EQ(images->size(), 7u);
  EXPECT_EQ((*images)[0].id, "dota/all/P0706");
  EXPECT_EQ((*images)[0].width, 0);  // unknown without the image
  auto stats = catalog->Stats();
  ASSERT_TRUE(stats.ok());
  int64_t difficult = 0;
  for (const Image& image : *images) {
    auto objects = catalog->Objects(image.id);
    ASSERT_TRUE(objects.ok());
    for (const auto& o : *objects) difficult += o.object.difficult;
  }
  EXPECT_EQ(difficult, 67);  // lines whose 10th field is 1 (awk over the 7 files)
}

TEST(DotaReaderTest, HeaderLinesGiveGsdAndSource) {
  const std::string scratch = testing::ScratchDir("dota-devkit-header");
  IngestOptions options = OptionsFor(scratch, "dota", DotaDevkit());
  options.read_images = false;
  MustIngest(options);
  auto catalog = OpenCatalog(options.catalog_path);
  auto p1234 = catalog->FindImage("dota/all/P1234");
  ASSERT_TRUE(p1234.ok() && p1234->has_value());
  EXPECT_DOUBLE_EQ(*(*p1234)->gsd, 1.0);  // "gsd:1" in P1234.txt (a GF image)
  auto p2598 = catalog->FindImage("dota/all/P2598");
  ASSERT_TRUE(p2598.ok() && p2598->has_value());
  EXPECT_DOUBLE_EQ(*(*p2598)->gsd, 0.113068841441);  // "gsd:0.113068841441"
}

TEST(DotaReaderTest, OnlyP1888HasItsImageTheOthersAreRejectedWhole) {
  const std::string scratch = testing::ScratchDir("dota-devkit-images");
  IngestOptions options = OptionsFor(scratch, "dota", DotaDevkit());
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 1);
  EXPECT_EQ(summary.objects_accepted, 64);
  EXPECT_EQ(summary.objects_rejected, 984 - 64);
  EXPECT_EQ(summary.rejects_by_code.at("MISSING_IMAGE"), 6);
  auto catalog = OpenCatalog(options.catalog_path);
  auto image = catalog->FindImage("dota/all/P1888");
  ASSERT_TRUE(image.ok() && image->has_value());
  EXPECT_EQ((*image)->width, 712);  // the real image is 712x557 RGB
  EXPECT_EQ((*image)->height, 557);
  EXPECT_EQ((*image)->bands, 3);
  EXPECT_EQ((*image)->path, "images/P1888.png");
  auto objects = catalog->Objects("dota/all/P1888");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 64u);
  // First object line: "674 375 683 375 684 394 675 395 small-vehicle 0" (line 3, after the 2 header lines).
  EXPECT_EQ((*objects)[0].object.raw_class, "small-vehicle");
  EXPECT_EQ((*objects)[0].line, 3);
  EXPECT_EQ((*objects)[0].object.hbb, (Box{674, 375, 684, 395}));
  EXPECT_EQ((*(*objects)[0].object.quad)[3], (Point{675, 395}));
}

TEST(DotaReaderTest, SplitPatchesEmptyFileAndBrokenQuadWithoutImages) {
  const std::string scratch = testing::ScratchDir("dota-patches-noimages");
  IngestOptions options = OptionsFor(scratch, "dota", DotaPatches());
  options.read_images = false;
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 3);
  EXPECT_EQ(summary.objects_accepted, 8);  // 4 + 0 (the empty file) + 4; no clamping without images
  auto catalog = OpenCatalog(options.catalog_path);
  auto empty = catalog->Objects("dota/all/P0004__1__0___1024");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto patch = catalog->Objects("dota/all/P0004__1__0___0");
  ASSERT_TRUE(patch.ok());
  ASSERT_EQ(patch->size(), 4u);
  // Line 3 "526.0 591.0 528.0 571.0 623.0 578.0 621.0 599.0 plane 1": float coordinates, difficult 1.
  EXPECT_EQ((*patch)[2].object.hbb, (Box{526, 571, 623, 599}));
  EXPECT_EQ((*patch)[2].difficulty, 1);
  // Line 4 is the self-intersecting quad: kept as given, flagged, with a warning.
  EXPECT_EQ((*patch)[3].flags, catalog::kFlagInvalidQuad);
  const auto rejects = AllRejects(options.catalog_path);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].record.diagnostic.code, "INVALID_QUAD");
  EXPECT_EQ(rejects[0].record.diagnostic.line, 4);
  EXPECT_EQ(rejects[0].record.diagnostic.severity, Severity::kWarning);
}

TEST(DotaReaderTest, SplitPatchesWithStandInImagesClampOrReject) {
  // The PNGs are downscaled stand-ins (285x294 and 170x170), so most boxes lie outside them.
  const std::string scratch = testing::ScratchDir("dota-patches-images");
  IngestOptions options = OptionsFor(scratch, "dota", DotaPatches());
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 2);  // the empty label file has no image: MISSING_IMAGE
  EXPECT_EQ(summary.rejects_by_code.at("MISSING_IMAGE"), 1);
  // P0004 lines 1-3 and all 4 boxes of P2805 lie entirely outside; P0004 line 4 (x 123..221, y 171..199) fits.
  EXPECT_EQ(summary.rejects_by_code.at("OUT_OF_BOUNDS"), 7);
  EXPECT_EQ(summary.objects_accepted, 1);
  EXPECT_EQ(summary.objects_rejected, 7);
}

TEST(DiorReaderTest, OrientedXmlGivesCornersInOrderAndTheSplitFromImageSets) {
  const std::string scratch = testing::ScratchDir("dior-real");
  IngestOptions options = OptionsFor(scratch, "dior", testing::SharedFile("fixtures/dior"));
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 1);
  EXPECT_EQ(summary.errors + summary.warnings, 0);
  auto catalog = OpenCatalog(options.catalog_path);
  auto image = catalog->FindImage("dior/demo/00001");  // ImageSets/Main/demo.txt lists 00001
  ASSERT_TRUE(image.ok() && image->has_value());
  EXPECT_EQ((*image)->width, 800);
  EXPECT_EQ((*image)->path, "JPEGImages/00001.jpg");
  auto objects = catalog->Objects("dior/demo/00001");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 1u);
  const catalog::StoredObject& golf = (*objects)[0];
  EXPECT_EQ(golf.object.raw_class, "golffield");
  // left_top, right_top, right_bottom, left_bottom from 00001.xml.
  const Quad expected = {Point{133, 237}, Point{684, 237}, Point{684, 672}, Point{133, 672}};
  EXPECT_EQ(*golf.object.quad, expected);
  EXPECT_EQ(golf.object.hbb, (Box{133, 237, 684, 672}));
  auto dataset = catalog->FindDataset("dior");
  EXPECT_EQ((*dataset)->coord_origin, 1);  // VOC convention, from the manifest
}

TEST(DiorReaderTest, MixedCaseClassesAreKnownThroughTheirKey) {
  auto manifest = LoadManifest(MGRS_SOURCE_DIR "/manifests/datasets/dior.json");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  auto version = manifest->Version("");
  ASSERT_TRUE(version.ok());
  bool found = false;
  for (const ManifestClass& c : (*version)->classes) {
    if (c.name == "Expressway-Service-area") found = c.key == "expressway-service-area";
  }
  EXPECT_TRUE(found);
}

TEST(Fair1mReaderTest, SyntheticTreeDropsTheClosingPointAndRejectsMissingImages) {
  // SYNTHETIC torchgeo data (structure only): 3 XMLs, one 2x2 TIFF for train/part1/0.
  const std::string scratch = testing::ScratchDir("fair1m-synthetic");
  IngestOptions options = OptionsFor(scratch, "fair1m", testing::SharedFile("fixtures/fair1m_SYNTHETIC"));
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.files_read, 3);
  EXPECT_EQ(summary.images, 1);
  EXPECT_EQ(summary.rejects_by_code.at("MISSING_IMAGE"), 2);
  auto catalog = OpenCatalog(options.catalog_path);
  auto image = catalog->FindImage("fair1m/train/0");
  ASSERT_TRUE(image.ok() && image->has_value());
  EXPECT_EQ((*image)->width, 2);
  EXPECT_EQ((*image)->path, "train/part1/images/0.tif");
  auto objects = catalog->Objects("fair1m/train/0");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 1u);
  EXPECT_EQ((*objects)[0].object.raw_class, "Liquid Cargo Ship");
  EXPECT_EQ((*objects)[0].object.class_key, "liquid-cargo-ship");
  EXPECT_EQ((*(*objects)[0].object.quad)[2], (Point{1, 1}));
  EXPECT_EQ((*objects)[0].object.hbb, (Box{0, 0, 1, 1}));
}

TEST(ReaderTableTest, EveryFormatIsRegisteredOnce) {
  std::set<std::string> formats;
  for (const ReaderEntry& entry : Readers()) {
    EXPECT_TRUE(formats.insert(entry.format).second) << entry.format;
    EXPECT_NE(MakeReader(entry.format), nullptr);
  }
  EXPECT_TRUE(formats.count("dota") && formats.count("dior") && formats.count("fair1m"));
  EXPECT_EQ(MakeReader("no-such-format"), nullptr);
}

}  // namespace
}  // namespace mgrs::ingest
