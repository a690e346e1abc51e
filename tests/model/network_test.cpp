// The LLaVA network against golden values: preprocessing, position-table interpolation, vision features,
// projector and decoder logits, and the loader's refusals.
//
// Golden source: tests/model/golden/make_golden.py, a plain-torch re-implementation of transformers'
// CLIPVisionModel, LlamaForCausalLM and LLaVA's splicing, run with Debian's python3-torch 1.13 and Pillow 9.4.
// Tolerances: 1e-4 absolute on fp32 network outputs (values up to ~13; the two implementations differ only in
// summation order); 1e-6 on preprocessing (our Pillow port is bit-exact in 8 bits, so only float rounding is left).
#include <gtest/gtest.h>

#include "golden_model.h"
#include "mgrs/model/preprocess.h"
#include "mgrs/model/vision.h"

namespace mgrs::model {
namespace {

using testing::Expected;
using testing::ExpectedIds;
using testing::GoldenPath;
using testing::MaxAbsDiff;

constexpr double kNetworkTolerance = 1e-4;

torch::Tensor GoldenPixels(const ModelConfig& config) {
  std::vector<torch::Tensor> images;
  for (const char* name : {"wide", "tall"}) {
    auto chw = PreprocessImageFile(GoldenPath(std::string("images/") + name + ".png"), config.vision);
    EXPECT_TRUE(chw.ok()) << chw.status().ToString();
    const int s = config.vision.image_size;
    images.push_back(torch::from_blob(chw->data(), {3, s, s}, torch::kFloat).clone());
  }
  return torch::stack(images);
}

class GoldenNetworkTest : public ::testing::Test {
 protected:
  GoldenNetworkTest() : model_(testing::LoadGoldenModel()) {}
  Llava model_;
  c10::InferenceMode inference_;
};

TEST_F(GoldenNetworkTest, PreprocessingMatchesPillowAndClipProcessor) {
  // "wide" (40x26) is padded and upsampled, "tall" (61x97) padded and downsampled with antialiasing.
  EXPECT_LT(MaxAbsDiff(GoldenPixels(model_->config()), Expected("pixel_values")), 1e-6);
}

TEST_F(GoldenNetworkTest, PositionTableIsInterpolatedLikeGeoChat) {
  // The checkpoint holds a 4x4 grid (image 32); the config runs at 48 (6x6), the 336 -> 504 ratio.
  const auto table = model_->named_parameters()["vision_tower.vision_model.embeddings.position_embedding.weight"];
  EXPECT_EQ(table.size(0), 37);
  EXPECT_LT(MaxAbsDiff(table, Expected("position_embedding")), 1e-6);
}

TEST_F(GoldenNetworkTest, VisionFeaturesMatchReference) {
  const auto features = model_->vision_tower()(Expected("pixel_values"));
  ASSERT_EQ(features.sizes(), Expected("vision_features").sizes());
  EXPECT_LT(MaxAbsDiff(features, Expected("vision_features")), kNetworkTolerance);
}

TEST_F(GoldenNetworkTest, ProjectorOutputMatchesReference) {
  const auto projected = model_->projector()(Expected("vision_features"));
  EXPECT_LT(MaxAbsDiff(projected, Expected("projector_output")), kNetworkTolerance);
}

TEST_F(GoldenNetworkTest, LogitsMatchReferenceForEachPrompt) {
  for (int k = 0; k < 2; ++k) {
    const auto features = model_->EncodeImages(Expected("pixel_values").slice(0, k, k + 1));
    auto batch = model_->EmbedPrompts({ExpectedIds("prompt_ids_" + std::to_string(k))}, features);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    const auto logits = model_->language_model()->forward(batch->embeds, batch->positions, {}, nullptr).logits[0];
    const auto expected = Expected("logits_" + std::to_string(k));
    ASSERT_EQ(logits.sizes(), expected.sizes());
    EXPECT_LT(MaxAbsDiff(logits, expected), kNetworkTolerance) << "prompt " << k;
  }
}

TEST_F(GoldenNetworkTest, OnlyTheLayersFeedingTheFeatureLayerAreBuilt) {
  // 3 encoder layers, feature_layer -2: layers 0 and 1 run; the checkpoint's layer 2 and post_layernorm are unused.
  EXPECT_EQ(model_->vision_tower()->LayersRun(), 2);
  const auto names = model_->named_parameters().keys();
  for (const auto& name : names) {
    EXPECT_EQ(name.find("encoder.layers.2."), std::string::npos) << name;
    EXPECT_EQ(name.find("post_layernorm"), std::string::npos) << name;
  }
}

TEST(LoadLlavaTest, BuildsTheModelInBfloat16) {
  // The GPU dtype, exercised on the CPU: parameters are bf16, RMSNorm and softmax run in fp32, logits come back in
  // fp32. Tolerance: bf16 keeps 8 bits of mantissa, so logits up to ~13 may move by a few tenths.
  RunOptions options;
  options.dtype = "bfloat16";
  options.threads = 1;
  auto loaded = LoadLlava(GoldenPath("tiny_llava"), options);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto& model = *loaded->model;
  EXPECT_EQ(model.language_model()->parameters().front().scalar_type(), torch::kBFloat16);
  c10::InferenceMode inference;
  const auto pixels = Expected("pixel_values").slice(0, 0, 1).to(torch::kBFloat16);
  auto batch = model.EmbedPrompts({ExpectedIds("prompt_ids_0")}, model.EncodeImages(pixels));
  ASSERT_TRUE(batch.ok());
  const auto logits = model.language_model()->forward(batch->embeds, batch->positions, {}, nullptr).logits[0];
  EXPECT_EQ(logits.scalar_type(), torch::kFloat);
  EXPECT_LT(MaxAbsDiff(logits, Expected("logits_0")), 1.0);
}

TEST(PositionInterpolation, IsTheIdentityAtEqualSize) {
  const auto table = torch::randn({1 + 5 * 5, 8});
  EXPECT_TRUE(torch::equal(InterpolatePositionEmbedding(table, 5), table));
}

TEST(PositionInterpolation, KeepsTheClassRowAndTheGridCorners) {
  // align_corners=true maps corner to corner, so the four corner rows survive a 3x3 -> 7x7 resize unchanged.
  const auto table = torch::randn({1 + 3 * 3, 4});
  const auto resized = InterpolatePositionEmbedding(table, 7);
  ASSERT_EQ(resized.size(0), 1 + 7 * 7);
  EXPECT_TRUE(torch::equal(resized[0], table[0]));
  EXPECT_LT(MaxAbsDiff(resized[1], table[1]), 1e-6);
  EXPECT_LT(MaxAbsDiff(resized[1 + 6], table[1 + 2]), 1e-6);
  EXPECT_LT(MaxAbsDiff(resized[1 + 48], table[1 + 8]), 1e-6);
}

class LoadParametersTest : public ::testing::Test {
 protected:
  LoadParametersTest()
      : model_(testing::GoldenConfig()),
        tensors_(testing::ReadAllTensors(GoldenPath("tiny_llava/model.safetensors"))) {}
  Llava model_;
  std::map<std::string, torch::Tensor> tensors_;
};

TEST_F(LoadParametersTest, RefusesAMissingTensor) {
  tensors_.erase("language_model.model.norm.weight");
  const auto status = LoadParameters(*model_, tensors_);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find("language_model.model.norm.weight"), std::string::npos);
}

TEST_F(LoadParametersTest, RefusesAWrongShape) {
  tensors_["multi_modal_projector.linear_1.bias"] = torch::zeros({7});
  const auto status = LoadParameters(*model_, tensors_);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("[7]"), std::string::npos);
}

