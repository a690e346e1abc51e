// Batched autoregressive decoding for LLaVA / SkyMoE: greedy or seeded temperature / top-p sampling, KV cache,
// stop tokens and a token budget.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mgrs/core/diagnostic.h"
#include "mgrs/core/status.h"
#include "mgrs/model/llava.h"
#include "mgrs/model/prompt.h"
#include "mgrs/model/tokenizer.h"

namespace mgrs::model {

struct GenerationOptions {
  int max_new_tokens = 256;       // GeoChat's evaluation budget
  double temperature = 0.0;       // 0 = greedy (argmax); > 0 samples from softmax(logits / temperature)
  double top_p = 1.0;             // nucleus sampling: the smallest set of tokens whose probability reaches top_p
  uint64_t seed = 0;              // sampling is reproducible for a given seed, batch and device
  bool use_cache = true;          // false recomputes the whole sequence at every step (reference and benchmark)
  std::vector<int64_t> stop_ids;  // empty = the config's eos_id; the stop token is not returned
  // Called after every forward with the MoE layers' routing (never for dense models); may be empty.
  std::function<void(const std::vector<RoutingRecord>&)> on_routing;
  // Called on the host once each step's new tokens are read back (step 0: the first token), before the next
  // forward; may be empty. Latency measurement (latency.h) reads the clock here.
  std::function<void(int step)> on_token;
};

// Continues each prompt (ids with kImageTokenIndex placeholders; `pixels` [N, 3, S, S] holds one image per
// placeholder in order, or is undefined). Prompts are left-padded into one batch; a finished prompt stops growing.
// Returns the new ids of each prompt. kInvalidArgument for bad prompts (see EmbedPrompts) or options.
// Runs without autograd; not thread-safe for one model.
Result<std::vector<std::vector<int64_t>>> Generate(LlavaImpl& model, const std::vector<std::vector<int64_t>>& prompts,
                                                   const torch::Tensor& pixels, const GenerationOptions& options);

// Everything below decodes images (mgrs::raster: GDAL, OpenCV) and is defined in mgrs::model (assistant.cpp), not in
// the LibTorch-only mgrs::model_core that Generate belongs to (MGRS_MODEL_ONLY builds only the latter).

// One question about one image (or none).
struct Question {
  std::string image_path;  // empty: a text-only question
  std::string text;        // the user's message; "<image>\n" is put in front when there is an image and no "<image>"
};

// A model with its tokenizer, preprocessing and conversation template: what `skymoe generate`, `eval` and `serve`
// call. Not thread-safe: one Answer at a time.
class Assistant {
 public:
  // Loads the checkpoint (LoadLlava) and its tokenizer.model. FailedPrecondition when the folder has no tokenizer.
  static Result<std::unique_ptr<Assistant>> Load(const std::string& checkpoint_dir, const RunOptions& options);

  // Answers all questions in one batch: conversation prompt (the config's template), images preprocessed, decoded
  // text trimmed. Errors: unreadable images (the message names the file), bad prompts.
  Result<std::vector<std::string>> Answer(const std::vector<Question>& questions, const GenerationOptions& options);

  LlavaImpl& model() { return *model_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }

 private:
  Assistant(Llava model, std::unique_ptr<Tokenizer> tokenizer, ConversationStyle style);
  Llava model_;
  std::unique_ptr<Tokenizer> tokenizer_;
  ConversationStyle style_;
};

struct EvaluationOptions {
  std::string checkpoint_dir;
  std::string bench_path;  // Sample JSON Lines (docs/formats.md)
  std::string image_root;  // sample.image is relative to it and must stay inside it
  std::string out_path;    // Prediction JSON Lines, written atomically
  RunOptions run;
  GenerationOptions generation;
  int batch_size = 8;  // samples answered together (each batch holds one task, so routing is attributable)
  // When set (MoE models): routing statistics as JSON (RoutingStatistics::ToJson) at this path, and an SVG heat
  // map of all tokens' shares beside it (".json" replaced by ".svg"). Every routed position counts: image and
  // prompt tokens, generated tokens, and the left padding of a batch (as DeepSpeed's gate sees them).
  std::string routing_out;
};

struct EvaluationReport {
  int64_t read = 0;                  // samples read (bad lines included)
  int64_t answered = 0;              // predictions written
  std::vector<Diagnostic> rejected;  // BAD_JSON, BAD_SAMPLE, IMAGE_OUTSIDE_ROOT, MISSING_IMAGE, ...
  std::string routing_table;         // RoutingStatistics::ToTable() of all tokens; empty for dense models
};

// Answers every sample of the benchmark file and writes one Prediction {"id", "answer"} per answered sample, in
// input order. A bad line or an unreadable image is a diagnostic and the run goes on. Errors: the checkpoint, the
// benchmark file or the output cannot be opened or written.
Result<EvaluationReport> RunEvaluation(const EvaluationOptions& options);

}  // namespace mgrs::model
