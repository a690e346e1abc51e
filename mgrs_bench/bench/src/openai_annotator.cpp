// The OpenAI-compatible annotator: POST /v1/chat/completions with the image as a data URL, a timeout, retries with
// exponential backoff and a rate limit; answers cached in the catalog so that a rerun never asks twice.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "mgrs/bench/annotator.h"
#include "mgrs/core/files.h"
#include "mgrs/raster/raster.h"

namespace mgrs::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string Base64(const std::string& bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16 | static_cast<uint8_t>(bytes[i + 1]) << 8 |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63]};
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The image as a data URL: PNG and JPEG as they are, anything else re-encoded as PNG.
Result<std::string> DataUrl(const std::string& path) {
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto ends = [&](const char* tail) {
    const std::string t = tail;
    return lower.size() >= t.size() && lower.compare(lower.size() - t.size(), t.size(), t) == 0;
  };
  if (ends(".png") || ends(".jpg") || ends(".jpeg")) {
    auto bytes = ReadFile(path);
    if (!bytes.ok()) return bytes.status();
    return std::string(ends(".png") ? "data:image/png;base64," : "data:image/jpeg;base64,") + Base64(*bytes);
  }
  auto pixels = raster::ReadPixels(path);
  if (!pixels.ok()) return pixels.status();
  std::vector<uint8_t> png;
  if (!cv::imencode(".png", *pixels, png)) return IoError("cannot encode " + path + " as PNG");
  return "data:image/png;base64," + Base64(std::string(png.begin(), png.end()));
}

class OpenAiAnnotator : public Annotator {
 public:
  OpenAiAnnotator(const OpenAiOptions& options, catalog::Catalog* catalog, std::string host, std::string path)
      : options_(options), catalog_(catalog), host_(std::move(host)), path_(std::move(path)) {
    const char* key = std::getenv(options.api_key_env.c_str());
    if (key != nullptr) api_key_ = key;
  }

  std::string Name() const override { return "openai:" + options_.model; }
  bool NeedsImageHash() const override { return true; }
  int64_t RequestsSent() const override { return requests_; }
  int64_t CacheHits() const override { return cache_hits_; }

  Result<std::string> Annotate(const AnnotationRequest& request) override {
    const catalog::AnnotationKey key{"openai:" + options_.model + "@" + options_.endpoint, request.image_sha256,
                                     options_.system_prompt + "\n" + request.question};
    auto cached = catalog_->CachedAnswer(key);
    if (!cached.ok()) return cached.status();
    if (cached->has_value()) {
      ++cache_hits_;
      return **cached;
    }
    auto url = DataUrl(request.image_file);
    if (!url.ok()) return url.status();
    const std::string body = RequestBody(request.question, *url);
    std::string last_error;
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
      if (attempt > 1) {
        std::this_thread::sleep_for(
            std::chrono::duration<double>(options_.backoff_seconds * std::pow(2.0, attempt - 2)));
      }
      auto answer = Ask(body);
      if (answer.ok()) {
        MGRS_RETURN_IF_ERROR(catalog_->PutCachedAnswer(key, *answer));
        return answer;
      }
      last_error = answer.status().message();
    }
    return IoError("no answer after " + std::to_string(options_.max_attempts) + " attempts: " + last_error);
  }

 private:
  std::string RequestBody(const std::string& question, const std::string& data_url) const {
    json user_content = json::array(
        {json{{"type", "text"}, {"text", question}}, json{{"type", "image_url"}, {"image_url", {{"url", data_url}}}}});
    json body = {{"model", options_.model},
                 {"messages", json::array({json{{"role", "system"}, {"content", options_.system_prompt}},
                                           json{{"role", "user"}, {"content", user_content}}})},
                 {"max_tokens", options_.max_tokens},
                 {"temperature", 0}};
    return body.dump();
  }

  void WaitForRateLimit() {
    if (options_.requests_per_second <= 0) return;
    const auto interval =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options_.requests_per_second));
    const auto now = Clock::now();
    if (sent_before_ && now < last_sent_ + interval) std::this_thread::sleep_for(last_sent_ + interval - now);
    last_sent_ = Clock::now();
    sent_before_ = true;
  }

  // One attempt: the answer, or why there is none (transport error, timeout, HTTP status, unusable body).
  Result<std::string> Ask(const std::string& body) {
    WaitForRateLimit();
    ++requests_;
    httplib::Client client(host_);
    const auto timeout =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::duration<double>(options_.timeout_seconds));
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    httplib::Headers headers;
    if (!api_key_.empty()) headers.emplace("Authorization", "Bearer " + api_key_);
    auto response = client.Post(path_, headers, body, "application/json");
    if (!response) return IoError("request to " + host_ + path_ + " failed: " + httplib::to_string(response.error()));
    if (response->status != 200) {
      return IoError("HTTP " + std::to_string(response->status) + " from " + host_ + path_ + ": " +
                     response->body.substr(0, 200));
    }
    const json reply = json::parse(response->body, nullptr, false);
    if (reply.is_discarded()) return ParseError("the reply is not JSON: " + response->body.substr(0, 200));
    const json* content = nullptr;
    if (reply.is_object() && reply.contains("choices") && reply["choices"].is_array() && !reply["choices"].empty()) {
      const json& choice = reply["choices"][0];
      if (choice.is_object() && choice.contains("message") && choice["message"].is_object() &&
          choice["message"].contains("content"))
        content = &choice["message"]["content"];
    }
    if (content == nullptr || !content->is_string()) {
      return ParseError("the reply has no choices[0].message.content string: " + response->body.substr(0, 200));
    }
    std::string answer = content->get<std::string>();
    const auto first = answer.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return ParseError("the reply's answer is empty");
    answer = answer.substr(first, answer.find_last_not_of(" \t\r\n") - first + 1);
    return answer;
  }

  OpenAiOptions options_;
  catalog::Catalog* catalog_;
  std::string host_, path_, api_key_;
  Clock::time_point last_sent_;
  bool sent_before_ = false;
  int64_t requests_ = 0, cache_hits_ = 0;
};

}  // namespace

Result<std::unique_ptr<Annotator>> MakeOpenAiAnnotator(const OpenAiOptions& options, catalog::Catalog* catalog) {
  if (options.model.empty()) return InvalidArgument("the annotator needs a model name");
  if (options.max_attempts < 1 || !(options.timeout_seconds > 0)) {
    return InvalidArgument("the annotator needs at least one attempt and a positive timeout");
  }
  static const std::regex kUrl(R"(^(http://[^/\s]+)(/[^\s]*)?$)");
  std::smatch match;
  if (!std::regex_match(options.endpoint, match, kUrl)) {
    return InvalidArgument("endpoint '" + options.endpoint + "' is not http://host[:port][/path]");
  }
  std::string path = match[2].str();
  while (!path.empty() && path.back() == '/') path.pop_back();
  const auto ends = [&](const std::string& tail) {
    return path.size() >= tail.size() && path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (!ends("/chat/completions")) path += ends("/v1") ? "/chat/completions" : "/v1/chat/completions";
  return std::unique_ptr<Annotator>(new OpenAiAnnotator(options, catalog, match[1].str(), path));
}

}  // namespace mgrs::bench
