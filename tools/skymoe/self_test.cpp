// `skymoe self-test`: LibTorch's version, threads and BLAS, and a small computation.
#include <iostream>

#include "commands.h"
#include "mgrs/model/runtime.h"

namespace mgrs::tools {

int RunSkymoeSelfTest(int argc, const char* const* argv) {
  cli::po::options_description options("Options");
  int threads = 0;
  options.add_options()("threads", cli::po::value(&threads)->default_value(0), "intra-op threads (0 = all cores)");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"skymoe self-test [--threads N]",
                              "Report LibTorch's version, threads and BLAS, and run a small computation.",
                              "skymoe self-test"};
  if (auto exit = cli::Parse(argc, argv, "skymoe self-test", help, options, &vm)) return *exit;
  model::ConfigureThreads(threads);
  const auto info = model::DescribeRuntime();
  std::cout << "skymoe " << cli::Version() << "\n  LibTorch " << info.torch_version << ", " << info.intra_op_threads
            << " intra-op threads, CUDA " << (info.cuda_available ? "yes" : "no")
            << "\n  BLAS: " << (info.blas_library.empty() ? "(none found)" : info.blas_library) << "\n";
  int exit = kExitOk;
  if (!info.blas_is_optimised) {
    std::cout << "  warning: matrix products use the reference BLAS (about 25x slower); install libopenblas0-pthread\n";
    exit = kExitFailure;
  }
  const auto status = model::ModelSelfTest();
  std::cout << "  self-test model: " << (status.ok() ? "ok" : status.ToString()) << "\n";
  return status.ok() ? exit : kExitFailure;
}

}  // namespace mgrs::tools
