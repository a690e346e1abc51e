// mgrs: the dataset side of the toolkit (ingest, catalog, augment, instruct, bench, pipeline).
#include "commands.h"

int main(int argc, char** argv) {
  return mgrs::cli::RunSubcommand(argc, argv, "mgrs",
                                  "Build remote-sensing instruction data and MGRS-Bench from public datasets.",
                                  mgrs::tools::MgrsCommands());
}
