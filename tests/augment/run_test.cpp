// RunAugment and `mgrs augment` end to end: same seed, same bytes and same catalog content for --jobs 1 and 2;
// edits on a DIOR-RSVG scene; bad input skipped with a counted reason; export of derived images.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "augment_helpers.h"
#include "mgrs/augment/augment.h"
#include "mgrs/augment/colour.h"
#include "mgrs/augment/phrases.h"
#include "mgrs/augment/regions.h"
#include "mgrs/ingest/export.h"
#include "mgrs/raster/raster.h"
#include "test_support.h"

namespace mgrs::augment {
namespace {

using namespace testing_helpers;

AugmentOptions Options(const std::string& catalog, const std::string& dataset, const std::string& out, Operation op,
                       int jobs) {
  AugmentOptions options;
  options.catalog_path = catalog;
  options.dataset = dataset;
  options.out_dir = out;
  options.operation = op;
  options.seed = 42;
  options.jobs = jobs;
  return options;
}

// Every derived image of the catalog with its objects and expressions, database ids left out.
std::string DerivedDump(const std::string& path, const std::string& dataset) {
  auto catalog = catalog::Catalog::Open(path, catalog::Catalog::Mode::kReadOnly);
  EXPECT_TRUE(catalog.ok());
  std::ostringstream out;
  const auto images = (*catalog)->Images(dataset);
  for (const Image& image : *images) {
    if (image.parent_id.empty()) continue;
    out << image.id << " " << image.split << " " << image.width << "x" << image.height << " " << image.derivation
        << "\n";
    const auto objects = (*catalog)->Objects(image.id);
    for (const auto& o : *objects) {
      out << "  " << o.object.raw_class << " " << o.object.hbb.x1 << " " << o.object.hbb.y1 << " " << o.object.hbb.x2
          << " " << o.object.hbb.y2 << " " << o.object.attributes.grid_cell << o.object.attributes.colour << "\n";
    }
    const auto expressions = (*catalog)->Expressions(image.id);
    for (const auto& e : *expressions) out << "  \"" << e.text << "\"\n";
  }
  return out.str();
}

std::vector<std::string> Pngs(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".png") out.push_back(std::filesystem::relative(entry.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RunAugmentTest, CutoutIsTheSameForOneAndTwoJobs) {
  std::string dumps[2];
  std::vector<std::string> files[2];
  std::string outs[2];
  for (int jobs : {1, 2}) {
    const std::string scratch = testing::ScratchDir("augment-run-jobs" + std::to_string(jobs));
    const std::string catalog = IngestP1888(scratch);
    outs[jobs - 1] = scratch + "/out";
    auto summary = RunAugment(Options(catalog, "dota", outs[jobs - 1], Operation::kCutout, jobs));
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->images_read, 1);
    EXPECT_EQ(summary->variants_written, 4);
    dumps[jobs - 1] = DerivedDump(catalog, "dota");
    files[jobs - 1] = Pngs(outs[jobs - 1]);
  }
  EXPECT_EQ(dumps[0], dumps[1]);
  ASSERT_EQ(files[0], files[1]);
  ASSERT_EQ(files[0].size(), 4u);
  EXPECT_EQ(files[0][0], "dota/all/P1888/cutout-0.png");
  for (const std::string& f : files[0]) {
    const std::string a = testing::Slurp(outs[0] + "/" + f), b = testing::Slurp(outs[1] + "/" + f);
    EXPECT_FALSE(a.empty());
    EXPECT_TRUE(a == b) << f << " differs between --jobs 1 and 2";
  }
}

TEST(RunAugmentTest, DerivedPngsAreLosslessAndCarryTheCatalogCounts) {
  const std::string scratch = testing::ScratchDir("augment-run-lossless");
  const std::string catalog = IngestP1888(scratch);
  auto summary = RunAugment(Options(catalog, "dota", scratch + "/out", Operation::kCutout, 2));
  ASSERT_TRUE(summary.ok());
  auto opened = catalog::Catalog::Open(catalog, catalog::Catalog::Mode::kReadOnly);
  const SourceImage parent = LoadSources(catalog, "dota").at(0);
  const cv::Mat original = *raster::ReadPixels(parent.file);
  // Recomputing the variants in memory gives the stored pixels bit for bit (PNG is lossless).
  const ImageOutcome outcome =
      AugmentImage(parent, original, Options(catalog, "dota", scratch + "/out", Operation::kCutout, 1));
  ASSERT_EQ(outcome.outputs.size(), 4u);
  for (const DerivedOutput& out : outcome.outputs) {
    const auto stored = *(*opened)->FindImage(out.record.image.id);
    ASSERT_TRUE(stored);
    EXPECT_TRUE(std::filesystem::path(stored->path).is_absolute());
    const cv::Mat read = *raster::ReadPixels(stored->path);
    cv::Mat diff;
    cv::absdiff(read, out.pixels, diff);
    EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0);
    EXPECT_EQ((*opened)->Objects(stored->id)->size(), out.record.objects.size());
  }
  // A second run replaces: still four derived images.
  ASSERT_TRUE(RunAugment(Options(catalog, "dota", scratch + "/out", Operation::kCutout, 1)).ok());
  EXPECT_EQ((*opened)->Stats()->derived, 4);
}

TEST(RunAugmentTest, EditsOnARsvgScene) {
  const std::string scratch = testing::ScratchDir("augment-run-edit");
  const std::string catalog = IngestRsvgScene(scratch);
  auto summary = RunAugment(Options(catalog, "dior-rsvg", scratch + "/out", Operation::kEdit, 2));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->written_by_op["spatial"], 1) << SummaryText(*summary);
  EXPECT_EQ(summary->written_by_op["colour"], 1) << SummaryText(*summary);
  auto opened = catalog::Catalog::Open(catalog, catalog::Catalog::Mode::kReadOnly);
  const auto spatial = *(*opened)->FindImage("dior-rsvg/train/00001/spatial-0");
  ASSERT_TRUE(spatial);
  // The first expression with a position is the white vehicle's, at the top left; it moved elsewhere.
  const auto expressions = *(*opened)->Expressions(spatial->id);
  const auto objects = *(*opened)->Objects(spatial->id);
  bool found = false;
  for (const Expression& e : expressions) {
    if (e.text.rfind("the white vehicle ", 0) != 0) continue;
    found = true;
    EXPECT_EQ(e.text.find("top left"), std::string::npos) << e.text;
    const auto object =
        std::find_if(objects.begin(), objects.end(), [&](const auto& o) { return o.object.id == e.object_id; });
    ASSERT_NE(object, objects.end());
    const Box& b = object->object.hbb;
    const GridCell cell = CellOf(Point{(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2}, 800, 800);
    EXPECT_TRUE(FindPositionPhrase(e.text)->Matches(cell)) << e.text;
    EXPECT_EQ(object->object.attributes.grid_cell, CellName(cell));
  }
  EXPECT_TRUE(found);
  // The colour edit, read back from its PNG: the namer reads the recoloured object as its new colour.
  const auto colour = *(*opened)->FindImage("dior-rsvg/train/00001/colour-0");
  ASSERT_TRUE(colour);
  const cv::Mat pixels = *raster::ReadPixels(colour->path);
  int recoloured = 0;
  const auto colour_objects = (*opened)->Objects(colour->id);
  for (const auto& o : *colour_objects) {
    if (o.object.attributes.colour.empty()) continue;
    ++recoloured;
    EXPECT_EQ(NameRegion(pixels, ObjectMask(o.object, pixels.size())), o.object.attributes.colour);
  }
  EXPECT_EQ(recoloured, 1);
}

TEST(RunAugmentTest, UnreadableImageIsSkippedWithItsReason) {
  const std::string scratch = testing::ScratchDir("augment-run-unreadable");
  const std::string catalog = IngestRsvgScene(scratch);
  // The image ingested fine; it is broken afterwards, as a disk might.
  std::ofstream(scratch + "/rsvg/JPEGImages/00001.jpg", std::ios::trunc) << "not a jpeg";
  auto summary = RunAugment(Options(catalog, "dior-rsvg", scratch + "/out", Operation::kCutout, 1));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->images_read, 1);
  EXPECT_EQ(summary->variants_written, 0);
  EXPECT_EQ(summary->skipped.at("unreadable_image"), 1);
}

