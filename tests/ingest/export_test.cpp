// Exports and merges: ingest -> export -> ingest gives the same objects (DOTA and COCO); shards merged give the
// same catalog content as one ingest; merging refuses conflicts.
#include "mgrs/ingest/export.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "ingest_helpers.h"
#include "mgrs/catalog/merge.h"
#include "test_support.h"

namespace mgrs::ingest {
namespace {

using testing_helpers::ContentDump;
using testing_helpers::MustIngest;
using testing_helpers::OpenCatalog;
using testing_helpers::OptionsFor;

// Class, HBB, quad and difficulty of every object, image by image (by stem), without ids or lines.
std::string Objects(const std::string& catalog_path, const std::string& dataset, bool with_quads) {
  auto catalog = OpenCatalog(catalog_path);
  std::ostringstream out;
  out.precision(17);
  const auto images = catalog->Images(dataset);
  EXPECT_TRUE(images.ok());
  for (const Image& image : *images) {
    out << image.id.substr(image.id.rfind('/') + 1) << "\n";
    const auto objects = catalog->Objects(image.id);
    EXPECT_TRUE(objects.ok());
    for (const catalog::StoredObject& o : *objects) {
      out << "  " << o.object.raw_class << " " << o.object.hbb.x1 << " " << o.object.hbb.y1 << " " << o.object.hbb.x2
          << " " << o.object.hbb.y2 << " d" << o.difficulty;
      if (with_quads && o.object.quad) {
        for (const Point& p : *o.object.quad) out << " " << p.x << "," << p.y;
      }
      out << "\n";
    }
  }
  return out.str();
}

TEST(ExportTest, DotaRoundTripGivesIdenticalObjects) {
  const std::string scratch = testing::ScratchDir("export-dota");
  IngestOptions first = OptionsFor(scratch, "dota", testing::SharedFile("fixtures/dota"));
  first.read_images = false;
  MustIngest(first);
  ExportOptions out{first.catalog_path, "dota", "", "dota", scratch + "/exported"};
  auto exported = Export(out);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_EQ(exported->images, 10);  // 7 devkit + 3 split patches (one empty)
  EXPECT_EQ(exported->objects, 984 + 8);
  IngestOptions second = OptionsFor(scratch, "dota", scratch + "/exported");
  second.read_images = false;
  second.name = "dota-again";
  second.manifest_path = MGRS_SOURCE_DIR "/manifests/datasets/dota.json";
  MustIngest(second);
  const std::string original = Objects(first.catalog_path, "dota", true);
  EXPECT_NE(original.find("small-vehicle"), std::string::npos);
  EXPECT_EQ(Objects(second.catalog_path, "dota-again", true), original);
  // The header lines survive too.
  auto catalog = OpenCatalog(second.catalog_path);
  EXPECT_DOUBLE_EQ(*(*catalog->FindImage("dota-again/all/P2598"))->gsd, 0.113068841441);
  EXPECT_EQ(catalog->ProvenanceOf("dota-again/all/P1234")->image_source, "GF");
}

TEST(ExportTest, CocoRoundTripGivesIdenticalBoxes) {
  const std::string scratch = testing::ScratchDir("export-coco");
  IngestOptions first = OptionsFor(scratch, "coco", testing::SharedFile("fixtures/hrrsd/COCOFormat"));
  first.read_images = false;
  first.name = "hrrsd-coco";
  MustIngest(first);
  ExportOptions out{first.catalog_path, "hrrsd-coco", "", "coco", scratch + "/exported/annotations.json"};
  auto exported = Export(out);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_EQ(exported->images, 100);
  IngestOptions second = OptionsFor(scratch, "coco", scratch + "/exported");
  second.read_images = false;
  second.name = "hrrsd-coco-again";
  second.manifest_path = MGRS_SOURCE_DIR "/manifests/datasets/coco.json";
  MustIngest(second);
  EXPECT_EQ(Objects(second.catalog_path, "hrrsd-coco-again", false), Objects(first.catalog_path, "hrrsd-coco", false));
}

TEST(ExportTest, UnknownDatasetIsNotFound) {
  const std::string scratch = testing::ScratchDir("export-missing");
  IngestOptions first = OptionsFor(scratch, "dior", testing::SharedFile("fixtures/dior"));
  MustIngest(first);
  auto exported = Export(ExportOptions{first.catalog_path, "dota", "", "coco", scratch + "/x.json"});
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.status().code(), StatusCode::kNotFound);
}

std::string GenerateTree(const std::string& dir, int files) {
  const std::string labels = dir + "/tree/train/labelTxt";
  std::filesystem::create_directories(labels);
  for (int f = 0; f < files; ++f) {
    std::FILE* out = std::fopen((labels + "/P" + std::to_string(1000 + f) + ".txt").c_str(), "w");
    for (int i = 0; i < 4; ++i) {
      std::fprintf(out, "%d 0 %d 0 %d 5 %d 5 %s 0\n", i + f, i + f + 3, i + f + 3, i + f, i % 2 ? "ship" : "plane");
    }
    if (f % 5 == 0) std::fprintf(out, "1 2 3\n");
    std::fclose(out);
  }
  return dir + "/tree";
}

// DOTA quads leave as one-polygon COCO segmentations and come back as quads.
TEST(ExportTest, DotaExportedAsCocoKeepsItsQuads) {
  const std::string scratch = testing::ScratchDir("export-coco-quads");
  IngestOptions first = OptionsFor(scratch, "dota", GenerateTree(scratch, 3));
  first.read_images = false;
  MustIngest(first);
  ASSERT_TRUE(Export(ExportOptions{first.catalog_path, "dota", "", "coco", scratch + "/coco/annotations.json"}).ok());
  IngestOptions second = OptionsFor(scratch, "coco", scratch + "/coco");
  second.read_images = false;
  second.catalog_path = scratch + "/again.sqlite";
  second.name = "dota-as-coco";
  second.manifest_path = MGRS_SOURCE_DIR "/manifests/datasets/coco.json";
  MustIngest(second);
  const std::string quads = Objects(first.catalog_path, "dota", true);
  EXPECT_NE(quads.find(","), std::string::npos) << "the DOTA objects should carry quads";
  EXPECT_EQ(Objects(second.catalog_path, "dota-as-coco", true), quads);
}

// `count` shard catalogs of the 40-file tree at `root`, for merging.
std::vector<std::string> IngestShards(const IngestOptions& single, const std::string& scratch, int count) {
  std::vector<std::string> shards;
  int64_t images = 0;
  for (int i = 0; i < count; ++i) {
    IngestOptions shard = single;
    shard.catalog_path = scratch + "/shard" + std::to_string(i) + ".sqlite";
    shard.shard_index = i;
    shard.shard_count = count;
    images += MustIngest(shard).images;
    shards.push_back(shard.catalog_path);
  }
  EXPECT_EQ(images, 40);  // every file in exactly one shard
  return shards;
}

void ExpectShardsMergedEqualOneIngest(int shard_count) {
  const std::string scratch = testing::ScratchDir("shards-" + std::to_string(shard_count));
  const std::string root = GenerateTree(scratch, 40);
  IngestOptions single = OptionsFor(scratch, "dota", root);
  single.read_images = false;
  single.catalog_path = scratch + "/single.sqlite";
  MustIngest(single);
  auto merged = catalog::MergeCatalogs(scratch + "/merged.sqlite", IngestShards(single, scratch, shard_count));
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->images, 40);
  EXPECT_EQ(ContentDump(scratch + "/merged.sqlite", "dota"), ContentDump(single.catalog_path, "dota"));
  auto catalog = OpenCatalog(scratch + "/merged.sqlite");
  EXPECT_TRUE(catalog->CheckIntegrity().ok());
  // A rerun of the single ingest over the merged catalog finds every file stored.
  IngestOptions rerun = single;
  rerun.catalog_path = scratch + "/merged.sqlite";
  EXPECT_EQ(MustIngest(rerun).files_read, 0);
  for (const auto& entry : std::filesystem::directory_iterator(scratch)) {
    EXPECT_EQ(entry.path().string().find(".merging-"), std::string::npos) << entry.path() << " was left behind";
  }
}

