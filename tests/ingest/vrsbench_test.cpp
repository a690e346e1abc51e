// The VRSBench reader on its SYNTHETIC good tree (tests/fixtures/ingest/vrsbench/good, written from the eval files'
// schema: no real VRSBench file is public among the fixtures): every caption, question and referring object, the
// 0-100 grid boxes in pixels, with and without images. The error paths are in bad_input_test.cpp.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>

#include "ingest_helpers.h"
#include "mgrs/ingest/manifest.h"
#include "test_support.h"

namespace mgrs::ingest {
namespace {

using testing_helpers::AllRejects;
using testing_helpers::CopyFixtureTree;
using testing_helpers::MustIngest;
using testing_helpers::OpenCatalog;
using testing_helpers::OptionsFor;
using testing_helpers::WritePng;

// The integer column of every row a query returns (the typed queries do not carry the source ids).
std::vector<int64_t> Column(const std::string& catalog_path, const std::string& sql) {
  std::vector<int64_t> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(catalog_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  while (stmt && sqlite3_step(stmt) == SQLITE_ROW) out.push_back(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(VrsbenchReaderTest, GoodTreeRecordByRecordWithoutImages) {
  IngestOptions options =
      OptionsFor(testing::ScratchDir("vrsbench-good"), "vrsbench", testing::FixtureFile("ingest/vrsbench/good"));
  options.read_images = false;
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.files_read, 1);  // the three eval files are one unit: they share their images
  EXPECT_EQ(summary.images, 3);
  EXPECT_EQ(summary.objects_accepted, 3);
  EXPECT_EQ(summary.objects_rejected, 0);
  EXPECT_TRUE(AllRejects(options.catalog_path).empty());
  auto catalog = OpenCatalog(options.catalog_path);
  ASSERT_TRUE(catalog);

  // Images: named by image_id's stem, in the eval split "test", 512x512 when the image is not read.
  auto images = catalog->Images("vrsbench");
  ASSERT_TRUE(images.ok());
  ASSERT_EQ(images->size(), 3u);
  EXPECT_EQ((*images)[0].id, "vrsbench/test/00012_0000");
  EXPECT_EQ((*images)[1].id, "vrsbench/test/P0003_0004");
  EXPECT_EQ((*images)[2].id, "vrsbench/test/P1234_0007");
  for (const Image& image : *images) {
    EXPECT_EQ(image.split, "test");
    EXPECT_EQ(image.width, 512);
    EXPECT_EQ(image.height, 512);
    EXPECT_EQ(image.path, "");  // --no-images
  }
  // VRSBench_train.json is not read.
  EXPECT_FALSE(catalog->FindImage("vrsbench/train/P9999_0001")->has_value());
  EXPECT_TRUE(catalog->Images("vrsbench", "train")->empty());

  // Captions: one per image, as written.
  auto captions = catalog->Captions("vrsbench/test/P0003_0004");
  ASSERT_TRUE(captions.ok());
  ASSERT_EQ(captions->size(), 1u);
  EXPECT_EQ((*captions)[0].text,
            "The image shows a harbor with two white storage tanks at the top left and a ship docked at the bottom.");
  EXPECT_EQ((*catalog->Captions("vrsbench/test/00012_0000"))[0].text,
            "An airport apron with a single white airplane parked near the terminal.");
  EXPECT_EQ(catalog->Captions("vrsbench/test/P1234_0007")->size(), 1u);

  // Referring objects: grid value g -> g * 512 / 100 px, origin top-left; the class is obj_cls.
  auto objects = catalog->Objects("vrsbench/test/P0003_0004");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0].object.raw_class, "storage-tank");
  EXPECT_EQ((*objects)[0].object.hbb, (Box{61.44, 40.96, 128, 107.52}));  // {<12><8><25><21>}
  EXPECT_FALSE((*objects)[0].object.quad.has_value());
  EXPECT_EQ((*objects)[0].line, 1);
  EXPECT_EQ((*objects)[1].object.raw_class, "ship");
  EXPECT_EQ((*objects)[1].object.hbb, (Box{256, 307.2, 384, 506.88}));  // {<50><60><75><99>}
  EXPECT_EQ((*objects)[1].line, 2);
  auto expressions = catalog->Expressions("vrsbench/test/P0003_0004");
  ASSERT_TRUE(expressions.ok());
  ASSERT_EQ(expressions->size(), 2u);
  EXPECT_EQ((*expressions)[0].text, "The white storage tank at the top left of the image.");
  EXPECT_EQ((*expressions)[0].object_id, (*objects)[0].object.id);
  EXPECT_EQ((*expressions)[1].text, "The ship docked at the bottom of the harbor.");
  EXPECT_EQ((*expressions)[1].object_id, (*objects)[1].object.id);
  auto airplane = catalog->Objects("vrsbench/test/00012_0000");
  ASSERT_EQ(airplane->size(), 1u);
  EXPECT_EQ((*airplane)[0].object.hbb, (Box{0, 0, 512, 512}));  // {<0><0><100><100>}: the whole image
  EXPECT_TRUE(catalog->Objects("vrsbench/test/P1234_0007")->empty());

  // Questions: the type normalised (strip + lower case), question and answer as written.
  auto qa = catalog->QaPairs("vrsbench/test/P0003_0004");
  ASSERT_TRUE(qa.ok());
  ASSERT_EQ(qa->size(), 2u);
  EXPECT_EQ((*qa)[0].type, "object quantity");
  EXPECT_EQ((*qa)[0].question, "How many storage tanks are visible?");
  EXPECT_EQ((*qa)[0].answer, "2");
  EXPECT_EQ((*qa)[1].type, "object existence");  // " Object Existence " in the file
  EXPECT_EQ((*qa)[1].answer, "Yes");
  auto colour = catalog->QaPairs("vrsbench/test/00012_0000");
  ASSERT_EQ(colour->size(), 1u);
  EXPECT_EQ((*colour)[0].type, "object color");
  EXPECT_EQ((*colour)[0].answer, "White");
  auto scene = catalog->QaPairs("vrsbench/test/P1234_0007");
  ASSERT_EQ(scene->size(), 1u);
  EXPECT_EQ((*scene)[0].type, "rural or urban");

  // Source ids: question_id of each file.
  EXPECT_EQ(Column(options.catalog_path, "SELECT source_id FROM qa ORDER BY source_id"),
            (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(Column(options.catalog_path, "SELECT source_index FROM expressions ORDER BY source_index"),
            (std::vector<int64_t>{0, 1, 2}));

  auto stats = catalog->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->captions, 3);
  EXPECT_EQ(stats->qa, 4);
  EXPECT_EQ(stats->expressions, 3);
}

TEST(VrsbenchReaderTest, ReadImagesGiveTheGridTheirSize) {
  // P0003_0004 is 256x256 here (VRSBench's are 512x512): its boxes scale with the image it has. P1234_0007 has no
  // image: MISSING_IMAGE, naming the unit (the referring file).
  const std::string scratch = testing::ScratchDir("vrsbench-images");
  const std::string root = CopyFixtureTree("ingest/vrsbench/good", scratch);
  WritePng(root + "/Images_val/P0003_0004.png", 256, 256);
  WritePng(root + "/Images_val/00012_0000.png", 512, 512);
  const IngestOptions options = OptionsFor(scratch, "vrsbench", root);
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 2);
  EXPECT_EQ(summary.objects_accepted, 3);
  const auto rejects = AllRejects(options.catalog_path);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].record.diagnostic.code, "MISSING_IMAGE");
  EXPECT_EQ(rejects[0].record.diagnostic.path, "VRSBench_EVAL_referring.json");
  EXPECT_EQ(rejects[0].record.objects, 0);  // P1234_0007 has a caption and a question, no referring object

