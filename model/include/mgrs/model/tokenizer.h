// SentencePiece tokenizer (LLaMA's tokenizer.model, or a small model trained on given text for tiny configs).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::model {

// A loaded SentencePiece model. Immutable after Load; Encode/Decode are safe to call from several threads.
class Tokenizer {
 public:
  // Loads a serialized SentencePiece ModelProto (e.g. LLaMA's tokenizer.model). Failure: IoError / ParseError.
  static Result<std::unique_ptr<Tokenizer>> Load(const std::string& model_path);
  static Result<std::unique_ptr<Tokenizer>> FromSerialized(const std::string& model_proto);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // SentencePiece encoding of `text` exactly as SentencePieceProcessor::Encode does it: a dummy-prefix "▁" is
  // added, special strings such as "</s>" are plain text, no BOS/EOS. Invalid UTF-8 is encoded byte by byte
  // (LLaMA's byte fallback).
  std::vector<int> Encode(std::string_view text) const;
  std::vector<std::string> EncodePieces(std::string_view text) const;
  // Ids back to text; control ids (BOS/EOS) and negative ids (image placeholders) are dropped.
  std::string Decode(const std::vector<int>& ids) const;
  std::string IdToPiece(int id) const;

  int vocab_size() const;
  int bos_id() const;
  int eos_id() const;
  int unk_id() const;
  int pad_id() const;  // -1 when the model has none (LLaMA)

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Options of the small tokenizer trained for configs without a tokenizer file. The defaults mirror LLaMA's
// tokenizer: BPE, byte fallback, split digits, unk 0 / bos 1 / eos 2, no normalisation.
struct TokenizerTrainingOptions {
  int vocab_size = 1024;
  std::string model_type = "bpe";
  double character_coverage = 1.0;
  int num_threads = 1;
};

// Trains a SentencePiece model on `sentences` and writes it atomically to `model_path`. Deterministic for the
// same input and options. Failure: InvalidArgument (e.g. a vocabulary larger than the text supports), IoError.
Status TrainTokenizer(const std::vector<std::string>& sentences, const TokenizerTrainingOptions& options,
                      const std::string& model_path);

}  // namespace mgrs::model
