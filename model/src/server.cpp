// The OpenAI-compatible server: HTTP threads (cpp-httplib) validate requests (chat_request.h), tokenise them and decode
// their images; one worker thread owns the model and answers queued requests in batches through Generate.
#include "mgrs/model/server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <httplib.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "mgrs/core/jsonl.h"
#include "mgrs/core/text.h"
#include "mgrs/model/chat_request.h"
#include "mgrs/model/preprocess.h"
#include "mgrs/raster/raster.h"

namespace mgrs::model {
namespace {

namespace fs = std::filesystem;

ApiError BadRequest(std::string code, std::string message) { return {400, std::move(code), std::move(message)}; }

void WriteError(httplib::Response& res, const ApiError& error) {
  nlohmann::ordered_json detail;
  detail["message"] = error.message;
  // OpenAI's two types for what a client can fix and what it cannot.
  detail["type"] = error.status >= 500 ? "server_error" : "invalid_request_error";
  detail["param"] = nullptr;
  detail["code"] = error.code;
  nlohmann::ordered_json body;
  body["error"] = detail;
  res.status = error.status;
  res.set_content(DumpJson(body), "application/json");
}

// ---- Images ----------------------------------------------------------------------------------------------------

// `relative` joined to the canonical image root; symlinks are resolved before the containment check, so a link
// that points out of the root is refused like a "..".
std::optional<ApiError> ResolveImagePath(const fs::path& root, const std::string& relative, fs::path* resolved) {
  const ApiError outside{403, "image_outside_root", "image path \"" + relative + "\" is outside the image root"};
  if (root.empty()) {
    return ApiError{403, "image_paths_disabled",
                    "image paths are disabled (the server has no image root); send the image as a data URL"};
  }
  if (relative.empty() || relative.find('\0') != std::string::npos) {
    return BadRequest("invalid_image_url", "empty or malformed image path");
  }
  const fs::path rel(relative);
  if (rel.has_root_path()) return outside;
  for (const auto& part : rel) {
    if (part == "..") return outside;
  }
  std::error_code ec;
  *resolved = fs::weakly_canonical(root / rel, ec);
  if (ec) return BadRequest("invalid_image", "cannot resolve image path \"" + relative + "\": " + ec.message());
  // Compare whole components: "/data/images2/x.png" is not inside "/data/images".
  const auto mismatch = std::mismatch(root.begin(), root.end(), resolved->begin(), resolved->end());
  if (mismatch.first != root.end()) return outside;
  if (!fs::is_regular_file(*resolved, ec)) return BadRequest("invalid_image", "no image file at \"" + relative + "\"");
  return std::nullopt;
}

// ---- Requests --------------------------------------------------------------------------------------------------

// A validated request, ready for the model.
struct PreparedRequest {
  std::vector<int64_t> prompt;             // ids with kImageTokenIndex placeholders
  std::vector<std::vector<float>> images;  // one [3, S, S] tensor per placeholder, in order
  GenerationOptions generation;            // max_new_tokens is this request's own budget
  int64_t prompt_tokens = 0;               // positions the decoder sees (each image counts its features)
};

// ---- The server ------------------------------------------------------------------------------------------------

struct Outcome {
  std::optional<ApiError> error;
  std::string text;
  int64_t completion_tokens = 0;
  bool hit_budget = false;  // finish_reason "length"
};

struct Job {
  PreparedRequest request;
  std::promise<Outcome> done;
};

bool IsGreedy(const Job& job) { return job.request.generation.temperature <= 0.0; }

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<Assistant> assistant;
  ConversationStyle style = ConversationStyle::kVicunaV1;
  std::string model_id;
  fs::path image_root;  // canonical; empty = no image paths
  int64_t created = 0;
  uint64_t id_base = 0;  // random per start, so that completion ids differ across restarts
  std::atomic<uint64_t> next_id{0};

  httplib::Server http;
  int port = 0;
  std::thread worker;
  std::thread listener;
  std::atomic<bool> listener_returned{false};
  std::once_flag stop_once;

  mutable std::mutex mutex;  // guards queue, stopping, stats
  std::condition_variable wake;
  std::deque<std::shared_ptr<Job>> queue;
  bool stopping = false;
  ServerStats stats;

  const ModelConfig& config() const { return assistant->model().config(); }

