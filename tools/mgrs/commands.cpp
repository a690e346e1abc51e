// The table of `mgrs` subcommands. A new subcommand is one new file plus one line here.
#include "commands.h"

namespace mgrs::tools {

const std::vector<cli::Subcommand>& MgrsCommands() {
  static const std::vector<cli::Subcommand> commands = {
      {"self-check", "check what is built: versions, libraries, data files, self-tests", RunSelfCheck},
      {"ingest", "read a dataset's annotation files into the catalog", RunIngest},
      {"catalog", "look into a catalog: stats, verify, rejects, export, merge", RunCatalog},
      {"augment", "derive augmented images: count-varying cutout, spatial and colour edits", RunAugment},
      {"instruct", "generate the five-task instruction set from a catalog; export it for LLaVA", RunInstruct},
      {"demo-data", "render the demo dataset: aerial scenes in five source formats", RunDemoData},
      {"pipeline", "the whole loop on the demo data: catalog to trained model to score report", RunPipeline},
      {"bench", "MGRS-Bench: build the item set, accept, export with checksums, verify", RunBench},
  };
  return commands;
}

}  // namespace mgrs::tools
