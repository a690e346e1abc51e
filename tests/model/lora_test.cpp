// LoRA adapters: a fresh adapter changes nothing, merge and unmerge round-trip, targets select the layers.
#include <gtest/gtest.h>

#include "golden_model.h"
#include "mgrs/model/lora.h"

namespace mgrs::model {
namespace {

using testing::MaxAbsDiff;

TEST(LoraTest, AFreshAdapterLeavesTheOutputUnchanged) {
  torch::manual_seed(1);
  LoraLinear layer(12, 20, false);
  const auto x = torch::randn({5, 12});
  const auto before = layer(x);
  layer->AddAdapter(4, 16.0, 0.0);
  EXPECT_TRUE(torch::equal(layer(x), before));
}

TEST(LoraTest, MergeThenUnmergeRestoresTheWeights) {
  torch::manual_seed(2);
  LoraLinear layer(12, 20, true);
  layer->AddAdapter(4, 8.0, 0.0);
  {
    torch::NoGradGuard no_grad;
    layer->lora_B->weight.normal_();
  }
  const auto original = layer->weight.detach().clone();
  const auto x = torch::randn({5, 12});
  const auto adapted = layer(x).detach();
  EXPECT_GT(MaxAbsDiff(adapted, torch::nn::functional::linear(x, original, layer->bias)), 1e-3);
  layer->Merge();
  EXPECT_TRUE(layer->merged());
  EXPECT_LT(MaxAbsDiff(layer(x), adapted), 1e-5);  // W + (alpha/r) B A computes the same function
  layer->Unmerge();
  EXPECT_LT(MaxAbsDiff(layer->weight, original), 1e-6);
  EXPECT_LT(MaxAbsDiff(layer(x), adapted), 1e-5);
}

TEST(LoraTest, DefaultTargetsAreQueryAndValueProjections) {
  auto model = testing::LoadGoldenModel();
  LoraConfig config;  // rank 64 on q_proj and v_proj: the paper's Stage I
  EXPECT_EQ(ApplyLora(*model->language_model(), config), 2 * 2);
  const auto params = model->named_parameters();
  EXPECT_EQ(params["language_model.model.layers.1.self_attn.q_proj.lora_A.weight"].sizes(),
            (std::vector<int64_t>{64, 48}));
  EXPECT_EQ(params["language_model.model.layers.1.self_attn.v_proj.lora_B.weight"].sizes(),
            (std::vector<int64_t>{24, 64}));  // 2 key/value heads of 12
  EXPECT_EQ(params.find("language_model.model.layers.0.self_attn.k_proj.lora_A.weight"), nullptr);
}

TEST(LoraTest, AllLinearTargetsEveryDecoderProjection) {
  auto model = testing::LoadGoldenModel();
  LoraConfig config;
  config.targets = {"all_linear"};
  EXPECT_EQ(ApplyLora(*model->language_model(), config), 7 * 2);
  EXPECT_EQ(MergeLora(*model->language_model()), 7 * 2);
  EXPECT_EQ(UnmergeLora(*model->language_model()), 7 * 2);
}

TEST(LoraTest, AdaptersOnTheGoldenModelKeepItsLogits) {
  auto model = testing::LoadGoldenModel();
  LoraConfig config;
  config.targets = {"all_linear"};
  ApplyLora(*model->language_model(), config);
  c10::InferenceMode inference;
  const auto features = model->EncodeImages(testing::Expected("pixel_values").slice(0, 1, 2));
  auto batch = model->EmbedPrompts({testing::ExpectedIds("prompt_ids_1")}, features);
  ASSERT_TRUE(batch.ok());
  const auto logits = model->language_model()->forward(batch->embeds, batch->positions, {}, nullptr).logits[0];
  EXPECT_LT(MaxAbsDiff(logits, testing::Expected("logits_1")), 1e-4);
}

}  // namespace
}  // namespace mgrs::model
