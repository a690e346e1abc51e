// MGRS-Bench on the demo dataset, whose renderer knows what it drew: attributes against that truth, strata counts
// as configured, determinism, the downsampled copies, decisions and their history, export and verify.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "bench_helpers.h"
#include "mgrs/bench/attributes.h"
#include "mgrs/bench/bench.h"
#include "mgrs/bench/prompts.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/core/sample.h"
#include "mgrs/demo/demo_data.h"
#include "mgrs/raster/raster.h"
#include "test_support.h"

namespace mgrs::bench {
namespace {

namespace fs = std::filesystem;
using testing::DemoCatalog;
using testing::FreshCatalog;
using testing::Options;

// Every task, small enough for the demo: the shares are what the strata test checks.
const char* kSmallConfig = R"({
  "seed": 3,
  "tasks": {
    "counting": {"images": 12, "granularity": {"sparse": 2, "medium": 1}, "sources": ["demo-dota"]},
    "grounding": {"images": 9, "granularity": {"small": 1, "medium": 2}, "sources": ["demo-rsvg"]},
    "vqa": {"images": 12, "granularity": {"presence": 1, "direction": 1, "other": 2}},
    "classification": {"images": 10},
    "caption": {"images": 6}
  },
  "downsample": [2, 4],
  "cross_resolution_fraction": 0.25
})";

std::unique_ptr<catalog::Catalog> Open(const std::string& path) {
  auto catalog = catalog::Catalog::Open(path);
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  return std::move(*catalog);
}

// The demo scene behind a catalog image id "<dataset>/<split>/<stem>".
demo::Scene SceneOf(const std::string& image_id) {
  const std::string stem = image_id.substr(image_id.rfind('/') + 1);
  for (const demo::DemoImagePlan& plan : demo::PlanDemoImages(testing::kDemoSeed, testing::kDemoScale)) {
    if (plan.stem == stem) return demo::MakeDemoImage(plan, 256).rendered.scene;
  }
  ADD_FAILURE() << "no demo plan for " << image_id;
  return {};
}

// The orientation word the renderer's heading gives the object's long axis; "" near a bucket edge or for a near
// square object (either answer is defensible there).
std::string ExpectedOrientation(const demo::SceneObject& o) {
  const double ratio = std::max(o.length, o.width) / std::min(o.length, o.width);
  if (ratio < 1.35) return ratio < 1.15 ? "none" : "";
  double degrees = std::fmod(o.heading + (o.length >= o.width ? 0 : 90) + 720, 180);
  for (double edge : {22.5, 67.5, 112.5, 157.5}) {
    if (std::abs(degrees - edge) < 5) return "";
  }
  if (degrees < 22.5 || degrees >= 157.5) return "horizontal";
  if (degrees >= 67.5 && degrees < 112.5) return "vertical";
  return degrees < 90 ? "diagonal-down" : "diagonal-up";
}

