// `mgrs augment cutout|edit`: derive augmented images of a dataset into the catalog (docs/augment.md).
#include <iostream>

#include "commands.h"
#include "mgrs/augment/augment.h"

namespace mgrs::tools {

int RunAugment(int argc, const char* const* argv) {
  const std::string program = "mgrs augment";
  augment::AugmentOptions options;
  std::string operation;
  cli::po::options_description described("Options");
  described.add_options()                                                                                   //
      ("catalog", cli::po::value(&options.catalog_path)->required(), "catalog file (migrated when older)")  //
      ("dataset", cli::po::value(&options.dataset)->required(), "dataset whose images are augmented")       //
      ("class", cli::po::value(&options.class_key),
       "cutout: the class counted (default: each image's most frequent); edit: only targets of this class")        //
      ("out", cli::po::value(&options.out_dir)->required(), "folder for the derived PNGs")                         //
      ("seed", cli::po::value(&options.seed)->required(), "random seed (results depend on it and the image ids)")  //
      ("jobs", cli::po::value(&options.jobs)->default_value(1), "worker threads (one writer besides them)")        //
      ("variants", cli::po::value(&options.cutout.variants)->default_value(4), "cutout variants per image")        //
      ("min-ratio", cli::po::value(&options.cutout.min_ratio)->default_value(0.15, "0.15"),
       "cutout: r ~ U(min, max)")  //
      ("max-ratio", cli::po::value(&options.cutout.max_ratio)->default_value(0.30, "0.30"),
       "cutout: r ~ U(min, max)")               //
      ("no-spatial", "edit: no spatial edits")  //
      ("no-colour", "edit: no colour edits");
  cli::po::positional_options_description positional;
  described.add_options()("operation", cli::po::value(&operation)->required(), "cutout or edit");
  positional.add("operation", 1);
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "mgrs augment cutout|edit --catalog C --dataset D [--class K] --out DIR --seed N [--jobs N]",
      "Derive augmented images (count-varying cutout, or spatial and colour attribute edits) as lossless PNGs and "
      "store them in the catalog with their lineage.",
      "mgrs augment cutout --catalog catalog.sqlite --dataset dota --class small-vehicle --out aug/ --seed 7"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm, &positional)) return *exit;
  if (operation == "cutout") {
    options.operation = augment::Operation::kCutout;
  } else if (operation == "edit") {
    options.operation = augment::Operation::kEdit;
  } else {
    return cli::UsageError(program, "the operation must be cutout or edit, not '" + operation + "'");
  }
  if (!options.class_key.empty()) options.class_key = NormaliseClassKey(options.class_key);
  options.spatial_edit = !vm.count("no-spatial");
  options.colour_edit = !vm.count("no-colour");
  options.tool_version = "mgrs " + cli::Version();
  auto summary = augment::RunAugment(options);
  if (!summary.ok()) return cli::ExitFor(program, summary.status());
  std::cout << augment::SummaryText(*summary) << "\n";
  return kExitOk;
}

}  // namespace mgrs::tools
