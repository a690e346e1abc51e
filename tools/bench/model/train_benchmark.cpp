// Training throughput on a config with random weights (default: manifests/models/skymoe-tiny.json): a tokenizer
// trained on the synthetic conversations, random PNG images, then Stage I and Stage II steps through RunTraining,
// reporting tokens/s and where a step's time goes (data wait, vision tower, decoder forward + backward, optimizer).
// Usage: mgrs_train_benchmark [--config FILE] [--samples N] [--steps N] [--micro-batch N] [--threads N]
//                             [--checkpointing on|off] [--keep DIR]
//   (DIR keeps the checkpoint, data and images for `skymoe train --nproc`). The last line is the process's peak
//   resident memory: run once with and once without activation checkpointing to compare.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "mgrs/model/checkpoint.h"
#include "mgrs/model/keys.h"
#include "mgrs/model/llava.h"
#include "mgrs/model/tokenizer.h"
#include "mgrs/model/train.h"

namespace {

namespace fs = std::filesystem;
using namespace mgrs::model;

struct Args {
  std::string config = std::string(MGRS_SOURCE_DIR) + "/manifests/models/skymoe-tiny.json";
  int samples = 32, steps = 6, micro_batch = 4, threads = 0;
  bool checkpointing = false;
  std::string keep;
};

void Check(const mgrs::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "mgrs_train_benchmark: %s\n", status.ToString().c_str());
  std::exit(1);
}

// Conversations of varied length about counts and scenes.
std::vector<std::pair<std::string, std::string>> Conversations(int count) {
  std::mt19937 random(5);
  const char* things[] = {"storage tanks", "boats", "planes", "vehicles", "bridges", "buildings"};
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < count; ++i) {
    const std::string thing = things[random() % 6];
    std::string answer = "There are " + std::to_string(random() % 40) + " " + thing;
    for (int extra = static_cast<int>(random() % 4); extra > 0; --extra) {
      answer += " next to a runway and green farmland near the harbor";
    }
    out.emplace_back("How many " + thing + " are there?", answer);
  }
  return out;
}

// Writes the checkpoint (random weights, a trained tokenizer), images and Sample JSON Lines into `dir`.
void WriteWorkload(const Args& args, const std::string& dir) {
  auto config = ReadModelConfig(args.config);
  Check(config.status());
  const auto conversations = Conversations(args.samples);
  std::vector<std::string> sentences;
  for (int r = 0; r < 20; ++r) {
    for (const auto& [q, a] : conversations) sentences.push_back("USER: " + q + " ASSISTANT: " + a);
  }
  // Made-up words, so that a vocabulary of the config's size (1,024 for the tiny one) can be learnt at all.
  std::mt19937 random(9);
  for (int i = 0; i < 3000; ++i) {
    std::string sentence;
    for (int w = 0; w < 8; ++w) {
      std::string word;
      for (int c = 3 + static_cast<int>(random() % 6); c > 0; --c) word += static_cast<char>('a' + random() % 26);
      sentence += word + " ";
    }
    sentences.push_back(sentence);
  }
  fs::create_directories(dir + "/images");
  TokenizerTrainingOptions tokenizer_options;
  tokenizer_options.vocab_size = config->text.vocab_size;
  Check(TrainTokenizer(sentences, tokenizer_options, dir + "/tokenizer.model"));
  RunOptions run;
  run.threads = args.threads;
  auto model = BuildRandomLlava(*config, run, /*seed=*/1);
  Check(model.status());
  const auto parameters = (*model)->named_parameters();
  NamedTensors tensors;
  for (const auto& spec : ExpectedTensors(*config)) {
    const auto* found = parameters.find(spec.name);
    tensors.emplace_back(spec.name, found != nullptr ? found->detach().clone() : torch::randn(spec.shape) * 0.02);
  }
  Check(SaveCheckpoint(dir + "/init", *config, tensors, dir + "/tokenizer.model"));
  std::ofstream jsonl(dir + "/train.jsonl");
  cv::RNG rng(3);
  for (int i = 0; i < args.samples; ++i) {
    cv::Mat image(256, 256, CV_8UC3);
    rng.fill(image, cv::RNG::UNIFORM, 0, 255);
    const std::string name = "img" + std::to_string(i) + ".png";
    cv::imwrite(dir + "/images/" + name, image);
    nlohmann::json sample{{"id", "b" + std::to_string(i)},
                          {"task", "vqa"},
                          {"image", name},
                          {"conversations",
                           {{{"from", "human"}, {"value", "<image>\n" + conversations[i].first}},
                            {{"from", "gpt"}, {"value", conversations[i].second}}}},
                          {"gt", {{"answer", conversations[i].second}}}};
    jsonl << sample.dump() << "\n";
  }
}

