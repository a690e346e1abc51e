// safetensors validation and round trips; every supported checkpoint layout loads into canonical names.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/config.h"
#include "mgrs/model/keys.h"
#include "mgrs/model/safetensors.h"
#include "test_support.h"

namespace mgrs::model {
namespace {

namespace fs = std::filesystem;

// --- safetensors files written byte by byte, one per error --------------------------------------------------------

std::string FileBytes(const std::string& header_json, const std::string& data) {
  const uint64_t n = header_json.size();
  std::string bytes(reinterpret_cast<const char*>(&n), 8);
  return bytes + header_json + data;
}

std::string WriteBytes(const std::string& name, const std::string& bytes) {
  const std::string path = testing::ScratchDir("safetensors_" + name) + "/x.safetensors";
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// Opens the bytes as a file and returns the error message (empty when it opened).
std::string OpenError(const std::string& name, const std::string& bytes) {
  auto file = SafetensorsFile::Open(WriteBytes(name, bytes));
  return file.ok() ? std::string() : file.status().message();
}

const std::string kEightBytes(8, '\0');

TEST(SafetensorsTest, ReadsAValidFileZeroCopy) {
  float values[2] = {1.5f, -2.0f};
  const std::string data(reinterpret_cast<const char*>(values), 8);
  const std::string path = WriteBytes(
      "valid",
      FileBytes(R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data));
  auto file = SafetensorsFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->metadata().at("format"), "pt");
  auto tensor = (*file)->Tensor("w");
  ASSERT_TRUE(tensor.ok());
  EXPECT_EQ(tensor->scalar_type(), torch::kFloat);
  EXPECT_FLOAT_EQ(tensor->index({1}).item<float>(), -2.0f);
}

TEST(SafetensorsTest, ZeroCopyTensorsOutliveTheFileObjectAndWritesStayPrivate) {
  const std::string path = testing::ScratchDir("safetensors_outlive") + "/x.safetensors";
  ASSERT_TRUE(WriteSafetensors(path, {{"w", torch::arange(16, torch::kFloat)}}).ok());
  at::Tensor tensor;
  {
    auto file = SafetensorsFile::Open(path);
    ASSERT_TRUE(file.ok());
    tensor = *(*file)->Tensor("w");
  }  // the SafetensorsFile is gone; the tensor still holds the mapping
  EXPECT_FLOAT_EQ(tensor.sum().item<float>(), 120.0f);
  tensor.mul_(2);  // copy-on-write: the file must not change
  auto again = SafetensorsFile::Open(path);
  ASSERT_TRUE(again.ok());
  EXPECT_FLOAT_EQ((*again)->Tensor("w")->sum().item<float>(), 120.0f);
}

TEST(SafetensorsTest, RefusesATruncatedLengthPrefix) {
  EXPECT_NE(OpenError("short", "abc").find("truncated file"), std::string::npos);
}

TEST(SafetensorsTest, RefusesAHeaderSizePastTheEnd) {
  std::string bytes = FileBytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", "abcd");
  const uint64_t too_long = 4096;
  std::memcpy(bytes.data(), &too_long, 8);
  EXPECT_NE(OpenError("header_past_end", bytes).find("runs past the end of the file"), std::string::npos);
}

TEST(SafetensorsTest, RefusesAHugeHeaderSize) {
  std::string bytes = kEightBytes + "{}";
  const uint64_t huge = uint64_t{1} << 62;
  std::memcpy(bytes.data(), &huge, 8);
  EXPECT_NE(OpenError("header_huge", bytes).find("100 MB"), std::string::npos);
}

TEST(SafetensorsTest, RefusesBadJson) {
  EXPECT_NE(OpenError("bad_json", FileBytes(R"({"w":{"dtype":"F32",)", "")).find("bad header JSON"), std::string::npos);
}

TEST(SafetensorsTest, RefusesAHeaderThatIsNotAnObject) {
  EXPECT_NE(OpenError("not_object", FileBytes("[1, 2]", "")).find("must start with '{'"), std::string::npos);
}

TEST(SafetensorsTest, RefusesDuplicateNames) {
  const std::string header =
      R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})";
  EXPECT_NE(OpenError("duplicate", FileBytes(header, "ab")).find("duplicate tensor name"), std::string::npos);
}

