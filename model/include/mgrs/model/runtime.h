// The LibTorch runtime: thread count, device choice and a description of what is loaded (BLAS included).
#pragma once

#include <string>

#include "mgrs/core/status.h"

namespace mgrs::model {

struct RuntimeInfo {
  std::string torch_version;  // "1.13.1"
  int intra_op_threads = 0;
  bool cuda_available = false;
  std::string blas_library;        // the shared object that serves BLAS calls, from /proc/self/maps
  bool blas_is_optimised = false;  // OpenBLAS or MKL, not the reference BLAS
};

// Sets LibTorch's intra-op thread count: `threads` when > 0, else the cores this process may use.
// Debian's LibTorch starts with one thread; element-wise work runs 1.6x faster with two on this machine.
void ConfigureThreads(int threads);

// Runs one small matrix product (so the BLAS library is loaded) and reports what is in use.
RuntimeInfo DescribeRuntime();

// Checks a small forward computation against hand-computed values.
Status ModelSelfTest();

}  // namespace mgrs::model
