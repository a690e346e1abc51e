// `skymoe init`: a checkpoint to train from scratch (random weights, a tokenizer trained on the data).
#include <iostream>

#include "commands.h"
#include "mgrs/model/init.h"

namespace mgrs::tools {

int RunSkymoeInit(int argc, const char* const* argv) {
  const std::string program = "skymoe init";
  cli::po::options_description options("Options");
  model::InitOptions init;
  options.add_options()                                                                                    //
      ("config", cli::po::value(&init.config_path)->required(), "model config (manifests/models/*.json)")  //
      ("data", cli::po::value(&init.data_path)->required(), "Sample JSON Lines that train the tokenizer")  //
      ("out", cli::po::value(&init.out_dir)->required(), "checkpoint folder to write (replaced)")          //
      ("seed", cli::po::value(&init.seed)->default_value(0), "seed of the random weights");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "skymoe init --config MODEL.json --data train.jsonl --out CKPT [--seed N]",
      "Write a new checkpoint to train from scratch: random weights and a tokenizer trained on the samples' text.",
      "skymoe init --config manifests/models/skymoe-tiny.json --data instruct/train.jsonl --out runs/init"};
  if (auto exit = cli::Parse(argc, argv, program, help, options, &vm)) return *exit;
  auto report = model::InitCheckpoint(init);
  if (!report.ok()) return cli::ExitFor(program, report.status());
  std::cerr << program << ": " << init.out_dir << ": " << report->parameters << " parameters, tokenizer from "
            << report->samples << " samples (" << report->bad_lines << " bad lines skipped), " << report->seconds
            << " s\n";
  return kExitOk;
}

}  // namespace mgrs::tools
