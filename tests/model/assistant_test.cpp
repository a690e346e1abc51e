// The assistant (checkpoint + tokenizer + prompt + preprocessing + generation) and the `skymoe generate` and
// `skymoe eval` commands, on a tiny random checkpoint written by the test with a tokenizer trained here.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "golden_model.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/generate.h"
#include "mgrs/model/moe.h"
#include "sharpened_checkpoint.h"
#include "test_support.h"

namespace mgrs::model {
namespace {

using testing::GoldenPath;

std::string SkymoeBinary() { return testing::ToolPath("skymoe"); }

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class AssistantTest : public ::testing::Test {
 protected:
  // One checkpoint for the suite, whose answers depend on the prompt (sharpened_checkpoint.h), so that comparing the
  // library with the commands can catch a wrong prompt; DifferentQuestionsGetDifferentAnswers checks that this holds.
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::ScratchDir("assistant_checkpoint"));
    testing::WriteSharpenedCheckpoint(*dir_, /*seed=*/11);
  }
  static void TearDownTestSuite() { delete dir_; }

  static GenerationOptions Budget(int tokens) {
    GenerationOptions options;
    options.max_new_tokens = tokens;
    return options;
  }

  static std::string* dir_;
};
std::string* AssistantTest::dir_ = nullptr;

// The equality tests below compare answers; they can only fail on a wrong prompt if the answer depends on it.
TEST_F(AssistantTest, DifferentQuestionsGetDifferentAnswers) {
  RunOptions run;
  run.threads = 1;
  auto assistant = Assistant::Load(*dir_, run);
  ASSERT_TRUE(assistant.ok()) << assistant.status().ToString();
  const std::string image = GoldenPath("images/wide.png");
  auto boats = (*assistant)->Answer({{image, "How many boats are there?"}}, Budget(6));
  auto describe = (*assistant)->Answer({{image, "Describe the image."}}, Budget(6));
  ASSERT_TRUE(boats.ok() && describe.ok());
  EXPECT_NE(boats->front(), describe->front());
}

TEST_F(AssistantTest, GenerateCommandPrintsTheLibraryAnswerAlone) {
  RunOptions run;
  run.threads = 1;
  auto assistant = Assistant::Load(*dir_, run);
  ASSERT_TRUE(assistant.ok()) << assistant.status().ToString();
  const std::string image = GoldenPath("images/wide.png");
  auto answers = (*assistant)->Answer({{image, "How many boats are there?"}}, Budget(6));
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  ASSERT_FALSE(answers->front().empty());

  std::string out;
  const int exit = testing::RunCommand(SkymoeBinary() + " generate --threads 1 --max-new-tokens 6 --checkpoint " +
                                           *dir_ + " --image " + image + " --prompt 'How many boats are there?'",
                                       &out);
  ASSERT_EQ(exit, 0) << out;
  std::string last, line;
  std::istringstream lines(out);
  while (std::getline(lines, line)) last = line;
  EXPECT_EQ(last, answers->front());
}

