// `skymoe serve`: an OpenAI-compatible HTTP server (POST /v1/chat/completions, GET /v1/models) over one
// Assistant. HTTP threads validate and prepare requests; one worker thread owns the model and answers them in batches.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mgrs/core/status.h"
#include "mgrs/model/generate.h"

namespace mgrs::model {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback only unless the operator asks for more
  int port = 0;                    // 0 = a free port chosen by the system (Server::port() reports it)
  // Folder that image paths in requests are relative to; they may not leave it (no "..", no absolute paths, no
  // symlink out). Empty = only data URLs are accepted.
  std::string image_root;
  int64_t max_body_bytes = int64_t{20} << 20;  // larger request bodies get 413
  int max_new_tokens = 256;                    // default and cap of a request's max_tokens (GeoChat's budget)
  int max_batch = 8;                           // greedy requests answered together in one Generate call
  int batch_window_ms = 10;                    // after the first request of a batch, wait this long for more to join it
  int max_images_per_request = 4;              // more image parts get 400
  int64_t max_image_pixels = 1 << 26;          // width * height of one image (checked from its header before decoding)
  int max_queued = 256;                        // requests waiting for the model beyond this get 503
  int http_threads = 0;                        // 0 = 2 * max_batch + 2: a waiting request holds its HTTP thread
  std::string model_id;                        // "" = the config's name, else the checkpoint folder's name
  // One line per finished request ("POST /v1/chat/completions 200"); called from HTTP threads. May be empty.
  std::function<void(const std::string&)> log;
};

// Counters since Start, for logs and tests.
struct ServerStats {
  int64_t completions = 0;    // chat completions answered with 200
  int64_t batches = 0;        // Generate calls made by the worker
  int64_t largest_batch = 0;  // most requests answered by one Generate call
};

// A running server. Requests and responses follow OpenAI's chat completions API (docs/model.md, "Serving"); every
// error is {"error": {"message", "type", "code"}} with a 4xx/5xx status. Greedy requests (temperature 0) that arrive
// within batch_window_ms of each other share one batched Generate call; sampled requests run alone so that a seed
// reproduces its answer. Thread-safe: every method may be called from any thread.
class Server {
 public:
  // Binds host:port and starts serving `assistant`, which the server owns from now on. Errors: InvalidArgument
  // (bad options, image root not a folder), IoError (the address cannot be bound).
  static Result<std::unique_ptr<Server>> Start(std::unique_ptr<Assistant> assistant, const ServerOptions& options);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;  // the bound port (the chosen one when options.port was 0)
  const std::string& model_id() const;
  ServerStats stats() const;

  // Stops accepting connections, answers requests still queued with 503, lets the batch being generated finish and
  // joins every thread. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Graceful stop of a foreground server process. BlockStopSignals blocks SIGINT and SIGTERM in the calling thread:
// call it first thing in main, before any thread exists, so that every thread inherits the mask and neither signal
// kills the process mid-request. WaitForStopSignal then sleeps until one of them arrives and returns its number.
void BlockStopSignals();
int WaitForStopSignal();

}  // namespace mgrs::model
