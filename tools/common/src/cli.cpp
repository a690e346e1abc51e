// Shared command-line plumbing for mgrs, mgrs-score and skymoe.
#include "mgrs/cli/cli.h"

#include <csignal>
#include <iostream>

namespace mgrs::cli {

std::string Version() { return MGRS_VERSION; }

int UsageError(const std::string& program, const std::string& message) {
  std::cerr << program << ": error: " << message << "\nTry '" << program << " --help'.\n";
  return kExitUsage;
}

int ExitFor(const std::string& program, const Status& status) {
  if (status.ok()) return kExitOk;
  std::cerr << program << ": error: " << status.message() << "\n";
  return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

std::optional<int> Parse(int argc, const char* const* argv, const std::string& program, const CommandHelp& help,
                         po::options_description options, po::variables_map* vm,
                         const po::positional_options_description* positional) {
  options.add_options()("help,h", "print this help and exit")("version", "print the version and exit");
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(options);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), *vm);
    if (vm->count("help")) {
      std::cout << "Usage: " << help.usage << "\n\n"
                << help.summary << "\n\n"
                << options << "\nExample:\n  " << help.example << "\n";
      return kExitOk;
    }
    if (vm->count("version")) {
      std::cout << program << " " << Version() << "\n";
      return kExitOk;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    return UsageError(program, e.what());
  }
  return std::nullopt;
}

void PrepareProcess() { std::signal(SIGXFSZ, SIG_IGN); }

int RunSubcommand(int argc, const char* const* argv, const std::string& tool, const std::string& summary,
                  const std::vector<Subcommand>& commands) {
  PrepareProcess();
  auto print_table = [&](std::ostream& out) {
    out << "Usage: " << tool << " <command> [options]\n\n" << summary << "\n\nCommands:\n";
    for (const auto& c : commands) {
      out << "  " << c.name << std::string(c.name.size() < 14 ? 14 - c.name.size() : 1, ' ') << c.summary << "\n";
    }
    out << "\nRun '" << tool << " <command> --help' for a command's options and an example.\n";
  };
  if (argc < 2) {
    print_table(std::cerr);
    return kExitUsage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_table(std::cout);
    return kExitOk;
  }
  if (name == "--version") {
    std::cout << tool << " " << Version() << "\n";
    return kExitOk;
  }
  for (const auto& c : commands) {
    if (c.name != name) continue;
    std::vector<const char*> sub_argv(argv + 1, argv + argc);
    const std::string sub_program = tool + " " + name;
    sub_argv[0] = sub_program.c_str();
    return c.run(static_cast<int>(sub_argv.size()), sub_argv.data());
  }
  return UsageError(tool, "unknown command '" + name + "'");
}

}  // namespace mgrs::cli
