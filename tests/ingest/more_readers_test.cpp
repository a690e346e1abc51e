// The readers of catalog part 2. Real fixtures from tests/data/fixtures where a public file exists (HRRSD XML and
// COCO, NWPU VHR-10 COCO, DIOR-RSVG split files, RSITMD/RSICD precomp captions); otherwise SYNTHETIC fixtures of
// our own in tests/fixtures/ingest/, written from the schemas in research/datasets.md (each test says which).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ingest_helpers.h"
#include "mgrs/core/files.h"
#include "test_support.h"

namespace mgrs::ingest {
namespace {

using testing_helpers::AllRejects;
using testing_helpers::MustIngest;
using testing_helpers::OpenCatalog;
using testing_helpers::OptionsFor;

IngestOptions NoImages(const std::string& scratch_name, const std::string& format, const std::string& root) {
  IngestOptions options = OptionsFor(testing::ScratchDir(scratch_name), format, root);
  options.read_images = false;
  return options;
}

TEST(HrrsdReaderTest, RealXmlsReadOnlyTheObjectNamesNotTheOwnerName) {
  const IngestOptions options = NoImages("hrrsd", "hrrsd", testing::SharedFile("fixtures/hrrsd"));
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 3);
  // <object> elements: 00001.xml 1, 00002.xml 6, 00009.xml 16 (grep -c '<object>').
  EXPECT_EQ(summary.objects_accepted, 23);
  auto catalog = OpenCatalog(options.catalog_path);
  auto classes = catalog->ClassCounts("hrrsd");
  ASSERT_TRUE(classes.ok());
  for (const auto& c : *classes) {
    EXPECT_NE(c.raw_class, "snail_crowling");  // the <owner><name> trap
    EXPECT_TRUE(c.known) << c.raw_class;
  }
  // 00001 and 00002 are in ImageSets/Main/train.txt; 00009 is in none of the fixture's lists.
  EXPECT_TRUE(catalog->FindImage("hrrsd/train/00002")->has_value());
  EXPECT_TRUE(catalog->FindImage("hrrsd/all/00009")->has_value());
  auto objects = catalog->Objects("hrrsd/train/00002");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 6u);
  // First object of 00002.xml: airplane, bndbox 1229 118 1327 234.
  EXPECT_EQ((*objects)[0].object.raw_class, "airplane");
  EXPECT_EQ((*objects)[0].object.hbb, (Box{1229, 118, 1327, 234}));
  EXPECT_FALSE((*objects)[0].object.quad.has_value());
}

TEST(CocoReaderTest, RealHrrsdCocoWithZeroBasedCategories) {
  IngestOptions options = NoImages("coco-hrrsd", "coco", testing::SharedFile("fixtures/hrrsd/COCOFormat"));
  options.name = "hrrsd-coco";
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 100);  // hrrsd_tiny_100_3084.json: 100 images
  auto catalog = OpenCatalog(options.catalog_path);
  // The first annotation: image 7132 ("07132.jpg"), category 0 = bridge, bbox [293, 754, 465, 313].
  auto objects = catalog->Objects("hrrsd-coco/all/07132");
  ASSERT_TRUE(objects.ok());
  ASSERT_FALSE(objects->empty());
  EXPECT_EQ((*objects)[0].object.raw_class, "bridge");
  EXPECT_EQ((*objects)[0].object.hbb, (Box{293, 754, 758, 1067}));
  auto image = catalog->FindImage("hrrsd-coco/all/07132");
  EXPECT_EQ((*image)->width, 1104);  // from the COCO image record under --no-images
}

TEST(NwpuVhrReaderTest, RealCocoReannotation) {
  const IngestOptions options = NoImages("nwpu-coco", "nwpu-vhr", testing::SharedFile("fixtures/nwpu_vhr10"));
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 650);  // SOURCES.md: 650 images, 3,921 annotations
  EXPECT_EQ(summary.objects_accepted, 3921);
  EXPECT_EQ(summary.warnings, 0);  // "storage_tank" etc. are known through their keys
}

TEST(NwpuVhrReaderTest, SyntheticGroundTruthTxt) {
  const IngestOptions options =
      NoImages("nwpu-txt", "nwpu-vhr", testing::FixtureFile("ingest/nwpu_vhr/good"));  // SYNTHETIC
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.objects_accepted, 2);
  auto objects = OpenCatalog(options.catalog_path)->Objects("nwpu-vhr/all/001");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[1].object.raw_class, "vehicle");  // class id 10
  EXPECT_EQ((*objects)[0].object.hbb, (Box{563, 478, 630, 573}));
}

