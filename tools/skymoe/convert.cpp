// `skymoe convert`: a Hugging Face checkpoint folder (any supported key layout) into our safetensors checkpoint.
#include <iostream>

#include "commands.h"
#include "mgrs/model/checkpoint.h"

namespace mgrs::tools {

int RunSkymoeConvert(int argc, const char* const* argv) {
  model::ConvertOptions options;
  cli::po::options_description description("Options");
  description.add_options()("from", cli::po::value(&options.from_dir)->required(),
                            "Hugging Face folder (llava-hf, liuhaotian LLaVA, Vicuna, openai CLIP, or ours)")(
      "vision-tower", cli::po::value(&options.vision_tower_dir), "separate CLIP folder (liuhaotian LLaVA)")(
      "out", cli::po::value(&options.out_dir)->required(), "output folder")(
      "image-size", cli::po::value(&options.image_size)->default_value(0),
      "input size the vision tower runs at (e.g. 504); 0 keeps the checkpoint's")(
      "dtype", cli::po::value(&options.dtype), "f32, f16 or bf16 (default: as stored)")(
      "allow-partial", cli::po::bool_switch(&options.allow_partial), "write a checkpoint that lacks some parts");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "skymoe convert --from HF_DIR [--vision-tower DIR] --out DIR [--image-size N] [--dtype T]",
      "Convert a Hugging Face checkpoint into safetensors + config.json with canonical tensor names.",
      "skymoe convert --from llava-v1.5-7b --vision-tower clip-vit-large-patch14-336 --out skymoe-base --image-size "
      "504"};
  if (auto exit = cli::Parse(argc, argv, "skymoe convert", help, description, &vm)) return *exit;
  auto report = model::ConvertCheckpoint(options);
  if (!report.ok()) return cli::ExitFor("skymoe convert", report.status());
  std::cout << "layout " << model::KeyLayoutName(report->layout);
  if (!options.vision_tower_dir.empty()) std::cout << " + " << model::KeyLayoutName(report->vision_layout);
  std::cout << ": " << report->tensors_written << " tensors (" << report->bytes_written << " bytes) written, "
            << report->tensors_skipped << " unused skipped";
  if (!report->missing.empty()) std::cout << ", " << report->missing.size() << " missing";
  std::cout << "\n";
  return kExitOk;
}

}  // namespace mgrs::tools
