// `skymoe train` killed (-9) at seeded moments, some inside a checkpoint write: every checkpoint left loads and
// `--resume` ends with the log and weights of an uninterrupted run. A checkpoint write past a file-size limit fails
// naming the file and leaves the previous checkpoint as it was.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "golden_model.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/safetensors.h"
#include "mgrs/model/train.h"
#include "sharpened_checkpoint.h"
#include "test_support.h"

namespace mgrs::model {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using testing::GoldenPath;
using testing::Slurp;
using testing::StartInBackground;
using testing::TemporariesIn;

constexpr int kSteps = 6;  // checkpoints after steps 2, 4 and 6

// True while a checkpoint folder is being written (not yet renamed into place).
bool CheckpointWriteUnderway(const std::string& out) {
  std::error_code error;
  for (fs::directory_iterator it(out, error), end; !error && it != end; it.increment(error)) {
    if (it->path().filename().string().rfind(".step-", 0) == 0) return true;
  }
  return false;
}

// The log's lines without their timings, which differ from run to run.
std::vector<std::string> LogWithoutTimes(const std::string& out) {
  std::vector<std::string> lines;
  std::ifstream in(out + "/log.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    for (const char* timing : {"tokens_per_s", "seconds"}) j.erase(timing);
    lines.push_back(j.dump());
  }
  return lines;
}

// Checks every step-* folder in `out` as a checkpoint a resumed run or `skymoe generate` can load, and that
// `latest`, when there, names one of them. Returns how many there are.
int ExpectOnlyCompleteCheckpoints(const std::string& out) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("step-", 0) != 0) continue;
    ++count;
    SCOPED_TRACE(name);
    const auto loaded = LoadCheckpoint(entry.path().string());
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    const auto adapters = SafetensorsFile::Open(entry.path().string() + "/trainer/adapters.safetensors");
    EXPECT_TRUE(adapters.ok()) << adapters.status().ToString();
    EXPECT_TRUE(fs::is_regular_file(entry.path() / "trainer" / "optimizer.pt"));
    const auto state = nlohmann::json::parse(Slurp(entry.path().string() + "/trainer/state.json"), nullptr, false);
    EXPECT_TRUE(state.is_object() && state.value("step", -1) == std::stoi(name.substr(5))) << state.dump();
  }
  if (fs::exists(out + "/latest")) {
    const auto latest = LatestCheckpoint(out);
    EXPECT_TRUE(latest.ok()) << latest.status().ToString();
  }
  return count;
}

