// `mgrs demo-data`'s output: byte-identical for a seed, read by the real readers with no reject, and every
// format agreeing with the scenes drawn (objects, expressions, captions, answers, scene labels, image sizes).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/demo/demo_data.h"
#include "mgrs/ingest/ingest.h"
#include "mgrs/raster/raster.h"
#include "test_support.h"

namespace mgrs::demo {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kSeed = 11;
constexpr double kScale = 0.07;  // 3 images per scene class: one per split

DemoDataOptions Options(const std::string& out, uint64_t seed = kSeed) {
  DemoDataOptions options;
  options.out_dir = out;
  options.seed = seed;
  options.scale = kScale;
  return options;
}

// Relative path -> contents of every file under `root`.
std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    auto text = ReadFile(entry.path().string());
    EXPECT_TRUE(text.ok()) << entry.path();
    out[fs::relative(entry.path(), root).generic_string()] = text.ok() ? *text : "";
  }
  return out;
}

// One demo output, ingested step by step into one catalog, shared by the tests of this suite.
class DemoDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new std::string(mgrs::testing::ScratchDir("demo-data"));
    out_ = new std::string(*scratch_ + "/demo");
    auto summary = WriteDemoData(Options(*out_));
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    summary_ = new DemoDataSummary(*summary);
    ingested_ = new std::map<std::string, ingest::IngestSummary>();
    for (const IngestStep& step : DemoIngestSteps()) {
      ingest::IngestOptions options;
      options.catalog_path = *scratch_ + "/catalog.sqlite";
      options.format = step.format;
      options.root = *out_ + "/" + step.root;
      options.name = step.name;
      options.split = step.split;
      auto result = ingest::Ingest(options);
      ASSERT_TRUE(result.ok()) << step.name << ": " << result.status().ToString();
      (*ingested_)[step.name] = *result;
    }
  }

  static std::unique_ptr<catalog::Catalog> Catalog() {
    auto catalog = catalog::Catalog::Open(*scratch_ + "/catalog.sqlite", catalog::Catalog::Mode::kReadOnly);
    EXPECT_TRUE(catalog.ok());
    return std::move(*catalog);
  }

  static std::string* scratch_;
  static std::string* out_;
  static DemoDataSummary* summary_;
  static std::map<std::string, ingest::IngestSummary>* ingested_;
};

std::string* DemoDataTest::scratch_ = nullptr;
std::string* DemoDataTest::out_ = nullptr;
DemoDataSummary* DemoDataTest::summary_ = nullptr;
std::map<std::string, ingest::IngestSummary>* DemoDataTest::ingested_ = nullptr;

TEST_F(DemoDataTest, TheSameSeedWritesTheSameBytes) {
  const std::string again = *scratch_ + "/again";
  ASSERT_TRUE(WriteDemoData(Options(again)).ok());
  const auto first = Tree(*out_), second = Tree(again);
  ASSERT_EQ(first.size(), second.size());
  for (const auto& [path, contents] : first) {
    ASSERT_TRUE(second.count(path)) << path;
    EXPECT_TRUE(second.at(path) == contents) << path << " differs";
  }
}

TEST_F(DemoDataTest, AnotherSeedDrawsOtherScenes) {
  const std::string other = *scratch_ + "/other";
  ASSERT_TRUE(WriteDemoData(Options(other, kSeed + 1)).ok());
  const auto first = Tree(*out_), second = Tree(other);
  int images = 0, differing_images = 0, labels = 0;
  for (const auto& [path, contents] : first) {
    // Images and DOTA labels exist for any seed; DIOR-RSVG files only for images with a nameable object.
    if (path.rfind("scenes/", 0) == 0 || path.find("/labelTxt/") != std::string::npos) {
      ASSERT_TRUE(second.count(path)) << path;
    }
    if (path.rfind("scenes/", 0) == 0) {
      ++images;
      differing_images += second.at(path) != contents ? 1 : 0;
    }
    // A label with objects differs (one with only the two header lines, from a scene without objects, may not).
    if (path.find("/labelTxt/") != std::string::npos && std::count(contents.begin(), contents.end(), '\n') > 2) {
      ++labels;
      EXPECT_NE(second.at(path), contents) << path;
    }
  }
  EXPECT_EQ(images, 21);
  EXPECT_EQ(differing_images, images);
  EXPECT_GE(labels, 12);
}

