// `skymoe generate`: answer one question about one image; the answer alone is the last line of stdout.
#include <iostream>

#include "commands.h"
#include "mgrs/model/generate.h"

namespace mgrs::tools {

int RunSkymoeGenerate(int argc, const char* const* argv) {
  const std::string program = "skymoe generate";
  cli::po::options_description options("Options");
  std::string checkpoint, image, prompt;
  model::RunOptions run;
  model::GenerationOptions generation;
  options.add_options()                                                                                        //
      ("checkpoint", cli::po::value(&checkpoint)->required(), "checkpoint folder (ours or Hugging Face)")      //
      ("image", cli::po::value(&image)->default_value(""), "image file (any format the raster module reads)")  //
      ("prompt", cli::po::value(&prompt)->required(), "the question")                                          //
      ("max-new-tokens", cli::po::value(&generation.max_new_tokens)->default_value(256), "token budget")       //
      ("temperature", cli::po::value(&generation.temperature)->default_value(0.0), "0 = greedy")               //
      ("top-p", cli::po::value(&generation.top_p)->default_value(1.0), "nucleus sampling mass")                //
      ("seed", cli::po::value(&generation.seed)->default_value(0), "sampling seed")                            //
      ("device", cli::po::value(&run.device)->default_value("cpu"), "cpu, cuda or cuda:N")                     //
      ("dtype", cli::po::value(&run.dtype)->default_value("auto"), "auto, float32, bfloat16, float16")         //
      ("threads", cli::po::value(&run.threads)->default_value(0), "intra-op threads (0 = all cores)");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "skymoe generate --checkpoint DIR --prompt TEXT [--image FILE] [--max-new-tokens N] [--temperature T]",
      "Answer a question about an image with a LLaVA/SkyMoE checkpoint; the answer is the last line of output.",
      "skymoe generate --checkpoint ckpt/skymoe-tiny --image scene.png --prompt \"How many ships are there?\""};
  if (auto exit = cli::Parse(argc, argv, program, help, options, &vm)) return *exit;
  auto assistant = model::Assistant::Load(checkpoint, run);
  if (!assistant.ok()) return cli::ExitFor(program, assistant.status());
  auto answers = (*assistant)->Answer({{image, prompt}}, generation);
  if (!answers.ok()) return cli::ExitFor(program, answers.status());
  std::cout << answers->front() << "\n";
  return kExitOk;
}

}  // namespace mgrs::tools
