// The `mgrs` subcommands: one source file each, all listed in commands.cpp.
#pragma once

#include <vector>

#include "mgrs/cli/cli.h"

namespace mgrs::tools {

// Each RunX takes the subcommand's argv (argv[0] = "mgrs x") and returns the exit code.
int RunSelfCheck(int argc, const char* const* argv);
int RunIngest(int argc, const char* const* argv);
int RunCatalog(int argc, const char* const* argv);
int RunAugment(int argc, const char* const* argv);
int RunInstruct(int argc, const char* const* argv);
int RunDemoData(int argc, const char* const* argv);
int RunPipeline(int argc, const char* const* argv);
int RunBench(int argc, const char* const* argv);

const std::vector<cli::Subcommand>& MgrsCommands();

}  // namespace mgrs::tools
