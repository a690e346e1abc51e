// The golden tiny LLaVA of tests/model/golden (make_golden.py): its model, loaded through our own readers, and the
// reference outputs of the plain-torch Python implementation.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "mgrs/model/config.h"
#include "mgrs/model/llava.h"
#include "mgrs/model/safetensors.h"

namespace mgrs::testing {

inline std::string GoldenPath(const std::string& relative) {
  return std::string(MGRS_SOURCE_DIR) + "/tests/model/golden/" + relative;
}

// All tensors of a safetensors file, by name (throws, so the test fails, when the file is unreadable).
inline std::map<std::string, torch::Tensor> ReadAllTensors(const std::string& path) {
  auto file = model::SafetensorsFile::Open(path);
  if (!file.ok()) throw std::runtime_error(file.status().ToString());
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& entry : (*file)->entries()) tensors[entry.name] = *(*file)->Tensor(entry.name);
  return tensors;
}

// A reference output of make_golden.py (expected.safetensors).
inline torch::Tensor Expected(const std::string& name) {
  static const auto all = ReadAllTensors(GoldenPath("expected.safetensors"));
  const auto found = all.find(name);
  if (found == all.end()) throw std::runtime_error("expected.safetensors has no " + name);
  return found->second;
}

inline model::ModelConfig GoldenConfig() {
  auto config = model::ReadModelConfig(GoldenPath("tiny_llava/config.json"));
  if (!config.ok()) throw std::runtime_error(config.status().ToString());
  return *config;
}

// The golden model in fp32 on the CPU, evaluation mode.
inline model::Llava LoadGoldenModel() {
  model::Llava llava(GoldenConfig());
  const auto status = model::LoadParameters(*llava, ReadAllTensors(GoldenPath("tiny_llava/model.safetensors")));
  if (!status.ok()) throw std::runtime_error(status.ToString());
  llava->eval();
  return llava;
}

inline std::vector<int64_t> ExpectedIds(const std::string& name) {
  const auto t = Expected(name).contiguous();
  return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
}

inline double MaxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

}  // namespace mgrs::testing
