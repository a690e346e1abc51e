// The instruction set on real fixtures ingested through the ingest library: DOTA devkit labels, DIOR, DIOR-RSVG,
// RSITMD precomp captions, VRSBench, and scene folders written here.
#include "mgrs/instruct/instruct.h"
#include "mgrs/instruct/config.h"
#include "mgrs/instruct/templates.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <opencv2/core.hpp>

#include "mgrs/catalog/bulk_writer.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/core/sample.h"
#include "mgrs/ingest/ingest.h"
#include "mgrs/metrics/boxes.h"
#include "mgrs/metrics/scorer.h"
#include "mgrs/raster/raster.h"
#include "test_support.h"

namespace mgrs::instruct {
namespace {

namespace fs = std::filesystem;

void WriteImage(const std::string& path, int width, int height) {
  fs::create_directories(fs::path(path).parent_path());
  const Status status = raster::WritePixels(path, cv::Mat(height, width, CV_8UC3, cv::Scalar(90, 120, 100)));
  ASSERT_TRUE(status.ok()) << status.ToString();
}

void Ingest(const std::string& catalog, const std::string& format, const std::string& name, const std::string& root,
            const std::string& split = "") {
  ingest::IngestOptions options;
  options.catalog_path = catalog;
  options.format = format;
  options.name = name;
  options.root = root;
  options.split = split;
  auto summary = ingest::Ingest(options);
  ASSERT_TRUE(summary.ok()) << name << ": " << summary.status().ToString();
  EXPECT_EQ(summary->errors, 0) << name;
}

// DOTA's devkit labels with images of a size that holds every box (the devkit ships one of the seven images).
std::string DotaTree(const std::string& scratch) {
  const std::string root = scratch + "/dota";
  fs::copy(testing::SharedFile("fixtures/dota/devkit_example"), root, fs::copy_options::recursive);
  for (const auto& entry : fs::directory_iterator(root + "/labelTxt")) {
    const std::string image = root + "/images/" + entry.path().stem().string() + ".png";
    if (fs::exists(image)) continue;
    std::ifstream in(entry.path());
    double extent = 0;
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      double v;
      for (int k = 0; k < 8 && fields >> v; ++k) extent = std::max(extent, v);
    }
    WriteImage(image, static_cast<int>(extent) + 8, static_cast<int>(extent) + 8);
  }
  return root;
}

std::string WithImages(const std::string& fixture, const std::string& scratch, const std::string& name,
                       const std::vector<std::pair<std::string, int>>& images) {
  const std::string root = scratch + "/" + name;
  fs::copy(fixture, root, fs::copy_options::recursive);
  for (const auto& [path, size] : images) WriteImage(root + "/" + path, size, size);
  return root;
}

std::string PrecompTree(const std::string& scratch) {
  const std::string root = scratch + "/rsitmd";
  fs::copy(testing::SharedFile("fixtures/captions_precomp/rsitmd_precomp"), root, fs::copy_options::recursive);
  std::ifstream names(root + "/test_filename.txt");
  std::set<std::string> seen;
  for (std::string name; std::getline(names, name);) {
    if (!name.empty() && seen.insert(name).second) WriteImage(root + "/images/" + name, 16, 16);
  }
  return root;
}

std::string SceneTree(const std::string& scratch) {
  const std::string root = scratch + "/scenes";
  for (const char* scene : {"airport", "harbor", "dense_residential"}) {
    for (int k = 0; k < 2; ++k) WriteImage(root + "/" + scene + "/" + scene + "_" + std::to_string(k) + ".png", 32, 32);
  }
  return root;
}

std::vector<Sample> ReadSamples(const std::string& path) {
  std::vector<Sample> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto sample = SampleFromJson(nlohmann::json::parse(line));
    EXPECT_TRUE(sample.ok()) << sample.status().ToString() << "\n" << line;
    if (sample.ok()) out.push_back(*sample);
  }
  return out;
}

