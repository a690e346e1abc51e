// The trainer (train.h, train_data.h) on the golden tiny dimensions: label masks and bad samples, batching, the
// schedule, overfitting, the Stage I -> Stage II handover, the aux loss, exact resuming, refusals and the command.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "golden_model.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/generate.h"
#include "mgrs/model/llama.h"
#include "mgrs/model/lora.h"
#include "mgrs/model/moe.h"
#include "mgrs/model/tokenizer.h"
#include "mgrs/model/train.h"
#include "sharpened_checkpoint.h"
#include "test_support.h"

namespace mgrs::model {
namespace {

namespace fs = std::filesystem;
using testing::GoldenPath;

std::string SampleLine(const std::string& id, const std::string& image, const std::vector<std::string>& turns) {
  nlohmann::ordered_json conversation = nlohmann::ordered_json::array();
  for (size_t i = 0; i < turns.size(); ++i) {
    conversation.push_back({{"from", i % 2 == 0 ? "human" : "gpt"}, {"value", turns[i]}});
  }
  nlohmann::ordered_json sample{{"id", id},
                                {"task", "vqa"},
                                {"image", image},
                                {"conversations", conversation},
                                {"gt", {{"answer", turns.back()}}}};
  return sample.dump() + "\n";
}

// Four conversations about the two golden images, one with two rounds.
std::string GoodSamples() {
  return SampleLine("s1", "wide.png", {"<image>\nHow many storage tanks are there?", "There are 3"}) +
         SampleLine("s2", "tall.png", {"How many storage tanks are there?", "There are 12"}) +
         SampleLine("s3", "wide.png", {"<image>\nDescribe the image.", "a harbor with 7 boats next to a runway"}) +
         SampleLine("s4", "tall.png",
                    {"<image>\nHow many boats are there?", "There are 5", "And storage tanks?", "There are 9"});
}

std::vector<nlohmann::json> ReadLog(const std::string& out_dir) {
  std::ifstream in(out_dir + "/log.jsonl");
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

class TrainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::ScratchDir("train_suite"));
    fs::create_directories(Init());
    testing::WriteSharpenedCheckpoint(Init(), /*seed=*/5);
    std::ofstream(Data()) << GoodSamples();
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Init() { return *dir_ + "/init"; }

  // The init checkpoint's tensors replaced by a freshly initialised model's (torch's default initialisations, norm
  // weights 1) with the output layer scaled by 6. Behind the final RMSNorm a 48-wide model's logits are bounded by
  // the output rows' norms: at their initial size no answer token can reach the probability a loss below 0.1 needs,
  // whatever the adapters learn (a trained model's rows are larger). Returns the folder.
  static std::string FreshInit() {
    const std::string dir = *dir_ + "/fresh";
    if (fs::exists(dir + "/model.safetensors")) return dir;
    auto base = LoadCheckpoint(Init());
    if (!base.ok()) throw std::runtime_error(base.status().ToString());
    RunOptions run;
    run.threads = 1;
    auto model = BuildRandomLlava(base->config, run, /*seed=*/3);
    if (!model.ok()) throw std::runtime_error(model.status().ToString());
    const auto parameters = (*model)->named_parameters();
    NamedTensors tensors;
    for (const auto& [name, tensor] : base->tensors) {
      const auto* fresh = parameters.find(name);
      auto value = fresh != nullptr ? fresh->detach().clone() : tensor;
      tensors.emplace_back(name, name == keys::kLmHead ? value * 6.0 : value);
    }
    const auto saved = SaveCheckpoint(dir, base->config, tensors, base->tokenizer_path);
    if (!saved.ok()) throw std::runtime_error(saved.ToString());
    return dir;
  }
  static std::string Data() { return *dir_ + "/train.jsonl"; }

  // Stage `stage` on the four samples: two micro-batches of two per step, one thread, a fixed seed.
  static TrainOptions Options(int stage, int64_t steps, const std::string& out) {
    TrainOptions options;
    auto& c = options.config;
    c.stage = stage;
    c.global_batch_size = 4;
    c.micro_batch_size = 2;
    c.steps = steps;
    c.seed = 7;
    c.optimizer.lr = 5e-3;
    c.optimizer.warmup_ratio = 0.0;
    c.lora.rank = 8;
    c.moe.num_experts = 4;
    options.data_path = Data();
    options.image_root = GoldenPath("images");
    options.init_dir = Init();
    options.out_dir = out;
    options.threads = 1;
    return options;
  }