TEST(SafetensorsTest, RefusesOffsetsPastTheEnd) {
  const std::string header = R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  EXPECT_NE(OpenError("offsets_past_end", FileBytes(header, "12345678")).find("absurd shape"), std::string::npos);
  const std::string header2 = R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[16,16]}})";
  EXPECT_NE(OpenError("offsets_past_end2", FileBytes(header2, "12345678")).find("run past the end"), std::string::npos);
}

TEST(SafetensorsTest, RefusesATruncatedDataSection) {
  // A valid file cut short: the header promises 16 bytes, 8 remain.
  const std::string path = testing::ScratchDir("safetensors_truncate") + "/x.safetensors";
  ASSERT_TRUE(WriteSafetensors(path, {{"a", torch::ones({2})}, {"b", torch::ones({2})}}).ok());
  std::string bytes = *ReadFile(path);
  bytes.resize(bytes.size() - 8);
  EXPECT_NE(OpenError("truncated_data", bytes).find("past the end of the data section"), std::string::npos);
}

TEST(SafetensorsTest, RefusesOverlappingRanges) {
  const std::string header =
      R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})";
  EXPECT_NE(OpenError("overlap", FileBytes(header, "123456")).find("overlaps"), std::string::npos);
}

TEST(SafetensorsTest, RefusesAHoleInTheDataSection) {
  const std::string header = R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})";
  EXPECT_NE(OpenError("hole", FileBytes(header, "1234")).find("belong to no tensor"), std::string::npos);
}

TEST(SafetensorsTest, RefusesAnAbsurdShape) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}})";
  EXPECT_NE(OpenError("absurd", FileBytes(header, "1234")).find("overflows 64 bits"), std::string::npos);
  const std::string rank9 = R"({"a":{"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,1]}})";
  EXPECT_NE(OpenError("rank9", FileBytes(rank9, "1")).find("rank 9"), std::string::npos);
  const std::string negative = R"({"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})";
  EXPECT_NE(OpenError("negative", FileBytes(negative, "1")).find("non-negative"), std::string::npos);
}

TEST(SafetensorsTest, RefusesASizeThatDisagreesWithDtypeAndShape) {
  const std::string header = R"({"a":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}})";
  EXPECT_NE(OpenError("size_mismatch", FileBytes(header, "12345678")).find("size mismatch"), std::string::npos);
}

TEST(SafetensorsTest, RefusesAnUnknownDtype) {
  const std::string header = R"({"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}})";
  EXPECT_NE(OpenError("dtype", FileBytes(header, "1")).find("unsupported dtype"), std::string::npos);
}

TEST(SafetensorsTest, WriterRoundTripsEveryDtypeAndAlignsData) {
  const std::string path = testing::ScratchDir("safetensors_roundtrip") + "/x.safetensors";
  const NamedTensors tensors = {
      {"f32", torch::randn({3, 5})},
      {"f16", torch::randn({7}).to(torch::kHalf)},
      {"bf16", torch::randn({2, 3}).to(torch::kBFloat16)},
      {"i64", torch::tensor({int64_t{1} << 40, int64_t{-3}})},
      {"i32", torch::tensor({1, 2, 3}, torch::kInt)},
      {"u8", torch::tensor({1, 255}, torch::kByte)},
      {"bool", torch::tensor({true, false, true})},
      {"scalar", torch::tensor(2.5)},
      {"empty", torch::zeros({0, 4})},
      {"strided", torch::arange(12, torch::kFloat).reshape({3, 4}).t()},
  };
  ASSERT_TRUE(WriteSafetensors(path, tensors).ok());
  auto file = SafetensorsFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->header().data_offset % 8, 0u);
  for (const auto& [name, expected] : tensors) {
    auto tensor = (*file)->Tensor(name);
    ASSERT_TRUE(tensor.ok()) << name;
    EXPECT_EQ(tensor->scalar_type(), expected.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(*tensor, expected.contiguous())) << name;
    const auto* entry = (*file)->Find(name);
    EXPECT_EQ(entry->begin % static_cast<uint64_t>(expected.element_size()), 0u) << name;
  }
}