  std::optional<ApiError> LoadImage(const std::string& url, std::vector<float>* chw) const;
  std::optional<ApiError> Prepare(const std::string& body, PreparedRequest* prepared) const;
  void HandleChat(const httplib::Request& req, httplib::Response& res);
  void HandleModels(httplib::Response& res) const;
  bool RouteBeforeReading(const httplib::Request& req, httplib::Response& res) const;
  void HandleHttpError(const httplib::Request& req, httplib::Response& res) const;
  std::optional<ApiError> Enqueue(const std::shared_ptr<Job>& job);
  void WorkerLoop();
  void TakeGreedyJobs(std::vector<std::shared_ptr<Job>>* batch);
  void Answer(const std::vector<std::shared_ptr<Job>>& batch);
  Result<std::vector<std::vector<int64_t>>> GenerateFor(const std::vector<std::shared_ptr<Job>>& jobs);
  void Stop();
};

std::optional<ApiError> Server::Impl::LoadImage(const std::string& url, std::vector<float>* chw) const {
  auto too_large = [&](int64_t width, int64_t height) -> std::optional<ApiError> {
    const int64_t limit = options.max_image_pixels;
    if (width <= limit && height <= limit / std::max<int64_t>(width, 1)) return std::nullopt;  // no overflow
    return BadRequest("image_too_large", "image of " + std::to_string(width) + " x " + std::to_string(height) +
                                             " pixels is over the limit of " + std::to_string(limit) + " pixels");
  };
  cv::Mat decoded;  // a data URL's image
  fs::path path;    // or a file's
  if (StartsWith(url, "data:")) {
    std::string bytes;
    if (auto error = DecodeImageDataUrl(url, &bytes)) return error;
    int64_t width = 0, height = 0;
    if (!EncodedImageSize(bytes, &width, &height)) {
      return BadRequest("invalid_image", "the data URL holds no PNG, JPEG or BMP image");
    }
    if (auto error = too_large(width, height)) return error;
    try {
      // IMREAD_UNCHANGED, as raster::ReadPixels reads these codecs from files: a data URL and the same file give
      // the same pixels.
      decoded = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, bytes.data()), cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
      return BadRequest("invalid_image", std::string("cannot decode the image: ") + e.what());
    }
    if (decoded.empty()) return BadRequest("invalid_image", "cannot decode the image in the data URL");
  } else if (url.find("://") != std::string::npos) {
    return BadRequest("unsupported_image_url",
                      "the server fetches no URLs; send a data URL or a path under the server's image root");
  } else {
    if (auto error = ResolveImagePath(image_root, url, &path)) return error;
    auto info = raster::ReadImageInfo(path.string());
    if (!info.ok()) return BadRequest("invalid_image", "cannot read image \"" + url + "\"");
    if (auto error = too_large(info->width, info->height)) return error;
  }
  const auto& vision = config().vision;
  auto pixels = decoded.empty() ? PreprocessImageFile(path.string(), vision) : PreprocessImage(decoded, vision);
  if (!pixels.ok()) return BadRequest("invalid_image", "cannot read image: " + pixels.status().message());
  *chw = std::move(*pixels);
  return std::nullopt;
}

std::optional<ApiError> Server::Impl::Prepare(const std::string& body, PreparedRequest* prepared) const {
  ChatRequest conversation;
  const ChatLimits limits{options.max_body_bytes, options.max_new_tokens, options.max_images_per_request, model_id};
  if (auto error = ParseChatRequest(body, limits, &conversation)) return error;
  auto& generation = prepared->generation;
  generation.max_new_tokens = conversation.max_new_tokens;
  generation.temperature = conversation.temperature;
  generation.top_p = conversation.top_p;
  generation.seed = conversation.seed;
  for (const auto& url : conversation.image_urls) {
    prepared->images.emplace_back();
    if (auto error = LoadImage(url, &prepared->images.back())) return error;
  }

  std::string prompt = BuildGenerationPrompt(style, conversation.history, conversation.question);
  if (conversation.system) {
    // The template always starts with its own system line; a request's system message takes its place.
    prompt = *conversation.system + prompt.substr(SystemPrompt(style).size());
  }
  const auto ids = TokenizePrompt(assistant->tokenizer(), prompt);
  prepared->prompt.assign(ids.begin(), ids.end());
  const auto& vision = config().vision;
  const int64_t features_per_image = vision.NumPatches() + (vision.drop_class_token ? 0 : 1);
  const auto images = static_cast<int64_t>(prepared->images.size());
  prepared->prompt_tokens = static_cast<int64_t>(ids.size()) - images + images * features_per_image;
  // The decoder was trained on max_position_embeddings positions: the prompt must leave room for an answer.
  const int64_t room = config().text.max_position_embeddings - prepared->prompt_tokens;
  if (room < 1) {
    return BadRequest("context_length_exceeded", "the prompt takes " + std::to_string(prepared->prompt_tokens) +
                                                     " positions; the model has " +
                                                     std::to_string(config().text.max_position_embeddings));
  }
  prepared->generation.max_new_tokens = static_cast<int>(std::min<int64_t>(prepared->generation.max_new_tokens, room));
  return std::nullopt;
}

