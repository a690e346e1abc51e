// Running another of the toolkit's programs (`skymoe`) as a child process: the model stages live in a separate
// binary, since LibTorch stays inside model/ (and its protobuf cannot share a process with SentencePiece's).
#pragma once

#include <string>
#include <vector>

#include "mgrs/core/status.h"

namespace mgrs::pipeline {

// The arguments as one shell-quoted line, for the user to read and rerun.
std::string CommandLine(const std::vector<std::string>& args);

// Runs args[0] with args (no shell), sharing this process's stdin, stdout and stderr, and waits. Errors:
// NotFound when it cannot be started, Internal naming the program and its exit code or signal.
Status RunProgram(const std::vector<std::string>& args);

}  // namespace mgrs::pipeline