TEST_F(DemoDataTest, EveryFormatIngestsWithNoRejectAndNoWarning) {
  ASSERT_EQ(ingested_->size(), DemoIngestSteps().size());
  for (const auto& [name, s] : *ingested_) {
    EXPECT_EQ(s.errors, 0) << name;
    EXPECT_EQ(s.warnings, 0) << name;
    EXPECT_EQ(s.objects_rejected, 0) << name;
    EXPECT_TRUE(s.rejects_by_code.empty()) << name;
  }
  EXPECT_EQ(ingested_->at("demo-dota").images, 21);
  EXPECT_EQ(ingested_->at("demo-dota").objects_accepted, summary_->objects);
  EXPECT_EQ(ingested_->at("demo-rsvg").objects_accepted, summary_->expressions);
  EXPECT_EQ(ingested_->at("demo-captions").images, 21);
  EXPECT_EQ(ingested_->at("demo-vqa").images, 21);
  for (const char* split : {"train", "val", "test"}) {
    EXPECT_EQ(ingested_->at(std::string("demo-scenes-") + split).images, 7) << split;
  }
}

TEST_F(DemoDataTest, DotaLabelsHoldEveryObjectDrawnWithItsBoxAndTheGsd) {
  auto catalog = Catalog();
  for (const DemoImagePlan& plan : PlanDemoImages(kSeed, kScale)) {
    const Scene scene = MakeDemoImage(plan, 256).rendered.scene;
    const std::string id = "demo-dota/" + plan.split + "/" + plan.stem;
    auto image = catalog->FindImage(id);
    ASSERT_TRUE(image.ok() && image->has_value()) << id;
    EXPECT_EQ((*image)->width, 256);
    EXPECT_EQ((*image)->height, 256);
    ASSERT_TRUE((*image)->gsd.has_value());
    EXPECT_NEAR(*(*image)->gsd, scene.gsd, 1e-6);
    auto objects = catalog->Objects(id);
    ASSERT_TRUE(objects.ok());
    ASSERT_EQ(objects->size(), scene.objects.size()) << id;
    for (size_t i = 0; i < scene.objects.size(); ++i) {
      EXPECT_EQ((*objects)[i].object.raw_class, DotaClass(scene.objects[i].kind));
      const Box drawn = scene.objects[i].Bounds(), stored = (*objects)[i].object.hbb;
      EXPECT_NEAR(stored.x1, drawn.x1, 0.051);
      EXPECT_NEAR(stored.y2, drawn.y2, 0.051);
    }
  }
}

TEST_F(DemoDataTest, RsvgExpressionsAreUniqueAndPointAtTheirObjectsBox) {
  auto catalog = Catalog();
  int images = 0;
  for (const DemoImagePlan& plan : PlanDemoImages(kSeed, kScale)) {
    const DemoImage demo = MakeDemoImage(plan, 256);
    const std::string id = "demo-rsvg/" + plan.split + "/" + plan.stem;
    auto expressions = catalog->Expressions(id);
    ASSERT_TRUE(expressions.ok());
    auto objects = catalog->Objects(id);
    ASSERT_TRUE(objects.ok());
    std::vector<size_t> named;  // objects with an expression, in order: the XML's objects
    for (size_t i = 0; i < demo.expressions.size(); ++i) {
      if (demo.expressions[i]) named.push_back(i);
    }
    ASSERT_EQ(objects->size(), named.size()) << id;
    ASSERT_EQ(expressions->size(), named.size()) << id;
    if (named.empty()) continue;
    ++images;
    std::set<std::string> texts;
    for (size_t k = 0; k < named.size(); ++k) {
      EXPECT_EQ((*expressions)[k].text, demo.expressions[named[k]]->text);
      EXPECT_TRUE(texts.insert((*expressions)[k].text).second) << (*expressions)[k].text << " twice in " << id;
      // VOC's 1-based inclusive pixel indices around the drawn box.
      const Box drawn = demo.rendered.scene.objects[named[k]].Bounds(), stored = (*objects)[k].object.hbb;
      EXPECT_EQ(stored.x1, std::floor(drawn.x1) + 1);
      EXPECT_EQ(stored.y1, std::floor(drawn.y1) + 1);
      EXPECT_EQ(stored.x2, std::ceil(drawn.x2));
      EXPECT_EQ(stored.y2, std::ceil(drawn.y2));
      EXPECT_EQ((*objects)[k].object.raw_class, DiorClass(demo.rendered.scene.objects[named[k]].kind));
    }
  }
  EXPECT_GE(images, 12);
}

