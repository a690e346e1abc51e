// skymoe: train, evaluate, serve and inspect SkyMoE models (LibTorch).
#include <iostream>

#include "mgrs/cli/cli.h"
#include "mgrs/model/runtime.h"

namespace {

int RunSelfTest(int argc, const char* const* argv) {
  namespace po = mgrs::cli::po;
  po::options_description options("Options");
  int threads = 0;
  options.add_options()("threads", po::value(&threads)->default_value(0), "intra-op threads (0 = all cores)");
  po::variables_map vm;
  const mgrs::cli::CommandHelp help{"skymoe self-test [--threads N]",
                                    "Report LibTorch's version, threads and BLAS, and run a small computation.",
                                    "skymoe self-test"};
  if (auto exit = mgrs::cli::Parse(argc, argv, "skymoe self-test", help, options, &vm)) return *exit;
  mgrs::model::ConfigureThreads(threads);
  const auto info = mgrs::model::DescribeRuntime();
  std::cout << "skymoe " << mgrs::cli::Version() << "\n  LibTorch " << info.torch_version << ", "
            << info.intra_op_threads << " intra-op threads, CUDA " << (info.cuda_available ? "yes" : "no")
            << "\n  BLAS: " << (info.blas_library.empty() ? "(none found)" : info.blas_library) << "\n";
  int exit = mgrs::kExitOk;
  if (!info.blas_is_optimised) {
    std::cout << "  warning: matrix products use the reference BLAS (about 25x slower); install libopenblas0-pthread\n";
    exit = mgrs::kExitFailure;
  }
  const auto status = mgrs::model::ModelSelfTest();
  std::cout << "  self-test model: " << (status.ok() ? "ok" : status.ToString()) << "\n";
  return status.ok() ? exit : mgrs::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  return mgrs::cli::RunSubcommand(
      argc, argv, "skymoe", "Train, evaluate, serve and inspect SkyMoE models.",
      {{"self-test", "report LibTorch, threads and BLAS; run a small computation", RunSelfTest}});
}
