// The OpenAI-compatible chat-completion request: JSON to LLaVA turns and sampling fields, validated, and the image
// bytes of data URLs (chat_request.h). No LibTorch: the fuzz harness builds without it.
#include "mgrs/model/chat_request.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include <nlohmann/json.hpp>

#include "mgrs/core/text.h"

namespace mgrs::model {
namespace {

using json = nlohmann::json;

ApiError BadRequest(std::string code, std::string message) { return {400, std::move(code), std::move(message)}; }

// RFC 4648 base64 with padding, as data URLs carry it. False on any other character or a bad length.
bool DecodeBase64(std::string_view text, std::string* bytes) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return false;
  bytes->clear();
  bytes->reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t group = 0;
    int padding = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      int digit = 0;
      if (c == '=') {
        if (i + 4 != text.size() || j < 2) return false;  // padding only closes the last group
        ++padding;
      } else {
        digit = value(c);
        if (digit < 0 || padding > 0) return false;
      }
      group = group << 6 | static_cast<uint32_t>(digit);
    }
    bytes->push_back(static_cast<char>(group >> 16 & 0xFF));
    if (padding < 2) bytes->push_back(static_cast<char>(group >> 8 & 0xFF));
    if (padding < 1) bytes->push_back(static_cast<char>(group & 0xFF));
  }
  return true;
}

uint32_t BigEndian(std::string_view b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<uint8_t>(b[at + i]);
  return v;
}
int64_t LittleEndianSigned32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(b[at + i]);
  return static_cast<int32_t>(v);
}

// A member of an object that is present and not null (OpenAI clients send null for "not set").
const json* Field(const json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || found->is_null()) return nullptr;
  return &*found;
}

// The text of a message's content: a string, or a list of parts. Image parts are allowed only when `image_urls`
// is given; each becomes an "<image>" line in front of the text, where LLaVA-1.5 was trained to see it.
std::optional<ApiError> ContentText(const json& content, const std::string& role, std::vector<std::string>* image_urls,
                                    std::string* text) {
  std::vector<std::string> texts;
  int images = 0;
  if (content.is_string()) {
    texts.push_back(content.get<std::string>());
  } else if (content.is_array()) {
    for (const auto& part : content) {
      const json* type = part.is_object() ? Field(part, "type") : nullptr;
      if (type == nullptr || !type->is_string()) {
        return BadRequest("invalid_content", "each content part must be an object with a string \"type\"");
      }
      if (*type == "text") {
        const json* value = Field(part, "text");
        if (value == nullptr || !value->is_string()) return BadRequest("invalid_content", "text part without text");
        texts.push_back(value->get<std::string>());
      } else if (*type == "image_url") {
        if (image_urls == nullptr) {
          return BadRequest("invalid_content", "image parts are allowed in user messages only, not in " + role);
        }
        const json* image = Field(part, "image_url");
        const json* url = image != nullptr && image->is_object() ? Field(*image, "url") : image;
        if (url == nullptr || !url->is_string()) {
          return BadRequest("invalid_image_url", "image_url part without a string url");
        }
        image_urls->push_back(url->get<std::string>());
        ++images;
      } else {
        return BadRequest("invalid_content", "unsupported content part type \"" + type->get<std::string>() + "\"");
      }
    }
  } else {
    return BadRequest("invalid_content", role + " message content must be a string or a list of parts");
  }
  std::string joined;
  for (int i = 0; i < images; ++i) joined += std::string(kImagePlaceholder) + "\n";
  for (size_t i = 0; i < texts.size(); ++i) {
    // A literal "<image>" would become a placeholder without an image (or steal another's).
    if (texts[i].find(kImagePlaceholder) != std::string::npos) {
      return BadRequest("invalid_content", "text may not contain \"<image>\"; send images as image_url parts");
    }
    joined += (i > 0 ? "\n" : "") + texts[i];
  }
  *text = std::move(joined);
  return std::nullopt;
}

