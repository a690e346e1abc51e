// The interface between mgrs_model and the SentencePiece shim (model/spm_shim/). Debian's libsentencepiece embeds
// protobuf-lite 3.14 and exports its symbols, while LibTorch loads libprotobuf 3.21: linked into one process they
// interpose and crash at start-up. The shim is therefore dlopen()ed with RTLD_LOCAL | RTLD_DEEPBIND and reached
// only through virtual calls and the two extern "C" factories below, so no protobuf symbol crosses.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mgrs::model::spm {

class Backend {
 public:
  virtual ~Backend() = default;
  // False with *error set when `model_proto` is not a SentencePiece model.
  virtual bool Load(const std::string& model_proto, std::string* error) = 0;
  virtual std::vector<int> Encode(std::string_view text) const = 0;
  virtual std::vector<std::string> EncodePieces(std::string_view text) const = 0;
  virtual std::string Decode(const std::vector<int>& ids) const = 0;
  virtual std::string IdToPiece(int id) const = 0;
  virtual bool IsControl(int id) const = 0;
  virtual int VocabSize() const = 0;
  virtual int BosId() const = 0;
  virtual int EosId() const = 0;
  virtual int UnkId() const = 0;
  virtual int PadId() const = 0;
};

using CreateFunction = Backend* (*)();
// Trains a model on `sentences` with SentencePieceTrainer's `arguments`; false with *error set on failure.
using TrainFunction = bool (*)(const std::unordered_map<std::string, std::string>& arguments,
                               const std::vector<std::string>& sentences, std::string* model_proto, std::string* error);

inline constexpr const char* kCreateSymbol = "mgrs_spm_create_backend";
inline constexpr const char* kTrainSymbol = "mgrs_spm_train";

}  // namespace mgrs::model::spm
