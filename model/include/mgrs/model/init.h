// A model to train from scratch (`skymoe init`): random weights for a config and a tokenizer trained on the
// instruction texts it will learn, written as a checkpoint folder that `skymoe train --init` takes.
#pragma once

#include <cstdint>
#include <string>

#include "mgrs/core/status.h"

namespace mgrs::model {

struct InitOptions {
  std::string config_path;  // a model config (manifests/models/*.json); its text.vocab_size sizes the tokenizer
  std::string data_path;    // Sample JSON Lines whose prompts and answers train the tokenizer
  std::string out_dir;      // the checkpoint folder: config.json, model.safetensors, tokenizer.model
  uint64_t seed = 0;        // torch's initialisations draw from it
};

struct InitReport {
  int64_t samples = 0;     // samples whose texts trained the tokenizer
  int64_t bad_lines = 0;   // lines that were not Samples (skipped)
  int64_t parameters = 0;  // numbers in the model
  double seconds = 0;
};

// Trains a BPE tokenizer (LLaMA's settings, TrainTokenizer) on each sample's conversation as the model will see it
// (system prompt, "USER:", the question, "ASSISTANT:", the answer), so the prompt costs a few pieces, not a hundred;
// then draws the weights (BuildRandomLlava) and writes the folder. The folder appears whole or not at all (built
// beside it, then renamed); an existing out_dir is replaced. Same inputs and seed, same bytes. Errors: the config's
// and the data file's (NotFound, InvalidArgument with file and line), InvalidArgument when no sample has text,
// TrainTokenizer's, IoError.
Result<InitReport> InitCheckpoint(const InitOptions& options);

}  // namespace mgrs::model