std::string Slurp(const std::string& path) {
  auto text = ReadFile(path);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

InstructOptions OptionsInto(const std::string& catalog, const std::string& out, uint64_t seed, int jobs) {
  InstructOptions options;
  options.catalog_path = catalog;
  options.config_path = testing::FixtureFile("instruct/config.json");
  options.templates_dir = std::string(MGRS_SOURCE_DIR) + "/manifests/templates";
  options.out_dir = out;
  options.seed = seed;
  options.jobs = jobs;
  return options;
}

class InstructTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new std::string(testing::ScratchDir("instruct"));
    catalog_ = new std::string(*scratch_ + "/catalog.sqlite");
    Ingest(*catalog_, "dota", "dota", DotaTree(*scratch_), "train");
    Ingest(*catalog_, "dior", "dior", testing::SharedFile("fixtures/dior"));
    Ingest(*catalog_, "dior-rsvg", "dior-rsvg",
           WithImages(testing::FixtureFile("ingest/dior_rsvg/good"), *scratch_, "dior-rsvg",
                      {{"JPEGImages/00001.jpg", 800}, {"JPEGImages/00002.jpg", 800}}));
    Ingest(*catalog_, "vrsbench", "vrsbench",
           WithImages(testing::FixtureFile("ingest/vrsbench/good"), *scratch_, "vrsbench",
                      {{"Images_val/P0003_0004.png", 512},
                       {"Images_val/00012_0000.png", 512},
                       {"Images_val/P1234_0007.png", 512}}));
    Ingest(*catalog_, "captions-precomp", "rsitmd", PrecompTree(*scratch_));
    Ingest(*catalog_, "scene-folders", "scenes", SceneTree(*scratch_), "test");
    out_ = new std::string(*scratch_ + "/out");
    auto summary = RunInstruct(OptionsInto(*catalog_, *out_, 7, 2));
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    summary_ = new InstructSummary(*summary);
  }
  static void TearDownTestSuite() {
    delete scratch_;
    delete catalog_;
    delete out_;
    delete summary_;
  }

  static std::vector<Sample> Both() {
    auto train = ReadSamples(*out_ + "/train.jsonl");
    auto test = ReadSamples(*out_ + "/test.jsonl");
    train.insert(train.end(), test.begin(), test.end());
    return train;
  }

  static std::string* scratch_;
  static std::string* catalog_;
  static std::string* out_;
  static InstructSummary* summary_;
};

std::string* InstructTest::scratch_ = nullptr;
std::string* InstructTest::catalog_ = nullptr;
std::string* InstructTest::out_ = nullptr;
InstructSummary* InstructTest::summary_ = nullptr;

TEST_F(InstructTest, EveryTaskIsOnBothSides) {
  std::map<std::string, std::set<std::string>> tasks;
  for (const Sample& s : Both()) tasks[s.split].insert(TaskName(s.task));
  const std::set<std::string> all = {"caption", "vqa", "grounding", "counting", "classification"};
  EXPECT_EQ(tasks["test"], all);
  EXPECT_EQ(tasks["train"], (std::set<std::string>{"caption", "vqa", "grounding", "counting"}));  // no scene labels
}

TEST_F(InstructTest, LinesAreCanonicalSamplesWithOneQuestionAndItsAnswer) {
  for (const char* file : {"/train.jsonl", "/test.jsonl"}) {
    std::ifstream in(*out_ + file);
    int64_t lines = 0;
    for (std::string line; std::getline(in, line); ++lines) {
      auto sample = SampleFromJson(nlohmann::json::parse(line));
      ASSERT_TRUE(sample.ok()) << line;
      EXPECT_EQ(SampleToJson(*sample).dump(), line);
      ASSERT_EQ(sample->conversations.size(), 2u) << line;
      EXPECT_EQ(sample->conversations[0].from, "human");
      EXPECT_EQ(sample->conversations[0].value.rfind("<image>\n", 0), 0u) << line;
      EXPECT_EQ(sample->conversations[1].from, "gpt");
      EXPECT_FALSE(sample->ReferenceAnswer().empty()) << line;
      const std::string question = sample->Question();
      EXPECT_TRUE(question.find('{') == std::string::npos || question.rfind("[identify]", 0) == 0)
          << "an unfilled placeholder: " << line;
      EXPECT_TRUE(fs::is_regular_file(*out_ + "/images/" + sample->image)) << sample->image;
      EXPECT_TRUE(sample->image_size.has_value());
    }
    EXPECT_GT(lines, 0) << file;
  }
}