  static std::string* dir_;
};
std::string* TrainTest::dir_ = nullptr;

Result<TrainingSet> ReadSet(const std::string& path, int max_length, Overlong overlong, const Tokenizer& tokenizer) {
  DataOptions data;
  data.data_path = path;
  data.image_root = GoldenPath("images");
  data.image_tokens = testing::GoldenConfig().vision.NumPatches();
  data.max_length = max_length;
  data.overlong = overlong;
  return ReadTrainingSet(tokenizer, data);
}

TEST_F(TrainTest, LabelsCoverOnlyTheAnswersAndBadSamplesAreCounted) {
  const std::string path = *dir_ + "/with_bad.jsonl";
  std::ofstream(path) << GoodSamples() << "{not json\n"
                      << SampleLine("gone", "missing.png", {"<image>\nWhat?", "Nothing"})
                      << SampleLine("escape", "../x.png", {"<image>\nWhat?", "Nothing"});
  auto tokenizer = Tokenizer::Load(Init() + "/tokenizer.model");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
  auto set = ReadSet(path, 0, Overlong::kTruncate, **tokenizer);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->report.read, 7);
  EXPECT_EQ(set->report.used, 4);
  EXPECT_EQ(set->report.Count("BAD_JSON"), 1);
  EXPECT_EQ(set->report.Count("MISSING_IMAGE"), 1);
  EXPECT_EQ(set->report.Count("IMAGE_OUTSIDE_ROOT"), 1);
  // s2 had no placeholder: one is put in front; the supervised tokens are exactly the answers and their EOS.
  const auto& s2 = set->examples[1];
  EXPECT_EQ(std::count(s2.ids.begin(), s2.ids.end(), kImageTokenIndex), 1);
  const auto& s4 = set->examples[3];
  std::vector<int> supervised;
  for (size_t i = 0; i < s4.ids.size(); ++i) {
    if (s4.labels[i] != kIgnoreIndex) supervised.push_back(s4.labels[i]);
  }
  EXPECT_EQ(std::count(supervised.begin(), supervised.end(), (*tokenizer)->eos_id()), 2);
  EXPECT_EQ((*tokenizer)->Decode(supervised), "There are 5 There are 9");
  EXPECT_EQ(s4.length, static_cast<int64_t>(s4.ids.size()) - 1 + testing::GoldenConfig().vision.NumPatches());
}

TEST_F(TrainTest, OverlongSamplesAreTruncatedOrSkippedAndCounted) {
  auto tokenizer = Tokenizer::Load(Init() + "/tokenizer.model");
  ASSERT_TRUE(tokenizer.ok());
  auto full = ReadSet(Data(), 0, Overlong::kTruncate, **tokenizer);
  ASSERT_TRUE(full.ok());
  const int64_t limit = full->examples[3].length - 3;  // only s4 (two rounds) is longer
  auto truncated = ReadSet(Data(), static_cast<int>(limit), Overlong::kTruncate, **tokenizer);
  ASSERT_TRUE(truncated.ok());
  EXPECT_EQ(truncated->report.truncated, 1);
  EXPECT_EQ(truncated->examples[3].length, limit);
  auto skipped = ReadSet(Data(), static_cast<int>(limit), Overlong::kSkip, **tokenizer);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->report.skipped_overlong, 1);
  EXPECT_EQ(skipped->report.used, 3);
}

TEST(TrainBatchingTest, EpochBatchesCoverEverySampleOnceAndGroupLengths) {
  std::vector<int64_t> lengths(100);
  for (int i = 0; i < 100; ++i) lengths[i] = (i * 37) % 91;
  auto padding_of = [&](const std::vector<std::vector<size_t>>& batches) {
    int64_t padding = 0;
    for (const auto& batch : batches) {
      int64_t longest = 0;
      for (const auto i : batch) longest = std::max(longest, lengths[i]);
      for (const auto i : batch) padding += longest - lengths[i];
    }
    return padding;
  };
  const auto batches = EpochBatches(lengths, 4, /*seed=*/3, /*epoch=*/0, /*group_by_length=*/true);
  std::multiset<size_t> seen;
  for (const auto& batch : batches) seen.insert(batch.begin(), batch.end());
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(std::set<size_t>(seen.begin(), seen.end()).size(), 100u);
  EXPECT_LT(5 * padding_of(batches), padding_of(EpochBatches(lengths, 4, 3, 0, /*group_by_length=*/false)));
  EXPECT_EQ(batches, EpochBatches(lengths, 4, 3, 0, true));
  EXPECT_NE(batches, EpochBatches(lengths, 4, 3, 1, true));
}