TEST_F(AssistantTest, EvaluationAnswersGoodSamplesAndRejectsBadOnes) {
  const std::string work = testing::ScratchDir("assistant_eval");
  const std::string bench = work + "/bench.jsonl";
  std::ofstream(bench)
      << R"({"id":"s1","task":"vqa","image":"wide.png","conversations":[{"from":"human","value":"<image>\nHow many boats?"}],"gt":{"answer":"3"}})"
      << "\n{not json\n"
      << R"({"id":"s2","task":"vqa","image":"../images/tall.png","conversations":[{"from":"human","value":"<image>\nWhere?"}],"gt":{"answer":"x"}})"
      << "\n"
      << R"({"id":"s3","task":"caption","image":"no-such.png","conversations":[{"from":"human","value":"<image>\nDescribe."}],"gt":{"references":["x"]}})"
      << "\n"
      << R"({"id":"s4","task":"caption","image":"tall.png","conversations":[{"from":"human","value":"<image>\nDescribe the image."}],"gt":{"references":["x"]}})"
      << "\n";
  EvaluationOptions options;
  options.checkpoint_dir = *dir_;
  options.bench_path = bench;
  options.image_root = GoldenPath("images");
  options.out_path = work + "/predictions.jsonl";
  options.generation = Budget(5);
  options.run.threads = 1;
  auto report = RunEvaluation(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->read, 5);
  EXPECT_EQ(report->answered, 2);
  std::vector<std::string> codes;
  for (const auto& d : report->rejected) codes.push_back(d.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"BAD_JSON", "IMAGE_OUTSIDE_ROOT", "MISSING_IMAGE"}));

  // Predictions come in input order; each equals the answer to that sample alone.
  const auto lines = ReadLines(options.out_path);
  ASSERT_EQ(lines.size(), 2u);
  auto assistant = Assistant::Load(*dir_, options.run);
  ASSERT_TRUE(assistant.ok());
  const auto first = (*assistant)->Answer({{GoldenPath("images/wide.png"), "How many boats?"}}, Budget(5));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(lines[0], DumpJson(nlohmann::ordered_json{{"id", "s1"}, {"answer", first->front()}}));
  EXPECT_EQ(nlohmann::json::parse(lines[1])["id"], "s4");
}

// Sample paths (docs/RELIABILITY.md, "Paths escaping their root"): an absolute path is refused even when the file
// exists; an image root that is a link, and links inside the root, are followed without resolving them, because
// `mgrs instruct` writes OUT/images/<dataset> as links to the dataset roots.
class EvalPathTest : public AssistantTest {
 protected:
  // Evaluates `bench_lines` against `image_root`; returns the report, the predictions' ids in *ids.
  static EvaluationReport Evaluate(const std::string& work, const std::string& bench_lines,
                                   const std::string& image_root, std::vector<std::string>* ids) {
    std::ofstream(work + "/bench.jsonl") << bench_lines;
    EvaluationOptions options;
    options.checkpoint_dir = *dir_;
    options.bench_path = work + "/bench.jsonl";
    options.image_root = image_root;
    options.out_path = work + "/predictions.jsonl";
    options.generation = Budget(3);
    options.run.threads = 1;
    auto report = RunEvaluation(options);
    if (!report.ok()) throw std::runtime_error(report.status().ToString());
    for (const auto& line : ReadLines(options.out_path)) ids->push_back(nlohmann::json::parse(line)["id"]);
    return *report;
  }
  static std::string Line(const std::string& id, const std::string& image) {
    return nlohmann::json{{"id", id},
                          {"task", "vqa"},
                          {"image", image},
                          {"conversations", {{{"from", "human"}, {"value", "<image>\nHow many boats?"}}}},
                          {"gt", {{"answer", "3"}}}}
               .dump() +
           "\n";
  }
};

TEST_F(EvalPathTest, AnAbsoluteImagePathIsRefusedThoughTheFileExists) {
  const std::string work = testing::ScratchDir("eval_absolute");
  std::vector<std::string> ids;
  const auto report =
      Evaluate(work, Line("abs", GoldenPath("images/wide.png")) + Line("rel", "wide.png"), GoldenPath("images"), &ids);
  ASSERT_EQ(report.rejected.size(), 1u);
  EXPECT_EQ(report.rejected[0].code, "IMAGE_OUTSIDE_ROOT");
  EXPECT_EQ(report.rejected[0].line, 1);
  EXPECT_EQ(ids, std::vector<std::string>{"rel"});
}

TEST_F(EvalPathTest, ADotDotThatStaysInsideTheRootIsStillRefused) {
  const std::string work = testing::ScratchDir("eval_dotdot_inside");
  std::vector<std::string> ids;
  const auto report = Evaluate(work, Line("dd", "sub/../wide.png"), GoldenPath("images"), &ids);
  ASSERT_EQ(report.rejected.size(), 1u);
  EXPECT_EQ(report.rejected[0].code, "IMAGE_OUTSIDE_ROOT");
  EXPECT_TRUE(ids.empty());
}

