// Where tests find their files. A missing file throws, so the test fails instead of skipping.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace mgrs::testing {

// A file under the tests' data folder: $MGRS_SHARED when set, else the MGRS_SHARED of configure time (default
// <source>/tests/data). Throws when the file is missing.
std::string SharedFile(const std::string& relative);
// A file under tests/fixtures (the project's own small fixtures).
std::string FixtureFile(const std::string& relative);
// A tool of this build, e.g. ToolPath("skymoe") -> <build>/tools/skymoe.
std::string ToolPath(const std::string& name);
// A fresh empty folder for one test, removed by the next call with the same name.
std::string ScratchDir(const std::string& name);
// Runs a shell command; returns its exit status and stores stdout+stderr in *output.
int RunCommand(const std::string& command, std::string* output);
// RunCommand with a limit on the size of the files the command writes (ulimit -f, rounded down to 512-byte blocks):
// a write past it fails with EFBIG, as on a full disk.
int RunWithFileSizeLimit(const std::string& command, long max_bytes, std::string* output);
// Starts `command` through /bin/sh, exec'd so that the pid is the tool's (to kill it), with its output discarded.
pid_t StartInBackground(const std::string& command);
// A file's bytes ("" when it cannot be read).
std::string Slurp(const std::string& path);
// Everything under `dir` whose name holds ".tmp": AtomicFileWriter's temporary files (<name>.tmp.<pid>.<n>) and the
// trainer's checkpoint folders before their rename (.step-N.tmp). Empty when `dir` does not exist.
std::vector<std::string> TemporariesIn(const std::string& dir);

}  // namespace mgrs::testing