TEST_F(TrainTest, LoaderStreamDoesNotDependOnWorkersAndStartsAnywhere) {
  auto tokenizer = Tokenizer::Load(Init() + "/tokenizer.model");
  ASSERT_TRUE(tokenizer.ok());
  auto set = ReadSet(Data(), 0, Overlong::kTruncate, **tokenizer);
  ASSERT_TRUE(set.ok());
  const auto vision = testing::GoldenConfig().vision;
  auto stream = [&](int workers, int64_t start, int count) {
    BatchLoader::Options options;
    options.micro_batch = 3;
    options.seed = 1;
    options.workers = workers;
    options.start = start;
    BatchLoader loader(*set, vision, options);
    std::vector<std::pair<std::vector<std::string>, std::vector<float>>> batches;
    for (int i = 0; i < count; ++i) {
      auto batch = loader.Next();
      EXPECT_EQ(batch.position, start + i);
      EXPECT_EQ(batch.images, static_cast<int64_t>(batch.sample_ids.size()));
      batches.emplace_back(batch.sample_ids, batch.pixels);
    }
    return batches;
  };
  const auto one = stream(1, 0, 6);  // three epochs of two micro-batches
  EXPECT_EQ(one, stream(3, 0, 6));
  const auto later = stream(2, 4, 2);
  EXPECT_EQ(later[0], one[4]);
  EXPECT_EQ(later[1], one[5]);
}

TEST(TrainScheduleTest, WarmsUpLinearlyThenDecaysByCosine) {
  OptimizerConfig config;
  config.lr = 1.0;
  config.warmup_ratio = 0.25;  // 2 of 8 steps
  EXPECT_DOUBLE_EQ(LearningRate(config, 0, 8), 0.0);
  EXPECT_DOUBLE_EQ(LearningRate(config, 1, 8), 0.5);
  EXPECT_DOUBLE_EQ(LearningRate(config, 2, 8), 1.0);
  EXPECT_NEAR(LearningRate(config, 5, 8), 0.5, 1e-12);
  EXPECT_NEAR(LearningRate(config, 8, 8), 0.0, 1e-12);
  config.schedule = "constant";
  EXPECT_DOUBLE_EQ(LearningRate(config, 5, 8), 1.0);
}

TEST(TrainConfigTest, ManifestsCarryThePaperDefaults) {
  auto stage1 = ReadTrainConfig(std::string(MGRS_SOURCE_DIR) + "/manifests/train/skymoe-stage1.json");
  ASSERT_TRUE(stage1.ok()) << stage1.status().ToString();
  EXPECT_EQ(stage1->global_batch_size, 144);
  EXPECT_DOUBLE_EQ(stage1->optimizer.lr, 2e-5);
  EXPECT_DOUBLE_EQ(stage1->optimizer.warmup_ratio, 0.03);
  EXPECT_DOUBLE_EQ(stage1->optimizer.weight_decay, 0.0);
  EXPECT_EQ(stage1->optimizer.schedule, "cosine");
  EXPECT_DOUBLE_EQ(stage1->epochs, 5.0);
  EXPECT_EQ(stage1->lora.rank, 64);
  EXPECT_EQ(stage1->lora.targets, (std::vector<std::string>{"q_proj", "v_proj"}));
  auto stage2 = ReadTrainConfig(std::string(MGRS_SOURCE_DIR) + "/manifests/train/skymoe-stage2.json");
  ASSERT_TRUE(stage2.ok()) << stage2.status().ToString();
  EXPECT_EQ(stage2->stage, 2);
  EXPECT_EQ(stage2->moe.top_k, 2);
  EXPECT_EQ(stage2->moe.layer_mode, "every_second");
  for (const char* tiny : {"skymoe-tiny-stage1.json", "skymoe-tiny-stage2.json"}) {
    EXPECT_TRUE(ReadTrainConfig(std::string(MGRS_SOURCE_DIR) + "/manifests/train/" + tiny).ok()) << tiny;
  }
  auto misspelt = ParseTrainConfig(R"({"optimizer": {"learning_rate": 1e-4}})");
  ASSERT_FALSE(misspelt.ok());
  EXPECT_NE(misspelt.status().message().find("optimizer.learning_rate"), std::string::npos);
  auto round_trip = ParseTrainConfig(TrainConfigToJson(*stage2));
  ASSERT_TRUE(round_trip.ok());
  EXPECT_EQ(TrainConfigToJson(*round_trip), TrainConfigToJson(*stage2));
}