TEST(SafetensorsTest, WriterRefusesDuplicateNames) {
  const std::string path = testing::ScratchDir("safetensors_dup_write") + "/x.safetensors";
  EXPECT_EQ(WriteSafetensors(path, {{"a", torch::ones(1)}, {"a", torch::ones(1)}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(path));
}

// --- key layouts ----------------------------------------------------------------------------------------------

// Must match tests/model/make_torch_fixtures.py.
ModelConfig TinyConfig() {
  ModelConfig c;
  c.vision.hidden_size = 8;
  c.vision.num_layers = 2;
  c.vision.num_heads = 2;
  c.vision.intermediate_size = 16;
  c.vision.image_size = 28;
  c.vision.patch_size = 14;
  c.text.vocab_size = 32;
  c.text.hidden_size = 16;
  c.text.num_layers = 2;
  c.text.num_heads = 2;
  c.text.num_kv_heads = 2;
  c.text.intermediate_size = 24;
  c.text.max_position_embeddings = 64;
  return c;
}

// The canonical tensors of TinyConfig with a value derived from the name, so a misrouted tensor shows.
NamedTensors TinyTensors(const ModelConfig& config) {
  NamedTensors tensors;
  float seed = 1;
  for (const auto& spec : ExpectedTensors(config)) {
    tensors.emplace_back(spec.name, torch::full(spec.shape, seed++, torch::kFloat));
  }
  return tensors;
}

// Test-side inverse of the layout rules: canonical name -> the name a layout stores (empty: not stored there).
std::string ToLayout(KeyLayout layout, const std::string& name) {
  auto strip = [&](std::string_view prefix) { return name.substr(prefix.size()); };
  const bool vision = keys::PartOf(name) == keys::Part::kVision;
  const bool projector = keys::PartOf(name) == keys::Part::kProjector;
  const bool head = name == keys::kLmHead;
  switch (layout) {
    case KeyLayout::kCanonical: return name;
    case KeyLayout::kLlavaHfNew:
      if (head) return "lm_head.weight";
      return vision || projector ? "model." + name : "model.language_model." + strip(keys::kTextModelPrefix);
    case KeyLayout::kLlama:
      if (vision || projector) return "";
      return head ? "lm_head.weight" : "model." + strip(keys::kTextModelPrefix);
    case KeyLayout::kOpenaiClip: return vision ? "vision_model." + strip(keys::kVisionPrefix) : "";
    case KeyLayout::kLiuhaotianLlava:
      if (vision) return "";
      if (projector) {
        std::string rest = strip(keys::kProjectorPrefix);
        return "model.mm_projector." + std::string(rest[7] == '1' ? "0" : "2") + rest.substr(8);
      }
      return head ? "lm_head.weight" : "model." + strip(keys::kTextModelPrefix);
  }
  return "";
}

std::string WriteLayout(const std::string& dir_name, KeyLayout layout, const std::string& config_json,
                        const NamedTensors& canonical, bool with_noise_keys) {
  const std::string dir = testing::ScratchDir(dir_name);
  NamedTensors stored;
  for (const auto& [name, tensor] : canonical) {
    const std::string key = ToLayout(layout, name);
    if (!key.empty()) stored.emplace_back(key, tensor);
  }
  if (with_noise_keys) stored.emplace_back("model.layers.0.self_attn.rotary_emb.inv_freq", torch::ones(2));
  EXPECT_TRUE(WriteSafetensors(dir + "/model.safetensors", stored).ok());
  EXPECT_TRUE(WriteFileAtomically(dir + "/config.json", config_json).ok());
  return dir;
}

void ExpectSameTensors(const NamedTensors& actual, const NamedTensors& expected, bool vision, bool projector,
                       bool text) {
  std::map<std::string, at::Tensor> by_name(actual.begin(), actual.end());
  size_t count = 0;
  for (const auto& [name, tensor] : expected) {
    const auto part = keys::PartOf(name);
    const bool wanted = (part == keys::Part::kVision && vision) || (part == keys::Part::kProjector && projector) ||
                        (part == keys::Part::kLanguageModel && text);
    if (!wanted) continue;
    ++count;
    ASSERT_TRUE(by_name.count(name)) << name;
    EXPECT_TRUE(torch::equal(by_name[name].to(torch::kFloat), tensor)) << name;
  }
  EXPECT_EQ(actual.size(), count);
}

// llava-hf's config.json (LlavaConfig), tiny.
std::string LlavaHfConfigJson() {
  return R"({"model_type":"llava","vision_feature_layer":-2,"vision_feature_select_strategy":"default",
    "text_config":{"model_type":"llama","vocab_size":32,"hidden_size":16,"intermediate_size":24,
      "num_hidden_layers":2,"num_attention_heads":2,"num_key_value_heads":2,"rms_norm_eps":1e-5,
      "max_position_embeddings":64},
    "vision_config":{"model_type":"clip_vision_model","hidden_size":8,"intermediate_size":16,"num_hidden_layers":2,
      "num_attention_heads":2,"image_size":28,"patch_size":14}})";
}

