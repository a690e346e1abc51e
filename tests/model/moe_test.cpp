// The mixture-of-experts block: against a per-token reference, dense equivalence, dropless and capacity rules,
// the load-balancing loss, the Stage II transform and routing statistics.
#include <gtest/gtest.h>

#include <cmath>

#include "golden_model.h"
#include "mgrs/model/moe.h"

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

// out_t = sum over the top-2 experts of renormalised p_e * expert_e(x_t), one token at a time.
torch::Tensor PerTokenReference(MoeFeedForwardImpl& moe, const torch::Tensor& x) {
  auto out = torch::zeros_like(x);
  for (int64_t t = 0; t < x.size(0); ++t) {
    const auto row = x.slice(0, t, t + 1);
    const auto p = torch::softmax(torch::matmul(row, moe.router->weight.t()), -1)[0];
    const auto top = p.topk(2);
    const auto w = std::get<0>(top) / std::get<0>(top).sum();
    for (int j = 0; j < 2; ++j) {
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

ModelConfig GoldenMoeConfig() {
  auto config = testing::GoldenConfig();
  config.moe.num_experts = 4;
  config.moe.top_k = 2;
  config.moe.layer_mode = "every_second";
  return config;
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
  const auto features = dense->EncodeImages(testing::Expected("pixel_values").slice(0, 0, 1));
  const std::vector<std::vector<int64_t>> prompt = {testing::ExpectedIds("prompt_ids_0")};
  auto dense_batch = dense->EmbedPrompts(prompt, features);
  auto moe_batch = moe->EmbedPrompts(prompt, features);
  ASSERT_TRUE(dense_batch.ok() && moe_batch.ok());
  const auto dense_out = dense->language_model()->forward(dense_batch->embeds, dense_batch->positions, {}, nullptr);
  const auto moe_out = moe->language_model()->forward(moe_batch->embeds, moe_batch->positions, {}, nullptr);
  EXPECT_LT(MaxAbsDiff(moe_out.logits, dense_out.logits), 1e-5);
  // One routing record per MoE layer (0 of 2 layers), and the total loss is coefficient * their sum.
  ASSERT_EQ(moe_out.routing.size(), 1u);
  EXPECT_NEAR(moe_out.aux_loss.item<double>(), 0.01 * moe_out.routing[0].aux_loss.item<double>(), 1e-9);
  EXPECT_FALSE(dense_out.aux_loss.defined());
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
