// Where tests find their files. A missing file throws, so the test fails instead of skipping.
#pragma once

#include <string>

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

}  // namespace mgrs::testing