TEST(KeyLayoutTest, CanonicalCheckpointRoundTrips) {
  const ModelConfig config = TinyConfig();
  const auto tensors = TinyTensors(config);
  const std::string dir = testing::ScratchDir("layout_canonical");
  ASSERT_TRUE(SaveCheckpoint(dir, config, tensors).ok());
  auto loaded = LoadCheckpoint(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSameTensors(loaded->tensors, tensors, true, true, true);
  EXPECT_EQ(ModelConfigToJson(loaded->config), ModelConfigToJson(config));
}

TEST(KeyLayoutTest, LlavaHfLayoutLoads) {
  const auto tensors = TinyTensors(TinyConfig());
  const std::string dir = WriteLayout("layout_llava_hf", KeyLayout::kCanonical, LlavaHfConfigJson(), tensors, true);
  auto loaded = LoadCheckpoint(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSameTensors(loaded->tensors, tensors, true, true, true);
  EXPECT_EQ(loaded->config.text.hidden_size, 16);
  EXPECT_EQ(loaded->config.vision.image_size, 28);
}

TEST(KeyLayoutTest, LlavaHfNewPrefixLayoutLoads) {
  const auto tensors = TinyTensors(TinyConfig());
  const std::string dir =
      WriteLayout("layout_llava_hf_new", KeyLayout::kLlavaHfNew, LlavaHfConfigJson(), tensors, false);
  auto loaded = LoadCheckpoint(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSameTensors(loaded->tensors, tensors, true, true, true);
}

TEST(KeyLayoutTest, VicunaLayoutLoadsAsAPartialCheckpoint) {
  const auto tensors = TinyTensors(TinyConfig());
  const std::string config = R"({"model_type":"llama","vocab_size":32,"hidden_size":16,"intermediate_size":24,
    "num_hidden_layers":2,"num_attention_heads":2,"rms_norm_eps":1e-5,"max_position_embeddings":64})";
  const std::string dir = WriteLayout("layout_vicuna", KeyLayout::kLlama, config, tensors, true);
  auto partial = LoadCheckpoint(dir, {"", true});
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  ExpectSameTensors(partial->tensors, tensors, false, false, true);
  EXPECT_EQ(LoadCheckpoint(dir).status().code(), StatusCode::kCorruption);  // no vision tower, no projector
}

TEST(KeyLayoutTest, LiuhaotianBinShardsWithSeparateClipBinLoad) {
  auto loaded = LoadCheckpoint(testing::FixtureFile("model/llava_tiny_liuhaotian"),
                               {testing::FixtureFile("model/clip_tiny"), false});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto expected = ExpectedTensors(TinyConfig());
  ASSERT_EQ(loaded->tensors.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(loaded->tensors[i].first, expected[i].name);
    EXPECT_EQ(loaded->tensors[i].second.sizes().vec(), expected[i].shape) << expected[i].name;
  }
  // fp16 as stored; the projector's first row comes from model.mm_projector.0.weight.
  std::map<std::string, at::Tensor> by_name(loaded->tensors.begin(), loaded->tensors.end());
  EXPECT_EQ(by_name.at(keys::Projector("linear_1.weight")).scalar_type(), torch::kHalf);
  EXPECT_EQ(by_name.at(keys::Vision("embeddings.class_embedding")).scalar_type(), torch::kFloat);
  EXPECT_EQ(loaded->config.vision.num_layers, 2);
  EXPECT_EQ(loaded->config.text.intermediate_size, 24);
}

TEST(KeyLayoutTest, LiuhaotianWithoutVisionTowerIsRefusedWithAHint) {
  auto loaded = LoadCheckpoint(testing::FixtureFile("model/llava_tiny_liuhaotian"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("--vision-tower"), std::string::npos) << loaded.status().message();
}

TEST(KeyLayoutTest, OpenaiClipAloneLoadsTheVisionTower) {
  auto loaded = LoadCheckpoint(testing::FixtureFile("model/clip_tiny"), {"", true});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  for (const auto& [name, tensor] : loaded->tensors) EXPECT_EQ(keys::PartOf(name), keys::Part::kVision) << name;
  EXPECT_EQ(loaded->tensors.size(), 5u + 2u * 16u);
}

TEST(KeyLayoutTest, RefusesAWrongShape) {
  auto tensors = TinyTensors(TinyConfig());
  tensors[10].second = torch::zeros({3});
  const std::string dir = WriteLayout("layout_bad_shape", KeyLayout::kCanonical, LlavaHfConfigJson(), tensors, false);
  auto loaded = LoadCheckpoint(dir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("has shape [3]"), std::string::npos) << loaded.status().message();
}

TEST(KeyLayoutTest, RefusesAnUnknownKey) {
  auto tensors = TinyTensors(TinyConfig());
  tensors.emplace_back("language_model.model.layers.0.mlp.extra.weight", torch::zeros({1}));
  const std::string dir = WriteLayout("layout_unknown", KeyLayout::kCanonical, LlavaHfConfigJson(), tensors, false);
  EXPECT_EQ(LoadCheckpoint(dir).status().code(), StatusCode::kCorruption);
}

TEST(KeyLayoutTest, AcceptsAnotherPositionGrid) {
  auto tensors = TinyTensors(TinyConfig());
  for (auto& [name, tensor] : tensors) {
    if (name == keys::Vision("embeddings.position_embedding.weight")) tensor = torch::zeros({10, 8});  // 3x3 + 1
  }
  const std::string dir = WriteLayout("layout_grid", KeyLayout::kCanonical, LlavaHfConfigJson(), tensors, false);
  EXPECT_TRUE(LoadCheckpoint(dir).ok());
}

TEST(KeyLayoutTest, MapsMoeLlavaDeepSpeedNames) {
  const auto router = MapToCanonical(KeyLayout::kLiuhaotianLlava, "model.layers.2.mlp.deepspeed_moe.gate.wg.weight");
  EXPECT_EQ(router.name, keys::TextLayer(2, "mlp.router.weight"));
  const auto expert = MapToCanonical(KeyLayout::kLiuhaotianLlava,
                                     "model.layers.2.mlp.deepspeed_moe.experts.deepspeed_experts.3.up_proj.weight");
  EXPECT_EQ(expert.name, keys::Expert(2, 3, "up_proj.weight"));
  EXPECT_EQ(MapToCanonical(KeyLayout::kOpenaiClip, "text_model.final_layer_norm.weight").action,
            KeyMapping::Action::kSkip);
}

TEST(ConvertTest, LiuhaotianPlusClipConvertsAndInspects) {
  const std::string out = testing::ScratchDir("convert_liuhaotian");
  ConvertOptions options;
  options.from_dir = testing::FixtureFile("model/llava_tiny_liuhaotian");
  options.vision_tower_dir = testing::FixtureFile("model/clip_tiny");
  options.out_dir = out;
  options.image_size = 42;  // 3x3 grid; the stored 2x2 grid is interpolated at load
  auto report = ConvertCheckpoint(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->layout, KeyLayout::kLiuhaotianLlava);
  EXPECT_EQ(report->vision_layout, KeyLayout::kOpenaiClip);
  EXPECT_TRUE(fs::exists(out + "/model.safetensors.index.json"));  // three input shards -> three output shards
  auto direct = LoadCheckpoint(options.from_dir, {options.vision_tower_dir, false});
  auto converted = LoadCheckpoint(out);
  ASSERT_TRUE(converted.ok()) << converted.status().ToString();
  EXPECT_EQ(converted->config.vision.image_size, 42);
  ASSERT_EQ(converted->tensors.size(), direct->tensors.size());
  for (size_t i = 0; i < direct->tensors.size(); ++i) {
    EXPECT_EQ(converted->tensors[i].first, direct->tensors[i].first);
    EXPECT_TRUE(torch::equal(converted->tensors[i].second, direct->tensors[i].second)) << direct->tensors[i].first;
  }
  auto summary = InspectCheckpoint(out);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  // Hand count: vision 8 + 8*3*14*14 + 5*8 + 16 + 2 * (4*8 + 4*(64+8) + 16*8+16 + 8*16+8) = 4,768 + 1,200
  EXPECT_EQ(summary->parameters_by_part[keys::Part::kVision], 5968);
  // projector 16*8+16 + 16*16+16 = 416
  EXPECT_EQ(summary->parameters_by_part[keys::Part::kProjector], 416);
  // language model 2*32*16 + 16 + 2 * (4*256 + 3*384 + 32) = 1,040 + 4,416
  EXPECT_EQ(summary->parameters_by_part[keys::Part::kLanguageModel], 5456);
}

}  // namespace
}  // namespace mgrs::model
