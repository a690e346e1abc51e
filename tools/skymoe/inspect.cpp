// `skymoe inspect`: names, shapes, dtypes and parameter counts by part of a checkpoint (headers only).
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "mgrs/model/checkpoint.h"

namespace mgrs::tools {

int RunSkymoeInspect(int argc, const char* const* argv) {
  std::string checkpoint;
  std::string vision_tower;
  bool summary_only = false;
  cli::po::options_description description("Options");
  description.add_options()("checkpoint", cli::po::value(&checkpoint)->required(), "checkpoint folder")(
      "vision-tower", cli::po::value(&vision_tower), "separate CLIP folder (liuhaotian LLaVA)")(
      "summary", cli::po::bool_switch(&summary_only), "print the counts only, not every tensor");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"skymoe inspect --checkpoint DIR [--vision-tower DIR] [--summary]",
                              "List a checkpoint's tensors and count its parameters by part.",
                              "skymoe inspect --checkpoint skymoe-base --summary"};
  if (auto exit = cli::Parse(argc, argv, "skymoe inspect", help, description, &vm)) return *exit;
  auto summary = model::InspectCheckpoint(checkpoint, vision_tower);
  if (!summary.ok()) return cli::ExitFor("skymoe inspect", summary.status());
  if (!summary_only) {
    for (const auto& t : summary->tensors) {
      std::cout << t.name << "\t" << t.dtype << "\t[";
      for (size_t i = 0; i < t.shape.size(); ++i) std::cout << (i ? ", " : "") << t.shape[i];
      std::cout << "]\t" << t.numel << "\n";
    }
  }
  std::cout << "layout: " << model::KeyLayoutName(summary->layout) << "\n";
  for (const auto& [part, count] : summary->parameters_by_part) {
    std::cout << std::left << std::setw(16) << model::keys::PartName(part) << std::right << std::setw(16) << count
              << "\n";
  }
  std::cout << std::left << std::setw(16) << "total" << std::right << std::setw(16) << summary->total_parameters
            << "\n";
  const auto& moe = summary->config.moe;
  std::cout << std::left << std::setw(16) << "active/token" << std::right << std::setw(16)
            << summary->active_parameters_per_token;
  if (moe.enabled()) std::cout << "  (top-" << moe.top_k << " of " << moe.num_experts << " experts per MoE layer)";
  std::cout << "\n";
  return kExitOk;
}

}  // namespace mgrs::tools
