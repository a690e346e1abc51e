// `mgrs pipeline`: the whole loop on the rendered demo data, stage by stage, skipping what is unchanged.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "mgrs/core/files.h"
#include "mgrs/pipeline/pipeline.h"

namespace mgrs::tools {
namespace {

// `skymoe` is installed (and built) beside `mgrs`; $MGRS_SKYMOE overrides.
std::string SkymoePath() {
  if (const char* path = std::getenv("MGRS_SKYMOE")) return path;
  std::error_code ec;
  return (std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "skymoe").string();
}

}  // namespace

int RunPipeline(int argc, const char* const* argv) {
  const std::string program = "mgrs pipeline";
  pipeline::PipelineOptions options;
  std::string config = "pipeline/demo.json";
  cli::po::options_description described("Options");
  described.add_options()  //
      ("config", cli::po::value(&config)->default_value(config),
       "pipeline config: a file, or a name under the manifests folder (pipeline/smoke.json: tiny and quick)")       //
      ("out", cli::po::value(&options.out_dir)->required(), "output folder (a rerun skips unchanged stages)")       //
      ("threads", cli::po::value(&options.threads)->default_value(0), "threads of the model stages (0: config's)")  //
      ("force", cli::po::bool_switch(&options.force), "run every stage, changed or not");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "mgrs pipeline --out DIR [--config manifests/pipeline/demo.json] [--threads N] [--force]",
      "Render demo data, build the catalog, augment, generate instructions, train SkyMoE (Stage I, Stage II), "
      "evaluate and write DIR/report.{json,md,html} with the model beside trivial baselines.",
      "mgrs pipeline --out runs/demo"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  auto found = std::filesystem::exists(config) ? Result<std::string>(config) : FindManifestFile(config);
  if (!found.ok()) return cli::ExitFor(program, found.status());
  options.config_path = *found;
  options.skymoe_path = SkymoePath();
  const auto& names = pipeline::StageNames();
  options.on_stage = [&](const std::string& stage, const std::string& event, const std::string& detail) {
    const auto index = std::find(names.begin(), names.end(), stage) - names.begin() + 1;
    std::cerr << program << " [" << index << "/" << names.size() << "] " << stage << ": " << event
              << (detail.empty() ? "" : (event == "command" ? "\n  $ " : " - ") + detail) << std::endl;
  };
  auto report = pipeline::RunPipeline(options);
  if (!report.ok()) return cli::ExitFor(program, report.status());
  double seconds = 0;
  for (const auto& stage : report->stages) seconds += stage.seconds;
  std::cout << program << ": done in " << static_cast<int>(seconds) << " s; targets met " << report->targets_met
            << " of " << report->targets_total << "; report " << report->report_path << " (.md, .html beside it)\n";
  return kExitOk;
}

}  // namespace mgrs::tools
