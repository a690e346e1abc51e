// Time to first token and per-token decode latency of Generate at batch 1 (issue 8's GPU target: the 7B config,
// bf16, 1,400 tokens of context), on any model and device; the clock is read only after the device has finished.
#pragma once

#include <cstdint>
#include <vector>

#include "mgrs/core/status.h"
#include "mgrs/model/llava.h"

namespace mgrs::model {

struct LatencyOptions {
  // Prompt positions: BOS, one image's patch features when they fit (1,296 at 504 px), random text tokens for the
  // rest, as a LLaVA question about one image.
  int64_t context = 1400;
  int decode_tokens = 32;  // tokens decoded after the first one, per run
  int repeats = 3;         // timed runs after one warm-up run
  uint64_t seed = 0;       // the random prompt and image
};

struct LatencyReport {
  int64_t context = 0;          // positions in the prompt
  int64_t image_positions = 0;  // of which image features (0: text only)
  // Median over the runs of the time from calling Generate to the first token on the host (image encoding, prefill,
  // the first token's logits and its read-back).
  double first_token_ms = 0.0;
  // Median over every decode step of the timed runs of the time between two tokens on the host: one forward through
  // the KV cache plus Generate's own per-step work (the token read back to check for the stop token).
  double decode_ms_per_token = 0.0;
  std::vector<double> first_token_runs;  // per timed run, ms
  std::vector<double> decode_mean_runs;  // per timed run, the mean decode step, ms
};

// Runs Generate greedily on one random prompt with 1 + decode_tokens new tokens and no stop token (every run decodes
// its whole budget), `repeats` times after a warm-up run, reading the clock after each token with the device
// synchronised. Errors: InvalidArgument when context < 2, decode_tokens < 1, repeats < 1 or context + decode_tokens
// exceeds max_position_embeddings; Generate's errors.
Result<LatencyReport> MeasureGenerationLatency(LlavaImpl& model, const LatencyOptions& options);

}  // namespace mgrs::model
