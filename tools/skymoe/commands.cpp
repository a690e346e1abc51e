// The table of `skymoe` subcommands. A new subcommand is one new file plus one line here.
#include "commands.h"

namespace mgrs::tools {

const std::vector<cli::Subcommand>& SkymoeCommands() {
  static const std::vector<cli::Subcommand> commands = {
      {"generate", "answer a question about an image (the answer is the last line)", RunSkymoeGenerate},
      {"eval", "answer a benchmark file and write predictions for mgrs-score", RunSkymoeEval},
      {"serve", "serve a checkpoint over OpenAI's chat completions API on 127.0.0.1", RunSkymoeServe},
      {"init", "a new model to train from scratch: random weights and a tokenizer trained on the data", RunSkymoeInit},
      {"train", "train Stage I (LoRA) or Stage II (experts) from a checkpoint, resumably", RunSkymoeTrain},
      {"convert", "convert a Hugging Face checkpoint into ours (safetensors + config.json)", RunSkymoeConvert},
      {"inspect", "list a checkpoint's tensors and count parameters by part", RunSkymoeInspect},
      {"self-test", "report LibTorch, threads and BLAS; run a small computation", RunSkymoeSelfTest},
  };
  return commands;
}

}  // namespace mgrs::tools
