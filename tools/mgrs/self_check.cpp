// `mgrs self-check`: what is built and whether it works on this machine.
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/core/self_test.h"
#include "mgrs/raster/raster.h"

namespace mgrs::tools {

int RunSelfCheck(int argc, const char* const* argv) {
  cli::po::options_description options("Options");
  std::string scratch;
  options.add_options()("scratch", cli::po::value(&scratch)->default_value(std::filesystem::temp_directory_path()),
                        "folder for the self-tests' temporary files");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs self-check [--scratch DIR]",
                              "Print the versions of the libraries in use and run each module's self-test.",
                              "mgrs self-check"};
  if (auto exit = cli::Parse(argc, argv, "mgrs self-check", help, options, &vm)) return *exit;

  std::cout << "mgrs " << cli::Version() << "\n"
            << "  libraries: " << raster::LibraryVersions() << ", SQLite " << catalog::SqliteVersion()
            << ", nlohmann_json " << NLOHMANN_JSON_VERSION_MAJOR << "." << NLOHMANN_JSON_VERSION_MINOR << "."
            << NLOHMANN_JSON_VERSION_PATCH << "\n";
  int failures = 0;
  auto report = [&](const char* what, const Status& status) {
    std::cout << "  self-test " << what << ": " << (status.ok() ? "ok" : status.ToString()) << "\n";
    failures += status.ok() ? 0 : 1;
  };
  report("core", CoreSelfTest(scratch));
  report("raster", raster::SelfTest(scratch));
  return failures == 0 ? kExitOk : kExitFailure;
}

}  // namespace mgrs::tools
