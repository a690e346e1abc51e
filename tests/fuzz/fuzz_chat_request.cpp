// libFuzzer harness: the OpenAI-compatible request parser of `skymoe serve` on arbitrary bodies, the data URLs of
// the requests it accepts, and the encoded-image header reader on the raw input. An accepted request must respect
// the limits it was given (else it traps).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mgrs/model/chat_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mgrs::model;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  int64_t width = 0, height = 0;
  (void)EncodedImageSize(body, &width, &height);

  const ChatLimits limits{1 << 16, 64, 4, "skymoe-tiny"};
  ChatRequest request;
  if (ParseChatRequest(body, limits, &request)) return 0;
  if (request.image_urls.size() > 4 || request.max_new_tokens < 1 || request.max_new_tokens > 64 ||
      request.temperature < 0.0 || !(request.top_p > 0.0 && request.top_p <= 1.0)) {
    __builtin_trap();
  }
  for (const auto& url : request.image_urls) {
    std::string bytes;
    if (url.rfind("data:", 0) == 0 && !DecodeImageDataUrl(url, &bytes)) (void)EncodedImageSize(bytes, &width, &height);
  }
  return 0;
}