  auto catalog = OpenCatalog(options.catalog_path);
  ASSERT_TRUE(catalog);
  auto image = catalog->FindImage("vrsbench/test/P0003_0004");
  ASSERT_TRUE(image.ok() && image->has_value());
  EXPECT_EQ((*image)->path, "Images_val/P0003_0004.png");
  EXPECT_EQ((*image)->width, 256);
  auto objects = catalog->Objects("vrsbench/test/P0003_0004");
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0].object.hbb, (Box{30.72, 20.48, 64, 53.76}));  // {<12><8><25><21>} of 256 px
  EXPECT_EQ((*catalog->Objects("vrsbench/test/00012_0000"))[0].object.hbb, (Box{0, 0, 512, 512}));
}

TEST(VrsbenchReaderTest, ManifestListsTheClassesAndTheEvalSplit) {
  auto manifest = LoadManifest(std::string(MGRS_SOURCE_DIR) + "/manifests/datasets/vrsbench.json");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->format, "vrsbench");
  auto version = manifest->Version("");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ((*version)->classes.size(), 26u);  // datasets.md section 14
  ASSERT_EQ((*version)->splits.count("test"), 1u);
  EXPECT_EQ((*version)->splits.at("test").images, 9350);
  EXPECT_EQ((*version)->splits.at("test").objects, 16159);
}

TEST(VrsbenchReaderTest, ARootWithoutEvalFilesIsNotFound) {
  // Only the training file: nothing this reader reads.
  const std::string scratch = testing::ScratchDir("vrsbench-train-only");
  std::filesystem::create_directories(scratch + "/tree");
  std::filesystem::copy_file(testing::FixtureFile("ingest/vrsbench/good/VRSBench_train.json"),
                             scratch + "/tree/VRSBench_train.json");
  auto summary = Ingest(OptionsFor(scratch, "vrsbench", scratch + "/tree"));
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), StatusCode::kNotFound);
  EXPECT_NE(summary.status().message().find("VRSBench_train.json is not read"), std::string::npos)
      << summary.status().ToString();
}

}  // namespace
}  // namespace mgrs::ingest