TEST_F(InstructTest, GroundingBoxesParseBackWithinOneGridCell) {
  int checked = 0;
  for (const Sample& s : Both()) {
    if (s.task != Task::kGrounding) continue;
    const auto& truth = std::get<GroundingTruth>(s.gt);
    const auto parsed = metrics::ParseAnswerBoxes(s.ReferenceAnswer(), metrics::BoxSyntax::kGeoChat);
    ASSERT_EQ(parsed.boxes.size(), 1u) << s.ReferenceAnswer();
    const double w = (*s.image_size)[0], h = (*s.image_size)[1];
    const metrics::AnswerBox& a = parsed.boxes[0];
    Box written = BoxFromGrid(Box{a.x1, a.y1, a.x2, a.y2}, w, h, Grid::kPercent);
    Box expected = truth.boxes[0];
    double slack = 0;
    if (!truth.quads.empty() && a.angle.value_or(0) != 0) {
      // Rotated: the written rectangle against the quad's smallest rectangle, both as bounding boxes; rounding
      // the angle to a degree moves a corner by at most 1/114 of the longer side. (Angle 0: the box itself.)
      const auto& q = truth.quads[0];
      const Quad quad{Point{q[0], q[1]}, Point{q[2], q[3]}, Point{q[4], q[5]}, Point{q[6], q[7]}};
      const Polygon p = EarthDialBoxPolygon(written.x1, written.y1, written.x2, written.y2, a.angle.value_or(0));
      written = BoundingBox(Quad{p[0], p[1], p[2], p[3]});
      const OrientedBox obb = MinAreaOrientedBox(quad);
      expected = BoundingBox(obb.Corners());
      slack = std::max(obb.width, obb.height) / 114.0;
    }
    EXPECT_LE(std::abs(written.x1 - expected.x1), w / 100 + slack) << s.id << " " << s.ReferenceAnswer();
    EXPECT_LE(std::abs(written.y1 - expected.y1), h / 100 + slack) << s.id << " " << s.ReferenceAnswer();
    EXPECT_LE(std::abs(written.x2 - expected.x2), w / 100 + slack) << s.id << " " << s.ReferenceAnswer();
    EXPECT_LE(std::abs(written.y2 - expected.y2), h / 100 + slack) << s.id << " " << s.ReferenceAnswer();
    ++checked;
  }
  EXPECT_GT(checked, 5);
}

TEST_F(InstructTest, CountingAnswersEqualTheCatalogsCounts) {
  auto catalog = catalog::Catalog::Open(*catalog_, catalog::Catalog::Mode::kReadOnly);
  ASSERT_TRUE(catalog.ok());
  int checked = 0;
  for (const Sample& s : Both()) {
    if (s.task != Task::kCounting) continue;
    const auto& truth = std::get<CountingTruth>(s.gt);
    const std::string image_id = s.id.substr(0, s.id.rfind('/'));
    auto objects = (*catalog)->Objects(image_id);
    ASSERT_TRUE(objects.ok());
    int64_t count = 0;
    for (const auto& o : *objects) count += o.object.class_key == truth.object_class;
    EXPECT_EQ(truth.count, count) << s.id;
    EXPECT_EQ(s.ReferenceAnswer(), std::to_string(count)) << s.id;
    ++checked;
  }
  EXPECT_GT(checked, 5);
}

TEST_F(InstructTest, NoImageIsOnBothSides) {
  std::set<std::string> train_images, test_images;
  for (const Sample& s : Both()) (s.split == "test" ? test_images : train_images).insert(s.image);
  for (const auto& image : test_images) EXPECT_EQ(train_images.count(image), 0u) << image;
  // DIOR-RSVG draws on DIOR's JPEGs: DIOR's 00001 is DIOR-RSVG's 00001, which is on the test side.
  EXPECT_EQ(train_images.count("dior/JPEGImages/00001.jpg"), 0u);
  EXPECT_GT(summary_->skipped.at("split: image also on the test side"), 0);
}