TEST(BenchAttributesTest, AgreeWithWhatTheRendererDrew) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-attributes");
  const std::string path = FreshCatalog(scratch);
  auto summary = RunBuild(Options(scratch, path, kSmallConfig));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->unreadable_images, 0);
  auto catalog = Open(path);
  auto images = catalog->Images("demo-dota");
  ASSERT_TRUE(images.ok());
  int objects = 0, colours_right = 0, orientations_checked = 0;
  for (const Image& image : *images) {
    const demo::Scene scene = SceneOf(image.id);
    auto stored = catalog->Objects(image.id);
    ASSERT_TRUE(stored.ok());
    ASSERT_EQ(stored->size(), scene.objects.size()) << image.id;
    auto attributes = catalog->ImageAttributesOf(image.id);
    ASSERT_TRUE(attributes.ok() && attributes->has_value()) << image.id;
    std::map<std::string, int64_t> counts;
    for (const auto& s : *stored) ++counts[s.object.class_key];
    EXPECT_EQ((*attributes)->counts, counts) << image.id;
    EXPECT_EQ((*attributes)->objects, static_cast<int64_t>(scene.objects.size()));
    for (const auto& s : *stored) {
      const Object& o = s.object;
      // The drawn object with the nearest centre (objects never overlap, so it is the one).
      const demo::SceneObject* truth = nullptr;
      double best = 1e9;
      for (const auto& d : scene.objects) {
        const double dist = std::hypot(d.cx - (o.hbb.x1 + o.hbb.x2) / 2, d.cy - (o.hbb.y1 + o.hbb.y2) / 2);
        if (dist < best) best = dist, truth = &d;
      }
      ASSERT_LT(best, 1.0) << image.id;
      ++objects;
      const demo::Cell cell = demo::CellOf(*truth, scene.width, scene.height);
      static const char* const kCells[3][3] = {
          {"top-left", "top", "top-right"}, {"left", "center", "right"}, {"bottom-left", "bottom", "bottom-right"}};
      EXPECT_EQ(o.attributes.grid_cell, kCells[cell.row][cell.column]) << image.id << " object " << o.id;
      colours_right += o.attributes.colour == demo::Palette()[truth->colour].name;
      const std::string orientation = ExpectedOrientation(*truth);
      if (!orientation.empty()) {
        ++orientations_checked;
        EXPECT_EQ(o.attributes.orientation, orientation)
            << image.id << " object " << o.id << " heading " << truth->heading;
      }
      const double side = std::sqrt(o.hbb.width() * o.hbb.height());
      EXPECT_EQ(o.attributes.size_bucket, side < 32 ? "small" : side < 96 ? "medium" : "large");
    }
  }
  RecordProperty("objects", objects);
  RecordProperty("colours_right", colours_right);
  RecordProperty("orientations_checked", orientations_checked);
  ASSERT_GT(objects, 200);
  EXPECT_GT(orientations_checked, objects / 2);
  // Shading, noise and blur move some core pixels across a name boundary; the vote must still name nearly all (339 of
  // 339 at seed 5).
  EXPECT_GE(colours_right, objects * 99 / 100) << colours_right << " of " << objects;
}

TEST(BenchAttributesTest, SceneDensityAndGsdBucketPerImage) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-image-attributes");
  const std::string path = FreshCatalog(scratch);
  ASSERT_TRUE(RunBuild(Options(scratch, path, kSmallConfig)).ok());
  auto catalog = Open(path);
  auto scenes = catalog->Images("demo-scenes-train");
  ASSERT_TRUE(scenes.ok() && !scenes->empty());
  for (const Image& image : *scenes) {
    auto a = catalog->ImageAttributesOf(image.id);
    ASSERT_TRUE(a.ok() && a->has_value());
    auto label = catalog->SceneLabelOf(image.id);
    ASSERT_TRUE(label.ok() && label->has_value());
    std::string expected = (*label)->label;
    std::replace(expected.begin(), expected.end(), '_', ' ');
    EXPECT_EQ((*a)->scene, expected);
    EXPECT_EQ((*a)->density, "none");
    EXPECT_EQ((*a)->gsd_bucket, "unknown");
  }
  auto dota = catalog->Images("demo-dota");
  ASSERT_TRUE(dota.ok());
  for (const Image& image : *dota) {
    auto a = catalog->ImageAttributesOf(image.id);
    ASSERT_TRUE(a.ok() && a->has_value());
    const demo::Scene scene = SceneOf(image.id);
    const size_t n = scene.objects.size();
    EXPECT_EQ((*a)->density, n == 0 ? "none" : n <= 5 ? "sparse" : n <= 20 ? "medium" : "dense") << image.id;
    const double gsd = scene.gsd;
    EXPECT_EQ((*a)->gsd_bucket, gsd < 0.5 ? "<0.5m" : gsd < 1 ? "0.5-1m" : gsd < 2 ? "1-2m" : ">=2m") << image.id;
  }
}

