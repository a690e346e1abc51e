// Candidate answers: the deterministic template annotator, or any OpenAI-compatible chat endpoint (retries with
// backoff, a rate limit, a timeout; answers cached in the catalog so that a rerun never asks twice).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mgrs/catalog/catalog.h"
#include "mgrs/core/status.h"

namespace mgrs::bench {

struct AnnotationRequest {
  std::string item_id;
  std::string question;         // the prompt, without "<image>\n"
  std::string template_answer;  // the prompt's gpt turn rendered from the attributes
  std::string image_file;       // the image the question is about
  std::string image_sha256;     // of image_file
};

struct OpenAiOptions {
  std::string endpoint;  // base URL, e.g. http://127.0.0.1:8000 (".../v1/chat/completions" is added)
  std::string model;
  std::string api_key_env = "OPENAI_API_KEY";  // read at construction; unset or empty: no Authorization header
  double timeout_seconds = 60;
  int max_attempts = 4;            // a timeout, a transport error, an HTTP error or an unusable body is retried
  double backoff_seconds = 1.0;    // before attempt k (k >= 2): backoff * 2^(k-2)
  double requests_per_second = 2;  // 0 = unlimited
  int max_tokens = 256;
  std::string system_prompt =
      "You annotate remote-sensing images for a benchmark. Answer the question about the image concisely: a number "
      "for counts, a word or short phrase for classes and yes/no questions, one sentence for captions.";
};

class Annotator {
 public:
  virtual ~Annotator() = default;
  // Its name as stored with each item ("template", "openai:<model>").
  virtual std::string Name() const = 0;
  // The candidate answer, or the reason there is none (after retries). Never returns an empty answer as OK.
  virtual Result<std::string> Annotate(const AnnotationRequest& request) = 0;
  // Whether Annotate needs AnnotationRequest::image_sha256 (the cache key of an annotator that asks a server).
  virtual bool NeedsImageHash() const { return false; }
  // Calls made to a server (0 for the template annotator; cache hits are not calls).
  virtual int64_t RequestsSent() const { return 0; }
  virtual int64_t CacheHits() const { return 0; }
};

std::unique_ptr<Annotator> MakeTemplateAnnotator();
// Answers are cached in `catalog` (not owned, must outlive the annotator) under the model, endpoint, image bytes
// and prompt. kInvalidArgument for an endpoint that is not http://host[:port][/path] or an empty model.
Result<std::unique_ptr<Annotator>> MakeOpenAiAnnotator(const OpenAiOptions& options, catalog::Catalog* catalog);

}  // namespace mgrs::bench
