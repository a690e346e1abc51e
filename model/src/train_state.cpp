// The model being trained: built for its stage from the initial checkpoint, saved as checkpoints `skymoe generate`
// loads (adapters merged) plus the trainer's state, and restored exactly from them (train_internal.h).
#include <algorithm>
#include <filesystem>
#include <mutex>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <nlohmann/json.hpp>

#include "mgrs/core/files.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/lora.h"
#include "mgrs/model/moe.h"
#include "mgrs/model/safetensors.h"
#include "train_internal.h"

namespace mgrs::model {
namespace {

namespace fs = std::filesystem;

bool IsAdapterName(const std::string& name) {
  return name.find(".lora_A.") != std::string::npos || name.find(".lora_B.") != std::string::npos;
}

bool IsTrainable(const std::string& name, const TrainConfig& config) {
  const bool stage_part = config.stage == 1 ? IsAdapterName(name)
                                            : name.find(".mlp.experts.") != std::string::npos ||
                                                  name.find(".mlp.router.") != std::string::npos;
  return stage_part || std::any_of(config.extra_trainable.begin(), config.extra_trainable.end(),
                                   [&](const std::string& part) { return name.find(part) != std::string::npos; });
}

std::string StepName(int64_t step) {
  std::string digits = std::to_string(step);
  return "step-" + std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits;
}

std::string ShapeText(at::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

Result<std::map<std::string, torch::Tensor>> ReadSafetensors(const std::string& path) {
  auto file = SafetensorsFile::Open(path);
  if (!file.ok()) return file.status();
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& entry : (*file)->entries()) {
    auto tensor = (*file)->Tensor(entry.name);
    if (!tensor.ok()) return tensor.status();
    tensors[entry.name] = *tensor;
  }
  return tensors;
}

// Names joined for a message, at most `limit` of them.
std::string NameList(const std::vector<std::string>& names, size_t limit = 12) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < limit; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > limit) text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text;
}

at::Generator CpuGenerator() { return at::detail::getDefaultCPUGenerator(); }

// The random generators a run draws from (LoRA dropout, router noise): the CPU's always, and on CUDA the device's
// (looked up at run time, so a CPU-only LibTorch builds this too). A checkpoint written on the CPU has no CUDA state;
// resuming it on CUDA keeps the device generator as seeded.
void SaveGenerators(const torch::Device& device, torch::serialize::OutputArchive& archive) {
  auto cpu = CpuGenerator();
  {
    std::lock_guard<std::mutex> lock(cpu.mutex());
    archive.write("rng_cpu", cpu.get_state());
  }
  if (device.is_cuda()) {
    auto cuda = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(cuda.mutex());
    archive.write("rng_cuda", cuda.get_state());
  }
}

void RestoreGenerators(const torch::Device& device, torch::serialize::InputArchive& archive) {
  torch::Tensor state;
  archive.read("rng_cpu", state);
  auto cpu = CpuGenerator();
  {
    std::lock_guard<std::mutex> lock(cpu.mutex());
    cpu.set_state(state);
  }
  if (device.is_cuda() && archive.try_read("rng_cuda", state)) {
    auto cuda = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(cuda.mutex());
    cuda.set_state(state);
  }
}

}  // namespace

Result<TrainingModel> BuildTrainingModel(const TrainOptions& options, const torch::Device& device) {
  const auto& train = options.config;
  if (options.init_dir.empty()) return InvalidArgument("training starts from a checkpoint folder (none given)");
  auto checkpoint = LoadCheckpoint(options.init_dir);
  if (!checkpoint.ok()) return checkpoint.status();
  TrainingModel out;
  out.config = checkpoint->config;
  out.tokenizer_path = checkpoint->tokenizer_path;
  std::map<std::string, torch::Tensor> tensors(checkpoint->tensors.begin(), checkpoint->tensors.end());
  torch::manual_seed(train.seed);
  if (train.stage == 1) {
    if (out.config.moe.enabled()) {
      return InvalidArgument(options.init_dir + ": Stage I trains a dense model, and this checkpoint has experts");
    }
    out.config.lora = train.lora;
  } else if (!out.config.moe.enabled()) {
    out.config.moe = train.moe;
    auto expanded = ExpandToMoe(tensors, out.config, train.seed);
    if (!expanded.ok()) return expanded.status();
    tensors = std::move(*expanded);
  }
  out.model = Llava(out.config);
  MGRS_RETURN_IF_ERROR(LoadParameters(*out.model, tensors));
  out.initial = std::move(tensors);
  if (train.stage == 1 && ApplyLora(*out.model->language_model(), train.lora) == 0) {
    return InvalidArgument("no decoder projection matches the LoRA targets");
  }
  out.model->to(device);
  out.device = device;
  out.model->language_model()->SetActivationCheckpointing(train.activation_checkpointing);
  for (auto& item : out.model->named_parameters()) {
    const bool trainable = IsTrainable(item.key(), train);
    item.value().set_requires_grad(trainable);
    if (!trainable) continue;
    out.trainable_names.push_back(item.key());
    out.trainable.push_back(item.value());
  }
  if (out.trainable.empty())
    return InvalidArgument("nothing to train in this model for Stage " + std::to_string(train.stage));
  return out;
}

