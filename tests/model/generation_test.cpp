// Decoding: greedy continuations against the golden reference, batching with left padding, KV cache against full
// recomputation, budgets, stop tokens and seeded sampling.
//
// Golden source: tests/model/golden/make_golden.py (greedy by full recomputation in plain torch; the smallest gap
// between the best and second-best logit along both continuations is 0.07, far above fp32 noise).
#include <gtest/gtest.h>

#include "golden_model.h"
#include "mgrs/model/generate.h"

namespace mgrs::model {
namespace {

using testing::Expected;
using testing::ExpectedIds;
using testing::MaxAbsDiff;

class GenerationTest : public ::testing::Test {
 protected:
  GenerationTest() : model_(testing::LoadGoldenModel()) {}

  // The reference continuation of prompt k without its stop token (Generate does not return it).
  static std::vector<int64_t> ReferenceAnswer(int k) {
    auto ids = ExpectedIds("greedy_" + std::to_string(k));
    if (!ids.empty() && ids.back() == 2) ids.pop_back();
    return ids;
  }
  static std::vector<int64_t> Prompt(int k) { return ExpectedIds("prompt_ids_" + std::to_string(k)); }
  static torch::Tensor Pixels(int k) { return Expected("pixel_values").slice(0, k, k + 1); }

  std::vector<std::vector<int64_t>> Run(const std::vector<std::vector<int64_t>>& prompts, const torch::Tensor& pixels,
                                        const GenerationOptions& options) {
    auto out = Generate(*model_, prompts, pixels, options);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : std::vector<std::vector<int64_t>>{};
  }

  Llava model_;
};

GenerationOptions Greedy(int max_new_tokens) {
  GenerationOptions options;
  options.max_new_tokens = max_new_tokens;
  return options;
}

TEST_F(GenerationTest, GreedyContinuationsMatchReference) {
  // Prompt 0 runs to the 12-token budget; prompt 1 stops at EOS after 5 tokens.
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(Run({Prompt(k)}, Pixels(k), Greedy(12)).at(0), ReferenceAnswer(k)) << "prompt " << k;
  }
}

TEST_F(GenerationTest, BatchedPromptsOfDifferentLengthsMatchSinglePrompts) {
  const auto both = Run({Prompt(0), Prompt(1)}, Expected("pixel_values"), Greedy(12));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0], ReferenceAnswer(0));
  EXPECT_EQ(both[1], ReferenceAnswer(1));
}

TEST_F(GenerationTest, DecodingWithoutTheCacheGivesTheSameTokens) {
  auto options = Greedy(12);
  options.use_cache = false;
  const auto both = Run({Prompt(0), Prompt(1)}, Expected("pixel_values"), options);
  EXPECT_EQ(both.at(0), ReferenceAnswer(0));
  EXPECT_EQ(both.at(1), ReferenceAnswer(1));
}

TEST_F(GenerationTest, CachedDecodingLogitsEqualFullRecomputation) {
  // Padded batch of both prompts: prefill into the cache, then feed the reference tokens one at a time, and compare
  // every step's logits with a full forward over the whole sequence (fp32, within 1e-5).
  c10::InferenceMode inference;
  auto& lm = *model_->language_model();
  auto batch = model_->EmbedPrompts({Prompt(0), Prompt(1)}, model_->EncodeImages(Expected("pixel_values")));
  ASSERT_TRUE(batch.ok());
  auto embeds = batch->embeds;
  auto mask = batch->key_mask;
  auto positions = batch->positions;
  auto cache = lm.NewCache(2, 4);  // deliberately small: the cache must grow
  auto cached = lm.forward(embeds, positions, mask, &cache, true).logits;
  const auto feed = torch::tensor({{35, 82}, {36, 48}, {38, 95}, {38, 79}, {38, 32}}, torch::kLong);
  auto next_position = torch::tensor(batch->lengths, torch::kLong);
  for (int64_t step = 0; step < feed.size(0); ++step) {
    const auto full = lm.forward(embeds, positions, mask, nullptr, true).logits;
    EXPECT_LT(MaxAbsDiff(cached, full), 1e-5) << "step " << step;
    const auto token_embeds = lm.Embed(feed[step].view({2, 1}));
    embeds = torch::cat({embeds, token_embeds}, 1);
    mask = torch::cat({mask, torch::ones({2, 1}, torch::kLong)}, 1);
    positions = torch::cat({positions, next_position.view({2, 1})}, 1);
    cached = lm.forward(token_embeds, next_position.view({2, 1}), mask, &cache, true).logits;
    next_position = next_position + 1;
  }
  EXPECT_EQ(cache.length, embeds.size(1));
}

TEST_F(GenerationTest, StopsAtTheTokenBudget) {
  const auto out = Run({Prompt(0)}, Pixels(0), Greedy(3));
  const auto reference = ReferenceAnswer(0);
  EXPECT_EQ(out.at(0), std::vector<int64_t>(reference.begin(), reference.begin() + 3));
}

TEST_F(GenerationTest, StopsAtACallerStopToken) {
  // Prompt 0's continuation is 35, 36, 38, ...: stopping at 38 leaves 35, 36.
  auto options = Greedy(12);
  options.stop_ids = {38};
  EXPECT_EQ(Run({Prompt(0)}, Pixels(0), options).at(0), (std::vector<int64_t>{35, 36}));
}

TEST_F(GenerationTest, NucleusOfOneTokenIsGreedy) {
  auto options = Greedy(12);
  options.temperature = 0.7;
  options.top_p = 1e-6;
  options.seed = 3;
  EXPECT_EQ(Run({Prompt(0)}, Pixels(0), options).at(0), ReferenceAnswer(0));
}

TEST_F(GenerationTest, SamplingIsReproducibleForASeed) {
  auto options = Greedy(10);
  options.temperature = 1.5;
  options.top_p = 0.95;
  options.seed = 42;
  const auto first = Run({Prompt(0), Prompt(1)}, Expected("pixel_values"), options);
  const auto second = Run({Prompt(0), Prompt(1)}, Expected("pixel_values"), options);
  EXPECT_EQ(first, second);
  for (const auto& row : first) {
    for (const auto id : row) EXPECT_TRUE(id >= 0 && id < 96) << id;
  }
}

TEST_F(GenerationTest, RefusesANegativeTemperature) {
  auto options = Greedy(4);
  options.temperature = -1;
  EXPECT_EQ(Generate(*model_, {Prompt(0)}, Pixels(0), options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(GenerationTest, RefusesTopPOutsideTheUnitInterval) {
  auto options = Greedy(4);
  options.top_p = 0;
  EXPECT_EQ(Generate(*model_, {Prompt(0)}, Pixels(0), options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::model