class TrainCrashTest : public ::testing::Test {
 protected:
  // The tiny Stage I manifest (LoRA dropout on, so the random generators must be restored too) with a checkpoint
  // every two steps, on four samples about the golden images.
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::ScratchDir("train_crash_suite"));
    fs::create_directories(Init());
    testing::WriteSharpenedCheckpoint(Init(), /*seed=*/5);
    std::ofstream(Data())
        << R"({"id":"s1","task":"vqa","image":"wide.png","conversations":[{"from":"human","value":"<image>\nHow many storage tanks are there?"},{"from":"gpt","value":"There are 3"}],"gt":{"answer":"There are 3"}})"
           "\n"
        << R"({"id":"s2","task":"vqa","image":"tall.png","conversations":[{"from":"human","value":"How many storage tanks are there?"},{"from":"gpt","value":"There are 12"}],"gt":{"answer":"There are 12"}})"
           "\n"
        << R"({"id":"s3","task":"vqa","image":"wide.png","conversations":[{"from":"human","value":"<image>\nDescribe the image."},{"from":"gpt","value":"a harbor with 7 boats next to a runway"}],"gt":{"answer":"a harbor"}})"
           "\n"
        << R"({"id":"s4","task":"vqa","image":"tall.png","conversations":[{"from":"human","value":"<image>\nHow many boats are there?"},{"from":"gpt","value":"There are 5"},{"from":"human","value":"And storage tanks?"},{"from":"gpt","value":"There are 9"}],"gt":{"answer":"There are 9"}})"
           "\n";
    auto config = ReadTrainConfig(std::string(MGRS_SOURCE_DIR) + "/manifests/train/skymoe-tiny-stage1.json");
    if (!config.ok()) throw std::runtime_error(config.status().ToString());
    config->steps = kSteps;
    config->save_every = 2;
    config->optimizer.lr = 5e-3;
    std::ofstream(Config()) << TrainConfigToJson(*config);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Init() { return *dir_ + "/init"; }
  static std::string Data() { return *dir_ + "/train.jsonl"; }
  static std::string Config() { return *dir_ + "/stage1.json"; }

  static std::string Train(const std::string& out) {
    return testing::ToolPath("skymoe") + " train --config " + Config() + " --data " + Data() + " --image-root " +
           GoldenPath("images") + " --stage 1 --init " + Init() + " --out " + out + " --threads 1";
  }

  // The uninterrupted run, once for the suite: its log, its final weights, and when its log appeared and it ended
  // (seconds from its start; the log appears once the model is built and the data read, just before step 1).
  struct Reference {
    std::vector<std::string> log;
    std::map<std::string, torch::Tensor> weights, adapters;
    double log_appeared = 0, ended = 0;
  };
  static const Reference& Uninterrupted() {
    static const Reference reference = [] {
      Reference r;
      const std::string out = testing::ScratchDir("train_crash_reference");
      const auto start = Clock::now();
      const pid_t pid = StartInBackground(Train(out));
      int status = 0;
      while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (r.log_appeared == 0 && fs::exists(out + "/log.jsonl")) {
          r.log_appeared = std::chrono::duration<double>(Clock::now() - start).count();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      r.ended = std::chrono::duration<double>(Clock::now() - start).count();
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Train(out);
      r.log = LogWithoutTimes(out);
      r.weights = testing::ReadAllTensors(out + "/step-000006/model.safetensors");
      r.adapters = testing::ReadAllTensors(out + "/step-000006/trainer/adapters.safetensors");
      return r;
    }();
    return reference;
  }

  // Finishes the run in `out` as a user would after a crash: --resume when a checkpoint is there, else from the
  // start; then expects the uninterrupted run's log and weights.
  static void ExpectResumeMatchesUninterrupted(const std::string& out) {
    const bool resume = fs::exists(out + "/latest");
    std::string output;
    ASSERT_EQ(testing::RunCommand(Train(out) + (resume ? " --resume" : ""), &output), 0) << output;
    const Reference& reference = Uninterrupted();
    EXPECT_EQ(LogWithoutTimes(out), reference.log);
    for (const auto& [name, tensor] : testing::ReadAllTensors(out + "/step-000006/model.safetensors")) {
      ASSERT_TRUE(reference.weights.count(name)) << name;
      EXPECT_TRUE(torch::equal(tensor, reference.weights.at(name))) << name;
    }
    for (const auto& [name, tensor] : testing::ReadAllTensors(out + "/step-000006/trainer/adapters.safetensors")) {
      ASSERT_TRUE(reference.adapters.count(name)) << name;
      EXPECT_TRUE(torch::equal(tensor, reference.adapters.at(name))) << name;
    }
    EXPECT_EQ(TemporariesIn(out), std::vector<std::string>{}) << "the resumed run left a killed run's temporaries";
  }

  static std::string* dir_;
};
std::string* TrainCrashTest::dir_ = nullptr;

