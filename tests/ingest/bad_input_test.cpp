// One bad-input fixture per reject code (tests/fixtures/ingest/<format>/<code>/): each becomes a reject with its
// file, line and code, and the run goes on. Images the fixtures need are written at test time.
#include <gtest/gtest.h>

#include <fstream>

#include "ingest_helpers.h"
#include "test_support.h"

namespace mgrs::ingest {
namespace {

using testing_helpers::AllRejects;
using testing_helpers::CopyFixtureTree;
using testing_helpers::MustIngest;
using testing_helpers::OptionsFor;
using testing_helpers::WritePng;

struct Expected {
  std::string file;
  int64_t line;
  std::string code;
  Severity severity;
};

// Ingests the fixture and checks that the rejects are exactly `expected`, in order.
IngestSummary ExpectRejects(const IngestOptions& options, const std::vector<Expected>& expected) {
  const IngestSummary summary = MustIngest(options);
  const auto rejects = AllRejects(options.catalog_path);
  EXPECT_EQ(rejects.size(), expected.size());
  for (size_t i = 0; i < std::min(rejects.size(), expected.size()); ++i) {
    const Diagnostic& d = rejects[i].record.diagnostic;
    EXPECT_EQ(d.path, expected[i].file) << d.ToString();
    EXPECT_EQ(d.line, expected[i].line) << d.ToString();
    EXPECT_EQ(d.code, expected[i].code) << d.ToString();
    EXPECT_EQ(d.severity, expected[i].severity) << d.ToString();
  }
  return summary;
}

IngestOptions NoImages(const std::string& name, const std::string& format, const std::string& fixture) {
  const std::string scratch = testing::ScratchDir(name);
  IngestOptions options = OptionsFor(scratch, format, testing::FixtureFile(fixture));
  options.read_images = false;
  return options;
}

constexpr Severity kError = Severity::kError;
constexpr Severity kWarning = Severity::kWarning;
const std::string kDotaFile = "labelTxt/T0001.txt";

TEST(BadInputTest, TruncatedLine) {
  const auto summary = ExpectRejects(NoImages("bad-truncated", "dota", "ingest/dota/truncated_line"),
                                     {{kDotaFile, 4, "TRUNCATED_LINE", kError}});
  EXPECT_EQ(summary.objects_accepted, 2);  // the lines before and after are kept
  EXPECT_EQ(summary.objects_rejected, 1);
}

TEST(BadInputTest, ExtraFields) {
  ExpectRejects(NoImages("bad-extra", "dota", "ingest/dota/extra_fields"), {{kDotaFile, 2, "EXTRA_FIELDS", kError}});
}

TEST(BadInputTest, NonNumericCoordinateAndDifficulty) {
  ExpectRejects(NoImages("bad-number", "dota", "ingest/dota/bad_number"),
                {{kDotaFile, 2, "BAD_NUMBER", kError}, {kDotaFile, 3, "BAD_NUMBER", kError}});
}

TEST(BadInputTest, BadGsdHeaderIsAWarning) {
  const auto summary =
      ExpectRejects(NoImages("bad-header", "dota", "ingest/dota/bad_header"), {{kDotaFile, 2, "BAD_HEADER", kWarning}});
  EXPECT_EQ(summary.objects_accepted, 1);
}

TEST(BadInputTest, InvalidUtf8) {
  ExpectRejects(NoImages("bad-utf8", "dota", "ingest/dota/invalid_utf8"), {{kDotaFile, 2, "INVALID_UTF8", kError}});
}

TEST(BadInputTest, UnknownClassIsKeptAndFlaggedByDefault) {
  const IngestOptions options = NoImages("bad-class-keep", "dota", "ingest/dota/unknown_class");
  const auto summary = ExpectRejects(options, {{kDotaFile, 2, "UNKNOWN_CLASS", kWarning}});
  EXPECT_EQ(summary.objects_accepted, 2);
  auto catalog = testing_helpers::OpenCatalog(options.catalog_path);
  auto objects = catalog->Objects("dota/all/T0001");
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ((*objects)[1].flags, catalog::kFlagUnknownClass);
  auto classes = catalog->ClassCounts("dota");
  ASSERT_TRUE(classes.ok());
  ASSERT_EQ(classes->size(), 2u);
  EXPECT_FALSE((*classes)[1].known);  // "spaceship", after "plane"
}

TEST(BadInputTest, UnknownClassIsRejectedWhenTheManifestSaysSo) {
  IngestOptions options = NoImages("bad-class-reject", "dota", "ingest/dota/unknown_class");
  options.manifest_path = testing::FixtureFile("ingest/dota/reject_policy_manifest.json");
  const auto summary = ExpectRejects(options, {{kDotaFile, 2, "UNKNOWN_CLASS", kError}});
  EXPECT_EQ(summary.objects_accepted, 1);
}

TEST(BadInputTest, BoxesOutsideTheImageAreClampedOrRejected) {
  const std::string scratch = testing::ScratchDir("bad-bounds-clamp");
  const std::string root = CopyFixtureTree("ingest/dota/out_of_bounds", scratch);
  WritePng(root + "/images/T0001.png", 100, 100);
  IngestOptions options = OptionsFor(scratch, "dota", root);
  // Line 2 (x 90..130) is clamped to the 100 px width; line 3 (200..240) lies entirely outside.
  const auto summary =
      ExpectRejects(options, {{kDotaFile, 2, "OUT_OF_BOUNDS", kWarning}, {kDotaFile, 3, "OUT_OF_BOUNDS", kError}});
  EXPECT_EQ(summary.objects_accepted, 2);
  auto catalog = testing_helpers::OpenCatalog(options.catalog_path);
  auto objects = catalog->Objects("dota/all/T0001");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[1].object.hbb, (Box{90, 10, 100, 40}));
  EXPECT_EQ((*(*objects)[1].object.quad)[1], (Point{130, 10}));  // the quad stays as given
  EXPECT_EQ((*objects)[1].flags, catalog::kFlagClamped);
}

TEST(BadInputTest, BoxesOutsideTheImageAreRejectedWhenTheManifestSaysSo) {
  const std::string scratch = testing::ScratchDir("bad-bounds-reject");
  const std::string root = CopyFixtureTree("ingest/dota/out_of_bounds", scratch);
  WritePng(root + "/images/T0001.png", 100, 100);
  IngestOptions options = OptionsFor(scratch, "dota", root);
  options.manifest_path = testing::FixtureFile("ingest/dota/reject_policy_manifest.json");
  const auto summary =
      ExpectRejects(options, {{kDotaFile, 2, "OUT_OF_BOUNDS", kError}, {kDotaFile, 3, "OUT_OF_BOUNDS", kError}});
  EXPECT_EQ(summary.objects_accepted, 1);
}

TEST(BadInputTest, DegenerateBox) {
  ExpectRejects(NoImages("bad-degenerate", "dota", "ingest/dota/degenerate_box"),
                {{kDotaFile, 2, "DEGENERATE_BOX", kError}});
}

TEST(BadInputTest, SelfIntersectingQuadIsKeptWithAWarning) {
  const auto summary = ExpectRejects(NoImages("bad-quad", "dota", "ingest/dota/invalid_quad"),
                                     {{kDotaFile, 2, "INVALID_QUAD", kWarning}});
  EXPECT_EQ(summary.objects_accepted, 2);
}

TEST(BadInputTest, MissingImageRejectsTheFileAndCountsItsObjects) {
  const std::string scratch = testing::ScratchDir("bad-missing-image");
  IngestOptions options = OptionsFor(scratch, "dota", testing::FixtureFile("ingest/dota/missing_image"));
  const auto summary = ExpectRejects(options, {{kDotaFile, 0, "MISSING_IMAGE", kError}});
  EXPECT_EQ(summary.images, 0);
  EXPECT_EQ(summary.objects_rejected, 2);
}

TEST(BadInputTest, UnreadableImage) {
  const std::string scratch = testing::ScratchDir("bad-unreadable-image");
  IngestOptions options = OptionsFor(scratch, "dota", testing::FixtureFile("ingest/dota/unreadable_image"));
  const auto summary = ExpectRejects(options, {{kDotaFile, 0, "UNREADABLE_IMAGE", kError}});
  EXPECT_EQ(summary.objects_rejected, 1);
}

TEST(BadInputTest, DuplicateImageName) {
  // a/labelTxt/T0001.txt and b/labelTxt/T0001.txt both name dota/all/T0001; the second (2 objects) is rejected.
  const auto summary = ExpectRejects(NoImages("bad-duplicate", "dota", "ingest/dota/duplicate_image"),
                                     {{"b/labelTxt/T0001.txt", 0, "DUPLICATE_IMAGE", kError}});
  EXPECT_EQ(summary.images, 1);
  EXPECT_EQ(summary.objects_accepted, 1);
  EXPECT_EQ(summary.objects_rejected, 2);
  EXPECT_EQ(summary.rejects_by_code.at("DUPLICATE_IMAGE"), 1);
}

TEST(BadInputTest, AnnotationSizeDisagreeingWithTheImage) {
  const std::string scratch = testing::ScratchDir("bad-size");
  const std::string root = CopyFixtureTree("ingest/dior/size_mismatch", scratch);
  WritePng(root + "/JPEGImages/00001.png", 800, 800);  // the XML says 900x900
  const auto summary =
      ExpectRejects(OptionsFor(scratch, "dior", root), {{"Annotations/00001.xml", 0, "SIZE_MISMATCH", kWarning}});
  EXPECT_EQ(summary.objects_accepted, 1);
}

TEST(BadInputTest, MalformedXml) {
  const auto summary = ExpectRejects(NoImages("bad-xml", "dior", "ingest/dior/bad_xml"),
                                     {{"Annotations/00001.xml", 13, "BAD_XML", kError}});
  EXPECT_EQ(summary.images, 0);
}

TEST(BadInputTest, ObjectWithoutName) {
  const auto summary = ExpectRejects(NoImages("bad-field", "dior", "ingest/dior/missing_field"),
                                     {{"Annotations/00001.xml", 15, "MISSING_FIELD", kError}});
  EXPECT_EQ(summary.objects_accepted, 1);
}

TEST(BadInputTest, Fair1mObjectWithThreePoints) {
  const auto summary = ExpectRejects(NoImages("bad-points", "fair1m", "ingest/fair1m/bad_points"),
                                     {{"train/labelXml/0.xml", 9, "BAD_POINTS", kError}});
  EXPECT_EQ(summary.objects_accepted, 1);
}

// Catalog part 2: the bad-input fixtures of the JSON and text readers (all SYNTHETIC, see the fixture folder).
const std::string kCoco = "annotations/instances_val.json";

TEST(BadInputTest, MalformedJsonNamesTheLine) {
  const auto summary =
      ExpectRejects(NoImages("bad-json", "coco", "ingest/coco/bad_json"), {{kCoco, 3, "BAD_JSON", kError}});
  EXPECT_EQ(summary.images, 0);
}

TEST(BadInputTest, CocoUnknownCategoryId) {
  ExpectRejects(NoImages("bad-coco-category", "coco", "ingest/coco/unknown_category"),
                {{kCoco, 2, "UNKNOWN_CATEGORY", kError}});
}

TEST(BadInputTest, CocoAnnotationOfAMissingImage) {
  ExpectRejects(NoImages("bad-coco-image", "coco", "ingest/coco/dangling_reference"),
                {{kCoco, 2, "DANGLING_REFERENCE", kError}});
}

TEST(BadInputTest, CocoAnnotationWithoutBbox) {
  ExpectRejects(NoImages("bad-coco-field", "coco", "ingest/coco/missing_field"), {{kCoco, 1, "MISSING_FIELD", kError}});
}

TEST(BadInputTest, NwpuVhrClassIdOutOfRange) {
  ExpectRejects(NoImages("bad-nwpu-class", "nwpu-vhr", "ingest/nwpu_vhr/unknown_category"),
                {{"ground truth/001.txt", 2, "UNKNOWN_CATEGORY", kError}});
}

TEST(BadInputTest, VisDroneCategoryOutOfRange) {
  ExpectRejects(NoImages("bad-visdrone-class", "visdrone", "ingest/visdrone/unknown_category"),
                {{"VisDrone2019-DET-val/annotations/0000001.txt", 2, "UNKNOWN_CATEGORY", kError}});
}

TEST(BadInputTest, DiorRsvgSplitIndexOutOfRange) {
  // 3 objects in all (indices 0..2); test.txt line 2 says 3.
  ExpectRejects(NoImages("bad-rsvg-index", "dior-rsvg", "ingest/dior_rsvg/index_out_of_range"),
                {{"test.txt", 2, "INDEX_OUT_OF_RANGE", kError}});
}

TEST(BadInputTest, RsvqaQuestionsPointingAtMissingImagesOrAnswers) {
  IngestOptions options = NoImages("bad-rsvqa", "rsvqa", "ingest/rsvqa/dangling_reference");
  ExpectRejects(options, {{"LR_split_test_questions.json", 4, "DANGLING_REFERENCE", kError},
                          {"LR_split_test_questions.json", 5, "DANGLING_REFERENCE", kError}});
}

TEST(BadInputTest, PrecompCaptionWithoutAFileName) {
  ExpectRejects(NoImages("bad-precomp", "captions-precomp", "ingest/captions_precomp/unpaired_line"),
                {{"test_caps.txt", 3, "UNPAIRED_LINE", kError}});
}

TEST(BadInputTest, EmptyCaptionIsLeftOutWithAWarning) {
  ExpectRejects(NoImages("bad-empty-caption", "captions-karpathy", "ingest/captions_karpathy/empty_text"),
                {{"dataset.json", 2, "EMPTY_TEXT", kWarning}});
}

// The documented longest annotation line (docs/catalog.md, LINE_TOO_LONG).
constexpr size_t kMaxLineBytes = size_t{1} << 20;

// Copies the fixture and pads line `line` of `file` (inside the copy) with spaces past kMaxLineBytes: the rest of
// the line would parse, so only the limit refuses it.
IngestOptions WithOverlongLine(const std::string& name, const std::string& format, const std::string& fixture,
                               const std::string& file, int64_t line) {
  const std::string scratch = testing::ScratchDir(name);
  const std::string root = CopyFixtureTree(fixture, scratch);
  const std::string path = root + "/" + file;
  std::string text = testing::Slurp(path), padded;
  int64_t number = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    padded += text.substr(start, end - start);
    if (++number == line) padded += std::string(kMaxLineBytes, ' ');
    padded += '\n';
    start = end + 1;
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << padded;
  IngestOptions options = OptionsFor(scratch, format, root);
  options.read_images = false;
  return options;
}

TEST(BadInputTest, DotaLineLongerThanTheLimitIsLeftOutAndTheOthersRead) {
  const auto summary =
      ExpectRejects(WithOverlongLine("bad-long-dota", "dota", "ingest/dota/line_too_long", kDotaFile, 4),
                    {{kDotaFile, 4, "LINE_TOO_LONG", kError}});
  EXPECT_EQ(summary.objects_accepted, 2);
  EXPECT_EQ(summary.objects_rejected, 1);
}

TEST(BadInputTest, PrecompCaptionLongerThanTheLimitIsLeftOutWithItsPair) {
  IngestOptions options = WithOverlongLine("bad-long-precomp", "captions-precomp",
                                           "ingest/captions_precomp/line_too_long", "test_caps.txt", 2);
  options.name = "rsitmd";
  const auto summary = ExpectRejects(options, {{"test_caps.txt", 2, "LINE_TOO_LONG", kError}});
  EXPECT_EQ(summary.images, 2);
  auto catalog = testing_helpers::OpenCatalog(options.catalog_path);
  EXPECT_EQ(catalog->Captions("rsitmd/test/port_1")->size(), 1u);
  EXPECT_EQ(catalog->Captions("rsitmd/test/airport_1")->size(), 1u);
}

// VRSBench eval files (SYNTHETIC, tests/fixtures/ingest/vrsbench/): a record's "line" is its position in its array.
const std::string kVrsCap = "VRSBench_EVAL_Cap.json";
const std::string kVrsReferring = "VRSBench_EVAL_referring.json";
const std::string kVrsVqa = "VRSBench_EVAL_vqa.json";

TEST(BadInputTest, VrsbenchRecordsWithoutTheirFields) {
  // Cap record 2: no ground_truth; referring 1: no obj_cls; vqa 2: no type, 3: an empty question, 4: no image_id;
  // other/: a second unit whose vqa file is an object instead of an array.
  const IngestOptions options = NoImages("bad-vrs-field", "vrsbench", "ingest/vrsbench/missing_field");
  const auto summary = ExpectRejects(options, {{kVrsCap, 2, "MISSING_FIELD", kError},
                                               {kVrsReferring, 1, "MISSING_FIELD", kError},
                                               {kVrsVqa, 2, "MISSING_FIELD", kError},
                                               {kVrsVqa, 3, "MISSING_FIELD", kError},
                                               {kVrsVqa, 4, "MISSING_FIELD", kError},
                                               {"other/" + kVrsVqa, 0, "MISSING_FIELD", kError}});
  EXPECT_EQ(summary.objects_accepted, 1);
  EXPECT_EQ(summary.objects_rejected, 1);  // the referring record without a class
  auto catalog = testing_helpers::OpenCatalog(options.catalog_path);
  EXPECT_EQ(catalog->Captions("vrsbench/test/P0003_0004")->size(), 1u);
  EXPECT_EQ(catalog->QaPairs("vrsbench/test/P0003_0004")->size(), 1u);
  EXPECT_FALSE(catalog->FindImage("vrsbench/test/00012_0000")->has_value());  // named only by the bad caption
}

TEST(BadInputTest, VrsbenchQuestionIdsAndGridValuesThatAreNotNumbers) {
  // referring 1: question_id "seven"; 2: a grid value 130 (past 100); 3: a grid value "x"; vqa 1: question_id -1.
  const auto summary = ExpectRejects(NoImages("bad-vrs-number", "vrsbench", "ingest/vrsbench/bad_number"),
                                     {{kVrsReferring, 1, "BAD_NUMBER", kError},
                                      {kVrsReferring, 2, "BAD_NUMBER", kError},
                                      {kVrsReferring, 3, "BAD_NUMBER", kError},
                                      {kVrsVqa, 1, "BAD_NUMBER", kError}});
  EXPECT_EQ(summary.objects_accepted, 1);
  EXPECT_EQ(summary.objects_rejected, 3);
}

TEST(BadInputTest, VrsbenchGroundTruthThatIsNotAGridBox) {
  // referring 1: three values; 2: "[50, 60, 75, 99]"; 3: a GeoChat angle "|<0>" (VRSBench boxes have none).
  const auto summary = ExpectRejects(NoImages("bad-vrs-box", "vrsbench", "ingest/vrsbench/bad_box"),
                                     {{kVrsReferring, 1, "BAD_BOX", kError},
                                      {kVrsReferring, 2, "BAD_BOX", kError},
                                      {kVrsReferring, 3, "BAD_BOX", kError}});
  EXPECT_EQ(summary.objects_accepted, 1);
  EXPECT_EQ(summary.objects_rejected, 3);
}

TEST(BadInputTest, VrsbenchBoxNarrowerThanOneGridCell) {
  // Record 1 is {<10><20><10><30>}: no width. Record 2, on the same image, keeps its own expression.
  const IngestOptions options = NoImages("bad-vrs-degenerate", "vrsbench", "ingest/vrsbench/degenerate_box");
  const auto summary = ExpectRejects(options, {{kVrsReferring, 1, "DEGENERATE_BOX", kError}});
  EXPECT_EQ(summary.objects_accepted, 1);
  const auto rejects = AllRejects(options.catalog_path);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_NE(rejects[0].record.diagnostic.raw.find("{<10><20><10><30>}"), std::string::npos);  // the record's JSON
  auto catalog = testing_helpers::OpenCatalog(options.catalog_path);
  auto objects = catalog->Objects("vrsbench/test/P0003_0004");
  auto expressions = catalog->Expressions("vrsbench/test/P0003_0004");
  ASSERT_TRUE(objects.ok() && expressions.ok());
  ASSERT_EQ(objects->size(), 1u);
  ASSERT_EQ(expressions->size(), 1u);
  EXPECT_EQ((*expressions)[0].text, "The ship docked at the bottom of the harbor.");
  EXPECT_EQ((*expressions)[0].object_id, (*objects)[0].object.id);
}

TEST(BadInputTest, VrsbenchEmptyCaptionAndExpressionAreWarnings) {
  // The image is stored; the caption is left out; the object is stored without an expression.
  const IngestOptions options = NoImages("bad-vrs-empty", "vrsbench", "ingest/vrsbench/empty_text");
  const auto summary =
      ExpectRejects(options, {{kVrsCap, 1, "EMPTY_TEXT", kWarning}, {kVrsReferring, 1, "EMPTY_TEXT", kWarning}});
  EXPECT_EQ(summary.images, 1);
  EXPECT_EQ(summary.objects_accepted, 1);
  auto catalog = testing_helpers::OpenCatalog(options.catalog_path);
  EXPECT_TRUE(catalog->Captions("vrsbench/test/P0003_0004")->empty());
  EXPECT_TRUE(catalog->Expressions("vrsbench/test/P0003_0004")->empty());
}

TEST(BadInputTest, VrsbenchClassOutsideTheManifest) {
  // "Storage-Tank" is known through its key; "spaceship" is kept and flagged.
  const auto summary = ExpectRejects(NoImages("bad-vrs-class", "vrsbench", "ingest/vrsbench/unknown_class"),
                                     {{kVrsReferring, 2, "UNKNOWN_CLASS", kWarning}});
  EXPECT_EQ(summary.objects_accepted, 2);
}

TEST(BadInputTest, VrsbenchMalformedFileLeavesTheOthers) {
  // The vqa file is cut short (line 4); the caption file is still stored.
  const IngestOptions options = NoImages("bad-vrs-json", "vrsbench", "ingest/vrsbench/bad_json");
  const auto summary = ExpectRejects(options, {{kVrsVqa, 4, "BAD_JSON", kError}});
  EXPECT_EQ(summary.images, 1);
  auto catalog = testing_helpers::OpenCatalog(options.catalog_path);
  EXPECT_EQ(catalog->Captions("vrsbench/test/P0003_0004")->size(), 1u);
  EXPECT_TRUE(catalog->QaPairs("vrsbench/test/P0003_0004")->empty());
}

}  // namespace
}  // namespace mgrs::ingest