TEST(DiorRsvgReaderTest, RealSplitFilesHoldDisjointGlobalIndices) {
  // The official split files: 26,991 / 3,829 / 7,500 indices, disjoint, together 0..38319.
  std::vector<bool> seen(38320, false);
  size_t total = 0;
  for (const char* split : {"train", "val", "test"}) {
    auto reader = LineReader::Open(testing::SharedFile(std::string("fixtures/dior_rsvg/") + split + ".txt"));
    ASSERT_TRUE(reader.ok());
    std::string line;
    while (reader->Next(&line)) {
      const int index = std::stoi(line);
      ASSERT_TRUE(index >= 0 && index < 38320) << line;
      EXPECT_FALSE(seen[index]) << index;
      seen[index] = true;
      ++total;
    }
  }
  EXPECT_EQ(total, 38320u);
}

TEST(DiorRsvgReaderTest, SyntheticTreeSplitsObjectsByGlobalIndex) {
  // SYNTHETIC XMLs (no DIOR-RSVG XML is public): 00001 holds objects 0 and 1, 00002 object 2; train = {0, 2},
  // test = {1}. So 00001 appears in train and in test.
  const IngestOptions options = NoImages("rsvg", "dior-rsvg", testing::FixtureFile("ingest/dior_rsvg/good"));
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 3);
  EXPECT_EQ(summary.objects_accepted, 3);
  auto catalog = OpenCatalog(options.catalog_path);
  auto train = catalog->Expressions("dior-rsvg/train/00001");
  ASSERT_TRUE(train.ok());
  ASSERT_EQ(train->size(), 1u);
  EXPECT_EQ((*train)[0].text, "the ship at the top left");
  auto test = catalog->Expressions("dior-rsvg/test/00001");
  ASSERT_TRUE(test.ok());
  ASSERT_EQ(test->size(), 1u);
  EXPECT_EQ((*test)[0].text, "the service area in the middle");
  auto objects = catalog->Objects("dior-rsvg/test/00001");
  ASSERT_EQ(objects->size(), 1u);
  EXPECT_EQ((*test)[0].object_id, (*objects)[0].object.id);  // the expression points at its object
  EXPECT_EQ(catalog->Expressions("dior-rsvg/train/00002")->size(), 1u);
}

TEST(DiorRsvgReaderTest, ExpressionsFollowTheirObjectsPastARejectedOne) {
  // SYNTHETIC XML written here: object 0 has no width (rejected, DEGENERATE_BOX), object 1 is good. Its expression
  // must point at it, and object 0's must go with its object.
  const std::string scratch = testing::ScratchDir("rsvg-rejected-object");
  std::filesystem::create_directories(scratch + "/tree/Annotations");
  std::ofstream(scratch + "/tree/Annotations/00001.xml") << R"(<annotation>
  <size><width>800</width><height>800</height><depth>3</depth></size>
  <object><name>ship</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>10</xmax><ymax>50</ymax></bndbox>
    <description>the flat ship</description></object>
  <object><name>dam</name><bndbox><xmin>100</xmin><ymin>100</ymin><xmax>300</xmax><ymax>260</ymax></bndbox>
    <description>the dam in the middle</description></object>
</annotation>
)";
  std::ofstream(scratch + "/tree/test.txt") << "0\n1\n";
  IngestOptions options = OptionsFor(scratch, "dior-rsvg", scratch + "/tree");
  options.read_images = false;
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.objects_accepted, 1);
  EXPECT_EQ(summary.rejects_by_code.at("DEGENERATE_BOX"), 1);
  auto catalog = OpenCatalog(options.catalog_path);
  auto objects = catalog->Objects("dior-rsvg/test/00001");
  auto expressions = catalog->Expressions("dior-rsvg/test/00001");
  ASSERT_TRUE(objects.ok() && expressions.ok());
  ASSERT_EQ(objects->size(), 1u);
  ASSERT_EQ(expressions->size(), 1u);
  EXPECT_EQ((*expressions)[0].text, "the dam in the middle");
  EXPECT_EQ((*expressions)[0].object_id, (*objects)[0].object.id);
}

TEST(VisDroneReaderTest, SyntheticLinesWithATrailingComma) {
  // SYNTHETIC (no VisDrone annotation file is public): line 1 an ignored region (score 0), line 2 a car.
  const IngestOptions options = NoImages("visdrone", "visdrone", testing::FixtureFile("ingest/visdrone/good"));
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.objects_accepted, 2);
  auto objects = OpenCatalog(options.catalog_path)->Objects("visdrone/val/0000001");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0].object.raw_class, "ignored-regions");
  EXPECT_TRUE((*objects)[0].object.difficult);
  EXPECT_EQ((*objects)[1].object.raw_class, "car");
  EXPECT_EQ((*objects)[1].object.hbb, (Box{406, 119, 671, 189}));
}