// 12 kills: 8 at seeded moments within the span an uninterrupted run trains (counted from when the killed run's
// log appears), 4 as soon as a seeded checkpoint's temporary folder appears, to land inside checkpoint writes.
TEST_F(TrainCrashTest, KilledAtSeededMomentsResumesToTheUninterruptedRun) {
  const Reference& reference = Uninterrupted();
  ASSERT_EQ(reference.log.size(), static_cast<size_t>(kSteps));
  ASSERT_GT(reference.log_appeared, 0);
  std::mt19937 random(1717);
  std::uniform_real_distribution<double> moment(0.0, reference.ended - reference.log_appeared);
  std::uniform_int_distribution<int> checkpoint(1, kSteps / 2);
  int killed_running = 0, before_any_checkpoint = 0, inside_checkpoint_write = 0;
  for (int kill = 0; kill < 12; ++kill) {
    const bool at_checkpoint = kill >= 8;
    const double after = moment(random);
    const std::string temp_folder = ".step-00000" + std::to_string(2 * checkpoint(random)) + ".tmp";
    SCOPED_TRACE("kill " + std::to_string(kill) + (at_checkpoint ? " at " + temp_folder : ""));
    const std::string out = testing::ScratchDir("train_crash_" + std::to_string(kill));
    const pid_t pid = StartInBackground(Train(out));
    ASSERT_GT(pid, 0);
    int status = 0;
    bool ended = false;
    const auto waiting_for = [&](const std::string& file) {
      while (!ended && !fs::exists(out + "/" + file)) {
        ended = ::waitpid(pid, &status, WNOHANG) == pid;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
    };
    if (at_checkpoint) {
      waiting_for(temp_folder);
    } else {
      waiting_for("log.jsonl");
      if (!ended) std::this_thread::sleep_for(std::chrono::duration<double>(after));
    }
    if (!ended) {
      ::kill(pid, SIGKILL);
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++killed_running;
    if (CheckpointWriteUnderway(out)) ++inside_checkpoint_write;
    if (!fs::exists(out + "/latest")) ++before_any_checkpoint;
    ExpectOnlyCompleteCheckpoints(out);
    ExpectResumeMatchesUninterrupted(out);
  }
  std::printf(
      "training of %d steps: log after %.2f s, done after %.2f s; 12 kills, %d while running: %d before the first "
      "checkpoint, %d inside a checkpoint write\n",
      kSteps, reference.log_appeared, reference.ended, killed_running, before_any_checkpoint, inside_checkpoint_write);
  // Fewer would mean that the test no longer tests what it says.
  EXPECT_GE(killed_running, 8);
  EXPECT_GE(inside_checkpoint_write, 2);
}

// What a kill leaves half-written is removed by the next run in the folder, even when that run never writes the
// same files again (here: resumed with no step left): a checkpoint folder of a step it will not reach, and the
// temporaries of `latest` and the log.
TEST_F(TrainCrashTest, TheNextRunRemovesWhatAKilledRunLeftHalfWritten) {
  const std::string out = testing::ScratchDir("train_crash_leftovers");
  std::string output;
  ASSERT_EQ(testing::RunCommand(Train(out), &output), 0) << output;
  fs::create_directories(out + "/.step-000008.tmp/trainer");
  std::ofstream(out + "/.step-000008.tmp/model.safetensors.tmp.4242.0") << "half a tensor";
  std::ofstream(out + "/latest.tmp.4242.1") << "step-0000";
  std::ofstream(out + "/log.jsonl.tmp.4242.2") << "{\"step\":";
  ASSERT_EQ(TemporariesIn(out).size(), 4u);
  const std::string log = Slurp(out + "/log.jsonl");

  ASSERT_EQ(testing::RunCommand(Train(out) + " --resume", &output), 0) << output;
  EXPECT_NE(output.find("no step left"), std::string::npos) << output;
  EXPECT_EQ(TemporariesIn(out), std::vector<std::string>{});
  EXPECT_EQ(Slurp(out + "/latest"), "step-000006\n");
  EXPECT_EQ(Slurp(out + "/log.jsonl"), log);
  EXPECT_EQ(ExpectOnlyCompleteCheckpoints(out), 3);
}

// A run that died after its step-4 checkpoint is resumed under a file-size limit below model.safetensors' size
// (above every other file's): writing the step-6 checkpoint fails.
TEST_F(TrainCrashTest, ACheckpointPastTheFileSizeLimitFailsNamingTheFileAndKeepsThePreviousOne) {
  const std::string out = testing::ScratchDir("train_crash_full");
  std::string output;
  ASSERT_EQ(testing::RunCommand(Train(out), &output), 0) << output;
  fs::remove_all(out + "/step-000006");
  std::ofstream(out + "/latest") << "step-000004\n";
  const std::string previous = out + "/step-000004";
  const std::string model_file = Slurp(previous + "/model.safetensors");
  const std::string optimizer_file = Slurp(previous + "/trainer/optimizer.pt");
  const long limit = static_cast<long>(model_file.size()) / 2;
  long others = static_cast<long>(fs::file_size(out + "/log.jsonl")) * 2;
  for (const auto& entry : fs::recursive_directory_iterator(previous)) {
    if (entry.is_regular_file() && entry.path().filename() != "model.safetensors") {
      others = std::max(others, static_cast<long>(entry.file_size()));
    }
  }
  ASSERT_LT(others, limit) << "model.safetensors no longer outgrows the other files";

  const int code = testing::RunWithFileSizeLimit(Train(out) + " --resume", limit, &output);
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("skymoe train: error:"), std::string::npos) << output;
  EXPECT_NE(output.find(out + "/.step-000006.tmp/model.safetensors"), std::string::npos) << output;
  EXPECT_NE(output.find("File too large"), std::string::npos) << output;

  EXPECT_EQ(Slurp(out + "/latest"), "step-000004\n");
  EXPECT_FALSE(fs::exists(out + "/step-000006"));
  EXPECT_EQ(TemporariesIn(out), std::vector<std::string>{}) << "the failed write left its folder";
  EXPECT_EQ(Slurp(previous + "/model.safetensors"), model_file);
  EXPECT_EQ(Slurp(previous + "/trainer/optimizer.pt"), optimizer_file);
  EXPECT_EQ(ExpectOnlyCompleteCheckpoints(out), 2);
  // With room again the run resumes from the kept checkpoint and ends as if nothing had happened.
  ExpectResumeMatchesUninterrupted(out);
}

}  // namespace
}  // namespace mgrs::model
