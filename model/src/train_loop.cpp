// The training loop (train.h): micro-batch loss (L_regressive over the answers' tokens + alpha * L_aux), gradient
// accumulation, clipping, the AdamW step under the schedule, log.jsonl, checkpoints and resuming.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "autocast_scope.h"
#include "mgrs/core/files.h"
#include "mgrs/model/runtime.h"
#include "mgrs/model/tokenizer.h"
#include "train_internal.h"

namespace mgrs::model {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

struct MicroLoss {
  torch::Tensor total, ar;  // scalars with gradient
  double aux = 0.0;         // L_aux summed over MoE layers, unscaled
  double vision_seconds = 0.0;
  int64_t tokens = 0;
  std::vector<RoutingRecord> routing;
};

// Whether any parameter of the vision tower or the projector trains (a model trained from scratch lists them in
// extra_trainable); when none does, as in the paper's two stages, the images are encoded without autograd.
bool VisionTrains(LlavaImpl& model) {
  const auto trains = [](const torch::Tensor& p) { return p.requires_grad(); };
  const auto vision = model.vision_tower()->parameters();
  const auto projector = model.projector()->parameters();
  return std::any_of(vision.begin(), vision.end(), trains) || std::any_of(projector.begin(), projector.end(), trains);
}

// One micro-batch through the model.
Result<MicroLoss> Forward(LlavaImpl& model, const TrainBatch& batch, const torch::Device& device, bool autocast) {
  AutocastScope autocast_scope(autocast);
  MicroLoss loss;
  torch::Tensor features;
  const auto vision_start = Clock::now();
  if (batch.images > 0) {
    std::optional<torch::NoGradGuard> no_grad;
    if (!VisionTrains(model)) no_grad.emplace();
    const int s = model.config().vision.image_size;
    auto pixels = torch::from_blob(const_cast<float*>(batch.pixels.data()), {batch.images, 3, s, s}, torch::kFloat);
    features = model.EncodeImages(pixels.to(device));
  }
  loss.vision_seconds = Seconds(vision_start);
  auto embedded = model.EmbedPrompts(batch.ids, features);
  if (!embedded.ok()) return embedded.status();
  const int64_t image_tokens = features.defined() ? features.size(1) : 0;
  const int64_t width = embedded->embeds.size(1);
  std::vector<int64_t> labels;
  for (size_t b = 0; b < batch.ids.size(); ++b) {
    std::vector<int64_t> row;
    for (size_t i = 0; i < batch.ids[b].size(); ++i) {
      if (batch.ids[b][i] == kImageTokenIndex) {
        row.insert(row.end(), image_tokens, kIgnoreIndex);
      } else {
        row.push_back(batch.labels[b][i]);
      }
    }
    labels.insert(labels.end(), width - static_cast<int64_t>(row.size()), kIgnoreIndex);  // left padding
    labels.insert(labels.end(), row.begin(), row.end());
    loss.tokens += static_cast<int64_t>(row.size());
  }
  const auto targets = torch::tensor(labels, torch::kLong).view({-1, width}).to(device);
  auto out = model.language_model()->forward(embedded->embeds, embedded->positions, embedded->key_mask, nullptr);
  const auto vocab = out.logits.size(-1);
  loss.ar = torch::nn::functional::cross_entropy(
      out.logits.slice(1, 0, width - 1).reshape({-1, vocab}), targets.slice(1, 1).reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex));
  loss.total = out.aux_loss.defined() ? loss.ar + out.aux_loss : loss.ar;
  for (const auto& record : out.routing) loss.aux += record.aux_loss.item<double>();
  loss.routing = std::move(out.routing);
  return loss;
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
  return text;
}

nlohmann::ordered_json StepJson(const StepLog& s) {
  nlohmann::ordered_json j{{"step", s.step},
                           {"loss", s.loss},
                           {"ar_loss", s.ar_loss},
                           {"aux_loss", s.aux_loss},
                           {"lr", s.lr},
                           {"grad_norm", s.grad_norm},
                           {"tokens", s.tokens},
                           {"tokens_per_s", s.tokens_per_s},
                           {"seconds",
                            {{"data", s.seconds_data},
                             {"forward_backward", s.seconds_forward_backward},
                             {"vision", s.seconds_vision},
                             {"moe_forward", s.seconds_moe_forward},
                             {"optimizer", s.seconds_optimizer}}}};
  if (!s.moe_layers.empty()) {
    nlohmann::ordered_json load = nlohmann::ordered_json::object();
    for (size_t i = 0; i < s.moe_layers.size(); ++i) load[std::to_string(s.moe_layers[i])] = s.expert_load[i];
    j["expert_load"] = load;
  }
  return j;
}