TEST_F(DemoDataTest, CountAnswersAndCaptionsAgreeWithTheDotaLabels) {
  auto catalog = Catalog();
  for (const DemoImagePlan& plan : PlanDemoImages(kSeed, kScale)) {
    auto objects = catalog->Objects("demo-dota/" + plan.split + "/" + plan.stem);
    ASSERT_TRUE(objects.ok());
    std::map<std::string, int> labelled;  // DOTA class -> objects
    for (const catalog::StoredObject& o : *objects) ++labelled[o.object.raw_class];
    auto qa = catalog->QaPairs("demo-vqa/" + plan.split + "/" + std::to_string(plan.number));
    ASSERT_TRUE(qa.ok());
    ASSERT_EQ(qa->size(), 6u);
    int counts = 0;
    for (const Qa& q : *qa) {
      if (q.type != "count") continue;
      for (int k = 0; k < kObjectKindCount; ++k) {
        const auto kind = static_cast<ObjectKind>(k);
        if (q.question == "How many " + Plural(kind) + " are there?") {
          EXPECT_EQ(q.answer, std::to_string(labelled[DotaClass(kind)])) << q.question << " " << plan.stem;
          ++counts;
        }
      }
    }
    EXPECT_EQ(counts, 2);
    auto captions = catalog->Captions("demo-captions/" + plan.split + "/" + plan.stem);
    ASSERT_TRUE(captions.ok());
    ASSERT_EQ(captions->size(), 5u);
    for (const auto& [dota_class, n] : labelled) {
      if (n < 2) continue;
      const std::string kind_plural = dota_class == "plane"           ? "planes"
                                      : dota_class == "ship"          ? "ships"
                                      : dota_class == "small-vehicle" ? "cars"
                                      : dota_class == "large-vehicle" ? "trucks"
                                                                      : "storage tanks";
      int mentions = 0;
      for (const Caption& c : *captions)
        mentions += c.text.find(NumberWord(n) + " " + kind_plural) != std::string::npos;
      EXPECT_GE(mentions, 3) << plan.stem << ": " << NumberWord(n) << " " << kind_plural;
    }
  }
}

TEST_F(DemoDataTest, SceneFoldersLabelEachImageWithItsClassAndSplit) {
  auto catalog = Catalog();
  for (const DemoImagePlan& plan : PlanDemoImages(kSeed, kScale)) {
    const std::string id = "demo-scenes-" + plan.split + "/" + plan.split + "/" + plan.stem;
    auto label = catalog->SceneLabelOf(id);
    ASSERT_TRUE(label.ok() && label->has_value()) << id;
    EXPECT_EQ((*label)->label, SceneFolderName(plan.kind));
  }
}

TEST_F(DemoDataTest, ImagesHaveTheAskedSize) {
  const std::string out = *scratch_ + "/small";
  DemoDataOptions options = Options(out);
  options.image_size = 96;
  ASSERT_TRUE(WriteDemoData(options).ok());
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (entry.path().extension() != ".png") continue;
    auto info = raster::ReadImageInfo(entry.path().string());
    ASSERT_TRUE(info.ok()) << entry.path();
    EXPECT_EQ(info->width, 96);
    EXPECT_EQ(info->height, 96);
    EXPECT_EQ(info->bands, 3);
    ++checked;
  }
  EXPECT_GT(checked, 21 * 4);
}

TEST(DemoDataErrorsTest, AFolderThatIsNotDemoOutputIsLeftAlone) {
  const std::string scratch = mgrs::testing::ScratchDir("demo-data-foreign");
  ASSERT_TRUE(WriteFileAtomically(scratch + "/notes.txt", "mine").ok());
  auto result = WriteDemoData(Options(scratch));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ReadFile(scratch + "/notes.txt"), "mine");
  EXPECT_FALSE(fs::exists(scratch + ".partial"));
}

TEST(DemoDataErrorsTest, AnEarlierOutputIsReplacedWhole) {
  const std::string scratch = mgrs::testing::ScratchDir("demo-data-replace");
  DemoDataOptions options = Options(scratch + "/out");
  options.scale = 0.2;  // 9 per class
  ASSERT_TRUE(WriteDemoData(options).ok());
  options.scale = kScale;
  ASSERT_TRUE(WriteDemoData(options).ok());
  // No image of the larger run is left behind for an ingest to find.
  EXPECT_FALSE(fs::exists(scratch + "/out/scenes/train/airport/airport_00008.png"));
  EXPECT_TRUE(fs::exists(scratch + "/out/scenes/train/airport/airport_00000.png"));
}

TEST(DemoDataErrorsTest, ToolMapsABadScaleToAUsageError) {
  std::string output;
  const std::string out = mgrs::testing::ScratchDir("demo-data-cli");
  EXPECT_EQ(
      mgrs::testing::RunCommand(mgrs::testing::ToolPath("mgrs") + " demo-data --out " + out + "/x --scale 0", &output),
      2)
      << output;
  EXPECT_NE(output.find("scale"), std::string::npos) << output;
  EXPECT_EQ(
      mgrs::testing::RunCommand(
          mgrs::testing::ToolPath("mgrs") + " demo-data --quiet --out " + out + "/y --scale 0.01 --seed 3", &output),
      0)
      << output;
  EXPECT_NE(output.find("21 images"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(out + "/y/ingest.json"));
}

}  // namespace
}  // namespace mgrs::demo