namespace {

// The folder a checkpoint is written into before it is renamed into place: hidden, so that listings of the run's
// checkpoints never show it, and recognisably ours, so that a later run can remove one a killed run left.
std::string TemporaryName(const std::string& step_name) { return "." + step_name + ".tmp"; }

// Everything of one training checkpoint, written into the fresh folder `dir` (SaveTrainingCheckpoint's contract).
Status WriteTrainingFolder(const fs::path& dir, const TrainingModel& model, const NamedTensors& values,
                           const NamedTensors& adapters, torch::optim::Optimizer& optimizer, const TrainConfig& config,
                           const RunPosition& position) {
  std::error_code error;
  fs::create_directories(dir / "trainer", error);
  if (error) return IoError("cannot create " + dir.string() + ": " + error.message());
  MGRS_RETURN_IF_ERROR(SaveCheckpoint(dir.string(), model.config, values, model.tokenizer_path));
  const fs::path trainer = dir / "trainer";
  if (!adapters.empty()) MGRS_RETURN_IF_ERROR(WriteSafetensors((trainer / "adapters.safetensors").string(), adapters));
  try {
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    SaveGenerators(model.device, archive);
    archive.save_to((trainer / "optimizer.pt").string());
  } catch (const c10::Error& e) {
    return IoError((trainer / "optimizer.pt").string() + ": " + e.what_without_backtrace());
  }
  nlohmann::ordered_json state{{"step", position.step},
                               {"total_steps", position.total_steps},
                               {"micro_batches", position.micro_batches},
                               {"trainable", model.trainable_names.size()},
                               {"train_config", nlohmann::ordered_json::parse(TrainConfigToJson(config))}};
  return WriteFileAtomically((trainer / "state.json").string(), state.dump(2) + "\n");
}

}  // namespace

Result<std::string> SaveTrainingCheckpoint(const std::string& out_dir, const TrainingModel& model,
                                           torch::optim::Optimizer& optimizer, const TrainConfig& config,
                                           const RunPosition& position) {
  torch::NoGradGuard no_grad;
  std::map<std::string, torch::Tensor> values = model.initial;
  NamedTensors adapters;
  for (const auto& item : model.model->named_parameters()) {
    if (IsAdapterName(item.key())) {
      adapters.emplace_back(item.key(), item.value());
    } else {
      values[item.key()] = item.value();
    }
  }
  // The adapted weights are saved merged (what `skymoe generate` runs) and, for resuming, unmerged beside the
  // adapters; the base is put back bit for bit afterwards, not recomputed by Unmerge's subtraction.
  for (const auto& item : model.model->named_modules()) {
    auto* layer = dynamic_cast<LoraLinearImpl*>(item.value().get());
    if (layer == nullptr || !layer->has_adapter()) continue;
    const auto base = layer->weight.clone();
    layer->Merge();
    values[item.key() + ".weight"] = layer->weight.clone();
    layer->Unmerge();
    layer->weight.copy_(base);
    adapters.emplace_back(item.key() + ".weight", base);
  }
  const std::string name = StepName(position.step);
  const fs::path final_dir = fs::path(out_dir) / name;
  const fs::path temp_dir = fs::path(out_dir) / TemporaryName(name);
  std::error_code error;
  fs::remove_all(temp_dir, error);
  const Status written = WriteTrainingFolder(temp_dir, model, NamedTensors(values.begin(), values.end()), adapters,
                                             optimizer, config, position);
  if (!written.ok()) {
    fs::remove_all(temp_dir, error);  // a half-written folder (a full disk) is not left to fill it further
    return written;
  }
  fs::remove_all(final_dir, error);
  fs::rename(temp_dir, final_dir, error);
  if (error)
    return IoError("cannot rename " + temp_dir.string() + " to " + final_dir.string() + ": " + error.message());
  MGRS_RETURN_IF_ERROR(WriteFileAtomically((fs::path(out_dir) / "latest").string(), name + "\n"));
  return final_dir.string();
}

