// skymoe: train, evaluate, serve and inspect SkyMoE models (LibTorch).
#include "commands.h"

int main(int argc, char** argv) {
  return mgrs::cli::RunSubcommand(argc, argv, "skymoe", "Train, evaluate, serve and inspect SkyMoE models.",
                                  mgrs::tools::SkymoeCommands());
}