TEST(BenchBuildTest, StrataCountsAreAsConfigured) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-strata");
  const std::string path = FreshCatalog(scratch);
  auto summary = RunBuild(Options(scratch, path, kSmallConfig));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_TRUE(summary->shortfalls.empty()) << summary->shortfalls.front();
  const std::map<std::string, int64_t> expected = {
      {"counting/sparse", 8},  {"counting/medium", 4},       {"grounding/small", 3},
      {"grounding/medium", 6}, {"vqa/presence", 3},          {"vqa/direction", 3},
      {"vqa/other", 6},        {"classification/scene", 10}, {"caption/image", 6}};
  EXPECT_EQ(summary->strata, expected);
  auto catalog = Open(path);
  auto items = catalog->BenchItems();
  ASSERT_TRUE(items.ok());
  std::map<std::string, int64_t> counted;
  std::map<std::string, std::string> task_of_image;
  std::map<std::string, std::map<std::string, int64_t>> by_stratum;  // task/granularity -> source|gsd -> items
  for (const auto& item : *items) {
    if (item.resolution != "x1") continue;
    ++counted[item.task + "/" + item.granularity];
    // One item per image, and an image in one task only.
    EXPECT_TRUE(task_of_image.emplace(item.image_id, item.task).second) << item.image_id;
    ++by_stratum[item.task + "/" + item.granularity][item.source + "|" + item.gsd_bucket];
    EXPECT_EQ(item.status, "pending");
    EXPECT_EQ(item.annotator, "template");
  }
  EXPECT_EQ(counted, expected);
  // Counting draws on DOTA only; its sparse images come from several GSD buckets in near-equal shares.
  const auto& sparse = by_stratum["counting/sparse"];
  ASSERT_GE(sparse.size(), 3u);
  int64_t low = 1 << 30, high = 0;
  for (const auto& [stratum, n] : sparse) {
    EXPECT_EQ(stratum.rfind("demo-dota|", 0), 0u) << stratum;
    low = std::min(low, n);
    high = std::max(high, n);
  }
  EXPECT_LE(high - low, 1);
}

TEST(BenchBuildTest, ShortStrataAreReported) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-shortfall");
  const std::string path = FreshCatalog(scratch);
  auto summary = RunBuild(Options(scratch, path, R"({"tasks": {"counting": {"images": 400,
      "granularity": {"dense": 1}}}})"));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->shortfalls.size(), 1u);
  EXPECT_EQ(summary->shortfalls[0].rfind("counting/dense: ", 0), 0u) << summary->shortfalls[0];
  EXPECT_NE(summary->shortfalls[0].find(" of 400"), std::string::npos);
}

std::vector<catalog::BenchItem> BuildItems(const std::string& scratch, const std::string& config) {
  const std::string path = FreshCatalog(scratch);
  auto summary = RunBuild(Options(scratch, path, config));
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  auto items = Open(path)->BenchItems();
  EXPECT_TRUE(items.ok());
  return *items;
}

TEST(BenchBuildTest, SameSeedSameItemsOtherSeedOtherItems) {
  const auto a = BuildItems(mgrs::testing::ScratchDir("bench-seed-a"), kSmallConfig);
  const auto b = BuildItems(mgrs::testing::ScratchDir("bench-seed-b"), kSmallConfig);
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].id, b[k].id);
    EXPECT_EQ(a[k].sample_json, b[k].sample_json);
    EXPECT_EQ(a[k].candidate, b[k].candidate);
  }
  std::string other = kSmallConfig;
  other.replace(other.find("\"seed\": 3"), 9, "\"seed\": 4");
  const auto c = BuildItems(mgrs::testing::ScratchDir("bench-seed-c"), other);
  std::set<std::string> ids_a, ids_c;
  for (const auto& item : a) ids_a.insert(item.id);
  for (const auto& item : c) ids_c.insert(item.id);
  EXPECT_NE(ids_a, ids_c);
}