TEST_F(InstructTest, SameSeedSameBytesForAnyJobs) {
  const std::string again = *scratch_ + "/again", one_job = *scratch_ + "/one-job", other = *scratch_ + "/other";
  ASSERT_TRUE(RunInstruct(OptionsInto(*catalog_, again, 7, 2)).ok());
  ASSERT_TRUE(RunInstruct(OptionsInto(*catalog_, one_job, 7, 1)).ok());
  ASSERT_TRUE(RunInstruct(OptionsInto(*catalog_, other, 8, 2)).ok());
  for (const char* file : {"/train.jsonl", "/test.jsonl", "/stats.json"}) {
    EXPECT_EQ(Slurp(*out_ + file), Slurp(again + file)) << file;
    EXPECT_EQ(Slurp(*out_ + file), Slurp(one_job + file)) << file;
  }
  EXPECT_NE(Slurp(*out_ + "/train.jsonl"), Slurp(other + "/train.jsonl"));
}

TEST_F(InstructTest, PerfectPredictionsScoreOneOnEveryTask) {
  const std::string predictions = *scratch_ + "/perfect.jsonl";
  std::string text;
  for (const Sample& s : ReadSamples(*out_ + "/test.jsonl")) {
    text += PredictionToJson(Prediction{s.id, s.ReferenceAnswer(), nlohmann::json::object()}).dump() + "\n";
  }
  ASSERT_TRUE(WriteFileAtomically(predictions, text).ok());
  metrics::ScoreOptions options;
  options.gt_path = *out_ + "/test.jsonl";
  options.pred_path = predictions;
  options.meteor = false;
  auto report = metrics::Score(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const auto& tasks = report->json.at("tasks");
  const auto metric = [&](const char* task, const char* name) {
    return tasks.at(task).at("metrics").at(name).get<double>();
  };
  EXPECT_EQ(metric("classification", "accuracy"), 1.0);
  EXPECT_EQ(metric("counting", "accuracy"), 1.0);
  EXPECT_EQ(metric("vqa", "accuracy"), 1.0);
  EXPECT_EQ(metric("grounding", "acc@0.5"), 1.0);
  EXPECT_EQ(metric("caption", "ROUGE_L"), 1.0);
  EXPECT_NEAR(metric("caption", "Bleu_4"), 1.0, 1e-9);  // coco's BLEU adds a tiny epsilon to its counts
}

TEST_F(InstructTest, StatsCountSkipsWithExamplesAndShortfalls) {
  const auto stats = nlohmann::json::parse(Slurp(*out_ + "/stats.json"));
  EXPECT_EQ(stats.at("train").at("samples").get<int64_t>() + stats.at("test").at("samples").get<int64_t>(),
            static_cast<int64_t>(Both().size()));
  // DOTA's devkit labels have difficult objects: some classes are too ambiguous to count.
  EXPECT_GT(stats.at("skipped").at("counting: many difficult or truncated objects").at("count").get<int64_t>(), 0);
  EXPECT_FALSE(stats.at("skipped").at("counting: many difficult or truncated objects").at("examples").empty());
  EXPECT_FALSE(summary_->shortfalls.empty());  // the fixtures are far smaller than 1,000 per task
}

TEST_F(InstructTest, LlavaExportIsOneArrayOfConversations) {
  const std::string out = *scratch_ + "/llava.json";
  ASSERT_TRUE(ExportLlava(*out_ + "/train.jsonl", out).ok());
  const auto array = nlohmann::json::parse(Slurp(out));
  const auto train = ReadSamples(*out_ + "/train.jsonl");
  ASSERT_EQ(array.size(), train.size());
  EXPECT_EQ(array[0].at("id"), train[0].id);
  EXPECT_EQ(array[0].at("image"), train[0].image);
  EXPECT_EQ(array[0].at("conversations")[1].at("value"), train[0].ReferenceAnswer());
}

TEST_F(InstructTest, TheToolWritesWhatTheLibraryWrites) {
  const std::string out = *scratch_ + "/tool";
  std::string log;
  ASSERT_EQ(
      testing::RunCommand(std::string(MGRS_TOOL_MGRS) + " instruct --catalog " + *catalog_ + " --config " +
                              testing::FixtureFile("instruct/config.json") + " --out " + out + " --seed 7 --jobs 2",
                          &log),
      0)
      << log;
  EXPECT_NE(log.find("shortfall: "), std::string::npos) << log;
  EXPECT_EQ(Slurp(out + "/train.jsonl"), Slurp(*out_ + "/train.jsonl"));
  EXPECT_EQ(Slurp(out + "/test.jsonl"), Slurp(*out_ + "/test.jsonl"));
  ASSERT_EQ(testing::RunCommand(std::string(MGRS_TOOL_MGRS) + " instruct export --in " + out + "/test.jsonl --out " +
                                    out + "/llava.json",
                                &log),
            0)
      << log;
  EXPECT_TRUE(nlohmann::json::parse(Slurp(out + "/llava.json")).is_array());
  EXPECT_EQ(
      testing::RunCommand(
          std::string(MGRS_TOOL_MGRS) + " instruct --catalog " + *scratch_ + "/no-such.sqlite --out " + out, &log),
      1);
  EXPECT_NE(log.find("no-such.sqlite"), std::string::npos) << log;
}

TEST(InstructInputTest, AnImageMissingOnDiskIsSkippedAndCounted) {
  const std::string scratch = testing::ScratchDir("instruct-missing");
  const std::string catalog = scratch + "/catalog.sqlite";
  Ingest(catalog, "dior", "dior", WithImages(testing::SharedFile("fixtures/dior"), scratch, "dior", {}));
  fs::remove(scratch + "/dior/JPEGImages/00001.jpg");
  auto summary = RunInstruct(OptionsInto(catalog, scratch + "/out", 1, 1));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->skipped.at("image: missing on disk"), 1);
  EXPECT_EQ(summary->skip_examples.at("image: missing on disk").front(), "dior/demo/00001");
  EXPECT_EQ(summary->train_samples + summary->test_samples, 0);
}

