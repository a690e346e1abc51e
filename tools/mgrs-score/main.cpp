// mgrs-score: scores any model's outputs against ground truth (the metrics arrive with the mgrs-score issues).
#include <iostream>

#include "mgrs/cli/cli.h"

int main(int argc, char** argv) {
  namespace po = mgrs::cli::po;
  po::options_description options("Options");
  std::string gt, pred;
  options.add_options()("gt", po::value(&gt), "ground truth: Sample JSONL or a coco caption file")(
      "pred", po::value(&pred), "predictions: Prediction JSONL or a coco results file")(
      "self-test", "check the scorer on built-in values and exit");
  po::variables_map vm;
  const mgrs::cli::CommandHelp help{"mgrs-score --gt GT --pred PRED [options]",
                                    "Score model outputs with caption, VQA, counting, classification and grounding "
                                    "metrics.",
                                    "mgrs-score --gt test.jsonl --pred predictions.jsonl --json report.json"};
  if (auto exit = mgrs::cli::Parse(argc, argv, "mgrs-score", help, options, &vm)) return *exit;
  if (vm.count("self-test")) {
    std::cout << "mgrs-score " << mgrs::cli::Version() << ": no metrics are built yet\n";
    return mgrs::kExitOk;
  }
  return mgrs::cli::UsageError("mgrs-score", "the metrics are not built yet");
}
