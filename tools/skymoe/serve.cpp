// `skymoe serve`: an OpenAI-compatible chat completions server over a checkpoint, until SIGINT or SIGTERM.
#include <iostream>

#include "commands.h"
#include "mgrs/model/server.h"

namespace mgrs::tools {

int RunSkymoeServe(int argc, const char* const* argv) {
  // Before any thread exists (LibTorch's included), so that the signals wait for WaitForStopSignal below.
  model::BlockStopSignals();
  const std::string program = "skymoe serve";
  cli::po::options_description options("Options");
  std::string checkpoint;
  model::RunOptions run;
  model::ServerOptions server_options;
  bool quiet = false;
  options.add_options()                                                                                          //
      ("checkpoint", cli::po::value(&checkpoint)->required(), "checkpoint folder (ours or Hugging Face)")        //
      ("host", cli::po::value(&server_options.host)->default_value("127.0.0.1"), "address to listen on")         //
      ("port", cli::po::value(&server_options.port)->default_value(8000), "port (0 = any free port)")            //
      ("image-root", cli::po::value(&server_options.image_root)->default_value(""),                              //
       "folder that image paths in requests are relative to (empty: data URLs only)")                            //
      ("max-body-bytes", cli::po::value(&server_options.max_body_bytes)->default_value(int64_t{20} << 20),       //
       "largest request body")                                                                                   //
      ("max-new-tokens", cli::po::value(&server_options.max_new_tokens)->default_value(256),                     //
       "default and cap of max_tokens")                                                                          //
      ("max-batch", cli::po::value(&server_options.max_batch)->default_value(8), "requests per batch")           //
      ("batch-window-ms", cli::po::value(&server_options.batch_window_ms)->default_value(10),                    //
       "how long a batch waits for more requests")                                                               //
      ("model-id", cli::po::value(&server_options.model_id)->default_value(""), "model name (default: config)")  //
      ("device", cli::po::value(&run.device)->default_value("cpu"), "cpu, cuda or cuda:N")                       //
      ("dtype", cli::po::value(&run.dtype)->default_value("auto"), "auto, float32, bfloat16, float16")           //
      ("threads", cli::po::value(&run.threads)->default_value(0), "intra-op threads (0 = all cores)")            //
      ("quiet", cli::po::bool_switch(&quiet), "do not log requests");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "skymoe serve --checkpoint DIR [--port P] [--host 127.0.0.1] [--image-root DIR] [--threads N] "
      "[--max-body-bytes N] [--max-batch N]",
      "Serve a checkpoint over OpenAI's chat completions API (POST /v1/chat/completions, GET /v1/models) until "
      "Ctrl-C.",
      "skymoe serve --checkpoint ckpt/skymoe-tiny --port 8000 --image-root data/images"};
  if (auto exit = cli::Parse(argc, argv, program, help, options, &vm)) return *exit;
  if (!quiet) server_options.log = [program](const std::string& line) { std::cerr << program + ": " + line + "\n"; };
  auto assistant = model::Assistant::Load(checkpoint, run);
  if (!assistant.ok()) return cli::ExitFor(program, assistant.status());
  auto server = model::Server::Start(std::move(*assistant), server_options);
  if (!server.ok()) return cli::ExitFor(program, server.status());
  std::cout << program << ": serving " << (*server)->model_id() << " on http://" << server_options.host << ":"
            << (*server)->port() << std::endl;
  const int signal = model::WaitForStopSignal();
  std::cout << program << ": signal " << signal << ", stopping" << std::endl;
  (*server)->Stop();
  const auto stats = (*server)->stats();
  std::cout << program << ": answered " << stats.completions << " completions in " << stats.batches << " batches"
            << std::endl;
  return kExitOk;
}

}  // namespace mgrs::tools