TEST(RunAugmentTest, DegeneratePolygonsAndSizeMismatchAreSkipped) {
  SourceImage source;
  source.image.id = "x/train/1";
  source.image.width = 64;
  source.image.height = 64;
  catalog::StoredObject bad;
  bad.object = MakeObject(1, "car", Box{10, 10, 30, 30});
  bad.object.quad = Quad{Point{10, 10}, Point{30, 30}, Point{30, 10}, Point{10, 30}};
  source.objects = {bad};
  const AugmentOptions options = Options("", "x", testing::ScratchDir("augment-degenerate"), Operation::kCutout, 1);
  EXPECT_EQ(AugmentImage(source, Background(64, 64, 1), options).skipped.at("degenerate_polygon"), 1);
  EXPECT_EQ(AugmentImage(source, Background(32, 64, 1), options).skipped.at("size_mismatch"), 1);
  source.objects[0].object.quad.reset();
  source.objects[0].object.hbb = Box{50, 50, 90, 90};
  EXPECT_EQ(AugmentImage(source, Background(64, 64, 1), options).skipped.at("object_outside_image"), 1);
  source.objects.clear();
  EXPECT_EQ(AugmentImage(source, cv::Mat::zeros(64, 64, CV_32FC3), options).skipped.at("unsupported_pixel_type"), 1);
}