TEST(BenchBuildTest, DownsampledCopiesScaleImageAndBoxes) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-copies");
  const std::string path = FreshCatalog(scratch);
  auto summary = RunBuild(Options(scratch, path, kSmallConfig));
  ASSERT_TRUE(summary.ok());
  auto items = Open(path)->BenchItems();
  ASSERT_TRUE(items.ok());
  std::map<std::string, const catalog::BenchItem*> by_id;
  for (const auto& item : *items) by_id[item.id] = &item;
  int grounding_copies = 0;
  for (const auto& item : *items) {
    if (item.resolution == "x1") continue;
    const int factor = item.resolution == "x2" ? 2 : 4;
    ASSERT_EQ(item.resolution, "x" + std::to_string(factor));
    const std::string original_id = item.id.substr(0, item.id.rfind('@'));
    ASSERT_TRUE(by_id.count(original_id)) << item.id;
    const auto& original = *by_id[original_id];
    auto info = raster::ReadImageInfo(item.image_file);
    ASSERT_TRUE(info.ok()) << item.image_file;
    auto full = raster::ReadImageInfo(original.image_file);
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(info->width, full->width / factor);
    auto copy = SampleFromJson(nlohmann::json::parse(item.sample_json));
    auto base = SampleFromJson(nlohmann::json::parse(original.sample_json));
    ASSERT_TRUE(copy.ok() && base.ok());
    EXPECT_EQ((*copy->image_size)[0], info->width);
    if (const auto* g = std::get_if<GroundingTruth>(&copy->gt)) {
      ++grounding_copies;
      const auto& g0 = std::get<GroundingTruth>(base->gt);
      EXPECT_DOUBLE_EQ(g->boxes[0].x2, g0.boxes[0].x2 / factor);
      EXPECT_DOUBLE_EQ(g->boxes[0].y1, g0.boxes[0].y1 / factor);
    } else {
      EXPECT_EQ(item.candidate, original.candidate) << item.id;  // counts, classes and cells do not change
    }
  }
  // 25% of each task's items at x2 and x4: 12 -> 3, 9 -> 2, 12 -> 3, 10 -> 3 (2.5 rounds away), 6 -> 2.
  EXPECT_EQ(summary->copies, 2 * (3 + 2 + 3 + 3 + 2));
  EXPECT_EQ(grounding_copies, 2 * 2);
}

