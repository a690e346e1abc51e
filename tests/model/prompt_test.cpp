// LLaVA-1.5 prompt ids and label masks with the real LLaMA tokenizer.
#include <gtest/gtest.h>

#include "mgrs/model/prompt.h"
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

std::vector<int> Concat(std::initializer_list<std::vector<int>> parts) {
  std::vector<int> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

TEST(PromptTest, BuildsTheVicunaV1GenerationPrompt) {
  EXPECT_EQ(BuildGenerationPrompt(ConversationStyle::kVicunaV1, {}, "<image>\nWhat is in the image?"),
            "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, "
            "detailed, and polite answers to the user's questions. USER: <image>\nWhat is in the image? ASSISTANT:");
  EXPECT_EQ(BuildGenerationPrompt(ConversationStyle::kLlavaV1, {{"q1", "a1"}}, "q2").substr(25, 5), "human");
  EXPECT_NE(BuildGenerationPrompt(ConversationStyle::kVicunaV1, {{"q1", "a1"}}, "q2")
                .find("USER: q1 ASSISTANT: a1</s>USER: q2 ASSISTANT:"),
            std::string::npos);
}

// Golden: research/model.md 3.4 (libsentencepiece 0.1.97 and llama-tokenizer-js agree): 49 ids.
TEST(PromptTest, LlavaPromptIdsMatchTheReference) {
  const std::vector<int> chunk0 = {319, 13563, 1546,  263,   12758, 1404,  322,   385,  23116, 21082, 20255, 29889,
                                   450, 20255, 4076,  8444,  29892, 13173, 29892, 322,  1248,  568,   6089,  304,
                                   278, 1404,  29915, 29879, 5155,  29889, 3148,  1001, 29901, 29871};
  const std::vector<int> chunk1 = {29871, 13, 5618, 338, 297, 278, 1967, 29973, 319, 1799, 9047, 13566, 29901};
  const auto prompt = BuildGenerationPrompt(ConversationStyle::kVicunaV1, {}, "<image>\nWhat is in the image?");
  const auto ids = TokenizePrompt(Llama(), prompt);
  EXPECT_EQ(ids, Concat({{1}, chunk0, {kImageTokenIndex}, chunk1}));
  EXPECT_EQ(ids.size(), 49u);
}

TEST(PromptTest, EndOfTurnIsTheEosIdNotText) {
  // Hugging Face matches "</s>" as a special token; the text after it gets its own dummy prefix (legacy).
  EXPECT_EQ(TokenizeLlavaText(Llama(), "a</s>USER: hi"), Concat({Llama().Encode("a"), {2}, {3148, 1001, 29901, 7251}}));
}

TEST(PromptTest, SingleTurnLabelsOnlyTheAnswerAndEos) {
  auto example =
      TokenizeConversation(Llama(), ConversationStyle::kVicunaV1, {{"<image>\nWhat is in the image?", "A red car."}});
  ASSERT_TRUE(example.ok()) << example.status().ToString();
  ASSERT_EQ(example->ids.size(), example->labels.size());
  // The prompt part equals the generation prompt's ids (49, ending in "ASSISTANT:").
  const auto prompt = TokenizePrompt(
      Llama(), BuildGenerationPrompt(ConversationStyle::kVicunaV1, {}, "<image>\nWhat is in the image?"));
  ASSERT_GT(example->ids.size(), prompt.size());
  EXPECT_TRUE(std::equal(prompt.begin(), prompt.end(), example->ids.begin()));
  std::vector<int> labelled;
  for (size_t i = 0; i < example->labels.size(); ++i) {
    if (i < prompt.size()) {
      EXPECT_EQ(example->labels[i], kIgnoreIndex) << i;
    }
    if (example->labels[i] != kIgnoreIndex) labelled.push_back(example->labels[i]);
  }
  EXPECT_EQ(labelled, Concat({Llama().Encode("A red car."), {2}}));  // "▁A" carries the space after "ASSISTANT:"
}

TEST(PromptTest, MultiTurnLabelsEachAnswer) {
  auto example = TokenizeConversation(Llama(), ConversationStyle::kVicunaV1,
                                      {{"<image>\nIs there a road?", "Yes."}, {"Where?", "On the left."}});
  ASSERT_TRUE(example.ok()) << example.status().ToString();
  std::vector<int> labelled;
  for (int label : example->labels) {
    if (label != kIgnoreIndex) labelled.push_back(label);
  }
  EXPECT_EQ(labelled, Concat({Llama().Encode("Yes."), {2}, Llama().Encode("On the left."), {2}}));
  // The second round starts after the first "</s>" with the legacy "▁US", "ER".
  const auto second = Concat({{3148, 1001, 29901}, Llama().Encode("Where?")});
  EXPECT_NE(std::search(example->ids.begin(), example->ids.end(), second.begin(), second.end()), example->ids.end());
}

TEST(PromptTest, RefusesAnEmptyAnswer) {
  EXPECT_EQ(TokenizeConversation(Llama(), ConversationStyle::kVicunaV1, {{"q", ""}}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::model
