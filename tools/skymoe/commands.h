// The `skymoe` subcommands: one source file each, all listed in commands.cpp.
#pragma once

#include <vector>

#include "mgrs/cli/cli.h"

namespace mgrs::tools {

// Each RunX takes the subcommand's argv (argv[0] = "skymoe x") and returns the exit code.
int RunSkymoeSelfTest(int argc, const char* const* argv);
int RunSkymoeConvert(int argc, const char* const* argv);
int RunSkymoeInspect(int argc, const char* const* argv);
int RunSkymoeGenerate(int argc, const char* const* argv);
int RunSkymoeEval(int argc, const char* const* argv);
int RunSkymoeServe(int argc, const char* const* argv);
int RunSkymoeInit(int argc, const char* const* argv);
int RunSkymoeTrain(int argc, const char* const* argv);

const std::vector<cli::Subcommand>& SkymoeCommands();

}  // namespace mgrs::tools
