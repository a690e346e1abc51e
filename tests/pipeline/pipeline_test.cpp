// mgrs::pipeline: stages skipped when unchanged and rerun from the first change, config errors, the trivial
// baselines, and (with LibTorch) the whole smoke pipeline through the real skymoe.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/pipeline/baselines.h"
#include "mgrs/pipeline/pipeline.h"
#include "test_support.h"

namespace mgrs::pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kManifests = MGRS_MANIFEST_DIR;

// The smoke config with absolute paths, so that a changed copy can live in a scratch folder.
json SmokeConfig() {
  std::ifstream file(kManifests + "/pipeline/smoke.json");
  json config = json::parse(file);
  config["instruct"]["config"] = kManifests + "/instruct/demo.json";
  config["instruct"]["templates"] = kManifests + "/templates";
  config["model"]["config"] = kManifests + "/models/skymoe-tiny.json";
  config["stage1"]["config"] = kManifests + "/train/demo-stage1.json";
  config["stage2"]["config"] = kManifests + "/train/demo-stage2.json";
  return config;
}

std::string WriteConfig(const std::string& dir, const json& config) {
  const std::string path = dir + "/pipeline.json";
  std::ofstream(path) << config.dump(2);
  return path;
}

// The events of one run: "stage:event" for run, skipped and done.
struct Run {
  Result<PipelineReport> report = Status();
  std::vector<std::string> events;
};

Run RunWith(const std::string& config, const std::string& out, const std::string& skymoe, bool force = false) {
  Run run;
  PipelineOptions options;
  options.config_path = config;
  options.out_dir = out;
  options.skymoe_path = skymoe;
  options.threads = 1;
  options.force = force;
  options.on_stage = [&](const std::string& stage, const std::string& event, const std::string&) {
    if (event != "command") run.events.push_back(stage + ":" + event);
  };
  run.report = RunPipeline(options);
  return run;
}

std::vector<std::string> Events(std::initializer_list<std::string> list) { return list; }

