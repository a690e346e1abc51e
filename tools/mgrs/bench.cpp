// `mgrs bench build|accept|review|export|verify`: the MGRS-Bench builder over mgrs::bench (docs/bench.md).
#include <iostream>

#include "commands.h"
#include "mgrs/bench/bench.h"
#include "mgrs/bench/review.h"
#include "mgrs/core/files.h"

namespace mgrs::tools {
namespace {

int RunBuild(int argc, const char* const* argv) {
  const std::string program = "mgrs bench build";
  bench::BuildOptions options;
  cli::po::options_description described("Options");
  described.add_options()                                                                                    //
      ("catalog", cli::po::value(&options.catalog_path)->required(), "catalog to read and store items in")   //
      ("config", cli::po::value(&options.config_path), "composition (default: manifests/bench/mgrs.json)")   //
      ("prompts", cli::po::value(&options.prompts_path), "prompts (default: manifests/bench/prompts.json)")  //
      ("out", cli::po::value(&options.out_dir)->required(), "folder for build.json and downsampled images")  //
      ("annotator", cli::po::value(&options.annotator)->default_value("template"), "template | openai")      //
      ("endpoint", cli::po::value(&options.openai.endpoint), "OpenAI-compatible server, http://host:port")   //
      ("model", cli::po::value(&options.openai.model), "model name sent to the server")                      //
      ("api-key-env", cli::po::value(&options.openai.api_key_env)->default_value("OPENAI_API_KEY"),
       "environment variable holding the API key")                                                            //
      ("timeout", cli::po::value(&options.openai.timeout_seconds)->default_value(60), "seconds per request")  //
      ("attempts", cli::po::value(&options.openai.max_attempts)->default_value(4), "tries per item")          //
      ("rate", cli::po::value(&options.openai.requests_per_second)->default_value(2), "requests per second");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "mgrs bench build --catalog C --out DIR [--config F] [--prompts F] [--annotator template|openai "
      "--endpoint URL --model NAME]",
      "Extract attributes, select each task's items stratified by granularity, source and GSD, add downsampled "
      "copies, and store candidate answers in the catalog for review.",
      "mgrs bench build --catalog demo.sqlite --out bench-build"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  if (options.annotator == "openai" && (options.openai.endpoint.empty() || options.openai.model.empty()))
    return cli::UsageError(program, "--annotator openai needs --endpoint and --model");
  for (auto [path, relative] :
       {std::pair{&options.config_path, "bench/mgrs.json"}, std::pair{&options.prompts_path, "bench/prompts.json"}}) {
    if (!path->empty()) continue;
    auto found = FindManifestFile(relative);
    if (!found.ok()) return cli::ExitFor(program, found.status());
    *path = *found;
  }
  auto summary = bench::RunBuild(options);
  if (!summary.ok()) return cli::ExitFor(program, summary.status());
  for (const auto& shortfall : summary->shortfalls) std::cerr << "shortfall: " << shortfall << "\n";
  for (const auto& failure : summary->failures) std::cerr << "no answer: " << failure << "\n";
  int64_t items = summary->copies;
  for (const auto& [task, n] : summary->items) items += n;
  std::cout << program << ": " << items << " items (" << summary->copies << " downsampled) from "
            << summary->images_scanned << " images; " << summary->failures.size() << " without an answer; "
            << options.out_dir << "/build.json\n";
  return summary->failures.empty() ? kExitOk : kExitFailure;
}

int RunAccept(int argc, const char* const* argv) {
  const std::string program = "mgrs bench accept";
  std::string catalog, reviewer, task;
  cli::po::options_description described("Options");
  described.add_options()                                                                      //
      ("catalog", cli::po::value(&catalog)->required(), "catalog holding the items")           //
      ("reviewer", cli::po::value(&reviewer)->required(), "name recorded with each decision")  //
      ("task", cli::po::value(&task), "only this task's items");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs bench accept --catalog C --reviewer NAME [--task T]",
                              "Accept every pending item as it is, recorded as a bulk decision in NAME's name.",
                              "mgrs bench accept --catalog demo.sqlite --reviewer alice --task counting"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  auto accepted = bench::AcceptPending(catalog, reviewer, task);
  if (!accepted.ok()) return cli::ExitFor(program, accepted.status());
  std::cout << program << ": " << *accepted << " items accepted\n";
  return kExitOk;
}

int RunExport(int argc, const char* const* argv) {
  const std::string program = "mgrs bench export";
  std::string catalog, out;
  cli::po::options_description described("Options");
  described.add_options()                                                             //
      ("catalog", cli::po::value(&catalog)->required(), "catalog holding the items")  //
      ("out", cli::po::value(&out)->required(), "new folder for <task>.jsonl, images/, manifest.json");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs bench export --catalog C --out DIR",
                              "Write the accepted items as Sample JSON Lines per task, their images, and a manifest "
                              "with a sha256 per file and the statistics.",
                              "mgrs bench export --catalog demo.sqlite --out mgrs-bench"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  auto summary = bench::RunExport(catalog, out);
  if (!summary.ok()) return cli::ExitFor(program, summary.status());
  for (const auto& [task, n] : summary->items) std::cout << task << ": " << n << " items\n";
  std::cout << program << ": " << summary->images << " images; " << out << "/manifest.json\n";
  return kExitOk;
}

int RunVerify(int argc, const char* const* argv) {
  const std::string program = "mgrs bench verify";
  std::string dir;
  cli::po::options_description described("Options");
  described.add_options()("dir", cli::po::value(&dir)->required(), "an export folder");
  cli::po::positional_options_description positional;
  positional.add("dir", 1);
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs bench verify DIR", "Check every file of an export against its manifest's sha256.",
                              "mgrs bench verify mgrs-bench"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm, &positional)) return *exit;
  auto problems = bench::VerifyExport(dir);
  if (!problems.ok()) return cli::ExitFor(program, problems.status());
  for (const auto& problem : *problems) std::cerr << program << ": " << problem << "\n";
  if (!problems->empty()) return kExitFailure;
  std::cout << program << ": " << dir << " matches its manifest\n";
  return kExitOk;
}

