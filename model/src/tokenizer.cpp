// The tokenizer over SentencePiece, reached through the dlopen()ed shim (see spm_backend.h for why).
#include "mgrs/model/tokenizer.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "mgrs/core/files.h"
#include "spm_backend.h"

namespace mgrs::model {
namespace {

struct Shim {
  spm::CreateFunction create = nullptr;
  spm::TrainFunction train = nullptr;
  Status status;
};

// Loads the shim once per process: $MGRS_SPM_SHIM, else the build tree's copy, else the installed one.
const Shim& LoadShim() {
  static const Shim shim = [] {
    Shim s;
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("MGRS_SPM_SHIM")) candidates.emplace_back(env);
#ifdef MGRS_SPM_SHIM_BUILD_PATH  // a LibTorch-only build (MGRS_MODEL_ONLY) builds no shim: $MGRS_SPM_SHIM or nothing
    candidates.emplace_back(MGRS_SPM_SHIM_BUILD_PATH);
    candidates.emplace_back(MGRS_SPM_SHIM_INSTALL_PATH);
#endif
    std::string errors;
    for (const auto& path : candidates) {
      // RTLD_DEEPBIND: the shim's libsentencepiece resolves protobuf to its own embedded copy, never LibTorch's.
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (handle == nullptr) {
        errors += std::string("\n  ") + dlerror();
        continue;
      }
      s.create = reinterpret_cast<spm::CreateFunction>(dlsym(handle, spm::kCreateSymbol));
      s.train = reinterpret_cast<spm::TrainFunction>(dlsym(handle, spm::kTrainSymbol));
      if (s.create != nullptr && s.train != nullptr) return s;
      errors += "\n  " + path + ": the SentencePiece shim's entry points are missing";
    }
    s.status = Status(StatusCode::kFailedPrecondition, "cannot load the SentencePiece shim:" + errors);
    return s;
  }();
  return shim;
}

}  // namespace

struct Tokenizer::Impl {
  std::unique_ptr<spm::Backend> backend;
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::FromSerialized(const std::string& model_proto) {
  const Shim& shim = LoadShim();
  if (!shim.status.ok()) return shim.status;
  auto impl = std::make_unique<Impl>();
  impl->backend.reset(shim.create());
  std::string error;
  if (!impl->backend->Load(model_proto, &error)) return ParseError("tokenizer: not a SentencePiece model: " + error);
  return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

Result<std::unique_ptr<Tokenizer>> Tokenizer::Load(const std::string& model_path) {
  auto bytes = ReadFile(model_path);
  if (!bytes.ok()) return bytes.status();
  auto tokenizer = FromSerialized(*bytes);
  if (!tokenizer.ok()) return Status(tokenizer.status().code(), model_path + ": " + tokenizer.status().message());
  return tokenizer;
}

std::vector<int> Tokenizer::Encode(std::string_view text) const { return impl_->backend->Encode(text); }

std::vector<std::string> Tokenizer::EncodePieces(std::string_view text) const {
  return impl_->backend->EncodePieces(text);
}

std::string Tokenizer::Decode(const std::vector<int>& ids) const {
  std::vector<int> kept;
  kept.reserve(ids.size());
  for (int id : ids) {
    if (id >= 0 && id < vocab_size() && !impl_->backend->IsControl(id)) kept.push_back(id);
  }
  return impl_->backend->Decode(kept);
}

std::string Tokenizer::IdToPiece(int id) const {
  return id >= 0 && id < vocab_size() ? impl_->backend->IdToPiece(id) : std::string();
}

int Tokenizer::vocab_size() const { return impl_->backend->VocabSize(); }
int Tokenizer::bos_id() const { return impl_->backend->BosId(); }
int Tokenizer::eos_id() const { return impl_->backend->EosId(); }
int Tokenizer::unk_id() const { return impl_->backend->UnkId(); }
int Tokenizer::pad_id() const { return impl_->backend->PadId(); }

Status TrainTokenizer(const std::vector<std::string>& sentences, const TokenizerTrainingOptions& options,
                      const std::string& model_path) {
  if (sentences.empty()) return InvalidArgument("tokenizer training: no text");
  const Shim& shim = LoadShim();
  if (!shim.status.ok()) return shim.status;
  const std::unordered_map<std::string, std::string> arguments = {
      {"model_type", options.model_type},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"byte_fallback", "true"},
      {"split_digits", "true"},
      {"normalization_rule_name", "identity"},
      {"remove_extra_whitespaces", "false"},
      {"add_dummy_prefix", "true"},
      {"unk_id", "0"},
      {"bos_id", "1"},
      {"eos_id", "2"},
      {"pad_id", "-1"},
      {"num_threads", std::to_string(options.num_threads)},
      {"minloglevel", "2"},
      {"max_sentence_length", "16384"},
  };
  std::string model;
  std::string error;
  if (!shim.train(arguments, sentences, &model, &error)) return InvalidArgument("tokenizer training: " + error);
  return WriteFileAtomically(model_path, model);
}

}  // namespace mgrs::model
