// ModelConfig JSON, the manifests, Hugging Face configs and the expected tensor list.
#include <gtest/gtest.h>

#include "mgrs/model/checkpoint.h"
#include "mgrs/model/config.h"
#include "mgrs/model/keys.h"

namespace mgrs::model {
namespace {

const std::string kManifests = std::string(MGRS_SOURCE_DIR) + "/manifests/models/";

int64_t Count(const ModelConfig& config, keys::Part part) {
  int64_t total = 0;
  for (const auto& spec : ExpectedTensors(config)) {
    if (keys::PartOf(spec.name) != part) continue;
    int64_t n = 1;
    for (int64_t d : spec.shape) n *= d;
    total += n;
  }
  return total;
}

TEST(ConfigTest, SevenBManifestHasThePapersDimensions) {
  auto config = ReadModelConfig(kManifests + "skymoe-7b.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->vision.NumPatches(), 1296);  // 504 / 14 = 36
  EXPECT_EQ(config->moe.MoeLayers(config->text.num_layers).size(), 16u);
  EXPECT_EQ(config->moe.MoeLayers(32).front(), 0);
  EXPECT_EQ(config->moe.MoeLayers(32).back(), 30);
  // Golden counts (research/model.md 3.1-3.3, recomputed by hand): CLIP at 504 without post_layernorm =
  // 24 * 12,596,224 + 1024 + 602,112 + 1297 * 1024 + 2048; projector 20,979,712; Vicuna-7B 6,738,415,616.
  EXPECT_EQ(Count(*config, keys::Part::kVision), 304242688);
  EXPECT_EQ(Count(*config, keys::Part::kProjector), 20979712);
  ModelConfig dense = *config;
  dense.moe.num_experts = 0;
  EXPECT_EQ(Count(dense, keys::Part::kLanguageModel), 6738415616);
  // With 8 experts on 16 layers: 16 dense FFNs become 8 experts + a router each.
  const int64_t ffn = 3 * 4096 * 11008;
  EXPECT_EQ(Count(*config, keys::Part::kExperts), 16 * (8 * ffn + 8 * 4096));
}

TEST(ConfigTest, TinyManifestHasAFewMillionParameters) {
  auto config = ReadModelConfig(kManifests + "skymoe-tiny.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  int64_t total = 0;
  for (auto part : {keys::Part::kVision, keys::Part::kProjector, keys::Part::kLanguageModel, keys::Part::kExperts}) {
    total += Count(*config, part);
  }
  EXPECT_GT(total, 1'000'000);
  EXPECT_LT(total, 10'000'000);
}

TEST(ConfigTest, JsonRoundTrips) {
  ModelConfig config;
  config.name = "x";
  config.moe.num_experts = 4;
  config.moe.layer_mode = "explicit";
  config.moe.layers = {1, 3};
  config.lora.targets = {"q_proj", "k_proj", "v_proj"};
  auto parsed = ParseModelConfig(ModelConfigToJson(config));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(ModelConfigToJson(*parsed), ModelConfigToJson(config));
  EXPECT_EQ(parsed->moe.MoeLayers(32), (std::vector<int>{1, 3}));
}

TEST(ConfigTest, RouterNoiseDefaultsToNoneAndRoundTrips) {
  EXPECT_EQ(ModelConfig().moe.router_noise, "none");
  ModelConfig config;
  config.moe.num_experts = 4;
  config.moe.router_noise = "gumbel";
  const auto json = ModelConfigToJson(config);
  EXPECT_NE(json.find("\"router_noise\": \"gumbel\""), std::string::npos) << json;
  auto parsed = ParseModelConfig(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->moe.router_noise, "gumbel");
}

TEST(ConfigTest, RefusesAnUnknownRouterNoise) {
  EXPECT_EQ(ParseModelConfig(R"({"moe": {"num_experts": 4, "router_noise": "jitter"}})").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ConfigTest, RefusesAnUnknownKey) {
  auto parsed = ParseModelConfig(R"({"text": {"hiden_size": 10}})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("hiden_size"), std::string::npos);
}

TEST(ConfigTest, RefusesAWrongType) {
  EXPECT_EQ(ParseModelConfig(R"({"text": {"hidden_size": "big"}})").status().code(), StatusCode::kParseError);
}

TEST(ConfigTest, RefusesBadJson) { EXPECT_EQ(ParseModelConfig("{").status().code(), StatusCode::kParseError); }

TEST(ConfigTest, RefusesInconsistentDimensions) {
  EXPECT_EQ(ParseModelConfig(R"({"text": {"hidden_size": 100, "num_heads": 3}})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseModelConfig(R"({"vision": {"image_size": 500}})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseModelConfig(R"({"moe": {"num_experts": 4, "top_k": 5}})").status().code(),
            StatusCode::kInvalidArgument);
}

// transformers' llava-hf config.json stores only non-default text fields; the rest are LlamaConfig defaults.
TEST(ConfigTest, LlavaHfConfigUsesHuggingFaceDefaults) {
  auto config = ModelConfigFromHuggingFace(
      R"({"model_type":"llava","vision_feature_layer":-2,"vision_feature_select_strategy":"default",
          "text_config":{"model_type":"llama","vocab_size":32064,"max_position_embeddings":4096,"rms_norm_eps":1e-05},
          "vision_config":{"hidden_size":1024,"image_size":336,"intermediate_size":4096,"num_attention_heads":16,
                           "num_hidden_layers":24,"patch_size":14,"projection_dim":768}})",
      "", "");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->text.vocab_size, 32064);
  EXPECT_EQ(config->text.hidden_size, 4096);
  EXPECT_EQ(config->text.num_layers, 32);
  EXPECT_EQ(config->text.num_kv_heads, 32);
  EXPECT_EQ(config->vision.NumPatches(), 576);
  EXPECT_EQ(config->vision.hidden_act, "quick_gelu");
}

TEST(ConfigTest, RefusesAnUnsupportedModelType) {
  EXPECT_EQ(ModelConfigFromHuggingFace(R"({"model_type":"mistral"})", "", "").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::model
