// The real LLaMA tokenizer against reference ids, and the trainer used for tiny configs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/model/tokenizer.h"
#include "test_support.h"

namespace mgrs::model {
namespace {

const Tokenizer& Llama() {
  static const auto tokenizer = [] {
    auto loaded = Tokenizer::Load(testing::SharedFile("tokenizer/llama_tokenizer.model"));
    if (!loaded.ok()) throw std::runtime_error(loaded.status().ToString());
    return std::move(*loaded);
  }();
  return *tokenizer;
}

TEST(TokenizerTest, LlamaSpecialIds) {
  EXPECT_EQ(Llama().vocab_size(), 32000);
  EXPECT_EQ(Llama().unk_id(), 0);
  EXPECT_EQ(Llama().bos_id(), 1);
  EXPECT_EQ(Llama().eos_id(), 2);
  EXPECT_EQ(Llama().pad_id(), -1);
}

// Golden: shared/tokenizer/llama_tokenizer_reference_ids.json (libsentencepiece 0.1.97 on Meta's tokenizer.model,
// no BOS); exact equality of ids and pieces.
TEST(TokenizerTest, MatchesEveryReferenceCase) {
  auto text = ReadFile(testing::SharedFile("tokenizer/llama_tokenizer_reference_ids.json"));
  ASSERT_TRUE(text.ok());
  const auto reference = nlohmann::json::parse(*text);
  ASSERT_EQ(reference["cases"].size(), 22u);
  for (const auto& item : reference["cases"]) {
    const std::string input = item["text"];
    EXPECT_EQ(Llama().Encode(input), item["ids"].get<std::vector<int>>()) << input;
    EXPECT_EQ(Llama().EncodePieces(input), item["pieces"].get<std::vector<std::string>>()) << input;
  }
}

TEST(TokenizerTest, DecodeDropsControlAndImageIds) {
  EXPECT_EQ(Llama().Decode({1, 15043, 3186, -200, 29991, 2}), "Hello world!");
}

TEST(TokenizerTest, RefusesAFileThatIsNotAModel) {
  auto tokenizer = Tokenizer::FromSerialized("not a model proto");
  EXPECT_EQ(tokenizer.status().code(), StatusCode::kParseError);
}

TEST(TokenizerTest, TrainsASmallModelThatRoundTrips) {
  std::vector<std::string> sentences;
  for (int i = 0; i < 200; ++i) {
    sentences.push_back("a harbor with " + std::to_string(i) + " boats next to a runway and green farmland");
    sentences.push_back("USER: How many storage tanks are there? ASSISTANT: There are " + std::to_string(i % 17));
  }
  const std::string path = testing::ScratchDir("tokenizer_train") + "/tokenizer.model";
  TokenizerTrainingOptions options;
  options.vocab_size = 320;
  ASSERT_TRUE(TrainTokenizer(sentences, options, path).ok());
  auto tokenizer = Tokenizer::Load(path);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
  EXPECT_EQ((*tokenizer)->vocab_size(), 320);
  EXPECT_EQ((*tokenizer)->bos_id(), 1);
  EXPECT_EQ((*tokenizer)->eos_id(), 2);
  // Unseen characters fall back to bytes, so any text round-trips.
  const std::string text = "a runway near 42 boats, héllo 🦙";
  EXPECT_EQ((*tokenizer)->Decode((*tokenizer)->Encode(text)), text);
}

TEST(TokenizerTest, TrainingRefusesATooLargeVocabulary) {
  const std::string path = testing::ScratchDir("tokenizer_train_big") + "/tokenizer.model";
  TokenizerTrainingOptions options;
  options.vocab_size = 100000;
  EXPECT_EQ(TrainTokenizer({"tiny text"}, options, path).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::model