Result<std::string> LatestCheckpoint(const std::string& out_dir) {
  const auto latest = fs::path(out_dir) / "latest";
  if (!fs::exists(latest)) return NotFound(out_dir + ": no checkpoint to resume from (no file \"latest\")");
  auto text = ReadFile(latest.string());
  if (!text.ok()) return text.status();
  std::string name = *text;
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  const auto dir = fs::path(out_dir) / name;
  if (name.rfind("step-", 0) != 0 || !fs::is_directory(dir)) {
    return Corruption(latest.string() + " names \"" + name + "\", which is not a checkpoint folder there");
  }
  return dir.string();
}

void RemoveStaleTemporaries(const std::string& out_dir) {
  std::vector<fs::path> stale;  // listed first: removing entries while iterating a folder may skip others
  std::error_code error;
  for (fs::directory_iterator it(out_dir, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    const bool checkpoint = name.rfind(".step-", 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".tmp";
    // AtomicFileWriter's temporaries of `latest` and the log (<name>.tmp.<pid>.<n>).
    const bool file = name.rfind("latest.tmp.", 0) == 0 || name.rfind("log.jsonl.tmp.", 0) == 0;
    if (checkpoint || file) stale.push_back(it->path());
  }
  for (const auto& path : stale) fs::remove_all(path, error);
}

Result<RunPosition> RestoreTrainingCheckpoint(const std::string& dir, TrainingModel* model,
                                              torch::optim::Optimizer& optimizer) {
  auto checkpoint = LoadCheckpoint(dir);
  if (!checkpoint.ok()) return checkpoint.status();
  std::map<std::string, torch::Tensor> saved(checkpoint->tensors.begin(), checkpoint->tensors.end());
  const auto adapters_path = fs::path(dir) / "trainer" / "adapters.safetensors";
  std::map<std::string, torch::Tensor> adapters;
  if (fs::exists(adapters_path)) {
    auto read = ReadSafetensors(adapters_path.string());
    if (!read.ok()) return read.status();
    adapters = std::move(*read);
  }
  std::vector<std::string> missing, unexpected, reshaped;
  std::map<std::string, torch::Tensor> sources;
  auto parameters = model->model->named_parameters();
  for (const auto& item : parameters) {
    const auto& name = item.key();
    const auto from_adapters = adapters.find(name);
    const auto found = from_adapters != adapters.end() ? from_adapters : saved.find(name);
    if (found == saved.end() || (IsAdapterName(name) && from_adapters == adapters.end())) {
      missing.push_back(name);
    } else if (found->second.sizes() != item.value().sizes()) {
      reshaped.push_back(name + " " + ShapeText(found->second.sizes()) + " vs " + ShapeText(item.value().sizes()));
    } else {
      sources[name] = found->second;
    }
  }
  for (const auto* group : {&saved, &adapters}) {
    for (const auto& [name, tensor] : *group) {
      if (!parameters.contains(name) && !model->initial.count(name)) unexpected.push_back(name);
    }
  }
  if (!missing.empty() || !unexpected.empty() || !reshaped.empty()) {
    std::string message = dir + " is a checkpoint of another model:";
    if (!missing.empty()) message += " missing " + NameList(missing) + ";";
    if (!unexpected.empty()) message += " unexpected " + NameList(unexpected) + ";";
    if (!reshaped.empty()) message += " other shapes " + NameList(reshaped) + ";";
    message.pop_back();
    return InvalidArgument(message);
  }
  {
    torch::NoGradGuard no_grad;
    for (auto& item : parameters) item.value().copy_(sources.at(item.key()).to(item.value().dtype()));
  }
  const auto trainer = fs::path(dir) / "trainer";
  try {
    torch::serialize::InputArchive archive;
    archive.load_from((trainer / "optimizer.pt").string());
    optimizer.load(archive);
    RestoreGenerators(model->device, archive);
  } catch (const c10::Error& e) {
    return Corruption((trainer / "optimizer.pt").string() + ": " + e.what_without_backtrace());
  }
  auto text = ReadFile((trainer / "state.json").string());
  if (!text.ok()) return text.status();
  RunPosition position;
  try {
    const auto state = nlohmann::json::parse(*text);
    position.step = state.at("step").get<int64_t>();
    position.total_steps = state.at("total_steps").get<int64_t>();
    position.micro_batches = state.at("micro_batches").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    return Corruption((trainer / "state.json").string() + ": " + e.what());
  }
  return position;
}

}  // namespace mgrs::model