// A catalog written through the bulk writer, for what no reader lets through: a box with x2 < x1, an empty
// expression, and an image derived by augmentation (absolute path, parent id).
std::string HandMadeCatalog(const std::string& scratch) {
  const std::string path = scratch + "/catalog.sqlite";
  auto catalog = catalog::Catalog::Open(path);
  EXPECT_TRUE(catalog.ok());
  catalog::DatasetInfo info;
  info.name = "toy";
  info.format = "dota";
  info.root = scratch + "/toy";
  EXPECT_TRUE((*catalog)->PutDataset(info).ok());
  catalog::IngestRun run;
  run.dataset = "toy";
  run.format = "dota";
  run.root = info.root;
  auto run_id = (*catalog)->StartRun(run);
  auto writer = catalog::BulkWriter::Begin(catalog->get(), "toy", *run_id);
  EXPECT_TRUE(writer.ok());
  const auto image = [&](const std::string& id, const std::string& split, const std::string& file) {
    catalog::ImageRecord record;
    record.image = Image{id, "toy", split, file, 400, 400, 3, std::nullopt, "", "", ""};
    catalog::ObjectRecord plane;
    plane.object.raw_class = "plane";
    plane.object.hbb = Box{20, 20, 120, 100};
    catalog::ObjectRecord broken = plane;
    broken.object.hbb = Box{300, 300, 250, 380};  // x2 < x1
    record.objects = {plane, broken};
    record.expressions = {{0, "", 1}, {1, "the broken plane", 2}, {0, "the plane at the top left", 3}};
    return record;
  };
  WriteImage(scratch + "/toy/A.png", 400, 400);
  WriteImage(scratch + "/aug/toy/test/A/cutout-0.png", 400, 400);
  catalog::SourceBatch batch;
  batch.file = "A.txt";
  batch.images.push_back(image("toy/test/A", "test", "A.png"));
  // Filed under another split than its parent's: it must still stay on the parent's side.
  catalog::ImageRecord derived = image("toy/test/A/cutout-0", "train", scratch + "/aug/toy/test/A/cutout-0.png");
  derived.image.parent_id = "toy/test/A";
  derived.image.derivation = "cutout";
  batch.images.push_back(derived);
  EXPECT_TRUE((*writer)->Add(batch).ok());
  catalog::FinishTimings timings;
  EXPECT_TRUE((*writer)->Finish(&timings).ok());
  return path;
}

