// The OpenAI-compatible chat-completion request, parsed and validated without LibTorch (the server, server.h,
// tokenises it and decodes its images), and the image bytes a data URL carries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mgrs/model/prompt.h"

namespace mgrs::model {

// What the client sees when a request fails: the HTTP status and OpenAI's error object.
struct ApiError {
  int status = 400;
  std::string code;  // machine-readable: "invalid_json", "image_outside_root", ...
  std::string message;
};

// What a server accepts.
struct ChatLimits {
  int64_t max_body_bytes = 0;  // larger bodies: 413
  int max_new_tokens = 0;      // the default and cap of max_tokens
  int max_images = 0;          // more image parts: 400
  std::string model_id;        // a request naming another model: 404
};

// A valid request: the conversation as LLaVA turns and the sampling fields (GenerationOptions' defaults when absent).
struct ChatRequest {
  std::optional<std::string> system;    // system and developer messages, joined
  std::vector<Turn> history;            // earlier user/assistant rounds
  std::string question;                 // the last user message(s); one "<image>" line per image part in front
  std::vector<std::string> image_urls;  // in prompt order: data URLs or paths (not checked here)
  int max_new_tokens = 0;
  double temperature = 0.0;
  double top_p = 1.0;
  uint64_t seed = 0;
};

// Parses and validates a request body (JSON; OpenAI's fields, null meaning "not set"). Returns the error the client
// gets (400, 404 for another model, 413 for a body over the limit) or nullopt with *request filled. Pure;
// thread-safe.
std::optional<ApiError> ParseChatRequest(std::string_view body, const ChatLimits& limits, ChatRequest* request);

// The bytes of a "data:image/<type>;base64,<payload>" URL (RFC 4648 base64 with padding). Error: 400
// invalid_image_url.
std::optional<ApiError> DecodeImageDataUrl(std::string_view url, std::string* bytes);

// Width and height from the header of an encoded PNG, JPEG or BMP, read before decoding so that a small file that
// inflates to a huge image is refused without allocating it. False for other formats and cut headers.
bool EncodedImageSize(std::string_view bytes, int64_t* width, int64_t* height);

}  // namespace mgrs::model
