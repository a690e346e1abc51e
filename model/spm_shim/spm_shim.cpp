// SentencePiece behind the spm::Backend interface; built as a module that mgrs_model dlopen()s (spm_backend.h).
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "spm_backend.h"

namespace {

using mgrs::model::spm::Backend;

class SentencePieceBackend final : public Backend {
 public:
  bool Load(const std::string& model_proto, std::string* error) override {
    const auto status = processor_.LoadFromSerializedProto(model_proto);
    if (!status.ok()) *error = status.ToString();
    return status.ok();
  }
  std::vector<int> Encode(std::string_view text) const override {
    std::vector<int> ids;
    (void)processor_.Encode(text, &ids);  // fails only without a model, which Load rules out
    return ids;
  }
  std::vector<std::string> EncodePieces(std::string_view text) const override {
    std::vector<std::string> pieces;
    (void)processor_.Encode(text, &pieces);
    return pieces;
  }
  std::string Decode(const std::vector<int>& ids) const override {
    std::string text;
    (void)processor_.Decode(ids, &text);
    return text;
  }
  std::string IdToPiece(int id) const override { return processor_.IdToPiece(id); }
  bool IsControl(int id) const override { return processor_.IsControl(id); }
  int VocabSize() const override { return processor_.GetPieceSize(); }
  int BosId() const override { return processor_.bos_id(); }
  int EosId() const override { return processor_.eos_id(); }
  int UnkId() const override { return processor_.unk_id(); }
  int PadId() const override { return processor_.pad_id(); }

 private:
  sentencepiece::SentencePieceProcessor processor_;
};

class VectorIterator final : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<std::string>& sentences) : sentences_(sentences) {}
  bool done() const override { return index_ >= sentences_.size(); }
  void Next() override { ++index_; }
  const std::string& value() const override { return sentences_[index_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& sentences_;
  size_t index_ = 0;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) Backend* mgrs_spm_create_backend() {
  return new SentencePieceBackend();
}

extern "C" __attribute__((visibility("default"))) bool mgrs_spm_train(
    const std::unordered_map<std::string, std::string>& arguments, const std::vector<std::string>& sentences,
    std::string* model_proto, std::string* error) {
  VectorIterator iterator(sentences);
  const auto status = sentencepiece::SentencePieceTrainer::Train(arguments, &iterator, model_proto);
  if (!status.ok()) *error = status.ToString();
  return status.ok();
}