TEST(ShardTest, ShardsMergedEqualOneIngest) { ExpectShardsMergedEqualOneIngest(3); }

// More shards than SQLite attaches at once go through staging catalogs.
TEST(ShardTest, TwelveShardsMergedEqualOneIngest) { ExpectShardsMergedEqualOneIngest(12); }

// Two inputs that conflict with each other: the first is not merged either.
TEST(MergeTest, AConflictBetweenTwoInputsLeavesTheOutputAsItWas) {
  const std::string scratch = testing::ScratchDir("merge-all-or-nothing");
  IngestOptions options = OptionsFor(scratch, "dota", GenerateTree(scratch, 4));
  options.read_images = false;
  MustIngest(options);
  const std::string out = scratch + "/out.sqlite";
  const std::string copy = scratch + "/copy.sqlite";
  std::filesystem::copy_file(options.catalog_path, copy);
  auto merged = catalog::MergeCatalogs(out, {options.catalog_path, copy});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(merged.status().message().find("copy.sqlite"), std::string::npos) << merged.status().message();
  auto twice = catalog::MergeCatalogs(out, {copy, copy});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument);
  auto catalog = OpenCatalog(out);
  auto images = catalog->Images("dota");
  ASSERT_TRUE(images.ok());
  EXPECT_TRUE(images->empty());
}

TEST(MergeTest, TheSameShardTwiceIsRefusedAndLeavesTheOutputAsItWas) {
  const std::string scratch = testing::ScratchDir("merge-conflict");
  IngestOptions options = OptionsFor(scratch, "dota", GenerateTree(scratch, 4));
  options.read_images = false;
  MustIngest(options);
  ASSERT_TRUE(catalog::MergeCatalogs(scratch + "/out.sqlite", {options.catalog_path}).ok());
  const std::string before = ContentDump(scratch + "/out.sqlite", "dota");
  auto again = catalog::MergeCatalogs(scratch + "/out.sqlite", {options.catalog_path});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("dota/train/P1000"), std::string::npos) << again.status().message();
  EXPECT_EQ(ContentDump(scratch + "/out.sqlite", "dota"), before);
}

TEST(MergeTest, ADatasetIngestedWithAnotherVersionIsRefused) {
  const std::string scratch = testing::ScratchDir("merge-version");
  const std::string root = GenerateTree(scratch, 2);
  IngestOptions a = OptionsFor(scratch, "dota", root);
  a.read_images = false;
  a.catalog_path = scratch + "/a.sqlite";
  a.shard_count = 2;
  MustIngest(a);
  IngestOptions b = a;
  b.catalog_path = scratch + "/b.sqlite";
  b.shard_index = 1;
  b.dataset_version = "2.0";
  MustIngest(b);
  auto merged = catalog::MergeCatalogs(scratch + "/out.sqlite", {a.catalog_path, b.catalog_path});
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.status().message().find("dota (dota 1.0 vs dota 2.0)"), std::string::npos)
      << merged.status().message();
}

}  // namespace
}  // namespace mgrs::ingest
