// `mgrs demo-data`: render the demo dataset (aerial scenes in five source formats) into a folder.
#include <unistd.h>

#include <iostream>

#include "commands.h"
#include "mgrs/demo/demo_data.h"

namespace mgrs::tools {

int RunDemoData(int argc, const char* const* argv) {
  const std::string program = "mgrs demo-data";
  demo::DemoDataOptions options;
  bool quiet = false;
  cli::po::options_description described("Options");
  described.add_options()                                                                                     //
      ("out", cli::po::value(&options.out_dir)->required(), "output folder (an earlier output is replaced)")  //
      ("seed", cli::po::value(&options.seed)->default_value(1), "random seed: same seed, same bytes")         //
      ("scale", cli::po::value(&options.scale)->default_value(1.0),
       "multiplies the image count (1: 44 images per scene class, 308 in all)")                              //
      ("size", cli::po::value(&options.image_size)->default_value(256), "image width and height in pixels")  //
      ("quiet", cli::po::bool_switch(&quiet), "no progress lines");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "mgrs demo-data --out DIR [--seed N] [--scale S] [--size PIXELS]",
      "Render procedural aerial scenes (airport, harbor, parking lot, storage tanks, residential, farmland, forest) "
      "as DOTA, DIOR-RSVG, Karpathy captions, RSVQA and scene folders; DIR/ingest.json lists how to ingest them.",
      "mgrs demo-data --out demo --seed 7 --scale 0.5"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  if (!quiet) {
    options.progress = [&](int done, int total) {
      if (done % 50 != 0 && done != total) return;
      std::cerr << (::isatty(2) ? "\r" : "") << program << ": " << done << "/" << total << " images"
                << (::isatty(2) && done != total ? "" : "\n") << std::flush;
    };
  }
  auto summary = demo::WriteDemoData(options);
  if (!summary.ok()) return cli::ExitFor(program, summary.status());
  std::cout << options.out_dir << ": " << summary->images << " images, " << summary->objects << " objects, "
            << summary->expressions << " referring expressions, " << summary->captions << " captions, "
            << summary->questions << " questions in " << summary->seconds << " s; ingest steps in " << options.out_dir
            << "/ingest.json\n";
  return kExitOk;
}

}  // namespace mgrs::tools
