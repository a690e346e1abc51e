// `skymoe convert`: a Hugging Face checkpoint folder (any supported key layout) into our safetensors checkpoint.
#include <iostream>

#include "commands.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/moe.h"

namespace mgrs::tools {

int RunSkymoeConvert(int argc, const char* const* argv) {
  model::ConvertOptions options;
  model::MoeConfig moe;
  moe.num_experts = 8;  // the paper's best ablation
  bool to_moe = false;
  uint64_t seed = 0;
  cli::po::options_description description("Options");
  description.add_options()("from", cli::po::value(&options.from_dir)->required(),
                            "Hugging Face folder (llava-hf, liuhaotian LLaVA, Vicuna, openai CLIP, or ours)")(
      "vision-tower", cli::po::value(&options.vision_tower_dir), "separate CLIP folder (liuhaotian LLaVA)")(
      "out", cli::po::value(&options.out_dir)->required(), "output folder")(
      "image-size", cli::po::value(&options.image_size)->default_value(0),
      "input size the vision tower runs at (e.g. 504); 0 keeps the checkpoint's")(
      "dtype", cli::po::value(&options.dtype), "f32, f16 or bf16 (default: as stored)")(
      "allow-partial", cli::po::bool_switch(&options.allow_partial), "write a checkpoint that lacks some parts")(
      "to-moe", cli::po::bool_switch(&to_moe),
      "Stage II transform: clone each chosen FFN into every expert and add fresh routers (outputs unchanged)")(
      "experts", cli::po::value(&moe.num_experts)->default_value(8), "with --to-moe: experts per MoE layer")(
      "top-k", cli::po::value(&moe.top_k)->default_value(2), "with --to-moe: experts each token is routed to")(
      "moe-layers", cli::po::value(&moe.layer_mode)->default_value("every_second"),
      "with --to-moe: every_second (0, 2, 4, ...) or all")("seed", cli::po::value(&seed)->default_value(0),
                                                           "with --to-moe: seed of the routers' initialisation");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "skymoe convert --from HF_DIR [--vision-tower DIR] --out DIR [--image-size N] [--dtype T]\n"
      "       skymoe convert --to-moe --from DENSE_DIR --out DIR [--experts 8] [--top-k 2] [--seed S]",
      "Convert a Hugging Face checkpoint into safetensors + config.json with canonical tensor names; with "
      "--to-moe, turn a dense checkpoint into SkyMoE for Stage II.",
      "skymoe convert --from llava-v1.5-7b --vision-tower clip-vit-large-patch14-336 --out skymoe-base --image-size "
      "504"};
  if (auto exit = cli::Parse(argc, argv, "skymoe convert", help, description, &vm)) return *exit;
  if (to_moe) {
    if (!options.vision_tower_dir.empty() || options.image_size != 0 || !options.dtype.empty()) {
      return cli::UsageError("skymoe convert",
                             "--to-moe takes a complete checkpoint: convert it first, then run --to-moe on the result");
    }
    const Status status = model::ConvertCheckpointToMoe(options.from_dir, moe, options.out_dir, seed);
    if (status.ok()) std::cout << "wrote SkyMoE checkpoint " << options.out_dir << "\n";
    return cli::ExitFor("skymoe convert", status);
  }
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