TEST(BenchReviewTest, TheLaterDecisionIsKeptWithHistory) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-decisions");
  const std::string path = FreshCatalog(scratch);
  ASSERT_TRUE(RunBuild(Options(scratch, path, kSmallConfig)).ok());
  auto catalog = Open(path);
  auto items = catalog->BenchItems();
  ASSERT_TRUE(items.ok() && !items->empty());
  const std::string id = items->front().id;
  ASSERT_TRUE(catalog->DecideBenchItem({id, "accept", "", "alice", "", ""}).ok());
  ASSERT_TRUE(catalog->DecideBenchItem({id, "edit", "seven", "bob", "", ""}).ok());
  auto item = catalog->FindBenchItem(id);
  ASSERT_TRUE(item.ok() && item->has_value());
  EXPECT_EQ((*item)->status, "accepted");
  EXPECT_EQ((*item)->answer, "seven");
  EXPECT_EQ((*item)->reviewer, "bob");
  auto history = catalog->BenchDecisions(id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].reviewer, "alice");
  EXPECT_EQ((*history)[0].answer, items->front().candidate);
  EXPECT_EQ((*history)[1].decision, "edit");
  EXPECT_LE((*history)[0].at, (*history)[1].at);
  EXPECT_EQ(catalog->DecideBenchItem({id, "maybe", "", "carol", "", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->DecideBenchItem({id, "accept", "", "", "", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->DecideBenchItem({"no/such/item", "accept", "", "carol", "", ""}).code(), StatusCode::kNotFound);
}

TEST(BenchReviewTest, ARebuildKeepsTheDecisionsOfUnchangedItems) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-rebuild");
  const std::string path = FreshCatalog(scratch);
  const BuildOptions options = Options(scratch, path, kSmallConfig);
  ASSERT_TRUE(RunBuild(options).ok());
  std::string id;
  {
    auto catalog = Open(path);
    id = (*catalog->BenchItems())[3].id;
    ASSERT_TRUE(catalog->DecideBenchItem({id, "reject", "", "alice", "", ""}).ok());
  }
  ASSERT_TRUE(RunBuild(options).ok());
  auto catalog = Open(path);
  EXPECT_EQ((*catalog->FindBenchItem(id))->status, "rejected");
  EXPECT_EQ(catalog->BenchDecisions(id)->size(), 1u);
}

TEST(BenchExportTest, AcceptedItemsAreWrittenAndVerified) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-export");
  const std::string path = FreshCatalog(scratch);
  ASSERT_TRUE(RunBuild(Options(scratch, path, kSmallConfig)).ok());
  std::string rejected;
  {
    auto catalog = Open(path);
    rejected = (*catalog->BenchItems())[0].id;
    ASSERT_TRUE(catalog->DecideBenchItem({rejected, "reject", "", "alice", "", ""}).ok());
  }
  auto accepted = AcceptPending(path, "alice", "");
  ASSERT_TRUE(accepted.ok());
  const std::string out = scratch + "/export";
  auto summary = RunExport(path, out);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  int64_t lines = 0;
  for (const char* task : {"counting", "grounding", "vqa", "classification", "caption"}) {
    auto reader = LineReader::Open(out + "/" + task + ".jsonl");
    ASSERT_TRUE(reader.ok()) << task;
    std::string line;
    while (reader->Next(&line)) {
      auto sample = SampleFromJson(nlohmann::json::parse(line));
      ASSERT_TRUE(sample.ok()) << sample.status().ToString();
      EXPECT_NE(sample->id, rejected);
      EXPECT_TRUE(fs::exists(out + "/images/" + sample->image)) << sample->image;
      EXPECT_FALSE(sample->ReferenceAnswer().empty());
      ++lines;
    }
    EXPECT_EQ(summary->manifest["statistics"][task]["items"].get<int64_t>(), summary->items[task]);
  }
  EXPECT_EQ(lines, *accepted);
  auto problems = VerifyExport(out);
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty()) << problems->front();
}

TEST(BenchExportTest, AChangedByteIsCaught) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-export-tamper");
  const std::string path = FreshCatalog(scratch);
  ASSERT_TRUE(RunBuild(Options(scratch, path, kSmallConfig)).ok());
  ASSERT_TRUE(AcceptPending(path, "alice", "counting").ok());
  const std::string out = scratch + "/export";
  ASSERT_TRUE(RunExport(path, out).ok());
  ASSERT_TRUE(VerifyExport(out)->empty());
  std::string image;
  for (const auto& entry : fs::recursive_directory_iterator(out + "/images")) {
    if (entry.is_regular_file()) image = entry.path().string();
  }
  ASSERT_FALSE(image.empty());
  {
    std::fstream file(image, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(100);
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 1);
    file.seekp(100);
    file.write(&byte, 1);
  }
  auto problems = VerifyExport(out);
  ASSERT_TRUE(problems.ok());
  ASSERT_EQ(problems->size(), 1u);
  EXPECT_EQ(problems->front().rfind(fs::relative(image, out).generic_string() + ": sha256 ", 0), 0u)
      << problems->front();
}

TEST(BenchExportTest, RefusesAFolderThatIsNotEmpty) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-export-busy");
  fs::create_directories(scratch + "/out");
  testing::WriteText(scratch + "/out", "keep.txt", "mine");
  auto summary = RunExport(DemoCatalog(), scratch + "/out");
  EXPECT_EQ(summary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(fs::exists(scratch + "/out/keep.txt"));
}