struct Summary {
  double tokens_per_s = 0, data = 0, vision = 0, decoder = 0, moe = 0, optimizer = 0, step = 0;
};

// Steps after the first (warm-up) averaged.
Summary Train(const Args& args, const std::string& dir, int stage, const std::string& init, const std::string& out) {
  TrainOptions options;
  options.config.stage = stage;
  options.config.micro_batch_size = args.micro_batch;
  options.config.global_batch_size = args.micro_batch * 2;
  options.config.steps = args.steps;
  options.config.lora.rank = 64;
  options.config.moe.num_experts = 4;
  options.config.activation_checkpointing = args.checkpointing;
  options.data_path = dir + "/train.jsonl";
  options.image_root = dir + "/images";
  options.init_dir = init;
  options.out_dir = out;
  options.threads = args.threads;
  std::vector<StepLog> logs;
  options.on_step = [&](const StepLog& log) { logs.push_back(log); };
  auto report = RunTraining(options);
  Check(report.status());
  Summary s;
  const double n = static_cast<double>(logs.size() - 1);
  for (size_t i = 1; i < logs.size(); ++i) {
    const auto& l = logs[i];
    s.tokens_per_s += l.tokens_per_s / n;
    s.data += l.seconds_data / n;
    s.vision += l.seconds_vision / n;
    s.decoder += (l.seconds_forward_backward - l.seconds_vision) / n;
    s.moe += l.seconds_moe_forward / n;
    s.optimizer += l.seconds_optimizer / n;
    s.step += static_cast<double>(l.tokens) / l.tokens_per_s / n;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--config")
      args.config = value;
    else if (flag == "--samples")
      args.samples = std::stoi(value);
    else if (flag == "--steps")
      args.steps = std::stoi(value);
    else if (flag == "--micro-batch")
      args.micro_batch = std::stoi(value);
    else if (flag == "--threads")
      args.threads = std::stoi(value);
    else if (flag == "--checkpointing")
      args.checkpointing = value == "on";
    else if (flag == "--keep")
      args.keep = value;
    else {
      std::fprintf(stderr, "mgrs_train_benchmark: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (args.steps < 2) args.steps = 2;
  const std::string dir = args.keep.empty() ? (fs::temp_directory_path() / "mgrs_train_benchmark").string() : args.keep;
  fs::remove_all(dir);
  WriteWorkload(args, dir);
  std::printf(
      "config %s, %d samples, micro-batch %d, 2 micro-batches per step, threads %d, activation "
      "checkpointing %s\n",
      args.config.c_str(), args.samples, args.micro_batch, args.threads, args.checkpointing ? "on" : "off");
  std::printf("%-9s %10s %10s %9s %9s %9s %9s %9s\n", "stage", "tokens/s", "step ms", "data ms", "vision", "decoder",
              "MoE fwd", "optim");
  const auto one = Train(args, dir, 1, dir + "/init", dir + "/stage1");
  const auto two = Train(
      args, dir, 2,
      dir + "/stage1/step-" + std::string(6 - std::to_string(args.steps).size(), '0') + std::to_string(args.steps),
      dir + "/stage2");
  for (const auto& [name, s] : {std::pair<const char*, Summary>{"I (LoRA)", one}, {"II (MoE)", two}}) {
    std::printf("%-9s %10.0f %10.1f %9.2f %9.1f %9.1f %9.1f %9.2f\n", name, s.tokens_per_s, 1e3 * s.step, 1e3 * s.data,
                1e3 * s.vision, 1e3 * s.decoder, 1e3 * s.moe, 1e3 * s.optimizer);
  }
  if (args.keep.empty()) fs::remove_all(dir);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak resident memory: %.0f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