std::optional<ApiError> Server::Impl::Enqueue(const std::shared_ptr<Job>& job) {
  std::lock_guard<std::mutex> lock(mutex);
  if (stopping) return ApiError{503, "server_stopping", "the server is stopping"};
  if (static_cast<int>(queue.size()) >= options.max_queued) {
    return ApiError{503, "server_overloaded", "too many requests are waiting; retry later"};
  }
  queue.push_back(job);
  wake.notify_one();
  return std::nullopt;
}

void Server::Impl::HandleChat(const httplib::Request& req, httplib::Response& res) {
  auto job = std::make_shared<Job>();
  if (auto error = Prepare(req.body, &job->request)) return WriteError(res, *error);
  const auto prompt_tokens = job->request.prompt_tokens;
  auto future = job->done.get_future();
  if (auto error = Enqueue(job)) return WriteError(res, *error);
  job.reset();  // the worker holds it now
  const Outcome outcome = future.get();
  if (outcome.error) return WriteError(res, *outcome.error);

  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "chatcmpl-";
  const uint64_t number = id_base + next_id++;
  for (int shift = 60; shift >= 0; shift -= 4) id += kHex[number >> shift & 0xF];
  nlohmann::ordered_json message;
  message["role"] = "assistant";
  message["content"] = outcome.text;
  nlohmann::ordered_json choice;
  choice["index"] = 0;
  choice["message"] = message;
  choice["finish_reason"] = outcome.hit_budget ? "length" : "stop";
  nlohmann::ordered_json usage;
  usage["prompt_tokens"] = prompt_tokens;
  usage["completion_tokens"] = outcome.completion_tokens;
  usage["total_tokens"] = prompt_tokens + outcome.completion_tokens;
  nlohmann::ordered_json response;
  response["id"] = id;
  response["object"] = "chat.completion";
  response["created"] = static_cast<int64_t>(std::time(nullptr));
  response["model"] = model_id;
  response["choices"] = nlohmann::ordered_json::array({choice});
  response["usage"] = usage;
  res.set_content(DumpJson(response), "application/json");
}

void Server::Impl::HandleModels(httplib::Response& res) const {
  nlohmann::ordered_json model;
  model["id"] = model_id;
  model["object"] = "model";
  model["created"] = created;
  model["owned_by"] = "mgrs";
  nlohmann::ordered_json list;
  list["object"] = "list";
  list["data"] = nlohmann::ordered_json::array({model});
  res.set_content(DumpJson(list), "application/json");
}

// Runs before httplib reads the body, so that a refused request costs nothing: unknown paths (404), wrong methods
// (405), and bodies without a Content-Length (411: httplib 0.11 bounds only bodies that announce their length; a
// chunked one, or one read until the connection closes, would grow without limit). True when `res` is the answer.
bool Server::Impl::RouteBeforeReading(const httplib::Request& req, httplib::Response& res) const {
  const bool models = req.path == "/v1/models";
  const bool chat = req.path == "/v1/chat/completions";
  const bool chunked = ToLowerAscii(req.get_header_value("Transfer-Encoding")).find("chunked") != std::string::npos;
  const std::string route = req.method + " " + req.path;
  if (!models && !chat) {
    WriteError(res, {404, "unknown_url", "unknown URL: " + route});
  } else if (models ? req.method != "GET" && req.method != "HEAD" : req.method != "POST") {
    res.set_header("Allow", models ? "GET, HEAD" : "POST");
    WriteError(res, {405, "method_not_allowed", "method not allowed: " + route});
  } else if (chat && (chunked || !req.has_header("Content-Length"))) {
    WriteError(res, {411, "length_required", "send the request body with a Content-Length (no chunked encoding)"});
  } else {
    return false;
  }
  // A body may still be unread on the connection: the client must not send another request on it.
  res.set_header("Connection", "close");
  return true;
}