TEST(InstructInputTest, BadObjectsAndEmptyExpressionsAreSkippedAndDerivedImagesFollowTheirParent) {
  const std::string scratch = testing::ScratchDir("instruct-hand-made");
  const std::string catalog = HandMadeCatalog(scratch);
  InstructOptions options = OptionsInto(catalog, scratch + "/out", 3, 2);
  options.config_path = testing::FixtureFile("instruct/toy_config.json");
  auto summary = RunInstruct(options);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->skipped.at("grounding: empty expression"), 2);  // one per image
  EXPECT_EQ(summary->skipped.at("grounding: object without usable geometry"), 2);
  EXPECT_EQ(summary->skip_examples.at("grounding: empty expression").front(), "toy/test/A/refer-0-0");
  bool derived_seen = false;
  for (const Sample& s : ReadSamples(scratch + "/out/test.jsonl")) {
    if (s.id.rfind("toy/test/A/cutout-0/", 0) != 0) continue;
    derived_seen = true;
    EXPECT_EQ(s.image, "derived/toy/test/A/cutout-0.png");
    EXPECT_TRUE(fs::is_regular_file(scratch + "/out/images/" + s.image));
  }
  EXPECT_TRUE(derived_seen);
  EXPECT_EQ(ReadSamples(scratch + "/out/train.jsonl").size(), 0u);  // the derived image stays on its parent's side
}

TEST(InstructInputTest, ATemplateWithAnUnknownFieldIsRefusedWithItsName) {
  TemplateSet set;
  const std::string path = testing::FixtureFile("instruct/unknown_field/grounding.json");
  const Status status = set.AddFile(Slurp(path), path);
  EXPECT_EQ(status.code(), StatusCode::kParseError);
  EXPECT_NE(status.message().find("#grounding[0] (typo)"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("unknown field {expresion}"), std::string::npos) << status.message();
}

TEST(InstructInputTest, AnUnbalancedBraceIsRefusedWithTheTemplateNamed) {
  TemplateSet set;
  const std::string path = testing::FixtureFile("instruct/unbalanced_brace/counting.json");
  const Status status = set.AddFile(Slurp(path), path);
  EXPECT_EQ(status.code(), StatusCode::kParseError);
  EXPECT_NE(status.message().find("#counting[0] (open brace): unclosed '{'"), std::string::npos) << status.message();
}

TEST(InstructInputTest, AConfigWithAnUnknownKeyIsRefused) {
  auto config = LoadInstructConfig(testing::FixtureFile("instruct/unknown_key_config.json"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("unknown key \"test_source\""), std::string::npos)
      << config.status().message();
}

TEST(InstructInputTest, TheShippedTemplatesAndConfigLoad) {
  auto set = TemplateSet::LoadDirectory(std::string(MGRS_SOURCE_DIR) + "/manifests/templates");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->Of(SampleKind::kClassification)[0].human, "Which scene does this image belong to?");
  EXPECT_EQ(set->Of(SampleKind::kGrounding)[0].human, "[refer] Where is <p>{expression}</p>?");
  auto config = LoadInstructConfig(std::string(MGRS_SOURCE_DIR) + "/manifests/instruct/skymoe.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  int64_t train = 0, test = 0;
  for (const auto& [task, sources] : config->train)
    for (const auto& [source, n] : sources) train += n;
  for (const auto& [task, sources] : config->test)
    for (const auto& [source, n] : sources) test += n;
  EXPECT_EQ(train, 251000);
  EXPECT_EQ(test, 11000);
}

}  // namespace
}  // namespace mgrs::instruct
