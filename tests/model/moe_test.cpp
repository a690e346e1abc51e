// The mixture-of-experts block: against a per-token reference, dense equivalence, dropless and capacity rules,
// router noise, the load-balancing loss, the stacked dispatch, the Stage II transform and routing statistics.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "golden_model.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/generate.h"
#include "mgrs/model/lora.h"
#include "mgrs/model/moe.h"
#include "test_support.h"

namespace mgrs::model {
namespace {

using testing::MaxAbsDiff;

TextConfig SmallText() {
  TextConfig text;
  text.hidden_size = 16;
  text.intermediate_size = 24;
  return text;
}

MoeConfig Experts(int count) {
  MoeConfig moe;
  moe.num_experts = count;
  moe.top_k = 2;
  return moe;
}

// out_t = sum over the top-k experts of renormalised p_e * expert_e(x_t), one token at a time.
torch::Tensor PerTokenReference(MoeFeedForwardImpl& moe, const torch::Tensor& x, int top_k = 2) {
  auto out = torch::zeros_like(x);
  for (int64_t t = 0; t < x.size(0); ++t) {
    const auto row = x.slice(0, t, t + 1);
    const auto p = torch::softmax(torch::matmul(row, moe.router->weight.t()), -1)[0];
    const auto top = p.topk(top_k);
    const auto w = std::get<0>(top) / std::get<0>(top).sum();
    for (int j = 0; j < top_k; ++j) {
      const auto e = std::get<1>(top)[j].item<int64_t>();
      out[t] += w[j] * moe.experts[e]->as<LlamaMlpImpl>()->forward(row)[0];
    }
  }
  return out;
}

TEST(MoeTest, GroupedDispatchEqualsThePerTokenReference) {
  torch::manual_seed(1);
  MoeFeedForward moe(SmallText(), Experts(4));
  const auto x = torch::randn({37, 16});
  RoutingRecord record;
  const auto out = moe->Forward(x, &record);
  EXPECT_LT(MaxAbsDiff(out, PerTokenReference(*moe, x)), 1e-5);
  EXPECT_EQ(record.tokens_per_expert.sum().item<int64_t>(), 37 * 2);
}

TEST(MoeTest, IdenticalExpertsEqualTheDenseFfn) {
  torch::manual_seed(2);
  MoeFeedForward moe(SmallText(), Experts(4));
  LlamaMlp dense(16, 24);
  torch::NoGradGuard no_grad;
  for (const auto& expert : *moe->experts) {
    auto* mlp = expert->as<LlamaMlpImpl>();
    mlp->gate_proj->weight.copy_(dense->gate_proj->weight);
    mlp->up_proj->weight.copy_(dense->up_proj->weight);
    mlp->down_proj->weight.copy_(dense->down_proj->weight);
  }
  const auto x = torch::randn({50, 16});
  EXPECT_LT(MaxAbsDiff(moe->Forward(x, nullptr), dense(x)), 1e-5);
}

// Every token prefers expert 0, then expert 1 (x positive, router rows 3, 2, 0, 0).
MoeFeedForward Lopsided(const MoeConfig& config) {
  MoeFeedForward moe(SmallText(), config);
  torch::NoGradGuard no_grad;
  moe->router->weight.zero_();
  moe->router->weight[0].fill_(3.0);
  moe->router->weight[1].fill_(2.0);
  return moe;
}

TEST(MoeTest, DroplessRoutingKeepsEveryChoiceUnderImbalance) {
  torch::manual_seed(3);
  auto moe = Lopsided(Experts(4));
  moe->eval();
  const auto x = torch::rand({8, 16}) + 0.1;
  RoutingRecord record;
  const auto out = moe->Forward(x, &record);
  EXPECT_TRUE(torch::equal(record.tokens_per_expert, torch::tensor({8, 8, 0, 0}, torch::kLong)));
  EXPECT_LT(MaxAbsDiff(out, PerTokenReference(*moe, x)), 1e-5);
}

TEST(MoeTest, CapacityDropsOverflowFirstChoicesBeforeSecondOnes) {
  // capacity = ceil(2 * 8 / 4 * 0.5) = 2: expert 0 keeps the first choices of tokens 0 and 1, expert 1 their second
  // choices (second choices queue after all first ones); tokens 2..7 lose both and output 0.
  torch::manual_seed(4);
  auto config = Experts(4);
  config.eval_capacity_factor = 0.5;
  auto moe = Lopsided(config);
  moe->eval();
  const auto x = torch::rand({8, 16}) + 0.1;
  RoutingRecord record;
  const auto out = moe->Forward(x, &record);
  EXPECT_TRUE(torch::equal(record.tokens_per_expert, torch::tensor({2, 2, 0, 0}, torch::kLong)));
  EXPECT_LT(MaxAbsDiff(out.slice(0, 0, 2), PerTokenReference(*moe, x.slice(0, 0, 2))), 1e-5);
  EXPECT_EQ(out.slice(0, 2).abs().max().item<float>(), 0.0f);
}

TEST(MoeTest, AuxLossEqualsTheHandComputedValue) {
  // E = 2, router diag(ln 3): three tokens [1, 0] route p = (3/4, 1/4), one token [0, 1] routes p = (1/4, 3/4).
  // G = (0.625, 0.375), F (top-1 fractions) = (0.75, 0.25): loss = 2 * (0.625 * 0.75 + 0.375 * 0.25) = 1.125.
  TextConfig text;
  text.hidden_size = 2;
  text.intermediate_size = 4;
  MoeFeedForward moe(text, Experts(2));
  {
    torch::NoGradGuard no_grad;
    moe->router->weight.copy_(torch::tensor({{std::log(3.0f), 0.0f}, {0.0f, std::log(3.0f)}}));
  }
  const auto x = torch::tensor({{1.0f, 0.0f}, {1.0f, 0.0f}, {1.0f, 0.0f}, {0.0f, 1.0f}});
  RoutingRecord record;
  (void)moe->Forward(x, &record);
  EXPECT_NEAR(record.aux_loss.item<double>(), 1.125, 1e-6);
  EXPECT_TRUE(torch::equal(record.top1_per_expert, torch::tensor({3, 1}, torch::kLong)));
}

// Whether every expert projection of `moe` lies in the shared stacks (gate and up projections in one storage, down
// projections in another), i.e. the parameters are views and the weights exist once.
bool ExpertsShareTheStacks(MoeFeedForwardImpl& moe) {
  const auto& first = *moe.experts[0]->as<LlamaMlpImpl>();
  for (const auto& expert : *moe.experts) {
    const auto& mlp = *expert->as<LlamaMlpImpl>();
    if (!mlp.gate_proj->weight.is_alias_of(first.gate_proj->weight) ||
        !mlp.up_proj->weight.is_alias_of(first.gate_proj->weight) ||
        !mlp.down_proj->weight.is_alias_of(first.down_proj->weight)) {
      return false;
    }
  }
  return true;
}

// The (first, second) choice of a single token, read from its routing record.
std::pair<int64_t, int64_t> Choices(const RoutingRecord& record) {
  return {record.top1_per_expert.argmax().item<int64_t>(),
          (record.tokens_per_expert - record.top1_per_expert).argmax().item<int64_t>()};
}

// The choices of one token over 20 seeds, as sets of first and of second choices.
std::pair<std::set<int64_t>, std::set<int64_t>> ChoicesOverSeeds(const std::string& noise, bool training) {
  auto config = Experts(8);
  config.router_noise = noise;
  torch::manual_seed(50);
  MoeFeedForward moe(SmallText(), config);
  moe->train(training);
  const auto x = torch::randn({1, 16});
  std::set<int64_t> first, second;
  for (int seed = 0; seed < 20; ++seed) {
    torch::manual_seed(seed);
    RoutingRecord record;
    (void)moe->Forward(x, &record);
    const auto [one, two] = Choices(record);
    first.insert(one);
    second.insert(two);
  }
  return {first, second};
}

TEST(MoeTest, GumbelNoiseInTrainingVariesTheSecondChoiceWithTheSeedButNotTheFirst) {
  const auto [first, second] = ChoicesOverSeeds("gumbel", /*training=*/true);
  EXPECT_EQ(first.size(), 1u);
  EXPECT_GT(second.size(), 1u);
}

TEST(MoeTest, WithoutRouterNoiseTheSecondChoiceIsFixed) {
  EXPECT_EQ(ChoicesOverSeeds("none", /*training=*/true).second.size(), 1u);
}

TEST(MoeTest, GumbelNoiseStaysOutOfEvaluation) {
  EXPECT_EQ(ChoicesOverSeeds("gumbel", /*training=*/false).second.size(), 1u);
}

TEST(MoeTest, ModelsTakeRouterNoiseFromTheConfig) {
  auto config = Experts(8);
  config.router_noise = "gumbel";
  TextConfig text = SmallText();
  text.num_layers = 2;
  text.num_heads = text.num_kv_heads = 2;
  text.vocab_size = 32;
  LlamaForCausalLM lm(text, config);
  lm->train();
  const auto embeds = torch::randn({1, 1, 16});
  const auto positions = torch::zeros({1, 1}, torch::kLong);
  std::set<int64_t> second;
  for (int seed = 0; seed < 20; ++seed) {
    torch::manual_seed(seed);
    second.insert(Choices(lm->forward(embeds, positions, {}, nullptr).routing.at(0)).second);
  }
  EXPECT_GT(second.size(), 1u);
}

// The stacked path (gathered weights, batched products, no host read) computes what the grouped path and the
// per-token reference compute, on the small batches it is meant for, with and without a routing record.
TEST(MoeStackedDispatchTest, EqualsTheGroupedPathAndThePerTokenReference) {
  torch::NoGradGuard no_grad;
  for (const int top_k : {1, 2}) {
    auto config = Experts(4);
    config.top_k = top_k;
    torch::manual_seed(10 + top_k);
    MoeFeedForward moe(SmallText(), config);
    moe->eval();
    for (int64_t n = 1; n <= 4; ++n) {
      SCOPED_TRACE("top_k " + std::to_string(top_k) + ", " + std::to_string(n) + " tokens");
      const auto x = torch::randn({n, 16});
      moe->set_dispatch(MoeDispatch::kGrouped);
      ASSERT_FALSE(moe->StackedDispatchApplies(x));
      RoutingRecord grouped_record;
      const auto grouped = moe->Forward(x, &grouped_record);
      const auto grouped_bare = moe->Forward(x, nullptr);
      moe->set_dispatch(MoeDispatch::kStacked);
      ASSERT_TRUE(moe->StackedDispatchApplies(x));
      RoutingRecord stacked_record;
      const auto stacked = moe->Forward(x, &stacked_record);
      EXPECT_LT(MaxAbsDiff(stacked, grouped), 1e-5);
      EXPECT_LT(MaxAbsDiff(stacked, PerTokenReference(*moe, x, top_k)), 1e-5);
      EXPECT_LT(MaxAbsDiff(moe->Forward(x, nullptr), grouped_bare), 1e-5);
      EXPECT_TRUE(torch::equal(stacked_record.tokens_per_expert, grouped_record.tokens_per_expert));
      EXPECT_TRUE(torch::equal(stacked_record.top1_per_expert, grouped_record.top1_per_expert));
      EXPECT_NEAR(stacked_record.aux_loss.item<double>(), grouped_record.aux_loss.item<double>(), 1e-7);
    }
  }
}

TEST(MoeStackedDispatchTest, AutoKeepsTheGroupedPathOnTheCpu) {
  MoeFeedForward moe(SmallText(), Experts(4));
  moe->eval();
  torch::NoGradGuard no_grad;
  EXPECT_EQ(moe->dispatch(), MoeDispatch::kGrouped);
  EXPECT_FALSE(moe->StackedDispatchApplies(torch::randn({1, 16})));
  moe->set_dispatch(MoeDispatch::kAuto);
  EXPECT_FALSE(moe->StackedDispatchApplies(torch::randn({1, 16})));
}

TEST(MoeStackedDispatchTest, IsNotUsedWhileAutogradRecords) {
  MoeFeedForward moe(SmallText(), Experts(4));
  moe->set_dispatch(MoeDispatch::kStacked);
  EXPECT_FALSE(moe->StackedDispatchApplies(torch::randn({1, 16})));
}

TEST(MoeStackedDispatchTest, IsNotUsedUnderACapacityLimit) {
  auto config = Experts(4);
  config.eval_capacity_factor = 2.0;
  MoeFeedForward moe(SmallText(), config);
  moe->eval();
  moe->set_dispatch(MoeDispatch::kStacked);
  torch::NoGradGuard no_grad;
  EXPECT_FALSE(moe->StackedDispatchApplies(torch::randn({1, 16})));
}

// Module::to() gives every parameter new storage; afterwards the parameters must again be views of the stacks, so
// that a later in-place write into one (a load, a LoRA merge, an optimiser step) reaches the stacked path.
TEST(MoeStackedDispatchTest, ParametersStayViewsOfTheStacksAfterTo) {
  torch::manual_seed(20);
  MoeFeedForward moe(SmallText(), Experts(4));
  moe->eval();
  moe->set_dispatch(MoeDispatch::kStacked);
  ASSERT_TRUE(ExpertsShareTheStacks(*moe));
  moe->to(torch::kDouble);
  EXPECT_TRUE(ExpertsShareTheStacks(*moe));
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({4, 16}, torch::kDouble);
  const auto before = moe->Forward(x, nullptr);
  EXPECT_EQ(before.scalar_type(), torch::kDouble);
  int e = 0;
  for (const auto& expert : *moe->experts) {
    auto* mlp = expert->as<LlamaMlpImpl>();
    mlp->up_proj->weight.mul_(1.5 + e);
    mlp->down_proj->weight.add_(0.1 * ++e);
  }
  const auto stacked = moe->Forward(x, nullptr);
  moe->set_dispatch(MoeDispatch::kGrouped);
  const auto grouped = moe->Forward(x, nullptr);
  EXPECT_GT(MaxAbsDiff(grouped, before), 1e-3);  // the writes changed the experts
  EXPECT_LT(MaxAbsDiff(stacked, grouped), 1e-12);
  // Parameters keep their canonical names (one router, three projections per expert).
  const auto names = moe->named_parameters().keys();
  EXPECT_EQ(names.size(), 13u);
  EXPECT_NE(std::find(names.begin(), names.end(), "experts.3.down_proj.weight"), names.end());
}

// set_data (what torch::load does) replaces a parameter's storage: the stacked path notices and restacks.
TEST(MoeStackedDispatchTest, AParameterGivenNewStorageIsRestacked) {
  torch::manual_seed(21);
  MoeFeedForward moe(SmallText(), Experts(4));
  moe->eval();
  moe->set_dispatch(MoeDispatch::kStacked);
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({4, 16});
  (void)moe->Forward(x, nullptr);
  for (const auto& expert : *moe->experts)
    expert->as<LlamaMlpImpl>()->gate_proj->weight.set_data(torch::randn({24, 16}));
  const auto stacked = moe->Forward(x, nullptr);
  moe->set_dispatch(MoeDispatch::kGrouped);
  EXPECT_LT(MaxAbsDiff(stacked, moe->Forward(x, nullptr)), 1e-5);
}

// An unmerged adapter is not in the stacks, so the block falls back to the grouped path; merged, it is in the
// experts' weights, which are the stacks.
TEST(MoeStackedDispatchTest, UsesMergedLoraWeightsAndFallsBackWhileUnmerged) {
  torch::manual_seed(22);
  MoeFeedForward moe(SmallText(), Experts(4));
  moe->eval();
  moe->set_dispatch(MoeDispatch::kStacked);
  LoraConfig lora;
  lora.rank = 4;
  lora.targets = {"all_linear"};
  ASSERT_EQ(ApplyLora(*moe, lora), 12);  // gate, up and down of 4 experts; the router is a plain Linear
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({3, 16});
  const auto without_adapters = moe->Forward(x, nullptr);
  for (auto& item : moe->named_parameters()) {
    if (item.key().find("lora_B") != std::string::npos) item.value().normal_(0.0, 0.5);
  }
  EXPECT_FALSE(moe->StackedDispatchApplies(x));
  const auto with_adapters = moe->Forward(x, nullptr);
  EXPECT_GT(MaxAbsDiff(with_adapters, without_adapters), 1e-3);
  ASSERT_EQ(MergeLora(*moe), 12);
  ASSERT_TRUE(moe->StackedDispatchApplies(x));
  EXPECT_LT(MaxAbsDiff(moe->Forward(x, nullptr), with_adapters), 1e-5);
  ASSERT_EQ(UnmergeLora(*moe), 12);
  EXPECT_FALSE(moe->StackedDispatchApplies(x));
}

ModelConfig GoldenMoeConfig() {
  auto config = testing::GoldenConfig();
  config.moe.num_experts = 4;
  config.moe.top_k = 2;
  config.moe.layer_mode = "every_second";
  return config;
}

// The dense and the MoE model's outputs for the golden prompt and image.
void ForwardGoldenPrompt(Llava& dense, Llava& moe, CausalLmOutput* dense_out, CausalLmOutput* moe_out) {
  const auto features = dense->EncodeImages(testing::Expected("pixel_values").slice(0, 0, 1));
  const std::vector<std::vector<int64_t>> prompt = {testing::ExpectedIds("prompt_ids_0")};
  auto dense_batch = dense->EmbedPrompts(prompt, features);
  auto moe_batch = moe->EmbedPrompts(prompt, features);
  ASSERT_TRUE(dense_batch.ok() && moe_batch.ok());
  *dense_out = dense->language_model()->forward(dense_batch->embeds, dense_batch->positions, {}, nullptr);
  *moe_out = moe->language_model()->forward(moe_batch->embeds, moe_batch->positions, {}, nullptr);
}

TEST(StageTwoTest, TransformKeepsTheDenseLogits) {
  c10::InferenceMode inference;
  auto dense = testing::LoadGoldenModel();
  const auto tensors = testing::ReadAllTensors(testing::GoldenPath("tiny_llava/model.safetensors"));
  auto expanded = ExpandToMoe(tensors, GoldenMoeConfig(), /*seed=*/5);
  ASSERT_TRUE(expanded.ok()) << expanded.status().ToString();
  EXPECT_EQ(expanded->count("language_model.model.layers.0.mlp.experts.3.down_proj.weight"), 1u);
  EXPECT_EQ(expanded->count("language_model.model.layers.0.mlp.router.weight"), 1u);
  EXPECT_EQ(expanded->count("language_model.model.layers.0.mlp.gate_proj.weight"), 0u);
  EXPECT_EQ(expanded->count("language_model.model.layers.1.mlp.gate_proj.weight"), 1u);  // layer 1 stays dense

  Llava moe(GoldenMoeConfig());
  ASSERT_TRUE(LoadParameters(*moe, *expanded).ok());
  moe->eval();
  CausalLmOutput dense_out, moe_out;
  ASSERT_NO_FATAL_FAILURE(ForwardGoldenPrompt(dense, moe, &dense_out, &moe_out));
  EXPECT_LT(MaxAbsDiff(moe_out.logits, dense_out.logits), 1e-5);
  // One routing record per MoE layer (0 of 2 layers), and the total loss is coefficient * their sum.
  ASSERT_EQ(moe_out.routing.size(), 1u);
  EXPECT_NEAR(moe_out.aux_loss.item<double>(), 0.01 * moe_out.routing[0].aux_loss.item<double>(), 1e-9);
  EXPECT_FALSE(dense_out.aux_loss.defined());
}

// The Stage II model's experts come from LoadParameters; with the stacked path forced, the logits must still equal
// the dense model's, which they cannot if the loaded expert weights missed the stacks.
TEST(StageTwoTest, LoadedExpertsReachTheStackedPath) {
  c10::InferenceMode inference;
  auto dense = testing::LoadGoldenModel();
  const auto tensors = testing::ReadAllTensors(testing::GoldenPath("tiny_llava/model.safetensors"));
  auto expanded = ExpandToMoe(tensors, GoldenMoeConfig(), /*seed=*/5);
  ASSERT_TRUE(expanded.ok());
  Llava moe(GoldenMoeConfig());
  ASSERT_TRUE(LoadParameters(*moe, *expanded).ok());
  moe->eval();
  ASSERT_EQ(SetMoeDispatch(*moe, MoeDispatch::kStacked), 1);
  CausalLmOutput dense_out, moe_out;
  ASSERT_NO_FATAL_FAILURE(ForwardGoldenPrompt(dense, moe, &dense_out, &moe_out));
  EXPECT_LT(MaxAbsDiff(moe_out.logits, dense_out.logits), 1e-5);
}

// A random MoE checkpoint whose experts all differ, written and read back by LoadLlava (built, loaded in place,
// moved): the loaded weights reach the stacks, and greedy generation does not depend on the dispatch.
TEST(MoeStackedDispatchTest, LoadedCheckpointGeneratesTheSameWithEitherPath) {
  const auto config = GoldenMoeConfig();
  torch::manual_seed(23);
  NamedTensors tensors;
  for (const auto& spec : ExpectedTensors(config)) tensors.emplace_back(spec.name, torch::randn(spec.shape) * 0.3);
  const std::string dir = testing::ScratchDir("moe_stacked_checkpoint");
  ASSERT_TRUE(SaveCheckpoint(dir, config, tensors).ok());
  RunOptions run;
  run.threads = 1;
  auto loaded = LoadLlava(dir, run);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto& model = *loaded->model;
  EXPECT_TRUE(ExpertsShareTheStacks(*model.language_model()->FeedForward(0)->as<MoeFeedForwardImpl>()));
  const auto pixels = testing::Expected("pixel_values").slice(0, 0, 1);
  const std::vector<std::vector<int64_t>> prompt = {testing::ExpectedIds("prompt_ids_0")};
  GenerationOptions greedy;
  greedy.max_new_tokens = 8;
  greedy.stop_ids = {-1};  // all 8 tokens, whatever they are
  torch::Tensor logits[2];
  std::vector<std::vector<int64_t>> generated[2];
  for (const int stacked : {0, 1}) {
    ASSERT_EQ(SetMoeDispatch(model, stacked ? MoeDispatch::kStacked : MoeDispatch::kGrouped), 1);
    c10::InferenceMode inference;
    auto batch = model.EmbedPrompts(prompt, model.EncodeImages(pixels));
    ASSERT_TRUE(batch.ok());
    logits[stacked] = model.language_model()->forward(batch->embeds, batch->positions, {}, nullptr).logits;
    auto ids = Generate(model, prompt, pixels, greedy);
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    generated[stacked] = *ids;
  }
  EXPECT_LT(MaxAbsDiff(logits[1], logits[0]), 1e-5);
  ASSERT_EQ(generated[0].front().size(), 8u);
  EXPECT_EQ(generated[1], generated[0]);
}

TEST(StageTwoTest, RefusesADenseTargetConfig) {
  const auto tensors = testing::ReadAllTensors(testing::GoldenPath("tiny_llava/model.safetensors"));
  EXPECT_EQ(ExpandToMoe(tensors, testing::GoldenConfig(), 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(StageTwoTest, RefusesACheckpointThatIsAlreadyMoe) {
  const auto tensors = testing::ReadAllTensors(testing::GoldenPath("tiny_llava/model.safetensors"));
  auto once = ExpandToMoe(tensors, GoldenMoeConfig(), 0);
  ASSERT_TRUE(once.ok());
  EXPECT_EQ(ExpandToMoe(*once, GoldenMoeConfig(), 0).status().code(), StatusCode::kNotFound);
}

TEST(RoutingStatisticsTest, SharesPerLayerAndTaskSumToOne) {
  RoutingStatistics stats;
  RoutingRecord a{0, torch::tensor(1.5), torch::tensor({6, 2}, torch::kLong), torch::tensor({3, 1}, torch::kLong)};
  RoutingRecord b{2, torch::tensor(1.0), torch::tensor({1, 3}, torch::kLong), torch::tensor({1, 1}, torch::kLong)};
  stats.Add({a, b}, "vqa");
  stats.Add({a}, "caption");
  const auto json = stats.ToJson();
  EXPECT_EQ(json["overall"]["layers"], nlohmann::json({0, 2}));
  EXPECT_DOUBLE_EQ(json["overall"]["share"][0][0].get<double>(), 12.0 / 16.0);
  EXPECT_DOUBLE_EQ(json["tasks"]["vqa"]["share"][1][1].get<double>(), 0.75);
  EXPECT_EQ(json["tasks"]["caption"]["routed"], nlohmann::json({8}));
  EXPECT_DOUBLE_EQ(json["tasks"]["vqa"]["aux_loss"].get<double>(), 2.5);
  EXPECT_NE(stats.ToTable("vqa").find("75.0%"), std::string::npos) << stats.ToTable("vqa");
  EXPECT_NE(stats.ToSvg("caption").find("<rect"), std::string::npos);
}

}  // namespace
}  // namespace mgrs::model
