// `skymoe train`: Stage I (LoRA) or Stage II (MoE) training from a checkpoint; checkpoints and log.jsonl in --out.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "mgrs/model/train.h"

namespace mgrs::tools {
namespace {

// One line redrawn in place on a terminal: a bar, the step, the loss and the throughput.
void DrawProgress(const model::StepLog& s) {
  constexpr int kWidth = 30;
  const int filled = s.total_steps > 0 ? static_cast<int>(kWidth * s.step / s.total_steps) : 0;
  std::fprintf(stderr, "\r[%s%s] %lld/%lld loss %.4f aux %.4f lr %.2e %.0f tok/s", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, '.').c_str(), static_cast<long long>(s.step),
               static_cast<long long>(s.total_steps), s.loss, s.aux_loss, s.lr, s.tokens_per_s);
  if (s.step == s.total_steps) std::fprintf(stderr, "\n");
}

// A TCP port free on the loopback now (the kernel's pick), for a local rendezvous.
int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 29500;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

// --nproc N: this command again as N local ranks with torchrun's variables; returns the first failing rank's code.
int LaunchLocalRanks(int argc, const char* const* argv, int nproc) {
  const char* port_variable = std::getenv("MASTER_PORT");
  const std::string port = port_variable != nullptr ? port_variable : std::to_string(FreeLoopbackPort());
  std::vector<std::string> args{"/proc/self/exe", "train"};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--nproc") {
      ++i;
    } else if (arg.rfind("--nproc=", 0) != 0) {
      args.push_back(arg);
    }
  }
  std::fflush(nullptr);
  std::vector<pid_t> children;
  for (int rank = 0; rank < nproc; ++rank) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 0);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      std::vector<char*> exec_args;
      for (auto& arg : args) exec_args.push_back(arg.data());
      exec_args.push_back(nullptr);
      ::execv(exec_args[0], exec_args.data());
      std::perror("skymoe train: exec");
      ::_exit(127);
    }
    if (pid > 0) children.push_back(pid);
  }
  int code = static_cast<int>(children.size()) == nproc ? kExitOk : 1;
  for (const pid_t child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    const int child_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    if (code == kExitOk) code = child_code;
  }
  return code;
}

}  // namespace

int RunSkymoeTrain(int argc, const char* const* argv) {
  const std::string program = "skymoe train";
  cli::po::options_description options("Options");
  std::string config_path;
  model::TrainOptions train;
  int stage = 0;
  int64_t steps = 0;
  double epochs = 0, lr = 0;
  int64_t max_rejects = -1;
  int nproc = 0;
  options.add_options()                                                                                          //
      ("config", cli::po::value(&config_path)->required(), "training config (manifests/train/*.json)")           //
      ("data", cli::po::value(&train.data_path)->required(), "instruction Sample JSON Lines")                    //
      ("image-root", cli::po::value(&train.image_root)->required(), "folder the samples' image paths start in")  //
      ("stage", cli::po::value(&stage)->required(), "1 (LoRA on W_q, W_v) or 2 (experts and routers)")           //
      ("out", cli::po::value(&train.out_dir)->required(), "folder for checkpoints and log.jsonl")                //
      ("init", cli::po::value(&train.init_dir)->required(), "checkpoint to start from (Stage II: Stage I's)")    //
      ("steps", cli::po::value(&steps), "optimizer steps (instead of the config's)")                             //
      ("epochs", cli::po::value(&epochs), "epochs (instead of the config's)")                                    //
      ("lr", cli::po::value(&lr), "peak learning rate (instead of the config's)")                                //
      ("resume", cli::po::bool_switch(&train.resume), "continue from --out's latest checkpoint")                 //
      ("nproc", cli::po::value(&nproc)->default_value(0), "start N local data-parallel ranks (Gloo)")            //
      ("max-rejects", cli::po::value(&max_rejects)->default_value(-1),
       "skipped samples allowed before exit 3 (-1 = any number)")                             //
      ("device", cli::po::value(&train.device)->default_value("cpu"), "cpu, cuda or cuda:N")  //
      ("threads", cli::po::value(&train.threads)->default_value(0), "intra-op threads (0 = all cores)");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "skymoe train --config C.json --data train.jsonl --image-root DIR --stage 1|2 --init CKPT --out DIR "
      "[--steps N | --epochs N] [--resume] [--nproc N]",
      "Train SkyMoE: Stage I LoRA adapters, or Stage II experts and routers; resumable checkpoints in --out.",
      "skymoe train --config manifests/train/skymoe-tiny-stage1.json --data train.jsonl --image-root data "
      "--stage 1 --init ckpt/tiny --out runs/stage1 --steps 100"};
  if (auto exit = cli::Parse(argc, argv, program, help, options, &vm)) return *exit;
  if (vm.count("steps") && vm.count("epochs")) return cli::UsageError(program, "give --steps or --epochs, not both");
  if (nproc > 1) return LaunchLocalRanks(argc, argv, nproc);
  auto distributed = model::DistributedFromEnvironment();
  if (!distributed.ok()) return cli::ExitFor(program, distributed.status());
  train.distributed = *distributed;
  auto config = model::ReadTrainConfig(config_path);
  if (!config.ok()) return cli::ExitFor(program, config.status());
  train.config = *config;
  train.config.stage = stage;
  if (vm.count("steps")) train.config.steps = steps;
  if (vm.count("epochs")) {
    train.config.steps = 0;
    train.config.epochs = epochs;
  }
  if (vm.count("lr")) train.config.optimizer.lr = lr;
  if (::isatty(2) && train.distributed.rank == 0) train.on_step = DrawProgress;
  auto report = model::RunTraining(train);
  if (!report.ok()) return cli::ExitFor(program, report.status());
  if (train.distributed.rank != 0) return kExitOk;  // rank 0 reports for all
  for (const auto& diagnostic : report->data.rejected) std::cerr << diagnostic.ToString() << "\n";
  std::cerr << program << ": " << report->data.read << " samples read, " << report->data.used << " used ("
            << report->data.truncated << " truncated, " << report->data.skipped_overlong << " too long, "
            << report->data.rejected.size() << " rejected); ";
  if (report->last_step < report->first_step) {
    std::cerr << "no step left: " << report->last_checkpoint << " is at step " << report->last_step << " of "
              << report->total_steps << "\n";
  } else {
    std::cerr << "steps " << report->first_step << "-" << report->last_step << " of " << report->total_steps
              << ", last loss " << report->last_loss << "; checkpoint " << report->last_checkpoint << "\n";
  }
  const auto skipped = static_cast<int64_t>(report->data.rejected.size()) + report->data.skipped_overlong;
  return max_rejects >= 0 && skipped > max_rejects ? kExitTooManyRejects : kExitOk;
}

}  // namespace mgrs::tools
