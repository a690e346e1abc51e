// LibTorch runtime set-up and inspection.
#include "mgrs/model/runtime.h"

#include <sched.h>

#include <fstream>
#include <string>

#include <torch/torch.h>
#include <torch/version.h>

namespace mgrs::model {
namespace {

// The first mapped shared object whose name says it provides BLAS.
std::string LoadedBlasLibrary() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  for (const char* pattern : {"openblas", "libmkl", "libblis", "libblas"}) {
    maps.clear();
    maps.seekg(0);
    while (std::getline(maps, line)) {
      const auto slash = line.find('/');
      if (slash != std::string::npos && line.find(pattern, slash) != std::string::npos) return line.substr(slash);
    }
  }
  return {};
}

}  // namespace

void ConfigureThreads(int threads) {
  if (threads <= 0) {
    cpu_set_t set;
    threads = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  }
  torch::set_num_threads(threads);
}

RuntimeInfo DescribeRuntime() {
  RuntimeInfo info;
  info.torch_version = TORCH_VERSION;
  info.intra_op_threads = torch::get_num_threads();
  info.cuda_available = torch::cuda::is_available();
  const auto a = torch::ones({64, 64});
  (void)torch::mm(a, a).sum().item<float>();
  info.blas_library = LoadedBlasLibrary();
  // Debian routes libblas.so.3 through alternatives: the openblas-pthread folder means OpenBLAS serves it.
  info.blas_is_optimised = info.blas_library.find("openblas") != std::string::npos ||
                           info.blas_library.find("mkl") != std::string::npos ||
                           info.blas_library.find("blis") != std::string::npos;
  return info;
}

Status ModelSelfTest() {
  const auto x = torch::tensor({1.0f, 2.0f, 3.0f});
  const auto w = torch::tensor({{1.0f, 0.0f, -1.0f}, {0.5f, 0.5f, 0.5f}});
  const auto y = torch::matmul(w, x);
  if (y[0].item<float>() != -2.0f || y[1].item<float>() != 3.0f) return Internal("matrix-vector product is wrong");
  return Status::Ok();
}

}  // namespace mgrs::model
