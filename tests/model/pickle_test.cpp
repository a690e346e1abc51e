// The torch.save (.bin) reader on fixtures written by Debian's python3-torch (tests/model/make_torch_fixtures.py).
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "mgrs/model/pickle.h"
#include "test_support.h"

namespace mgrs::model {
namespace {

std::map<std::string, at::Tensor> Load(const std::string& fixture) {
  auto tensors = LoadTorchZipStateDict(testing::FixtureFile(fixture));
  EXPECT_TRUE(tensors.ok()) << tensors.status().ToString();
  return tensors.ok() ? std::map<std::string, at::Tensor>(tensors->begin(), tensors->end())
                      : std::map<std::string, at::Tensor>();
}

TEST(PickleTest, ReadsEveryTensorKindOfAStateDict) {
  auto t = Load("model/state_dict.bin");
  ASSERT_EQ(t.size(), 8u);
  const auto base = torch::arange(12, torch::kFloat).reshape({3, 4});
  EXPECT_TRUE(torch::equal(t["f32"], base));
  EXPECT_TRUE(torch::equal(t["view"], base.index({torch::indexing::Slice(1), torch::indexing::Slice(1, 3)})));
  EXPECT_TRUE(torch::equal(t["transposed"], base.t()));
  EXPECT_EQ(t["f16"].scalar_type(), torch::kHalf);
  EXPECT_FLOAT_EQ(t["f16"][2].item<float>(), 65504.0f);
  EXPECT_EQ(t["bf16"].scalar_type(), torch::kBFloat16);
  EXPECT_FLOAT_EQ(t["bf16"][0][1].item<float>(), -0.5f);
  EXPECT_EQ(t["i64"][2].item<int64_t>(), int64_t{1} << 40);
  EXPECT_EQ(t["i64"][1].item<int64_t>(), -8);
  EXPECT_EQ(t["scalar"].dim(), 0);
  EXPECT_FLOAT_EQ(t["scalar"].item<float>(), 3.25f);
  EXPECT_FLOAT_EQ(t["param"][1].item<float>(), 0.5f);
}

TEST(PickleTest, IndexReadsShapesWithoutData) {
  auto index = ReadTorchZipIndex(testing::FixtureFile("model/state_dict.bin"));
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ((*index)[1].name, "view");
  EXPECT_EQ((*index)[1].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ((*index)[1].storage_offset, 5);
  EXPECT_EQ((*index)[1].storage_numel, 12);
}

TEST(PickleTest, RefusesAForeignClass) {
  auto tensors = LoadTorchZipStateDict(testing::FixtureFile("model/foreign_class.bin"));
  ASSERT_FALSE(tensors.ok());
  EXPECT_NE(tensors.status().message().find("refusing global __main__.NotAllowed"), std::string::npos)
      << tensors.status().message();
}

TEST(PickleTest, RefusesANonTensorValue) {
  auto tensors = LoadTorchZipStateDict(testing::FixtureFile("model/non_tensor_value.bin"));
  ASSERT_FALSE(tensors.ok());
  EXPECT_NE(tensors.status().message().find("\"step\" is not a tensor"), std::string::npos);
}

TEST(PickleTest, RefusesATopLevelList) {
  auto tensors = LoadTorchZipStateDict(testing::FixtureFile("model/not_a_dict.bin"));
  ASSERT_FALSE(tensors.ok());
  EXPECT_NE(tensors.status().message().find("not a dict"), std::string::npos) << tensors.status().message();
}

TEST(PickleTest, RefusesAFileThatIsNotAZip) {
  auto tensors = LoadTorchZipStateDict(testing::FixtureFile("model/llava_tiny_liuhaotian/config.json"));
  ASSERT_FALSE(tensors.ok());
  EXPECT_NE(tensors.status().message().find("not a torch.save zip archive"), std::string::npos);
}

// A protocol-2 pickle of OrderedDict{"a": FloatStorage of `storage_numel` viewed as a [size] tensor}, opcode by
// opcode as torch.save writes it (without memo opcodes).
std::string StateDictPickle(char storage_numel, char size) {
  auto unicode = [](const std::string& text) {
    const uint32_t n = static_cast<uint32_t>(text.size());
    return "X" + std::string(reinterpret_cast<const char*>(&n), 4) + text;
  };
  std::string p = "\x80\x02";             // PROTO 2
  p += "ccollections\nOrderedDict\n)R(";  // OrderedDict(), MARK
  p += unicode("a");
  p += "ctorch._utils\n_rebuild_tensor_v2\n((";
  p += unicode("storage") + "ctorch\nFloatStorage\n" + unicode("0") + unicode("cpu");
  p += std::string("K") + storage_numel + "tQ";  // persistent id -> storage
  p += std::string("K") + '\0';                  // storage offset 0
  p += std::string("K") + size + "\x85";         // size (size,)
  p += "K\x01\x85";                              // stride (1,)
  p += "\x89";                                   // requires_grad False
  p += "ccollections\nOrderedDict\n)R";          // backward hooks
  p += "tRu.";                                   // args tuple, REDUCE, SETITEMS, STOP
  return p;
}

TEST(PickleTest, ParsesAHandWrittenPickle) {
  auto parsed = ParseStateDictPickle(StateDictPickle(2, 2));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].name, "a");
  EXPECT_EQ((*parsed)[0].shape, std::vector<int64_t>{2});
}

TEST(PickleTest, RefusesTruncatedPickles) {
  // Every prefix of a valid pickle must fail cleanly, never read past the end.
  const std::string pickle = StateDictPickle(2, 2);
  for (size_t n = 0; n < pickle.size(); ++n) EXPECT_FALSE(ParseStateDictPickle(pickle.substr(0, n)).ok()) << n;
}

TEST(PickleTest, RefusesATensorLargerThanItsStorage) {
  auto parsed = ParseStateDictPickle(StateDictPickle(2, 3));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("of a storage of 2"), std::string::npos) << parsed.status().message();
}

}  // namespace
}  // namespace mgrs::model