TEST_F(LoadParametersTest, RefusesATensorWithoutAPlace) {
  tensors_["language_model.model.layers.0.mlp.router.weight"] = torch::zeros({4, 48});
  EXPECT_EQ(LoadParameters(*model_, tensors_).code(), StatusCode::kInvalidArgument);
}

TEST_F(LoadParametersTest, RefusesAPositionTableThatIsNotASquareGrid) {
  tensors_["vision_tower.vision_model.embeddings.position_embedding.weight"] = torch::zeros({1 + 12, 32});
  EXPECT_EQ(LoadParameters(*model_, tensors_).code(), StatusCode::kInvalidArgument);
}

TEST_F(LoadParametersTest, RefusesPromptsWhosePlaceholdersAndImagesDiffer) {
  ASSERT_TRUE(LoadParameters(*model_, tensors_).ok());
  c10::InferenceMode inference;
  const auto two_images = torch::zeros({2, 36, 48});
  const auto batch = model_->EmbedPrompts({{1, kImageTokenIndex, 5}}, two_images);
  EXPECT_EQ(batch.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LoadParametersTest, RefusesATokenOutsideTheVocabulary) {
  ASSERT_TRUE(LoadParameters(*model_, tensors_).ok());
  c10::InferenceMode inference;
  EXPECT_EQ(model_->EmbedPrompts({{1, 96}}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(Preprocessing, LeavesAnImageAtTheInputSizeUnresampled) {
  // A 48x48 image at image_size 48: values are exactly (v / 255 - mean) / std of the input pixels.
  VisionConfig config;
  config.image_size = 48;
  cv::Mat bgr(48, 48, CV_8UC3);
  cv::randu(bgr, 0, 256);
  auto chw = PreprocessImage(bgr, config);
  ASSERT_TRUE(chw.ok());
  const auto& p = bgr.at<cv::Vec3b>(10, 20);
  for (int c = 0; c < 3; ++c) {
    const double expected = (p[2 - c] / 255.0 - config.image_mean[c]) / config.image_std[c];
    EXPECT_NEAR((*chw)[(c * 48 + 10) * 48 + 20], expected, 1e-6) << "channel " << c;
  }
}

TEST(Preprocessing, PadsWithTheMeanColourCentred) {
  cv::Mat black(2, 6, CV_8UC3, cv::Scalar(0, 0, 0));
  const auto square = PadToSquare(black, cv::Scalar(122, 116, 104));
  ASSERT_EQ(square.rows, 6);
  EXPECT_EQ(square.at<cv::Vec3b>(0, 0), cv::Vec3b(122, 116, 104));
  EXPECT_EQ(square.at<cv::Vec3b>(2, 0), cv::Vec3b(0, 0, 0));  // offset (6 - 2) / 2 = 2
  EXPECT_EQ(square.at<cv::Vec3b>(4, 0), cv::Vec3b(122, 116, 104));
}

TEST(Preprocessing, RefusesAnEmptyImage) {
  EXPECT_EQ(PreprocessImage(cv::Mat(), VisionConfig()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::model