// Errors httplib raises itself (body over the limit, malformed HTTP) get OpenAI's error shape too.
void Server::Impl::HandleHttpError(const httplib::Request& req, httplib::Response& res) const {
  if (!res.body.empty()) return;  // written by our handlers
  if (res.status == 413) {
    return WriteError(
        res, {413, "request_too_large", "request body over " + std::to_string(options.max_body_bytes) + " bytes"});
  }
  if (res.status == 404) return WriteError(res, {404, "unknown_url", "unknown URL: " + req.method + " " + req.path});
  if (res.status >= 500) return WriteError(res, {res.status, "server_error", "internal error"});
  WriteError(res, {res.status, "bad_request", "malformed HTTP request"});
}

void Server::Impl::TakeGreedyJobs(std::vector<std::shared_ptr<Job>>* batch) {
  for (auto it = queue.begin(); it != queue.end() && static_cast<int>(batch->size()) < options.max_batch;) {
    if (IsGreedy(**it)) {
      batch->push_back(*it);
      it = queue.erase(it);
    } else {
      ++it;
    }
  }
}

void Server::Impl::WorkerLoop() {
  for (;;) {
    std::vector<std::shared_ptr<Job>> batch;
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) break;
      batch.push_back(queue.front());
      queue.pop_front();
      // Greedy requests share a batch: wait up to the window for more to join. A sampled request runs alone, so
      // its seed alone decides its answer.
      if (IsGreedy(*batch.front())) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.batch_window_ms);
        auto greedy_waiting = [&] {
          return stopping || std::any_of(queue.begin(), queue.end(), [](const auto& j) { return IsGreedy(*j); });
        };
        for (;;) {
          TakeGreedyJobs(&batch);
          if (static_cast<int>(batch.size()) >= options.max_batch || stopping) break;
          if (!wake.wait_until(lock, deadline, greedy_waiting)) break;
        }
      }
      if (stopping) {
        queue.insert(queue.begin(), batch.begin(), batch.end());
        break;
      }
      ++stats.batches;
      stats.largest_batch = std::max<int64_t>(stats.largest_batch, static_cast<int64_t>(batch.size()));
    }
    Answer(batch);
  }
  std::lock_guard<std::mutex> lock(mutex);
  for (auto& job : queue)
    job->done.set_value({ApiError{503, "server_stopping", "the server is stopping"}, "", 0, false});
  queue.clear();
}

Result<std::vector<std::vector<int64_t>>> Server::Impl::GenerateFor(const std::vector<std::shared_ptr<Job>>& jobs) {
  auto& model = assistant->model();
  const int s = model.config().vision.image_size;
  std::vector<std::vector<int64_t>> prompts;
  std::vector<torch::Tensor> images;
  GenerationOptions generation = jobs.front()->request.generation;
  for (const auto& job : jobs) {
    prompts.push_back(job->request.prompt);
    for (auto& image : job->request.images) images.push_back(torch::from_blob(image.data(), {3, s, s}, torch::kFloat));
    // One budget for the batch; each answer is cut to its own afterwards (greedy rows do not depend on each other).
    generation.max_new_tokens = std::max(generation.max_new_tokens, job->request.generation.max_new_tokens);
  }
  try {
    torch::Tensor pixels;
    if (!images.empty()) {
      const auto parameter = model.parameters().front();
      pixels = torch::stack(images).to(parameter.device(), parameter.scalar_type());
    }
    return Generate(model, prompts, pixels, generation);
  } catch (const std::exception& e) {  // LibTorch's c10::Error (e.g. out of memory), converted at the edge
    return Internal(std::string("generation failed: ") + e.what());
  }
}

void Server::Impl::Answer(const std::vector<std::shared_ptr<Job>>& batch) {
  auto generated = GenerateFor(batch);
  if (!generated.ok() && batch.size() > 1) {
    // One bad request must not fail the others: answer each alone.
    for (const auto& job : batch) Answer({job});
    return;
  }
  int64_t answered = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    Outcome outcome;
    if (!generated.ok()) {
      const auto& status = generated.status();
      const bool client_fault = status.code() == StatusCode::kInvalidArgument;
      outcome.error =
          ApiError{client_fault ? 400 : 500, client_fault ? "invalid_prompt" : "server_error", status.message()};
    } else {
      auto ids = std::move((*generated)[i]);
      const auto budget = static_cast<size_t>(batch[i]->request.generation.max_new_tokens);
      // Generate stops a row at a stop token (not returned) or at the batch budget: a row as long as its own
      // budget ran out of tokens.
      outcome.hit_budget = ids.size() >= budget;
      if (ids.size() > budget) ids.resize(budget);
      outcome.completion_tokens = static_cast<int64_t>(ids.size());
      outcome.text = std::string(TrimAscii(assistant->tokenizer().Decode(std::vector<int>(ids.begin(), ids.end()))));
      ++answered;
    }
    batch[i]->done.set_value(std::move(outcome));
  }
  std::lock_guard<std::mutex> lock(mutex);
  stats.completions += answered;
}

