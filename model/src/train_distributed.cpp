// Data parallelism for the trainer through PyTorch's c10d: a TCPStore rendezvous (torchrun's variables) and a Gloo
// process group whose bucketed all-reduce averages the trainable gradients over the ranks (train_internal.h).
#include <cstdlib>

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "train_internal.h"

namespace mgrs::model {
namespace {

// Elements per all-reduce: large enough to amortise a round trip, small enough that the flat copy stays cheap.
constexpr int64_t kBucketElements = 8 << 20;

Result<int> EnvironmentInt(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0 || value > 65535) {
    return InvalidArgument(std::string("environment variable ") + name + "=\"" + text + "\" is not a small integer");
  }
  return static_cast<int>(value);
}

}  // namespace

Result<DistributedOptions> DistributedFromEnvironment() {
  DistributedOptions options;
  auto rank = EnvironmentInt("RANK", 0);
  auto world = EnvironmentInt("WORLD_SIZE", 1);
  auto port = EnvironmentInt("MASTER_PORT", options.master_port);
  for (const auto* value : {&rank, &world, &port}) {
    if (!value->ok()) return value->status();
  }
  options.rank = *rank;
  options.world_size = *world;
  options.master_port = *port;
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') options.master_addr = addr;
  if (options.world_size < 1 || options.rank >= options.world_size) {
    return InvalidArgument("RANK " + std::to_string(options.rank) + " is outside WORLD_SIZE " +
                           std::to_string(options.world_size));
  }
  return options;
}

struct GradientSync::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  int world = 1;
  int rank = 0;
};

GradientSync::GradientSync(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GradientSync::~GradientSync() = default;

Result<std::unique_ptr<GradientSync>> GradientSync::Connect(const DistributedOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->world = options.world_size;
  impl->rank = options.rank;
  try {
    c10d::TCPStoreOptions store;
    store.port = static_cast<uint16_t>(options.master_port);
    store.isServer = options.rank == 0;
    store.numWorkers = static_cast<size_t>(options.world_size);
    store.timeout = std::chrono::seconds(300);
    impl->store = c10::make_intrusive<c10d::TCPStore>(options.master_addr, store);
    auto gloo = c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(300));
    gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(options.master_addr));
    impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, options.rank, options.world_size, gloo);
  } catch (const std::exception& e) {
    return Status(StatusCode::kIoError, "rendezvous at " + options.master_addr + ":" +
                                            std::to_string(options.master_port) + " failed: " + e.what());
  }
  return std::unique_ptr<GradientSync>(new GradientSync(std::move(impl)));
}

Status GradientSync::AverageGradients(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard no_grad;
  try {
    size_t begin = 0;
    while (begin < parameters.size()) {
      size_t end = begin;
      int64_t elements = 0;
      while (end < parameters.size() && (end == begin || elements + parameters[end].numel() <= kBucketElements)) {
        elements += parameters[end++].numel();
      }
      // A parameter no token reached this step (an idle expert) has no gradient: it takes part as zeros.
      std::vector<torch::Tensor> pieces;
      for (size_t i = begin; i < end; ++i) {
        const auto& p = parameters[i];
        pieces.push_back(p.grad().defined() ? p.grad().reshape({-1}) : torch::zeros({p.numel()}, p.options()));
      }
      std::vector<torch::Tensor> bucket{torch::cat(pieces)};
      impl_->group->allreduce(bucket)->wait();
      bucket[0].div_(impl_->world);
      int64_t offset = 0;
      for (size_t i = begin; i < end; ++i) {
        auto& p = const_cast<torch::Tensor&>(parameters[i]);
        const auto averaged = bucket[0].narrow(0, offset, p.numel()).view(p.sizes());
        if (p.grad().defined()) {
          p.mutable_grad().copy_(averaged);
        } else {
          p.mutable_grad() = averaged.clone();
        }
        offset += p.numel();
      }
      begin = end;
    }
  } catch (const std::exception& e) {
    return Status(StatusCode::kIoError, std::string("gradient all-reduce failed: ") + e.what());
  }
  return Status::Ok();
}

Result<std::vector<double>> GradientSync::Sum(const std::vector<double>& values) {
  try {
    std::vector<torch::Tensor> tensors{torch::tensor(values, torch::kDouble)};
    impl_->group->allreduce(tensors)->wait();
    const auto summed = tensors[0].contiguous();
    return std::vector<double>(summed.data_ptr<double>(), summed.data_ptr<double>() + summed.numel());
  } catch (const std::exception& e) {
    return Status(StatusCode::kIoError, std::string("all-reduce failed: ") + e.what());
  }
}

Result<std::vector<std::string>> GradientSync::Exchange(const std::string& key, const std::string& mine) {
  std::vector<std::string> all;
  try {
    impl_->store->set(key + "/" + std::to_string(impl_->rank), std::vector<uint8_t>(mine.begin(), mine.end()));
    for (int r = 0; r < impl_->world; ++r) {
      const auto value = impl_->store->get(key + "/" + std::to_string(r));  // waits for rank r
      all.emplace_back(value.begin(), value.end());
    }
  } catch (const std::exception& e) {
    return Status(StatusCode::kIoError, std::string("exchange through the store failed: ") + e.what());
  }
  return all;
}

Status GradientSync::Barrier() {
  try {
    impl_->group->barrier()->wait();
  } catch (const std::exception& e) {
    return Status(StatusCode::kIoError, std::string("barrier failed: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace mgrs::model
