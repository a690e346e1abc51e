// LLaVA-1.5's vicuna_v1 template, tokenizer_image_token and preprocess_v1's label masks.
#include "mgrs/model/prompt.h"

#include <algorithm>

#include "mgrs/model/tokenizer.h"

namespace mgrs::model {
namespace {

constexpr std::string_view kEndOfTurn = "</s>";  // conv.sep2, a special token for Hugging Face

}  // namespace

bool ParseConversationStyle(std::string_view name, ConversationStyle* style) {
  if (name == "vicuna_v1" || name == "v1") {
    *style = ConversationStyle::kVicunaV1;
  } else if (name == "llava_v1") {
    *style = ConversationStyle::kLlavaV1;
  } else {
    return false;
  }
  return true;
}

std::string_view SystemPrompt(ConversationStyle style) {
  if (style == ConversationStyle::kLlavaV1) {
    return "A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, "
           "detailed, and polite answers to the human's questions.";
  }
  return "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, "
         "detailed, and polite answers to the user's questions.";
}

std::string BuildGenerationPrompt(ConversationStyle style, const std::vector<Turn>& history,
                                  std::string_view question) {
  std::string prompt(SystemPrompt(style));
  prompt += " ";
  for (const auto& turn : history) {
    prompt += "USER: " + turn.user + " ASSISTANT: " + turn.assistant;
    prompt += kEndOfTurn;
  }
  prompt += "USER: ";
  prompt += question;
  prompt += " ASSISTANT:";
  return prompt;
}

std::vector<int> TokenizeLlavaText(const Tokenizer& tokenizer, std::string_view text) {
  std::vector<int> ids;
  while (!text.empty()) {
    const size_t image = text.find(kImagePlaceholder);
    const size_t end = text.find(kEndOfTurn);
    const size_t split = std::min(image, end);
    const std::string_view piece = text.substr(0, split);
    if (!piece.empty()) {
      const auto piece_ids = tokenizer.Encode(piece);
      ids.insert(ids.end(), piece_ids.begin(), piece_ids.end());
    }
    if (split == std::string_view::npos) break;
    if (split == image) {
      ids.push_back(kImageTokenIndex);
      text.remove_prefix(split + kImagePlaceholder.size());
    } else {
      ids.push_back(tokenizer.eos_id());
      text.remove_prefix(split + kEndOfTurn.size());
    }
  }
  return ids;
}

std::vector<int> TokenizePrompt(const Tokenizer& tokenizer, std::string_view prompt) {
  std::vector<int> ids = {tokenizer.bos_id()};
  const auto text = TokenizeLlavaText(tokenizer, prompt);
  ids.insert(ids.end(), text.begin(), text.end());
  return ids;
}

Result<TokenizedConversation> TokenizeConversation(const Tokenizer& tokenizer, ConversationStyle style,
                                                   const std::vector<Turn>& turns) {
  if (turns.empty()) return InvalidArgument("conversation: no turns");
  TokenizedConversation out;
  out.ids.push_back(tokenizer.bos_id());
  out.labels.push_back(kIgnoreIndex);
  for (size_t i = 0; i < turns.size(); ++i) {
    if (turns[i].assistant.empty())
      return InvalidArgument("conversation: turn " + std::to_string(i) + " has no answer");
    std::string instruction = i == 0 ? std::string(SystemPrompt(style)) + " " : std::string();
    instruction += "USER: " + turns[i].user + " ASSISTANT: ";
    auto round = TokenizeLlavaText(tokenizer, instruction + turns[i].assistant);
    round.push_back(tokenizer.eos_id());
    // The instruction's trailing "▁" merges into the answer's first token, so it is not part of the mask.
    auto masked = TokenizeLlavaText(tokenizer, instruction);
    if (!masked.empty()) masked.pop_back();
    if (masked.size() >= round.size() || !std::equal(masked.begin(), masked.end(), round.begin())) {
      return Status(StatusCode::kFailedPrecondition, "conversation: tokenization mismatch in turn " +
                                                         std::to_string(i) +
                                                         " (the instruction's tokens are not a prefix of the round's)");
    }
    out.ids.insert(out.ids.end(), round.begin(), round.end());
    out.labels.insert(out.labels.end(), masked.size(), kIgnoreIndex);
    out.labels.insert(out.labels.end(), round.begin() + static_cast<std::ptrdiff_t>(masked.size()), round.end());
  }
  return out;
}

}  // namespace mgrs::model