void Server::Impl::Stop() {
  std::call_once(stop_once, [this] {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    if (worker.joinable()) worker.join();  // finishes the batch in progress, answers the queue with 503
    http.stop();
    if (listener.joinable()) listener.join();
  });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }
int Server::port() const { return impl_->port; }
const std::string& Server::model_id() const { return impl_->model_id; }
ServerStats Server::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}
void Server::Stop() { impl_->Stop(); }

Result<std::unique_ptr<Server>> Server::Start(std::unique_ptr<Assistant> assistant, const ServerOptions& options) {
  if (!assistant) return InvalidArgument("no model to serve");
  if (options.port < 0 || options.port > 65535) return InvalidArgument("port must be in 0..65535");
  if (options.max_body_bytes < 1 || options.max_new_tokens < 1 || options.max_batch < 1 ||
      options.batch_window_ms < 0 || options.max_images_per_request < 0 || options.max_image_pixels < 1 ||
      options.max_queued < 1 || options.http_threads < 0) {
    return InvalidArgument("server limits must be positive (batch window and image count: not negative)");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->assistant = std::move(assistant);
  const auto& config = impl->config();
  if (!ParseConversationStyle(config.tokenizer.conversation, &impl->style)) {
    return InvalidArgument("unknown conversation template \"" + config.tokenizer.conversation + "\"");
  }
  impl->model_id = !options.model_id.empty() ? options.model_id : !config.name.empty() ? config.name : "skymoe";
  if (!options.image_root.empty()) {
    std::error_code ec;
    impl->image_root = fs::canonical(options.image_root, ec);
    if (ec || !fs::is_directory(impl->image_root, ec)) {
      return InvalidArgument("image root is not a folder: " + options.image_root);
    }
  }
  impl->created = static_cast<int64_t>(std::time(nullptr));
  std::random_device random;
  impl->id_base = uint64_t{random()} << 32 | random();

  Impl* self = impl.get();
  auto& http = impl->http;
  const int http_threads = options.http_threads > 0 ? options.http_threads : 2 * options.max_batch + 2;
  http.new_task_queue = [http_threads] { return new httplib::ThreadPool(static_cast<size_t>(http_threads)); };
  http.set_payload_max_length(static_cast<size_t>(options.max_body_bytes));
  http.Post("/v1/chat/completions",
            [self](const httplib::Request& req, httplib::Response& res) { self->HandleChat(req, res); });
  http.Get("/v1/models", [self](const httplib::Request&, httplib::Response& res) { self->HandleModels(res); });
  http.set_pre_routing_handler([self](const httplib::Request& req, httplib::Response& res) {
    return self->RouteBeforeReading(req, res) ? httplib::Server::HandlerResponse::Handled
                                              : httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([self](const httplib::Request& req, httplib::Response& res) {
        self->HandleHttpError(req, res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    WriteError(res, {500, "server_error", "internal error: " + what});
  });
  if (options.log) {
    http.set_logger([self](const httplib::Request& req, const httplib::Response& res) {
      self->options.log(req.method + " " + req.path + " " + std::to_string(res.status));
    });
  }
  if (options.port == 0) {
    impl->port = http.bind_to_any_port(options.host);
  } else {
    impl->port = http.bind_to_port(options.host, options.port) ? options.port : -1;
  }
  if (impl->port < 0) {
    return IoError("cannot listen on " + options.host + ":" + std::to_string(options.port));
  }

  std::unique_ptr<Server> server(new Server(std::move(impl)));
  self->worker = std::thread([self] { self->WorkerLoop(); });
  self->listener = std::thread([self] {
    self->http.listen_after_bind();
    self->listener_returned = true;
  });
  // httplib's stop() only acts on a running server: return once the accept loop runs, so Stop always works.
  for (int waited_ms = 0; !self->http.is_running(); ++waited_ms) {
    if (self->listener_returned || waited_ms > 10000) {
      return Internal("the HTTP server did not start on " + options.host + ":" + std::to_string(self->port));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server;
}

void BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int WaitForStopSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int signal = 0;
  while (sigwait(&signals, &signal) != 0) {
  }
  return signal;
}

}  // namespace mgrs::model
