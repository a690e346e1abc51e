// `mgrs bench review`: the human verification stage as a small web application served from the binary (page,
// script and style built in): the image with its target boxes, the question, the candidate answer; accept, edit or
// reject with keyboard shortcuts; progress; decisions stored in the catalog with reviewer, time and history.
#pragma once

#include <memory>
#include <string>

#include "mgrs/catalog/catalog.h"
#include "mgrs/core/status.h"

namespace mgrs::bench {

struct ReviewOptions {
  std::string catalog_path;
  std::string host = "127.0.0.1";
  int port = 8766;    // 0: any free port (ReviewServer::port() says which)
  std::string token;  // required on any address but loopback; when set, every request must carry it
};

// The body of a decision request (POST /api/decide): a JSON object, nested no deeper than the JSON Lines limit,
// whose "id", "decision", "answer" and "reviewer" are strings when present. kInvalidArgument says what is wrong;
// whether the decision itself is allowed is the catalog's to say (Catalog::DecideBenchItem).
Result<catalog::BenchDecision> ParseDecisionRequest(const std::string& body);

class ReviewServer {
 public:
  // Opens the catalog read-write and starts listening on a thread of its own. kInvalidArgument for a non-loopback
  // host without a token; kIoError when the address cannot be bound.
  static Result<std::unique_ptr<ReviewServer>> Start(const ReviewOptions& options);
  ~ReviewServer();  // stops and joins
  int port() const;
  // The page's address, with the token when there is one.
  std::string url() const;
  // Blocks until Stop() (another thread or a signal handler's thread) or a listening error.
  void Wait();
  void Stop();

  struct Impl;

 private:
  explicit ReviewServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mgrs::bench