TEST(RsodReaderTest, SyntheticClassArchive) {
  const IngestOptions options = NoImages("rsod", "rsod", testing::FixtureFile("ingest/rsod/good"));  // SYNTHETIC
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.objects_accepted, 2);
  EXPECT_TRUE(OpenCatalog(options.catalog_path)->FindImage("rsod/all/aircraft_1")->has_value());
}

TEST(PrecompCaptionsReaderTest, RealRsitmdTestCaptions) {
  IngestOptions options =
      NoImages("precomp", "captions-precomp", testing::SharedFile("fixtures/captions_precomp/rsitmd_precomp"));
  options.name = "rsitmd";
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 452);  // 2,260 lines / 5
  auto captions = OpenCatalog(options.catalog_path)->Captions("rsitmd/test/boat_0");
  ASSERT_TRUE(captions.ok());
  ASSERT_EQ(captions->size(), 5u);
  EXPECT_EQ((*captions)[0].text, "Two large ships loaded with cargo were moored on both sides of the gray port.");
}

TEST(KarpathyCaptionsReaderTest, SyntheticJsonKeepsSplitsAndSkipsEmptyCaptions) {
  IngestOptions options =
      NoImages("karpathy", "captions-karpathy", testing::FixtureFile("ingest/captions_karpathy/empty_text"));
  options.name = "ucm-captions";
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 2);
  EXPECT_EQ(summary.rejects_by_code.at("EMPTY_TEXT"), 1);
  auto catalog = OpenCatalog(options.catalog_path);
  EXPECT_EQ(catalog->Captions("ucm-captions/train/1")->size(), 2u);
  EXPECT_EQ(catalog->Captions("ucm-captions/test/2")->size(), 1u);
}

TEST(NwpuCaptionsReaderTest, SyntheticJsonGivesFiveCaptionsAndASceneLabel) {
  const IngestOptions options =
      NoImages("nwpu-captions", "captions-nwpu", testing::FixtureFile("ingest/captions_nwpu/good"));  // SYNTHETIC
  MustIngest(options);
  auto catalog = OpenCatalog(options.catalog_path);
  EXPECT_EQ(catalog->Captions("captions-nwpu/test/beach_001")->size(), 5u);
  auto label = catalog->SceneLabelOf("captions-nwpu/train/airplane_001");
  ASSERT_TRUE(label.ok() && label->has_value());
  EXPECT_EQ((*label)->label, "airplane");
}

TEST(RsvqaReaderTest, SyntheticSplitReadsOnlyActiveQuestions) {
  // SYNTHETIC LR test split: questions 0 and 2 are good (image 0), 1 is inactive, 3 points at an inactive image,
  // 4 at a missing answer.
  IngestOptions options = NoImages("rsvqa", "rsvqa", testing::FixtureFile("ingest/rsvqa/dangling_reference"));
  options.name = "rsvqa-lr";
  options.manifest_path = MGRS_SOURCE_DIR "/manifests/datasets/rsvqa.json";
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 1);
  auto qa = OpenCatalog(options.catalog_path)->QaPairs("rsvqa-lr/test/0");
  ASSERT_TRUE(qa.ok());
  ASSERT_EQ(qa->size(), 2u);
  EXPECT_EQ((*qa)[0].type, "presence");
  EXPECT_EQ((*qa)[0].answer, "yes");
  EXPECT_EQ((*qa)[1].type, "comparison");  // "comp" in the JSON
}

TEST(SceneFoldersReaderTest, ClassFoldersWithRealImages) {
  const std::string scratch = testing::ScratchDir("scene");
  for (const char* path : {"/tree/BaseballField/baseballfield_1.png", "/tree/BaseballField/baseballfield_2.png",
                           "/tree/Viaduct/viaduct_7.png"}) {
    testing_helpers::WritePng(scratch + path, 24, 16);
  }
  std::ofstream(scratch + "/tree/Viaduct/notes.txt") << "not an image\n";
  IngestOptions options = OptionsFor(scratch, "scene-folders", scratch + "/tree");
  options.name = "aid";
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 3);
  auto catalog = OpenCatalog(options.catalog_path);
  auto label = catalog->SceneLabelOf("aid/all/viaduct_7");
  ASSERT_TRUE(label.ok() && label->has_value());
  EXPECT_EQ((*label)->label, "Viaduct");
  EXPECT_EQ((*catalog->FindImage("aid/all/viaduct_7"))->width, 24);
}

}  // namespace
}  // namespace mgrs::ingest