// OpenAI messages -> LLaVA turns: system (or developer) messages first, then user and assistant messages in turn,
// ending with a user message. Consecutive user messages are joined with a newline.
std::optional<ApiError> ReadConversation(const json& messages, ChatRequest* conversation) {
  if (!messages.is_array() || messages.empty()) {
    return BadRequest("invalid_messages", "\"messages\" must be a non-empty list");
  }
  std::optional<std::string> pending_user;
  for (const auto& message : messages) {
    const json* role = message.is_object() ? Field(message, "role") : nullptr;
    const json* content = message.is_object() ? Field(message, "content") : nullptr;
    if (role == nullptr || !role->is_string() || content == nullptr) {
      return BadRequest("invalid_messages", "each message needs a string \"role\" and a \"content\"");
    }
    const std::string name = role->get<std::string>();
    std::string text;
    if (name == "system" || name == "developer") {
      if (pending_user || !conversation->history.empty()) {
        return BadRequest("invalid_messages", "system messages must come before the conversation");
      }
      if (auto error = ContentText(*content, name, nullptr, &text)) return error;
      conversation->system = conversation->system ? *conversation->system + "\n" + text : text;
    } else if (name == "user") {
      if (auto error = ContentText(*content, name, &conversation->image_urls, &text)) return error;
      pending_user = pending_user ? *pending_user + "\n" + text : text;
    } else if (name == "assistant") {
      if (!pending_user) return BadRequest("invalid_messages", "an assistant message must follow a user message");
      if (auto error = ContentText(*content, name, nullptr, &text)) return error;
      conversation->history.push_back({*pending_user, text});
      pending_user.reset();
    } else {
      return BadRequest("invalid_messages", "unsupported message role \"" + name + "\"");
    }
  }
  if (!pending_user) return BadRequest("invalid_messages", "the last message must be a user message");
  conversation->question = std::move(*pending_user);
  return std::nullopt;
}

