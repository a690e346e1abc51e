// `mgrs instruct`: the five-task instruction set from a catalog; `mgrs instruct export`: LLaVA's JSON array.
#include <cstring>
#include <iostream>

#include "commands.h"
#include "mgrs/core/files.h"
#include "mgrs/instruct/instruct.h"

namespace mgrs::tools {
namespace {

int RunExport(int argc, const char* const* argv) {
  const std::string program = "mgrs instruct export";
  std::string format, in, out;
  cli::po::options_description described("Options");
  described.add_options()                                                                         //
      ("format", cli::po::value(&format)->default_value("llava"), "llava (the only format yet)")  //
      ("in", cli::po::value(&in)->required(), "Sample JSON Lines (train.jsonl)")                  //
      ("out", cli::po::value(&out)->required(), "JSON file to write");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs instruct export --in train.jsonl --out train_llava.json [--format llava]",
                              "Write Sample JSON Lines as the single JSON array LLaVA and GeoChat trainers load.",
                              "mgrs instruct export --in out/train.jsonl --out out/train_llava.json"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  if (format != "llava") return cli::UsageError(program, "unknown --format '" + format + "' (expected llava)");
  return cli::ExitFor(program, instruct::ExportLlava(in, out));
}

int RunGenerate(int argc, const char* const* argv) {
  const std::string program = "mgrs instruct";
  instruct::InstructOptions options;
  bool no_image_check = false, no_links = false;
  cli::po::options_description described("Options");
  described.add_options()                                                                                        //
      ("catalog", cli::po::value(&options.catalog_path)->required(), "catalog to read")                          //
      ("config", cli::po::value(&options.config_path), "composition (default: manifests/instruct/skymoe.json)")  //
      ("templates", cli::po::value(&options.templates_dir), "template folder (default: manifests/templates)")    //
      ("out", cli::po::value(&options.out_dir)->required(), "folder for train.jsonl, test.jsonl, stats.json")    //
      ("seed", cli::po::value(&options.seed)->default_value(0), "draws samples and phrasings")                   //
      ("jobs", cli::po::value(&options.jobs)->default_value(1), "generation threads (the output is the same)")   //
      ("no-image-check", cli::po::bool_switch(&no_image_check), "do not skip images missing on disk")            //
      ("no-links", cli::po::bool_switch(&no_links), "do not link OUT/images/<dataset> to the dataset roots");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "mgrs instruct --catalog C --out DIR [--config F] [--templates DIR] [--seed N] [--jobs N]\n"
      "       mgrs instruct export --in DIR/train.jsonl --out F [--format llava]",
      "Generate the captioning, VQA, grounding, counting and classification instruction set from a catalog, split "
      "by image: DIR/train.jsonl and DIR/test.jsonl (docs/formats.md) with DIR/images/ as their image root.",
      "mgrs instruct --catalog catalog.sqlite --out instructions --seed 7 --jobs 2"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  options.check_images = !no_image_check;
  options.link_images = !no_links;
  for (auto [path, relative] :
       {std::pair{&options.config_path, "instruct/skymoe.json"}, std::pair{&options.templates_dir, "templates"}}) {
    if (!path->empty()) continue;
    auto found = FindManifestFile(relative);
    if (!found.ok()) return cli::ExitFor(program, found.status());
    *path = *found;
  }
  auto summary = instruct::RunInstruct(options);
  if (!summary.ok()) return cli::ExitFor(program, summary.status());
  for (const auto& [reason, n] : summary->skipped) {
    std::cerr << "skipped " << n << ": " << reason << " (e.g. " << summary->skip_examples.at(reason).front() << ")\n";
  }
  for (const auto& shortfall : summary->shortfalls) std::cerr << "shortfall: " << shortfall << "\n";
  std::cout << program << ": " << summary->images << " images, " << summary->train_samples << " train and "
            << summary->test_samples << " test samples in " << options.out_dir << "\n";
  return kExitOk;
}

}  // namespace

int RunInstruct(int argc, const char* const* argv) {
  if (argc > 1 && std::strcmp(argv[1], "export") == 0) return RunExport(argc - 1, argv + 1);
  return RunGenerate(argc, argv);
}

}  // namespace mgrs::tools
