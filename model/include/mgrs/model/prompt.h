// LLaVA-1.5's conversation template and its tokenisation (research/model.md 1.6 and 3.4): the vicuna_v1 prompt,
// "<image>" as the placeholder id -200, BOS first, and label masks that train only on the assistant's tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::model {

class Tokenizer;

inline constexpr int kImageTokenIndex = -200;  // LLaVA's IMAGE_TOKEN_INDEX: the image features go here
inline constexpr int kIgnoreIndex = -100;      // a label that the loss skips
inline constexpr std::string_view kImagePlaceholder = "<image>";

enum class ConversationStyle {
  kVicunaV1,  // "vicuna_v1" / "v1": training (LLaVA, GeoChat, MoE-LLaVA)
  kLlavaV1,   // "llava_v1": GeoChat's evaluation scripts ("human" instead of "user" in the system line)
};
// "vicuna_v1" or "llava_v1"; false for anything else.
bool ParseConversationStyle(std::string_view name, ConversationStyle* style);
std::string_view SystemPrompt(ConversationStyle style);

// One exchange. The first user message usually starts with "<image>\n".
struct Turn {
  std::string user;
  std::string assistant;
};

// The generation prompt: system + " USER: " + u1 + " ASSISTANT: " + a1 + "</s>" + ... + "USER: " + question +
// " ASSISTANT:" (no trailing space). `history` holds earlier, answered turns.
std::string BuildGenerationPrompt(ConversationStyle style, const std::vector<Turn>& history, std::string_view question);

// Tokenises text the way LLaVA's tokenizer_image_token does with Hugging Face's (legacy) LlamaTokenizer: the text
// is split at "<image>" (-> kImageTokenIndex) and at "</s>" (-> EOS, a special token for Hugging Face); every
// non-empty piece is encoded separately, each with its own SentencePiece dummy prefix. No BOS.
std::vector<int> TokenizeLlavaText(const Tokenizer& tokenizer, std::string_view text);

// BOS + TokenizeLlavaText(prompt): the input ids of a generation prompt.
std::vector<int> TokenizePrompt(const Tokenizer& tokenizer, std::string_view prompt);

// A training example: ids and labels of equal length; labels are kIgnoreIndex except on assistant answers and
// the "</s>" that ends each answer.
struct TokenizedConversation {
  std::vector<int> ids;
  std::vector<int> labels;
};

// Builds ids and labels round by round as LLaVA's preprocess_v1 does with the legacy tokenizer: BOS, then per
// round the tokens of "[system + ' ']USER: u ASSISTANT: a" followed by EOS; the instruction part (through
// "ASSISTANT:") is masked, the answer and EOS are labelled. Failure: InvalidArgument when there are no turns or
// an answer is empty; FailedPrecondition when the instruction's tokens are not a prefix of the round's (LLaVA
// masks such a sample entirely and warns "tokenization mismatch").
Result<TokenizedConversation> TokenizeConversation(const Tokenizer& tokenizer, ConversationStyle style,
                                                   const std::vector<Turn>& turns);

}  // namespace mgrs::model