TEST(BenchConfigTest, UnknownKeysTasksAndGranularitiesAreRefused) {
  EXPECT_EQ(ParseBenchConfig(R"({"taskz": {}})", "c.json").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseBenchConfig(R"({"tasks": {"detection": {}}})", "c.json").status().code(), StatusCode::kParseError);
  auto bad = ParseBenchConfig(R"({"tasks": {"counting": {"granularity": {"huge": 1}}}})", "c.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("c.json: tasks.counting.granularity: unknown key \"huge\""), std::string::npos)
      << bad.status().message();
  auto shipped = LoadBenchConfig(testing::BenchManifest("mgrs.json"));
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  ASSERT_EQ(shipped->tasks.size(), 5u);
  for (const auto& [task, config] : shipped->tasks) EXPECT_EQ(config.images, 2083) << task;
}

TEST(BenchConfigTest, PromptsWithAnUnknownFieldAreRefused) {
  auto shipped = PromptSet::Load(testing::BenchManifest("prompts.json"));
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  auto bad = PromptSet::Parse(R"({"counting": {"*": [{"human": "How many {clas}?", "gpt": "{count}"}]}})", "p.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown field {clas}"), std::string::npos) << bad.status().message();
  auto missing = PromptSet::Parse(R"({"counting": {"sparse": [{"human": "How many {class_plural}?",
      "gpt": "{count}"}]}})",
                                  "p.json");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(BenchToolTest, BuildAcceptExportVerifyThroughTheCommandLine) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-tool");
  const std::string path = FreshCatalog(scratch);
  const std::string config = testing::WriteText(scratch, "config.json", kSmallConfig);
  const std::string mgrs = MGRS_TOOL_MGRS;
  std::string output;
  ASSERT_EQ(
      mgrs::testing::RunCommand(
          mgrs + " bench build --catalog " + path + " --config " + config + " --out " + scratch + "/build", &output),
      0)
      << output;
  EXPECT_TRUE(fs::exists(scratch + "/build/build.json"));
  ASSERT_EQ(mgrs::testing::RunCommand(mgrs + " bench accept --catalog " + path + " --reviewer alice", &output), 0)
      << output;
  ASSERT_EQ(mgrs::testing::RunCommand(mgrs + " bench export --catalog " + path + " --out " + scratch + "/x", &output),
            0)
      << output;
  EXPECT_EQ(mgrs::testing::RunCommand(mgrs + " bench verify " + scratch + "/x", &output), 0) << output;
  // mgrs-score reads the export as it is: the reference answers as predictions score perfectly.
  for (const std::string task : {"counting", "grounding", "vqa", "classification"}) {
    auto reader = LineReader::Open(scratch + "/x/" + task + ".jsonl");
    ASSERT_TRUE(reader.ok());
    std::string line, predictions;
    while (reader->Next(&line)) {
      const auto sample = SampleFromJson(nlohmann::json::parse(line));
      ASSERT_TRUE(sample.ok());
      predictions += nlohmann::json{{"id", sample->id}, {"answer", sample->ReferenceAnswer()}}.dump() + "\n";
    }
    const std::string pred = testing::WriteText(scratch, task + "_pred.jsonl", predictions);
    const std::string report = scratch + "/" + task + "_report.json";
    ASSERT_EQ(mgrs::testing::RunCommand(std::string(MGRS_TOOL_SCORE) + " --gt " + scratch + "/x/" + task +
                                            ".jsonl --pred " + pred + " --json " + report,
                                        &output),
              0)
        << output;
    auto text = ReadFile(report);
    ASSERT_TRUE(text.ok());
    const auto metrics = nlohmann::json::parse(*text)["tasks"][task]["metrics"];
    EXPECT_EQ(metrics[task == "grounding" ? "acc@0.5" : "accuracy"].get<double>(), 1.0) << task << ": " << metrics;
  }
  testing::WriteText(scratch + "/x", "counting.jsonl", "tampered\n");
  EXPECT_EQ(mgrs::testing::RunCommand(mgrs + " bench verify " + scratch + "/x", &output), 1) << output;
  EXPECT_NE(output.find("counting.jsonl: sha256"), std::string::npos) << output;
  EXPECT_EQ(mgrs::testing::RunCommand(mgrs + " bench build --catalog " + path + " --annotator openai --out o", &output),
            2)
      << output;
}

}  // namespace
}  // namespace mgrs::bench
