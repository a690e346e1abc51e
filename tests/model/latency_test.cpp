// Random models built for benchmarks (BuildRandomLlava, LinearDeviceScope) and the generation latency measurement
// that the GPU benchmark runs, here on the tiny manifest on the CPU.
#include <gtest/gtest.h>

#include <stdexcept>

#include <torch/torch.h>

#include "golden_model.h"
#include "mgrs/model/latency.h"
#include "mgrs/model/lora.h"
#include "mgrs/model/moe.h"

namespace mgrs::model {
namespace {

ModelConfig TinyMoeConfig() {
  auto config = ReadModelConfig(std::string(MGRS_SOURCE_DIR) + "/manifests/models/skymoe-tiny.json");
  if (!config.ok()) throw std::runtime_error(config.status().ToString());
  config->moe.num_experts = 4;  // MoE on decoder layers 0 and 2 of 4
  return *config;
}

RunOptions OneThread(const std::string& dtype = "auto") {
  RunOptions run;
  run.threads = 1;
  run.dtype = dtype;
  return run;
}

TEST(LinearDeviceScopeTest, LinearLayersBuildOnTheScopesDeviceUntilItEnds) {
  {
    LinearDeviceScope scope(torch::kMeta);  // a device without memory: LibTorch's own, available in every build
    LoraLinear inside(4, 3, /*bias=*/true);
    EXPECT_TRUE(inside->weight.device().is_meta());
    EXPECT_TRUE(inside->bias.device().is_meta());
  }
  LoraLinear after(4, 3, /*bias=*/false);
  EXPECT_TRUE(after->weight.device().is_cpu());
}

TEST(BuildRandomLlavaTest, BuildsInTheRequestedDtypeFromTheSeed) {
  auto a = BuildRandomLlava(TinyMoeConfig(), OneThread("bf16"), /*seed=*/7);
  auto b = BuildRandomLlava(TinyMoeConfig(), OneThread("bf16"), /*seed=*/7);
  auto c = BuildRandomLlava(TinyMoeConfig(), OneThread("bf16"), /*seed=*/8);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status().ToString();
  EXPECT_FALSE((*a)->is_training());
  const auto pa = (*a)->parameters(), pb = (*b)->parameters(), pc = (*c)->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  bool all_bf16 = true, a_equals_b = true, a_equals_c = true;
  for (size_t i = 0; i < pa.size(); ++i) {
    all_bf16 = all_bf16 && pa[i].scalar_type() == torch::kBFloat16;
    a_equals_b = a_equals_b && torch::equal(pa[i], pb[i]);
    a_equals_c = a_equals_c && torch::equal(pa[i], pc[i]);
  }
  EXPECT_TRUE(all_bf16);
  EXPECT_TRUE(a_equals_b);
  EXPECT_FALSE(a_equals_c);
}

TEST(BuildRandomLlavaTest, RefusesAnUnknownDevice) {
  RunOptions run = OneThread();
  run.device = "abacus";
  EXPECT_EQ(BuildRandomLlava(TinyMoeConfig(), run, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(BuildRandomLlavaTest, RefusesCudaWithoutACudaDevice) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this LibTorch has a CUDA device";
  RunOptions run = OneThread();
  run.device = "cuda";
  EXPECT_EQ(BuildRandomLlava(TinyMoeConfig(), run, 0).status().code(), StatusCode::kFailedPrecondition);
}

TEST(LatencyTest, TimesFirstTokenAndDecodeWithAnImageInTheContext) {
  auto model = BuildRandomLlava(TinyMoeConfig(), OneThread(), /*seed=*/1);
  ASSERT_TRUE(model.ok());
  ASSERT_EQ(SetMoeDispatch(**model, MoeDispatch::kStacked), 2);
  LatencyOptions options;
  options.context = 80;  // BOS + 64 image positions (112 px / 14 = 8 x 8) + 15 text tokens
  options.decode_tokens = 3;
  options.repeats = 2;
  auto report = MeasureGenerationLatency(**model, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->context, 80);
  EXPECT_EQ(report->image_positions, 64);
  ASSERT_EQ(report->first_token_runs.size(), 2u);
  ASSERT_EQ(report->decode_mean_runs.size(), 2u);
  EXPECT_GT(report->first_token_ms, 0.0);
  EXPECT_GT(report->decode_ms_per_token, 0.0);
}

TEST(LatencyTest, ContextTooShortForTheImageIsTextOnly) {
  auto model = BuildRandomLlava(TinyMoeConfig(), OneThread(), /*seed=*/1);
  ASSERT_TRUE(model.ok());
  LatencyOptions options;
  options.context = 40;
  options.decode_tokens = 1;
  options.repeats = 1;
  auto report = MeasureGenerationLatency(**model, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->image_positions, 0);
}

TEST(LatencyTest, RefusesAContextPastTheModelsPositions) {
  const auto config = TinyMoeConfig();
  auto model = BuildRandomLlava(config, OneThread(), /*seed=*/1);
  ASSERT_TRUE(model.ok());
  LatencyOptions options;
  options.context = config.text.max_position_embeddings;
  options.decode_tokens = 1;
  EXPECT_EQ(MeasureGenerationLatency(**model, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::model