// Keeps the lines of log.jsonl up to `step` (a run that stopped after logging but before its checkpoint logged
// steps that the resumed run repeats).
Status TrimLog(const std::string& path, int64_t step) {
  if (!std::filesystem::exists(path)) return Status::Ok();
  auto reader = LineReader::Open(path);
  if (!reader.ok()) return reader.status();
  std::string kept, line;
  while (reader->Next(&line)) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("step") && j["step"].is_number_integer() && j["step"].get<int64_t>() <= step) {
      kept += line + "\n";
    }
  }
  MGRS_RETURN_IF_ERROR(reader->status());
  return WriteFileAtomically(path, kept);
}

struct Run {
  const TrainOptions& options;
  const TrainConfig& config;
  torch::Device device;
  TrainingModel model;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  int64_t accumulation = 1;
  RunPosition position;
  std::unique_ptr<GradientSync> sync;         // more than one rank
  std::map<int64_t, Diagnostic> undecodable;  // by line: samples the loader left out (every epoch)
};

// Sums the step's statistics over the ranks (when there are several) and turns them into means and shares: the
// loss is the mean over every micro-batch of the global batch, the expert load the share of all routed choices.
Status Summarise(Run& run, const std::map<int, torch::Tensor>& routed, int64_t micro_batches, StepLog* log) {
  const auto& moe = run.model.config.moe;
  const auto layers = moe.enabled() ? moe.MoeLayers(run.model.config.text.num_layers) : std::vector<int>{};
  std::vector<double> values{log->loss, log->ar_loss, log->aux_loss, static_cast<double>(log->tokens),
                             static_cast<double>(micro_batches)};
  for (const int layer : layers) {
    const auto found = routed.find(layer);
    for (int e = 0; e < moe.num_experts; ++e) {
      values.push_back(found == routed.end() ? 0.0 : found->second[e].item<double>());
    }
  }
  if (run.sync) {
    auto summed = run.sync->Sum(values);
    if (!summed.ok()) return summed.status();
    values = std::move(*summed);
  }
  const double count = std::max(1.0, values[4]);
  log->loss = values[0] / count;
  log->ar_loss = values[1] / count;
  log->aux_loss = values[2] / count;
  log->tokens = static_cast<int64_t>(values[3]);
  size_t at = 5;
  for (const int layer : layers) {
    std::vector<double> shares(values.begin() + static_cast<std::ptrdiff_t>(at),
                               values.begin() + static_cast<std::ptrdiff_t>(at + moe.num_experts));
    at += moe.num_experts;
    double total = 0.0;
    for (const double v : shares) total += v;
    for (auto& v : shares) v /= std::max(1.0, total);
    log->moe_layers.push_back(layer);
    log->expert_load.push_back(std::move(shares));
  }
  return Status::Ok();
}

// Stops the run when a micro-batch's loss is not finite, on every rank at the same micro-batch: the ranks agree
// through an all-reduce of a flag, and the message names each failing rank's step and samples (shared through the
// rendezvous store), so no rank is left waiting in the next all-reduce.
Status CheckFinite(Run& run, int64_t step, int64_t micro, double value, const std::vector<std::string>& ids) {
  const bool finite = std::isfinite(value);
  const std::string prefix = "step " + std::to_string(step) + ": the loss is ";
  if (!run.sync) {
    if (finite) return Status::Ok();
    return Status(StatusCode::kFailedPrecondition, prefix + std::to_string(value) + " on samples " + JoinIds(ids));
  }
  auto failing = run.sync->Sum({finite ? 0.0 : 1.0});
  if (!failing.ok()) return failing.status();
  if ((*failing)[0] == 0.0) return Status::Ok();
  const std::string mine = finite ? "" : std::to_string(value) + " on samples " + JoinIds(ids);
  auto all = run.sync->Exchange("nonfinite/" + std::to_string(step) + "/" + std::to_string(micro), mine);
  if (!all.ok()) return all.status();
  std::string message;
  for (size_t rank = 0; rank < all->size(); ++rank) {
    if ((*all)[rank].empty()) continue;
    message += (message.empty() ? "" : "; ") + (*all)[rank] + " (rank " + std::to_string(rank) + ")";
  }
  return Status(StatusCode::kFailedPrecondition, prefix + message);
}