// Without a skymoe the run stops at the first model stage; the four data stages are done and recorded.
TEST(PipelineTest, DataStagesRunThenTheMissingModelProgramStopsTheRun) {
  const std::string dir = testing::ScratchDir("pipeline_data");
  const auto run = RunWith(WriteConfig(dir, SmokeConfig()), dir + "/out", dir + "/no-skymoe");
  ASSERT_FALSE(run.report.ok());
  EXPECT_EQ(run.report.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(run.report.status().message().rfind("init: ", 0), 0u) << run.report.status().ToString();
  EXPECT_EQ(run.events, Events({"demo-data:run", "demo-data:done", "catalog:run", "catalog:done", "augment:run",
                                "augment:done", "instruct:run", "instruct:done", "init:run"}));
  for (const char* output : {"data/ingest.json", "catalog.sqlite", "augmented/catalog.sqlite", "instruct/train.jsonl",
                             "instruct/test.jsonl", "pipeline-state.json"}) {
    EXPECT_TRUE(fs::exists(dir + "/out/" + output)) << output;
  }
}

TEST(PipelineTest, ARerunSkipsUnchangedStagesAndForceRunsThemAgain) {
  const std::string dir = testing::ScratchDir("pipeline_rerun");
  const std::string config = WriteConfig(dir, SmokeConfig());
  RunWith(config, dir + "/out", dir + "/no-skymoe");
  const auto train_before = ReadFile(dir + "/out/instruct/train.jsonl");
  ASSERT_TRUE(train_before.ok());
  const auto again = RunWith(config, dir + "/out", dir + "/no-skymoe");
  EXPECT_EQ(again.events,
            Events({"demo-data:skipped", "catalog:skipped", "augment:skipped", "instruct:skipped", "init:run"}));
  const auto forced = RunWith(config, dir + "/out", dir + "/no-skymoe", /*force=*/true);
  EXPECT_EQ(forced.events.front(), "demo-data:run");
  const auto train_after = ReadFile(dir + "/out/instruct/train.jsonl");
  ASSERT_TRUE(train_after.ok());
  EXPECT_EQ(*train_before, *train_after);  // every stage is deterministic
}

TEST(PipelineTest, AChangedSectionRerunsFromItsStageOn) {
  const std::string dir = testing::ScratchDir("pipeline_change");
  json config = SmokeConfig();
  RunWith(WriteConfig(dir, config), dir + "/out", dir + "/no-skymoe");
  config["instruct"]["seed"] = 7;
  const auto changed = RunWith(WriteConfig(dir, config), dir + "/out", dir + "/no-skymoe");
  EXPECT_EQ(changed.events, Events({"demo-data:skipped", "catalog:skipped", "augment:skipped", "instruct:run",
                                    "instruct:done", "init:run"}));
}

TEST(PipelineTest, AMissingOutputRerunsItsStage) {
  const std::string dir = testing::ScratchDir("pipeline_missing");
  const std::string config = WriteConfig(dir, SmokeConfig());
  RunWith(config, dir + "/out", dir + "/no-skymoe");
  fs::remove(dir + "/out/augmented/catalog.sqlite");
  const auto again = RunWith(config, dir + "/out", dir + "/no-skymoe");
  EXPECT_EQ(again.events, Events({"demo-data:skipped", "catalog:skipped", "augment:run", "augment:done",
                                  "instruct:skipped", "init:run"}));
}

TEST(PipelineTest, AnUnknownKeyIsRefusedWithTheFileAndKey) {
  const std::string dir = testing::ScratchDir("pipeline_unknown_key");
  json config = SmokeConfig();
  config["eval"]["max_new_token"] = 3;
  const std::string path = WriteConfig(dir, config);
  const auto run = RunWith(path, dir + "/out", dir + "/no-skymoe");
  ASSERT_EQ(run.report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(run.report.status().message().find(path), std::string::npos);
  EXPECT_NE(run.report.status().message().find("eval: unknown key \"max_new_token\""), std::string::npos)
      << run.report.status().message();
  EXPECT_TRUE(run.events.empty());
}

TEST(PipelineTest, AMissingFileInTheConfigIsRefused) {
  const std::string dir = testing::ScratchDir("pipeline_missing_file");
  json config = SmokeConfig();
  config["stage2"]["config"] = dir + "/nowhere.json";
  const auto run = RunWith(WriteConfig(dir, config), dir + "/out", dir + "/no-skymoe");
  ASSERT_EQ(run.report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(run.report.status().message().find("stage2.config: " + dir + "/nowhere.json does not exist"),
            std::string::npos)
      << run.report.status().message();
}

TEST(PipelineTest, AnUnknownAugmentOperationIsRefused) {
  const std::string dir = testing::ScratchDir("pipeline_bad_operation");
  json config = SmokeConfig();
  config["augment"][0]["operation"] = "mixup";
  const auto run = RunWith(WriteConfig(dir, config), dir + "/out", dir + "/no-skymoe");
  ASSERT_EQ(run.report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(run.report.status().message().find("augment[0].operation"), std::string::npos);
}

// --- baselines -------------------------------------------------------------------------------------------------

std::string SampleLine(const std::string& id, const std::string& task, const std::string& answer, const json& gt) {
  return json{{"id", id},
              {"task", task},
              {"image", "i/" + id + ".png"},
              {"image_size", {100, 100}},
              {"conversations", {{{"from", "human"}, {"value", "<image>\nq"}}, {{"from", "gpt"}, {"value", answer}}}},
              {"gt", gt}}
             .dump() +
         "\n";
}

TEST(BaselinesTest, EachTaskGetsItsTrivialAnswer) {
  const std::string dir = testing::ScratchDir("pipeline_baselines");
  std::ofstream train(dir + "/train.jsonl");
  train << SampleLine("c1", "classification", "airport", {{"label", "airport"}})
        << SampleLine("c2", "classification", "airport", {{"label", "airport"}})
        << SampleLine("c3", "classification", "forest", {{"label", "forest"}})
        << SampleLine("n1", "counting", "3", {{"count", 3}}) << SampleLine("n2", "counting", "3", {{"count", 3}})
        << SampleLine("n3", "counting", "5", {{"count", 5}})
        << SampleLine("p1", "caption", "a b", {{"references", {"a b"}}})
        << SampleLine("p2", "caption", "a b", {{"references", {"a b"}}})
        << SampleLine("p3", "caption", "c", {{"references", {"c"}}})
        << SampleLine("v1", "vqa", "yes", {{"answer", "yes"}, {"type", "presence"}})
        << SampleLine("v2", "vqa", "yes", {{"answer", "yes"}, {"type", "presence"}})
        << SampleLine("v3", "vqa", "2", {{"answer", "2"}, {"type", "count"}})
        << SampleLine("g1", "grounding", "x", {{"boxes", {{0, 0, 10, 20}}}})
        << SampleLine("g2", "grounding", "x", {{"boxes", {{50, 50, 60, 70}}}});
  train.close();
  std::ofstream test(dir + "/test.jsonl");
  test << SampleLine("t-c", "classification", "forest", {{"label", "forest"}})
       << SampleLine("t-n", "counting", "9", {{"count", 9}})
       << SampleLine("t-p", "caption", "z", {{"references", {"z"}}})
       << SampleLine("t-v", "vqa", "1", {{"answer", "1"}, {"type", "count"}})
       << SampleLine("t-g", "grounding", "x", {{"boxes", {{1, 1, 5, 5}}}});
  test.close();
  const auto rules = WriteBaselinePredictions(dir + "/train.jsonl", dir + "/test.jsonl", instruct::BoxFormat::kGeoChat,
                                              dir + "/pred.jsonl");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  std::map<std::string, std::string> answers;
  std::ifstream predictions(dir + "/pred.jsonl");
  for (std::string line; std::getline(predictions, line);) {
    const auto j = json::parse(line);
    answers[j["id"]] = j["answer"];
  }
  EXPECT_EQ(answers["t-c"], "airport");
  EXPECT_EQ(answers["t-n"], "3");
  EXPECT_EQ(answers["t-p"], "a b");
  EXPECT_EQ(answers["t-v"], "2");                       // the answer of its question type, not the overall "yes"
  EXPECT_EQ(answers["t-g"], "{<45><40><55><60>|<0>}");  // 10 x 20 (the mean), centred in 100 x 100
  EXPECT_EQ(rules->at("classification"), "majority class: airport");
}

TEST(BaselinesTest, ABadTestLineFailsWithItsFileAndLine) {
  const std::string dir = testing::ScratchDir("pipeline_baselines_bad");
  std::ofstream(dir + "/train.jsonl") << SampleLine("c1", "classification", "airport", {{"label", "airport"}});
  std::ofstream(dir + "/test.jsonl") << SampleLine("t-c", "classification", "forest", {{"label", "forest"}})
                                     << "{\"id\": 3\n";
  const auto rules = WriteBaselinePredictions(dir + "/train.jsonl", dir + "/test.jsonl", instruct::BoxFormat::kGeoChat,
                                              dir + "/pred.jsonl");
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.status().message().find(dir + "/test.jsonl:2"), std::string::npos) << rules.status().message();
  EXPECT_FALSE(fs::exists(dir + "/pred.jsonl"));
}

// --- the whole loop --------------------------------------------------------------------------------------------

#ifdef MGRS_TOOL_SKYMOE
// The smoke pipeline through the real skymoe: every stage writes its outputs, the report parses and holds the
// model's and the baselines' scores for the five tasks, and a rerun skips every stage.
TEST(PipelineTest, TheSmokePipelineRunsEveryStageAndWritesTheReport) {
  const std::string dir = testing::ScratchDir("pipeline_smoke");
  const std::string config = WriteConfig(dir, SmokeConfig());
  const auto run = RunWith(config, dir + "/out", MGRS_TOOL_SKYMOE);
  ASSERT_TRUE(run.report.ok()) << run.report.status().ToString();
  ASSERT_EQ(run.report->stages.size(), StageNames().size());
  for (const auto& stage : run.report->stages) EXPECT_FALSE(stage.skipped) << stage.name;
  for (const char* output :
       {"model/init/model.safetensors", "model/init/tokenizer.model", "model/stage1/latest", "model/stage2/latest",
        "eval/predictions.jsonl", "eval/baseline-predictions.jsonl", "report.json", "report.md", "report.html"}) {
    EXPECT_TRUE(fs::exists(dir + "/out/" + output)) << output;
  }
  std::ifstream file(dir + "/out/report.json");
  const json report = json::parse(file);
  for (const char* task : {"caption", "vqa", "grounding", "counting", "classification"}) {
    EXPECT_TRUE(report["model"]["tasks"].contains(task)) << task;
    EXPECT_TRUE(report["baseline"]["tasks"].contains(task)) << task;
  }
  EXPECT_EQ(report["targets"].size(), 4u);
  EXPECT_EQ(report["stages"].size(), StageNames().size() - 1);  // every stage before the report

  const auto again = RunWith(config, dir + "/out", MGRS_TOOL_SKYMOE);
  ASSERT_TRUE(again.report.ok());
  for (const auto& stage : again.report->stages) EXPECT_TRUE(stage.skipped) << stage.name;

  // Stage II as a kill leaves it: started with this fingerprint, not finished. The rerun resumes its checkpoint.
  const std::string state_path = dir + "/out/pipeline-state.json";
  json state = json::parse(std::ifstream(state_path));
  state["stages"]["stage2"]["started"] = state["stages"]["stage2"]["fingerprint"];
  state["stages"]["stage2"]["fingerprint"] = "";
  std::ofstream(state_path) << state.dump();
  const auto resumed = RunWith(config, dir + "/out", MGRS_TOOL_SKYMOE);
  ASSERT_TRUE(resumed.report.ok()) << resumed.report.status().ToString();
  const auto& stage2 = resumed.report->stages[6];
  EXPECT_FALSE(stage2.skipped);
  EXPECT_NE(stage2.summary.find("(resumed)"), std::string::npos) << stage2.summary;
  EXPECT_TRUE(resumed.report->stages[7].skipped);  // the same checkpoint: the predictions stand
}
#endif

}  // namespace
}  // namespace mgrs::pipeline