int RunReview(int argc, const char* const* argv) {
  const std::string program = "mgrs bench review";
  bench::ReviewOptions options;
  cli::po::options_description described("Options");
  described.add_options()                                                                          //
      ("catalog", cli::po::value(&options.catalog_path)->required(), "catalog holding the items")  //
      ("host", cli::po::value(&options.host)->default_value("127.0.0.1"), "address to listen on")  //
      ("port", cli::po::value(&options.port)->default_value(8766), "port (0: any free one)")       //
      ("token", cli::po::value(&options.token), "required of every request; needed on non-loopback addresses");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs bench review --catalog C [--port P] [--host H --token T]",
                              "Serve the review page: accept (a), edit (e) or reject (r) each candidate answer; "
                              "decisions go to the catalog with reviewer, time and history.",
                              "mgrs bench review --catalog demo.sqlite --port 8766"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  auto server = bench::ReviewServer::Start(options);
  if (!server.ok()) return cli::ExitFor(program, server.status());
  std::cout << program << ": open " << (*server)->url() << " (Ctrl+C stops)" << std::endl;
  (*server)->Wait();
  return kExitOk;
}

}  // namespace

int RunBench(int argc, const char* const* argv) {
  static const std::vector<cli::Subcommand> commands = {
      {"build", "attributes, stratified selection, prompts and candidate answers into the catalog", RunBuild},
      {"accept", "accept every pending item in one reviewer's name (bulk)", RunAccept},
      {"review", "serve the review page: accept, edit or reject each candidate answer", RunReview},
      {"export", "write the accepted items, their images and a checksum manifest", RunExport},
      {"verify", "check an export against its manifest", RunVerify},
  };
  return cli::RunSubcommand(argc, argv, "mgrs bench", "Build, decide, export and verify MGRS-Bench.", commands);
}

}  // namespace mgrs::tools