TEST_F(TrainTest, StageOneOverfitsASmallBatch) {
  const std::string out = testing::ScratchDir("train_overfit");
  auto options = Options(1, 80, out);
  options.init_dir = FreshInit();
  options.config.lora.dropout = 0.0;
  options.config.optimizer.lr = 3e-2;
  options.config.optimizer.schedule = "constant";
  auto report = RunTraining(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const auto log = ReadLog(out);
  ASSERT_EQ(log.size(), 80u);
  EXPECT_GT(log.front()["loss"].get<double>(), 1.0);
  EXPECT_LT(log.back()["loss"].get<double>(), 0.1);
  EXPECT_EQ(log.back()["aux_loss"].get<double>(), 0.0);
  // Only the adapters trained: the saved vision tower is the initial one.
  auto initial = LoadCheckpoint(options.init_dir);
  auto trained = LoadCheckpoint(report->last_checkpoint);
  ASSERT_TRUE(initial.ok() && trained.ok());
  std::map<std::string, torch::Tensor> after(trained->tensors.begin(), trained->tensors.end());
  for (const auto& [name, tensor] : initial->tensors) {
    if (name.find("q_proj") != std::string::npos || name.find("v_proj") != std::string::npos) {
      if (name.rfind("language_model.", 0) == 0) continue;
    }
    ASSERT_TRUE(after.count(name)) << name;
    EXPECT_TRUE(torch::equal(after[name].to(torch::kFloat), tensor.to(torch::kFloat))) << name;
  }
}

TEST_F(TrainTest, StageTwoStartsAtStageOnesLoss) {
  // One micro-batch of all four samples per step, no dropout: every step sees the same batch, so Stage I's loss at
  // step 4 is the loss of the model saved after step 3, which Stage II clones into experts.
  const std::string first = testing::ScratchDir("train_stage1");
  auto options = Options(1, 4, first);
  options.config.micro_batch_size = 4;
  options.config.save_every = 3;
  options.config.lora.dropout = 0.0;
  auto stage1 = RunTraining(options);
  ASSERT_TRUE(stage1.ok()) << stage1.status().ToString();
  const std::string second = testing::ScratchDir("train_stage2");
  auto options2 = Options(2, 1, second);
  options2.config.micro_batch_size = 4;
  options2.init_dir = first + "/step-000003";
  auto stage2 = RunTraining(options2);
  ASSERT_TRUE(stage2.ok()) << stage2.status().ToString();
  const auto log1 = ReadLog(first), log2 = ReadLog(second);
  ASSERT_EQ(log1.size(), 4u);
  ASSERT_EQ(log2.size(), 1u);
  EXPECT_NEAR(log2[0]["ar_loss"].get<double>(), log1[3]["loss"].get<double>(), 1e-5);
  EXPECT_GT(log2[0]["aux_loss"].get<double>(), 0.0);
  ASSERT_TRUE(log2[0].contains("expert_load"));
  const auto load = log2[0]["expert_load"]["0"].get<std::vector<double>>();
  EXPECT_EQ(load.size(), 4u);
  EXPECT_NEAR(std::accumulate(load.begin(), load.end(), 0.0), 1.0, 1e-9);
}

TEST_F(TrainTest, AuxLossOfAFixedUniformRoutingIsOnePerMoeLayer) {
  // Zero routers give every expert probability 1/E, so G_i = 1/E and E * sum_i F_i * G_i = sum_i F_i = 1 whatever
  // the top-1 ties pick: L_aux = 1 per MoE layer, and the loss adds alpha times it.
  auto checkpoint = LoadCheckpoint(Init());
  ASSERT_TRUE(checkpoint.ok());
  auto config = checkpoint->config;
  config.moe.num_experts = 4;
  config.moe.aux_loss_coef = 0.25;
  auto expanded = ExpandToMoe(
      std::map<std::string, torch::Tensor>(checkpoint->tensors.begin(), checkpoint->tensors.end()), config, 1);
  ASSERT_TRUE(expanded.ok());
  for (auto& [name, tensor] : *expanded) {
    if (name.find("router") != std::string::npos) tensor = torch::zeros_like(tensor);
  }
  const std::string init = testing::ScratchDir("train_uniform_init");
  ASSERT_TRUE(
      SaveCheckpoint(init, config, NamedTensors(expanded->begin(), expanded->end()), checkpoint->tokenizer_path).ok());
  const std::string out = testing::ScratchDir("train_uniform");
  auto options = Options(2, 1, out);
  options.init_dir = init;
  auto report = RunTraining(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const auto log = ReadLog(out);
  ASSERT_EQ(log.size(), 1u);
  const int moe_layers = static_cast<int>(config.moe.MoeLayers(config.text.num_layers).size());
  EXPECT_NEAR(log[0]["aux_loss"].get<double>(), 1.0 * moe_layers, 1e-6);
  EXPECT_NEAR(log[0]["loss"].get<double>(), log[0]["ar_loss"].get<double>() + 0.25 * moe_layers, 1e-6);
}

TEST_F(TrainTest, ResumeContinuesTheLossCurveExactly) {
  const std::string out = testing::ScratchDir("train_resume");
  auto options = Options(1, 6, out);  // LoRA dropout on: the random generator must be restored too
  options.config.save_every = 3;
  options.config.optimizer.warmup_ratio = 0.2;
  ASSERT_TRUE(RunTraining(options).ok());
  const auto uninterrupted = ReadLog(out);
  ASSERT_EQ(uninterrupted.size(), 6u);
  auto final_tensors = testing::ReadAllTensors(out + "/step-000006/model.safetensors");
  // As if the run had died after logging step 6 but before its checkpoint.
  fs::remove_all(out + "/step-000006");
  std::ofstream(out + "/latest") << "step-000003\n";
  options.resume = true;
  auto resumed = RunTraining(options);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->first_step, 4);
  const auto log = ReadLog(out);
  ASSERT_EQ(log.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(log[i]["step"], uninterrupted[i]["step"]);
    EXPECT_DOUBLE_EQ(log[i]["loss"].get<double>(), uninterrupted[i]["loss"].get<double>()) << "step " << i + 1;
    EXPECT_DOUBLE_EQ(log[i]["lr"].get<double>(), uninterrupted[i]["lr"].get<double>()) << "step " << i + 1;
  }
  for (const auto& [name, tensor] : testing::ReadAllTensors(out + "/step-000006/model.safetensors")) {
    EXPECT_TRUE(torch::equal(tensor, final_tensors.at(name))) << name;
  }  // Resuming a finished run runs nothing and logs nothing.
  auto again = RunTraining(options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->first_step, 7);
  EXPECT_EQ(again->last_step, 6);
  EXPECT_EQ(ReadLog(out).size(), 6u);
}

TEST_F(TrainTest, ACpuCheckpointHoldsTheCpuGeneratorAndNoDeviceGenerator) {
  const std::string out = testing::ScratchDir("train_rng");
  ASSERT_TRUE(RunTraining(Options(1, 1, out)).ok());
  torch::serialize::InputArchive archive;
  archive.load_from(out + "/step-000001/trainer/optimizer.pt");
  torch::Tensor cpu, cuda;
  ASSERT_TRUE(archive.try_read("rng_cpu", cpu));
  // Nothing draws after the last checkpoint: the saved state is the generator's now.
  auto generator = at::detail::getDefaultCPUGenerator();
  EXPECT_TRUE(torch::equal(cpu, generator.get_state()));
  EXPECT_FALSE(archive.try_read("rng_cuda", cuda));  // saved only on CUDA
}

TEST_F(TrainTest, ResumeRefusesACheckpointOfAnotherConfigNamingTheTensors) {
  const std::string out = testing::ScratchDir("train_other_config");
  ASSERT_TRUE(RunTraining(Options(1, 1, out)).ok());
  auto options = Options(1, 2, out);
  options.config.lora.rank = 4;
  options.resume = true;
  auto resumed = RunTraining(options);
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(resumed.status().message().find(
                "language_model.model.layers.0.self_attn.q_proj.lora_A.weight [8, 48] vs [4, 48]"),
            std::string::npos)
      << resumed.status().message();
}

// One training forward and backward of the golden decoder made MoE (Gumbel router noise) with LoRA dropout 0.3 on
// every projection: the loss, the gradients of every trainable tensor and a draw from the generator afterwards.
struct DecoderPass {
  double loss = 0.0;
  std::map<std::string, torch::Tensor> gradients;
  torch::Tensor next_draw;
  bool checkpointed = false;  // a CheckpointFunction node is in the graph
};

bool GraphHasCheckpoint(const std::shared_ptr<torch::autograd::Node>& root) {
  std::vector<std::shared_ptr<torch::autograd::Node>> pending{root};
  std::set<torch::autograd::Node*> seen;
  while (!pending.empty()) {
    auto node = pending.back();
    pending.pop_back();
    if (!node || !seen.insert(node.get()).second) continue;
    if (node->name().find("CheckpointFunction") != std::string::npos) return true;
    for (const auto& edge : node->next_edges()) pending.push_back(edge.function);
  }
  return false;
}

DecoderPass RunDecoder(bool checkpointing) {
  auto config = testing::GoldenConfig().text;
  MoeConfig moe;
  moe.num_experts = 4;
  moe.router_noise = "gumbel";
  torch::manual_seed(11);
  LlamaForCausalLM decoder(config, moe);
  LoraConfig lora;
  lora.rank = 4;
  lora.dropout = 0.3;
  lora.targets = {"q_proj", "v_proj", "gate_proj"};
  ApplyLora(*decoder, lora);
  for (auto& item : decoder->named_parameters()) {
    if (item.key().find("lora_B") != std::string::npos) {
      torch::NoGradGuard no_grad;
      item.value().normal_(0.0, 0.05);  // B starts at zero: A's gradient would be zero too
    }
    item.value().set_requires_grad(item.key().find("lora_") != std::string::npos ||
                                   item.key().find("experts") != std::string::npos ||
                                   item.key().find("router") != std::string::npos);
  }
  decoder->train();
  decoder->SetActivationCheckpointing(checkpointing);
  const int64_t b = 2, t = 9;
  auto embeds = torch::randn({b, t, config.hidden_size});
  auto positions = torch::arange(t).repeat({b, 1});
  auto key_mask = torch::ones({b, t}, torch::kLong);
  key_mask[0].slice(0, 0, 3).zero_();  // left padding in the first row
  auto targets = torch::randint(config.vocab_size, {b, t});
  torch::manual_seed(5);  // the dropout masks and router noise of the pass
  auto out = decoder->forward(embeds, positions, key_mask, nullptr);
  auto loss =
      torch::nn::functional::cross_entropy(out.logits.reshape({b * t, -1}), targets.reshape({-1})) + out.aux_loss;
  DecoderPass pass;
  pass.checkpointed = GraphHasCheckpoint(loss.grad_fn());
  loss.backward();
  pass.loss = loss.item<double>();
  pass.next_draw = torch::rand({4});
  for (const auto& item : decoder->named_parameters()) {
    if (item.value().requires_grad() && item.value().grad().defined()) pass.gradients[item.key()] = item.value().grad();
  }
  return pass;
}

TEST(ActivationCheckpointingTest, LossGradientsAndRandomStreamEqualARunWithout) {
  const auto plain = RunDecoder(false);
  const auto checkpointed = RunDecoder(true);
  EXPECT_FALSE(plain.checkpointed);
  EXPECT_TRUE(checkpointed.checkpointed);
  EXPECT_NEAR(checkpointed.loss, plain.loss, 1e-6);
  ASSERT_EQ(checkpointed.gradients.size(), plain.gradients.size());
  EXPECT_GT(plain.gradients.size(), 20u);  // adapters of 3 projections x 4 layers, experts and routers
  for (const auto& [name, gradient] : plain.gradients) {
    ASSERT_TRUE(checkpointed.gradients.count(name)) << name;
    EXPECT_LT(testing::MaxAbsDiff(checkpointed.gradients.at(name), gradient), 1e-6) << name;
  }
  // The recomputation put the generator back: later draws are those of a run without checkpointing.
  EXPECT_TRUE(torch::equal(checkpointed.next_draw, plain.next_draw));
}

TEST_F(TrainTest, ActivationCheckpointingTrainsLikeARunWithout) {
  // Stage I with LoRA dropout 0.05: the same losses and gradient norms, step by step.
  auto plain = Options(1, 3, testing::ScratchDir("train_no_checkpointing"));
  auto checkpointed = Options(1, 3, testing::ScratchDir("train_checkpointing"));
  checkpointed.config.activation_checkpointing = true;
  ASSERT_TRUE(RunTraining(plain).ok());
  auto report = RunTraining(checkpointed);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const auto log1 = ReadLog(plain.out_dir), log2 = ReadLog(checkpointed.out_dir);
  ASSERT_EQ(log1.size(), 3u);
  ASSERT_EQ(log2.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(log2[i]["loss"].get<double>(), log1[i]["loss"].get<double>(), 1e-5) << "step " << i + 1;
    EXPECT_NEAR(log2[i]["grad_norm"].get<double>(), log1[i]["grad_norm"].get<double>(), 1e-5) << "step " << i + 1;
  }
}

TEST_F(TrainTest, NonFiniteLossStopsNamingTheStepAndSamples) {
  auto checkpoint = LoadCheckpoint(Init());
  ASSERT_TRUE(checkpoint.ok());
  NamedTensors tensors;
  for (const auto& [name, tensor] : checkpoint->tensors) {
    tensors.emplace_back(name, name == keys::kLmHead ? torch::full_like(tensor, NAN) : tensor);
  }
  const std::string init = testing::ScratchDir("train_nan_init");
  ASSERT_TRUE(SaveCheckpoint(init, checkpoint->config, tensors, checkpoint->tokenizer_path).ok());
  auto options = Options(1, 2, testing::ScratchDir("train_nan"));
  options.init_dir = init;
  auto report = RunTraining(options);
  ASSERT_FALSE(report.ok());
  const auto& message = report.status().message();
  EXPECT_NE(message.find("step 1:"), std::string::npos) << message;
  EXPECT_NE(message.find("nan"), std::string::npos) << message;
  EXPECT_NE(message.find("on samples s"), std::string::npos) << message;
}

TEST_F(TrainTest, NonFiniteLossOnOneRankStopsBothRanksAtTheSameStep) {
  // A token only sample s3 holds gets a NaN embedding: only the rank that draws s3 sees a NaN loss.
  auto tokenizer = Tokenizer::Load(Init() + "/tokenizer.model");
  ASSERT_TRUE(tokenizer.ok());
  auto set = ReadSet(Data(), 2048, Overlong::kTruncate, **tokenizer);
  ASSERT_TRUE(set.ok());
  std::map<int64_t, std::set<std::string>> holders;
  for (const auto& example : set->examples) {
    for (const int id : example.ids) holders[id].insert(example.id);
  }
  int64_t poisoned = -1;
  for (const auto& [id, ids] : holders) {
    if (id >= 0 && ids == std::set<std::string>{"s3"}) poisoned = id;
  }
  ASSERT_GE(poisoned, 0);
  auto checkpoint = LoadCheckpoint(Init());
  ASSERT_TRUE(checkpoint.ok());
  NamedTensors tensors;
  for (const auto& [name, tensor] : checkpoint->tensors) {
    auto value = tensor.clone();
    if (name == std::string(keys::kTextModelPrefix) + "embed_tokens.weight") value[poisoned].fill_(NAN);
    tensors.emplace_back(name, value);
  }
  const std::string init = testing::ScratchDir("train_nan_rank_init");
  ASSERT_TRUE(SaveCheckpoint(init, checkpoint->config, tensors, checkpoint->tokenizer_path).ok());
  // Two ranks, one micro-batch of one sample each per step: the four samples take two steps.
  const std::string config = testing::ScratchDir("train_nan_rank_config") + "/config.json";
  std::ofstream(config) << R"({"global_batch_size": 2, "micro_batch_size": 1, "lora": {"rank": 4}})";
  const std::string out = testing::ScratchDir("train_nan_rank");
  std::string output;
  const int code = testing::RunCommand(testing::ToolPath("skymoe") + " train --config " + config + " --data " + Data() +
                                           " --image-root " + GoldenPath("images") + " --stage 1 --init " + init +
                                           " --out " + out + " --steps 4 --threads 1 --nproc 2",
                                       &output);
  EXPECT_NE(code, 0) << output;
  // Both ranks print the same message: the step, the samples and the rank that had them.
  const auto at = output.find("nan on samples s3 (rank ");  // "nan" or "-nan"
  ASSERT_NE(at, std::string::npos) << output;
  const auto line_start = output.rfind("step ", at);
  const std::string message = output.substr(line_start, output.find('\n', at) - line_start);
  EXPECT_NE(output.find(message, output.find('\n', at)), std::string::npos) << output;
  EXPECT_TRUE(message.rfind("step 1:", 0) == 0 || message.rfind("step 2:", 0) == 0) << message;
  EXPECT_FALSE(fs::exists(out + "/latest")) << "no checkpoint after the failing step";
}

TEST_F(TrainTest, SeveralRanksOnCudaAreRefusedForWantOfNccl) {
  auto options = Options(2, 1, testing::ScratchDir("train_cuda_ranks"));
  options.device = "cuda";
  options.distributed.world_size = 2;
  auto report = RunTraining(options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(report.status().message().find("NCCL"), std::string::npos) << report.status().message();
}

TEST_F(TrainTest, AnUndecodableImageLeavesItsSampleOutAndIsReported) {
  const std::string root = testing::ScratchDir("train_bad_image");
  fs::copy_file(GoldenPath("images/wide.png"), root + "/wide.png");
  std::ofstream(root + "/broken.png") << "not a PNG";
  const std::string data = root + "/train.jsonl";
  std::ofstream(data) << SampleLine("good", "wide.png", {"<image>\nHow many boats are there?", "There are 3"})
                      << SampleLine("broken", "broken.png", {"<image>\nHow many boats are there?", "There are 4"});
  auto options = Options(1, 2, testing::ScratchDir("train_bad_image_out"));
  options.data_path = data;
  options.image_root = root;
  options.config.global_batch_size = 2;
  auto report = RunTraining(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->data.Count("BAD_IMAGE"), 1);  // once, though both steps met it
  EXPECT_EQ(report->data.rejected.front().line, 2);
  EXPECT_NE(report->data.rejected.front().message.find("broken"), std::string::npos);
  EXPECT_EQ(report->last_step, 2);
}

TEST_F(TrainTest, CommandTrainsAndGenerateLoadsItsCheckpoint) {
  const std::string out = testing::ScratchDir("train_command");
  std::string output;
  const std::string train = testing::ToolPath("skymoe") + " train --config " + MGRS_SOURCE_DIR +
                            "/manifests/train/skymoe-tiny-stage1.json --data " + Data() + " --image-root " +
                            GoldenPath("images") + " --stage 1 --init " + Init() + " --out " + out +
                            " --steps 2 --threads 1";
  ASSERT_EQ(testing::RunCommand(train, &output), 0) << output;
  EXPECT_NE(output.find("4 samples read, 4 used"), std::string::npos) << output;
  EXPECT_EQ(ReadLog(out).size(), 2u);
  const std::string generate = testing::ToolPath("skymoe") + " generate --checkpoint " + out + "/step-000002 --image " +
                               GoldenPath("images/wide.png") +
                               " --prompt 'How many storage tanks are there?' --max-new-tokens 3 --threads 1";
  EXPECT_EQ(testing::RunCommand(generate, &output), 0) << output;
  // eval --score: a prediction per sample, then mgrs-score's report of them.
  const std::string eval = testing::ToolPath("skymoe") + " eval --checkpoint " + out + "/step-000002 --bench " +
                           Data() + " --image-root " + GoldenPath("images") + " --out " + out +
                           "/predictions.jsonl --score " + out + "/report.json --max-new-tokens 3 --threads 1";
  ASSERT_EQ(testing::RunCommand(eval, &output), 0) << output;
  std::ifstream predictions(out + "/predictions.jsonl");
  std::set<std::string> ids;
  for (std::string line; std::getline(predictions, line);) ids.insert(nlohmann::json::parse(line)["id"]);
  EXPECT_EQ(ids, (std::set<std::string>{"s1", "s2", "s3", "s4"}));
  std::ifstream report_file(out + "/report.json");
  ASSERT_TRUE(report_file.good());
  const auto report = nlohmann::json::parse(report_file);
  EXPECT_TRUE(report.dump().find("vqa") != std::string::npos) << report.dump().substr(0, 400);
}

TEST_F(TrainTest, TwoGlooRanksEqualOneRankWithTheSameGlobalBatch) {
  // Stage II (no dropout): one rank accumulates two micro-batches of two per step, two ranks take one each and
  // average their gradients over Gloo on the loopback.
  const std::string command = testing::ToolPath("skymoe") + " train --config " + MGRS_SOURCE_DIR +
                              "/manifests/train/skymoe-tiny-stage2.json --data " + Data() + " --image-root " +
                              GoldenPath("images") + " --stage 2 --init " + Init() + " --steps 3 --threads 1 --out ";
  const std::string one = testing::ScratchDir("train_one_rank"), two = testing::ScratchDir("train_two_ranks");
  std::string output;
  ASSERT_EQ(testing::RunCommand(command + one, &output), 0) << output;
  ASSERT_EQ(testing::RunCommand(command + two + " --nproc 2", &output), 0) << output;
  const auto log1 = ReadLog(one), log2 = ReadLog(two);
  ASSERT_EQ(log1.size(), 3u);
  ASSERT_EQ(log2.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(log2[i]["loss"].get<double>(), log1[i]["loss"].get<double>(), 1e-5) << "step " << i + 1;
    EXPECT_NEAR(log2[i]["grad_norm"].get<double>(), log1[i]["grad_norm"].get<double>(), 1e-5) << "step " << i + 1;
    EXPECT_EQ(log2[i]["tokens"], log1[i]["tokens"]);
  }
  const auto weights1 = testing::ReadAllTensors(one + "/step-000003/model.safetensors");
  for (const auto& [name, tensor] : testing::ReadAllTensors(two + "/step-000003/model.safetensors")) {
    EXPECT_LT(testing::MaxAbsDiff(tensor, weights1.at(name)), 1e-5) << name;
  }
}

}  // namespace
}  // namespace mgrs::model