// One optimizer step: `accumulation` micro-batches forward and backward, clipping, the AdamW step.
Result<StepLog> Step(Run& run, BatchLoader& loader) {
  const auto start = Clock::now();
  StepLog log;
  log.step = run.position.step + 1;
  log.total_steps = run.position.total_steps;
  log.lr = LearningRate(run.config.optimizer, run.position.step, run.position.total_steps);
  for (auto& group : run.optimizer->param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(log.lr);
  }
  run.optimizer->zero_grad();
  std::map<int, torch::Tensor> routed;  // per MoE layer, choices per expert
  int64_t micro_batches = 0;
  const bool autocast = run.device.is_cuda() && run.config.bf16;
  for (int64_t m = 0; m < run.accumulation; ++m) {
    auto before_data = Clock::now();
    const TrainBatch batch = loader.Next();
    log.seconds_data += Seconds(before_data);
    for (const auto& diagnostic : batch.dropped) run.undecodable.emplace(diagnostic.line, diagnostic);
    // Every rank takes part in the finiteness check of every micro-batch, one left empty included (every image of
    // it undecodable: reported by the loader).
    const bool empty = batch.sample_ids.empty();
    const auto before_compute = Clock::now();
    Result<MicroLoss> loss = MicroLoss{};
    if (!empty) {
      loss = Forward(*run.model.model, batch, run.device, autocast);
      if (!loss.ok()) return loss.status();
    }
    const double value = empty ? 0.0 : loss->total.item<double>();
    MGRS_RETURN_IF_ERROR(CheckFinite(run, log.step, m, value, batch.sample_ids));
    if (empty) continue;
    (loss->total / static_cast<double>(run.accumulation)).backward();
    log.seconds_forward_backward += Seconds(before_compute);
    log.seconds_vision += loss->vision_seconds;
    log.loss += value;
    log.ar_loss += loss->ar.item<double>();
    log.aux_loss += loss->aux;
    log.tokens += loss->tokens;
    for (const auto& record : loss->routing) {
      log.seconds_moe_forward += record.forward_seconds;
      auto& sum = routed[record.layer];
      const auto counts = record.tokens_per_expert.to(torch::kCPU).to(torch::kDouble);
      sum = sum.defined() ? sum + counts : counts;
    }
    ++micro_batches;
  }
  const auto before_optimizer = Clock::now();
  if (run.sync) MGRS_RETURN_IF_ERROR(run.sync->AverageGradients(run.model.trainable));
  MGRS_RETURN_IF_ERROR(Summarise(run, routed, micro_batches, &log));
  const double max_norm = run.config.optimizer.max_grad_norm;
  log.grad_norm = torch::nn::utils::clip_grad_norm_(run.model.trainable,
                                                    max_norm > 0 ? max_norm : std::numeric_limits<double>::infinity());
  run.optimizer->step();
  log.seconds_optimizer = Seconds(before_optimizer);
  const double seconds = Seconds(start);
  log.tokens_per_s = seconds > 0 ? static_cast<double>(log.tokens) / seconds : 0.0;
  run.position.step += 1;
  run.position.micro_batches += run.accumulation * run.options.distributed.world_size;
  return log;
}

Result<TrainingSet> ReadData(const TrainOptions& options, const TrainingModel& model) {
  if (model.tokenizer_path.empty()) {
    return Status(StatusCode::kFailedPrecondition, options.init_dir + ": the checkpoint has no tokenizer.model");
  }
  auto tokenizer = Tokenizer::Load(model.tokenizer_path);
  if (!tokenizer.ok()) return tokenizer.status();
  DataOptions data;
  data.data_path = options.data_path;
  data.image_root = options.image_root;
  const auto& style_name = model.config.tokenizer.conversation;
  if (!ParseConversationStyle(style_name, &data.style)) {
    return InvalidArgument("unknown conversation template \"" + style_name + "\"");
  }
  data.image_tokens = model.config.vision.NumPatches();
  data.max_length = options.config.max_length > 0 ? options.config.max_length : model.config.tokenizer.model_max_length;
  data.overlong = options.config.overlong;
  return ReadTrainingSet(**tokenizer, data);
}

Status CheckOptions(const TrainOptions& options) {
  const auto& c = options.config;
  const int64_t per_step = static_cast<int64_t>(c.micro_batch_size) * options.distributed.world_size;
  if (c.global_batch_size % per_step != 0) {
    return InvalidArgument("the global batch (" + std::to_string(c.global_batch_size) +
                           ") is not a multiple of micro batch x ranks (" + std::to_string(per_step) + ")");
  }
  if (options.out_dir.empty()) return InvalidArgument("no output folder");
  return Status::Ok();
}

}  // namespace