TEST_F(EvalPathTest, AnImageRootThatIsALinkAndLinksInsideItAreFollowed) {
  const std::string work = testing::ScratchDir("eval_root_link");
  // OUT/images as `mgrs instruct` writes it: a folder of links to dataset roots, here given as a link itself.
  std::filesystem::create_directories(work + "/out/images");
  std::filesystem::create_symlink(GoldenPath("images"), work + "/out/images/golden");
  std::filesystem::create_symlink(work + "/out/images", work + "/root");
  std::vector<std::string> ids;
  const auto report = Evaluate(work, Line("linked", "golden/wide.png"), work + "/root", &ids);
  EXPECT_TRUE(report.rejected.empty()) << report.rejected[0].ToString();
  EXPECT_EQ(ids, std::vector<std::string>{"linked"});
  // The answer is the one to the file the links lead to.
  const auto lines = ReadLines(work + "/predictions.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  RunOptions run;
  run.threads = 1;
  auto assistant = Assistant::Load(*dir_, run);
  ASSERT_TRUE(assistant.ok()) << assistant.status().ToString();
  const auto direct = (*assistant)->Answer({{GoldenPath("images/wide.png"), "How many boats?"}}, Budget(3));
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(lines[0])["answer"], direct->front());
}

TEST_F(AssistantTest, EvalCommandWritesPredictions) {
  const std::string work = testing::ScratchDir("assistant_eval_cli");
  std::ofstream(work + "/bench.jsonl")
      << R"({"id":7,"task":"classification","image":"wide.png","conversations":[{"from":"human","value":"<image>\nClassify the scene."}],"gt":{"label":"harbor"}})"
      << "\n";
  std::string out;
  const int exit = testing::RunCommand(SkymoeBinary() + " eval --threads 1 --max-new-tokens 3 --checkpoint " + *dir_ +
                                           " --bench " + work + "/bench.jsonl --image-root " + GoldenPath("images") +
                                           " --out " + work + "/predictions.jsonl",
                                       &out);
  ASSERT_EQ(exit, 0) << out;
  const auto lines = ReadLines(work + "/predictions.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["id"], "7");
}

TEST_F(AssistantTest, StageTwoCheckpointAnswersLikeTheDenseOneAndReportsRouting) {
  const std::string work = testing::ScratchDir("assistant_moe");
  MoeConfig moe;
  moe.num_experts = 4;
  ASSERT_TRUE(ConvertCheckpointToMoe(*dir_, moe, work + "/moe", /*seed=*/9).ok());
  std::ofstream(work + "/bench.jsonl")
      << R"({"id":"a","task":"vqa","image":"wide.png","conversations":[{"from":"human","value":"<image>\nHow many boats?"}],"gt":{"answer":"3"}})"
      << "\n"
      << R"({"id":"b","task":"caption","image":"tall.png","conversations":[{"from":"human","value":"<image>\nDescribe."}],"gt":{"references":["x"]}})"
      << "\n";
  EvaluationOptions options;
  options.bench_path = work + "/bench.jsonl";
  options.image_root = GoldenPath("images");
  options.generation = Budget(4);
  options.run.threads = 1;
  options.checkpoint_dir = *dir_;
  options.out_path = work + "/dense.jsonl";
  ASSERT_TRUE(RunEvaluation(options).ok());
  options.checkpoint_dir = work + "/moe";
  options.out_path = work + "/moe.jsonl";
  options.routing_out = work + "/routing.json";
  auto report = RunEvaluation(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  // Identical experts and weights summing to 1: the MoE model answers exactly as the dense one did.
  EXPECT_EQ(ReadLines(work + "/moe.jsonl"), ReadLines(work + "/dense.jsonl"));
  std::ifstream routing_file(options.routing_out);
  const auto routing = nlohmann::json::parse(routing_file);
  EXPECT_EQ(routing["overall"]["layers"], nlohmann::json({0}));  // golden text config: 2 layers, MoE on layer 0
  EXPECT_TRUE(routing["tasks"].contains("vqa") && routing["tasks"].contains("caption"));
  EXPECT_TRUE(std::filesystem::exists(work + "/routing.svg"));
  EXPECT_FALSE(report->routing_table.empty());
}

TEST_F(AssistantTest, ConvertToMoeCommandAndActiveParameterCounts) {
  const std::string work = testing::ScratchDir("assistant_to_moe");
  std::string out;
  ASSERT_EQ(testing::RunCommand(SkymoeBinary() + " convert --to-moe --experts 4 --top-k 2 --seed 9 --from " + *dir_ +
                                    " --out " + work + "/moe",
                                &out),
            0)
      << out;
  auto dense = InspectCheckpoint(*dir_);
  auto moe = InspectCheckpoint(work + "/moe");
  ASSERT_TRUE(dense.ok() && moe.ok());
  EXPECT_EQ(dense->active_parameters_per_token, dense->total_parameters);
  // The golden text config has 2 layers, so layer 0 alone becomes MoE: its FFN (gate, up, down) is cloned into 4
  // experts and a 4 x hidden router is added. A token passes through 2 of the 4 experts.
  int64_t ffn = 0;
  for (const auto& t : dense->tensors) {
    if (t.name.rfind("language_model.model.layers.0.mlp.", 0) == 0) ffn += t.numel;
  }
  const int64_t router = 4 * dense->config.text.hidden_size;
  EXPECT_EQ(moe->total_parameters, dense->total_parameters + 3 * ffn + router);
  EXPECT_EQ(moe->active_parameters_per_token, dense->total_parameters + ffn + router);
  ASSERT_EQ(testing::RunCommand(SkymoeBinary() + " inspect --summary --checkpoint " + work + "/moe", &out), 0) << out;
  EXPECT_NE(
      out.find("active/token    " + std::string(16 - std::to_string(moe->active_parameters_per_token).size(), ' ') +
               std::to_string(moe->active_parameters_per_token) + "  (top-2 of 4 experts per MoE layer)"),
      std::string::npos)
      << out;
  // --to-moe takes a complete checkpoint; mixing it with conversion options is a usage error.
  EXPECT_EQ(testing::RunCommand(
                SkymoeBinary() + " convert --to-moe --dtype bf16 --from " + *dir_ + " --out " + work + "/x", &out),
            2);
}

TEST_F(AssistantTest, EvalCommandExitsThreeWhenSamplesAreSkippedPastMaxRejects) {
  const std::string work = testing::ScratchDir("assistant_eval_rejects");
  std::ofstream(work + "/bench.jsonl")
      << R"({"id":"gone","task":"vqa","image":"no-such.png","conversations":[{"from":"human","value":"<image>\nWhy?"}],"gt":{"answer":"x"}})"
      << "\n";
  const std::string command = SkymoeBinary() + " eval --threads 1 --max-new-tokens 2 --checkpoint " + *dir_ +
                              " --bench " + work + "/bench.jsonl --image-root " + GoldenPath("images") + " --out " +
                              work + "/predictions.jsonl";
  std::string out;
  EXPECT_EQ(testing::RunCommand(command, &out), 3) << out;
  EXPECT_NE(out.find("MISSING_IMAGE"), std::string::npos) << out;
  EXPECT_EQ(testing::RunCommand(command + " --max-rejects 1", &out), 0) << out;
}

TEST_F(AssistantTest, LoadRefusesACheckpointWithoutATokenizer) {
  const std::string bare = testing::ScratchDir("assistant_no_tokenizer");
  auto checkpoint = LoadCheckpoint(*dir_);
  ASSERT_TRUE(checkpoint.ok());
  ASSERT_TRUE(SaveCheckpoint(bare, checkpoint->config, checkpoint->tensors).ok());
  EXPECT_EQ(Assistant::Load(bare, RunOptions()).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(AssistantTest, LoadRefusesAnUnknownDevice) {
  RunOptions run;
  run.device = "abacus";
  EXPECT_EQ(LoadLlava(*dir_, run).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::model