// Sampling and budget fields. `cap` bounds max_tokens (larger values are lowered to it).
std::optional<ApiError> ReadGenerationFields(const json& request, int cap, ChatRequest* generation) {
  generation->max_new_tokens = cap;
  const json* max_tokens = Field(request, "max_tokens");
  if (max_tokens == nullptr) max_tokens = Field(request, "max_completion_tokens");  // the newer name
  if (max_tokens != nullptr) {
    if (!max_tokens->is_number_integer() || max_tokens->get<int64_t>() < 1) {
      return BadRequest("invalid_max_tokens", "max_tokens must be a positive integer");
    }
    generation->max_new_tokens = static_cast<int>(std::min<int64_t>(max_tokens->get<int64_t>(), cap));
  }
  if (const json* temperature = Field(request, "temperature")) {
    if (!temperature->is_number() || temperature->get<double>() < 0.0) {
      return BadRequest("invalid_temperature", "temperature must be a number >= 0");
    }
    generation->temperature = temperature->get<double>();
  }
  if (const json* top_p = Field(request, "top_p")) {
    if (!top_p->is_number() || !(top_p->get<double>() > 0.0 && top_p->get<double>() <= 1.0)) {
      return BadRequest("invalid_top_p", "top_p must be a number in (0, 1]");
    }
    generation->top_p = top_p->get<double>();
  }
  if (const json* seed = Field(request, "seed")) {
    if (!seed->is_number_integer()) return BadRequest("invalid_seed", "seed must be an integer");
    generation->seed = seed->is_number_unsigned() ? seed->get<uint64_t>() : static_cast<uint64_t>(seed->get<int64_t>());
  }
  if (const json* n = Field(request, "n"); n != nullptr && *n != 1) {
    return BadRequest("unsupported_n", "only n = 1 is supported");
  }
  if (const json* stream = Field(request, "stream"); stream != nullptr && *stream != false) {
    return BadRequest("unsupported_stream", "streaming is not supported; send \"stream\": false");
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> ParseChatRequest(std::string_view body, const ChatLimits& limits, ChatRequest* request) {
  if (static_cast<int64_t>(body.size()) > limits.max_body_bytes) {
    return ApiError{413, "request_too_large", "request body over " + std::to_string(limits.max_body_bytes) + " bytes"};
  }
  json parsed;
  try {
    parsed = json::parse(body);
  } catch (const json::exception& e) {
    return BadRequest("invalid_json", std::string("the request body is not valid JSON: ") + e.what());
  }
  if (!parsed.is_object()) return BadRequest("invalid_json", "the request body must be a JSON object");
  if (const json* model = Field(parsed, "model")) {
    if (!model->is_string()) return BadRequest("invalid_model", "\"model\" must be a string");
    if (*model != limits.model_id) {
      return ApiError{404, "model_not_found",
                      "the model \"" + model->get<std::string>() + "\" does not exist; this server has \"" +
                          limits.model_id + "\""};
    }
  }
  if (auto error = ReadGenerationFields(parsed, limits.max_new_tokens, request)) return error;
  const json* messages = Field(parsed, "messages");
  if (messages == nullptr) return BadRequest("invalid_messages", "\"messages\" is required");
  if (auto error = ReadConversation(*messages, request)) return error;
  if (static_cast<int>(request->image_urls.size()) > limits.max_images) {
    return BadRequest("too_many_images", "at most " + std::to_string(limits.max_images) + " images per request");
  }
  return std::nullopt;
}

std::optional<ApiError> DecodeImageDataUrl(std::string_view url, std::string* bytes) {
  const size_t comma = url.find(',');
  const std::string header = ToLowerAscii(url.substr(0, comma));
  if (comma == std::string_view::npos || !StartsWith(header, "data:image/") || !EndsWith(header, ";base64")) {
    return BadRequest("invalid_image_url", "a data URL must read data:image/<type>;base64,<data>");
  }
  if (!DecodeBase64(url.substr(comma + 1), bytes)) {
    return BadRequest("invalid_image_url", "the data URL's base64 payload is malformed");
  }
  return std::nullopt;
}

bool EncodedImageSize(std::string_view b, int64_t* width, int64_t* height) {
  if (b.size() >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0 && b.compare(12, 4, "IHDR") == 0) {
    *width = BigEndian(b, 16, 4);
    *height = BigEndian(b, 20, 4);
    return true;
  }
  if (b.size() >= 26 && b.compare(0, 2, "BM") == 0) {
    if (LittleEndianSigned32(b, 14) == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
      *width = static_cast<uint8_t>(b[18]) | static_cast<uint8_t>(b[19]) << 8;
      *height = static_cast<uint8_t>(b[20]) | static_cast<uint8_t>(b[21]) << 8;
    } else {
      *width = std::abs(LittleEndianSigned32(b, 18));
      *height = std::abs(LittleEndianSigned32(b, 22));  // negative = rows stored top-down
    }
    return true;
  }
  if (b.size() >= 4 && static_cast<uint8_t>(b[0]) == 0xFF && static_cast<uint8_t>(b[1]) == 0xD8) {
    // Walk the JPEG segments up to the first start-of-frame marker, which holds the size.
    size_t at = 2;
    while (at + 4 <= b.size()) {
      if (static_cast<uint8_t>(b[at]) != 0xFF) return false;
      const uint8_t marker = static_cast<uint8_t>(b[at + 1]);
      if (marker == 0xFF) {  // fill byte
        ++at;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // markers without a length
        at += 2;
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) return false;  // end of image or scan data before any frame
      const uint32_t length = BigEndian(b, at + 2, 2);
      if (length < 2) return false;
      const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (frame) {
        if (at + 9 > b.size()) return false;
        *height = BigEndian(b, at + 5, 2);
        *width = BigEndian(b, at + 7, 2);
        return true;
      }
      at += 2 + length;
    }
  }
  return false;
}

}  // namespace mgrs::model
