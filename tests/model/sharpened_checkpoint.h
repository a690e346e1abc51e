// A tiny random checkpoint whose answers depend on the prompt, for the tests that compare two ways of answering
// (the library, `skymoe generate`, `skymoe eval`, `skymoe serve`): equal answers only show something when a wrong
// prompt would have changed them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "golden_model.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/keys.h"
#include "mgrs/model/tokenizer.h"

namespace mgrs::testing {

// Writes into `dir` a checkpoint with the golden dimensions, a 320-piece tokenizer trained on harbour sentences, and
// random weights drawn after torch::manual_seed(seed). A plain random model answers nearly the same whatever it is
// shown (attention averages over the long system prompt, and most answers are byte pieces that decode to U+FFFD).
// So the decoder's queries and keys are scaled up (sharp attention makes the answer depend on the image and the
// question) and the output rows of byte and control pieces are zeroed (answers are readable pieces; the end token
// stays). Throws, so the calling test fails, when a step fails.
inline void WriteSharpenedCheckpoint(const std::string& dir, uint64_t seed) {
  std::vector<std::string> sentences;
  for (int i = 0; i < 200; ++i) {
    sentences.push_back("a harbor with " + std::to_string(i) + " boats next to a runway and green farmland");
    sentences.push_back("USER: How many storage tanks are there? ASSISTANT: There are " + std::to_string(i % 17));
  }
  model::TokenizerTrainingOptions tokenizer_options;
  tokenizer_options.vocab_size = 320;
  const std::string tokenizer_path = dir + "/trained.model";
  const auto trained = model::TrainTokenizer(sentences, tokenizer_options, tokenizer_path);
  if (!trained.ok()) throw std::runtime_error(trained.ToString());
  auto tokenizer = model::Tokenizer::Load(tokenizer_path);
  if (!tokenizer.ok()) throw std::runtime_error(tokenizer.status().ToString());
  auto config = GoldenConfig();
  config.text.vocab_size = 320;
  torch::manual_seed(seed);
  model::NamedTensors tensors;
  for (const auto& spec : model::ExpectedTensors(config)) {
    const bool query_or_key =
        spec.name.rfind("language_model.", 0) == 0 &&
        (spec.name.find("q_proj") != std::string::npos || spec.name.find("k_proj") != std::string::npos);
    auto tensor = torch::randn(spec.shape) * (query_or_key ? 2.0 : 0.3);
    if (spec.name == model::keys::kLmHead) {
      for (int id = 0; id < config.text.vocab_size; ++id) {
        const std::string piece = (*tokenizer)->IdToPiece(id);
        if (id == (*tokenizer)->unk_id() || id == (*tokenizer)->bos_id() || piece.rfind("<0x", 0) == 0) {
          tensor[id].zero_();
        }
      }
    }
    tensors.emplace_back(spec.name, tensor);
  }
  const auto saved = model::SaveCheckpoint(dir, config, tensors, tokenizer_path);
  if (!saved.ok()) throw std::runtime_error(saved.ToString());
}

}  // namespace mgrs::testing
