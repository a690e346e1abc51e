// What every tool's main shares: option parsing with --help/--version, usage errors with exit code 2,
// subcommand tables, and mapping a Status to an exit code.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "mgrs/core/exit_codes.h"
#include "mgrs/core/status.h"

namespace mgrs::cli {

namespace po = boost::program_options;

// Describes one command for --help: its usage line, one sentence, and an example.
struct CommandHelp {
  std::string usage;    // "mgrs ingest --catalog C --format F --root DIR [options]"
  std::string summary;  // one sentence
  std::string example;  // a full command line a user can paste
};

// Parses argv against `options` (plus --help and --version, added here) and `positional`.
// Returns an exit code when the caller should stop now: 0 after printing help or the version, 2 after a usage
// error (message and usage on stderr). Returns nullopt when `vm` is filled and the command should run.
std::optional<int> Parse(int argc, const char* const* argv, const std::string& program, const CommandHelp& help,
                         po::options_description options, po::variables_map* vm,
                         const po::positional_options_description* positional = nullptr);

// Prints "program: error: message" and returns kExitUsage.
int UsageError(const std::string& program, const std::string& message);
// Prints the status (when not ok) on stderr and maps it: ok -> 0, invalid argument -> 2, anything else -> 1.
int ExitFor(const std::string& program, const Status& status);

// A subcommand of a multi-command tool (`mgrs ingest`, `skymoe train`).
struct Subcommand {
  std::string name;
  std::string summary;
  std::function<int(int argc, const char* const* argv)> run;  // argv[0] is "<tool> <name>"
};

// Called first by every tool (RunSubcommand calls it): a write past a file-size limit (`ulimit -f`) then fails
// with EFBIG and is reported with its file like any other failed write, its temporary file removed, instead of
// SIGXFSZ killing the process and leaving the temporary file behind.
void PrepareProcess();

// Dispatches argv[1] to its subcommand; prints the table on --help or no arguments, the version on --version.
int RunSubcommand(int argc, const char* const* argv, const std::string& tool, const std::string& summary,
                  const std::vector<Subcommand>& commands);

std::string Version();

}  // namespace mgrs::cli
