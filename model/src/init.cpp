// InitCheckpoint: a tokenizer trained on the conversations a model will learn, random weights, one folder.
#include "mgrs/model/init.h"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "mgrs/core/sample_file.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/config.h"
#include "mgrs/model/keys.h"
#include "mgrs/model/llava.h"
#include "mgrs/model/prompt.h"
#include "mgrs/model/tokenizer.h"

namespace mgrs::model {
namespace fs = std::filesystem;
namespace {

// "<image>\n" is cut out of the text before tokenisation (TokenizeLlavaText), so the tokenizer never sees it.
std::string WithoutImagePlaceholder(std::string text) {
  for (auto at = text.find(kImagePlaceholder); at != std::string::npos; at = text.find(kImagePlaceholder)) {
    text.erase(at, kImagePlaceholder.size());
  }
  return text;
}

// One training sentence per sample: the first round exactly as TokenizeConversation lays it out; later rounds
// without the system line.
Result<std::vector<std::string>> ConversationTexts(const std::string& path, ConversationStyle style,
                                                   InitReport* report) {
  std::vector<std::string> texts;
  auto add = [&](Sample&& sample, int64_t) {
    std::string text(SystemPrompt(style));
    for (const auto& turn : sample.conversations) {
      text += turn.from == "human" ? " USER: " : " ASSISTANT: ";
      text += WithoutImagePlaceholder(turn.value);
    }
    texts.push_back(std::move(text));
    ++report->samples;
    return Status::Ok();
  };
  auto skip = [&](const Diagnostic&) {
    ++report->bad_lines;
    return Status::Ok();
  };
  MGRS_RETURN_IF_ERROR(ForEachSample(path, add, skip));
  if (texts.empty()) return InvalidArgument(path + ": no sample with a conversation to train a tokenizer on");
  return texts;
}

Status ReplaceFolder(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::remove_all(to, ec);
  if (!ec) fs::rename(from, to, ec);
  return ec ? IoError("cannot move " + from.string() + " to " + to.string() + ": " + ec.message()) : Status::Ok();
}

}  // namespace

Result<InitReport> InitCheckpoint(const InitOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto config = ReadModelConfig(options.config_path);
  if (!config.ok()) return config.status();
  ConversationStyle style = ConversationStyle::kVicunaV1;
  if (!ParseConversationStyle(config->tokenizer.conversation, &style)) {
    return InvalidArgument(options.config_path + ": unknown conversation style '" + config->tokenizer.conversation +
                           "'");
  }
  InitReport report;
  auto texts = ConversationTexts(options.data_path, style, &report);
  if (!texts.ok()) return texts.status();

  const fs::path out(options.out_dir);
  const fs::path partial = out.string() + ".partial";
  std::error_code ec;
  fs::remove_all(partial, ec);
  fs::create_directories(partial, ec);
  if (ec) return IoError("cannot create " + partial.string() + ": " + ec.message());
  TokenizerTrainingOptions tokenizer_options;
  tokenizer_options.vocab_size = config->text.vocab_size;
  const std::string tokenizer_path = (partial / "trained-tokenizer.model").string();
  if (auto trained = TrainTokenizer(*texts, tokenizer_options, tokenizer_path); !trained.ok()) return trained;

  RunOptions run;
  run.dtype = "float32";
  auto model = BuildRandomLlava(*config, run, options.seed);
  if (!model.ok()) return model.status();
  const auto parameters = (*model)->named_parameters();
  NamedTensors tensors;
  for (const auto& spec : ExpectedTensors(*config)) {
    // The vision layers past the feature layer are never run, so the model has no parameters for them; they are
    // stored as zeros so that the folder holds every tensor a CLIP checkpoint has.
    const auto* tensor = parameters.find(spec.name);
    tensors.emplace_back(spec.name, tensor != nullptr ? tensor->detach() : torch::zeros(spec.shape));
    if (tensor != nullptr) report.parameters += tensor->numel();
  }
  if (auto saved = SaveCheckpoint(partial.string(), *config, tensors, tokenizer_path); !saved.ok()) return saved;
  fs::remove(tokenizer_path, ec);
  if (auto moved = ReplaceFolder(partial, out); !moved.ok()) return moved;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace mgrs::model