TEST(RunAugmentTest, ExportWritesDerivedImagesLikeAnyImage) {
  const std::string scratch = testing::ScratchDir("augment-run-export");
  const std::string catalog = IngestP1888(scratch);
  ASSERT_TRUE(RunAugment(Options(catalog, "dota", scratch + "/out", Operation::kCutout, 1)).ok());
  auto exported = ingest::Export(ingest::ExportOptions{catalog, "dota", "", "dota", scratch + "/export"});
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_EQ(exported->images, 5);
  // Each derived image has its own label file next to its parent's.
  EXPECT_TRUE(std::filesystem::exists(scratch + "/export/all/labelTxt/P1888.txt"));
  EXPECT_TRUE(std::filesystem::exists(scratch + "/export/all/labelTxt/P1888_cutout-3.txt"));
}

TEST(RunAugmentTest, AMissingCatalogIsNotCreated) {
  const std::string path = testing::ScratchDir("augment-run-missing") + "/none.sqlite";
  auto summary =
      RunAugment(Options(path, "dota", testing::ScratchDir("augment-run-missing-out"), Operation::kCutout, 1));
  EXPECT_EQ(summary.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(AugmentCliTest, SameSeedSameBytesForAnyJobs) {
  std::string outs[2];
  for (int jobs : {1, 2}) {
    const std::string scratch = testing::ScratchDir("augment-cli-jobs" + std::to_string(jobs));
    const std::string catalog = IngestP1888(scratch);
    outs[jobs - 1] = scratch + "/out";
    std::string output;
    const int rc = testing::RunCommand(std::string(MGRS_TOOL_MGRS) + " augment cutout --catalog " + catalog +
                                           " --dataset dota --class large-vehicle --out " + outs[jobs - 1] +
                                           " --seed 9 --jobs " + std::to_string(jobs),
                                       &output);
    EXPECT_EQ(rc, 0) << output;
    EXPECT_NE(output.find("1 images read, 1 augmented, 4 derived images written"), std::string::npos) << output;
  }
  for (const std::string& f : Pngs(outs[0]))
    EXPECT_TRUE(testing::Slurp(outs[0] + "/" + f) == testing::Slurp(outs[1] + "/" + f)) << f;
  std::string output;
  EXPECT_EQ(testing::RunCommand(
                std::string(MGRS_TOOL_MGRS) + " augment shuffle --catalog x --dataset d --out o --seed 1", &output),
            2)
      << output;
}

}  // namespace
}  // namespace mgrs::augment
