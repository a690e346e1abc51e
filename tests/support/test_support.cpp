// Test helpers: fixture paths, scratch folders, running tools.
#include "test_support.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace mgrs::testing {
namespace {

std::string Existing(const std::string& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("test file missing: " + path);
  return path;
}

}  // namespace

std::string SharedFile(const std::string& relative) {
  const char* env = std::getenv("MGRS_SHARED");
  const std::string root = env && *env ? env : MGRS_SHARED_DEFAULT;
  return Existing(root + "/" + relative);
}

std::string FixtureFile(const std::string& relative) {
  return Existing(std::string(MGRS_TEST_FIXTURES) + "/" + relative);
}

std::string ToolPath(const std::string& name) { return Existing(std::string(MGRS_BINARY_DIR) + "/tools/" + name); }

std::string ScratchDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("mgrs-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

int RunCommand(const std::string& command, std::string* output) {
  output->clear();
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output->append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int RunWithFileSizeLimit(const std::string& command, long max_bytes, std::string* output) {
  return RunCommand("ulimit -f " + std::to_string(max_bytes / 512) + " && exec " + command, output);
}

pid_t StartInBackground(const std::string& command) {
  const std::string line = "exec " + command + " >/dev/null 2>&1";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> TemporariesIn(const std::string& dir) {
  std::vector<std::string> found;
  if (!std::filesystem::exists(dir)) return found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().find(".tmp") != std::string::npos) found.push_back(entry.path().string());
  }
  return found;
}

}  // namespace mgrs::testing