Result<TrainReport> RunTraining(const TrainOptions& options) {
  MGRS_RETURN_IF_ERROR(CheckOptions(options));
  torch::Device device(torch::kCPU);
  try {
    device = torch::Device(options.device);
  } catch (const c10::Error&) {
    return InvalidArgument("unknown device \"" + options.device + "\" (cpu, cuda, cuda:N)");
  }
  if (device.is_cuda() && options.distributed.world_size > 1) {
    // c10d's NCCL group lives in libtorch_cuda, which Debian's CPU-only LibTorch does not ship, and the trainer is
    // not built against a CUDA LibTorch (docs/model.md): Gloo over CUDA tensors would copy every bucket to the host.
    return Status(StatusCode::kUnimplemented,
                  "data parallelism on CUDA needs c10d's NCCL process group, which this build does not have; run "
                  "several ranks on the CPU, or one rank on the GPU");
  }
  if (device.is_cuda() && !torch::cuda::is_available()) {
    return Status(StatusCode::kFailedPrecondition, "CUDA requested but this LibTorch has no usable CUDA device");
  }
  ConfigureThreads(options.threads);
  auto built = BuildTrainingModel(options, device);
  if (!built.ok()) return built.status();
  Run run{options, options.config, device, std::move(*built), nullptr, 1, {}, nullptr, {}};
  if (options.distributed.world_size > 1) {
    auto sync = GradientSync::Connect(options.distributed);
    if (!sync.ok()) return sync.status();
    run.sync = std::move(*sync);
  }
  const bool writer = options.distributed.rank == 0;  // only rank 0 writes the log and the checkpoints
  const auto& c = options.config;
  run.accumulation = c.global_batch_size / (static_cast<int64_t>(c.micro_batch_size) * options.distributed.world_size);
  run.optimizer =
      std::make_unique<torch::optim::AdamW>(run.model.trainable, torch::optim::AdamWOptions(c.optimizer.lr)
                                                                     .betas({c.optimizer.beta1, c.optimizer.beta2})
                                                                     .eps(c.optimizer.eps)
                                                                     .weight_decay(c.optimizer.weight_decay));
  auto data = ReadData(options, run.model);
  if (!data.ok()) return data.status();
  TrainReport report;
  report.data = data->report;

  std::error_code error;
  std::filesystem::create_directories(options.out_dir, error);
  if (error) return IoError("cannot create " + options.out_dir + ": " + error.message());
  if (writer) RemoveStaleTemporaries(options.out_dir);
  const std::string log_path = (std::filesystem::path(options.out_dir) / "log.jsonl").string();
  if (options.resume) {
    auto dir = LatestCheckpoint(options.out_dir);
    if (!dir.ok()) return dir.status();
    auto position = RestoreTrainingCheckpoint(*dir, &run.model, *run.optimizer);
    if (!position.ok()) return position.status();
    run.position = *position;
    report.last_checkpoint = *dir;
    if (writer) MGRS_RETURN_IF_ERROR(TrimLog(log_path, run.position.step));
  } else if (writer) {
    MGRS_RETURN_IF_ERROR(WriteFileAtomically(log_path, ""));
  }

  BatchLoader::Options loading;
  loading.micro_batch = c.micro_batch_size;
  loading.seed = c.seed;
  loading.group_by_length = c.group_by_length;
  loading.workers = c.data_workers;
  loading.prefetch = c.prefetch_batches;
  loading.start = run.position.micro_batches + options.distributed.rank;
  loading.stride = options.distributed.world_size;
  BatchLoader loader(*data, run.model.config.vision, loading);
  if (!options.resume) {
    const double micro_per_epoch = static_cast<double>(loader.batches_per_epoch());
    run.position.total_steps =
        c.steps > 0
            ? c.steps
            : static_cast<int64_t>(std::ceil(c.epochs * micro_per_epoch / static_cast<double>(run.accumulation)));
  } else if (c.steps > 0) {
    run.position.total_steps = c.steps;  // a resumed run may be given a new end; the schedule follows it
  }
  report.total_steps = run.position.total_steps;
  report.first_step = run.position.step + 1;
  report.last_step = run.position.step;  // stays so when a resumed run has no step left

  run.model.model->train();
  std::ofstream log_file;
  if (writer) {
    log_file.open(log_path, std::ios::app);
    if (!log_file) return IoError("cannot append to " + log_path);
  }
  while (run.position.step < run.position.total_steps) {
    auto step = Step(run, loader);
    if (!step.ok()) return step.status();
    if (writer) log_file << StepJson(*step).dump() << "\n" << std::flush;
    report.last_step = step->step;
    report.last_loss = step->loss;
    if (options.on_step) options.on_step(*step);
    const bool last = run.position.step == run.position.total_steps;
    if (writer && (last || (c.save_every > 0 && run.position.step % c.save_every == 0))) {
      auto saved = SaveTrainingCheckpoint(options.out_dir, run.model, *run.optimizer, c, run.position);
      if (!saved.ok()) return saved.status();
      report.last_checkpoint = *saved;
    }
  }
  for (const auto& [line, diagnostic] : run.undecodable) report.data.rejected.push_back(diagnostic);
  // No rank leaves (and tears down its side of the group) before rank 0 has written the last checkpoint.
  if (run.sync) MGRS_RETURN_IF_ERROR(run.sync->Barrier());
  return report;
}

}  // namespace mgrs::model
