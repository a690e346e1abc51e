// `skymoe eval`: answer every sample of a benchmark file and write Prediction JSON Lines for mgrs-score.
#include <iostream>

#include "commands.h"
#include "mgrs/metrics/report.h"
#include "mgrs/metrics/scorer.h"
#include "mgrs/model/generate.h"

namespace mgrs::tools {

int RunSkymoeEval(int argc, const char* const* argv) {
  const std::string program = "skymoe eval";
  cli::po::options_description options("Options");
  model::EvaluationOptions eval;
  int64_t max_rejects = 0;
  std::string score_path;
  options.add_options()                                                                                         //
      ("checkpoint", cli::po::value(&eval.checkpoint_dir)->required(), "checkpoint folder")                     //
      ("bench", cli::po::value(&eval.bench_path)->required(), "Sample JSON Lines (docs/formats.md)")            //
      ("image-root", cli::po::value(&eval.image_root)->required(), "folder the samples' image paths start in")  //
      ("out", cli::po::value(&eval.out_path)->required(), "Prediction JSON Lines to write")                     //
      ("routing-out", cli::po::value(&eval.routing_out)->default_value(""),
       "MoE routing statistics JSON (+ .svg heat map beside it)")  //
      ("score", cli::po::value(&score_path)->default_value(""),
       "then score the predictions against --bench and write mgrs-score's JSON report here (no METEOR)")  //
      ("max-rejects", cli::po::value(&max_rejects)->default_value(0),
       "samples that may be skipped (bad line, image outside the root or missing) before exit 3")              //
      ("batch-size", cli::po::value(&eval.batch_size)->default_value(8), "samples decoded together")           //
      ("max-new-tokens", cli::po::value(&eval.generation.max_new_tokens)->default_value(256), "token budget")  //
      ("device", cli::po::value(&eval.run.device)->default_value("cpu"), "cpu, cuda or cuda:N")                //
      ("dtype", cli::po::value(&eval.run.dtype)->default_value("auto"), "auto, float32, bfloat16, float16")    //
      ("threads", cli::po::value(&eval.run.threads)->default_value(0), "intra-op threads (0 = all cores)");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "skymoe eval --checkpoint DIR --bench B.jsonl --image-root R --out predictions.jsonl [--score report.json]",
      "Answer every benchmark sample greedily and write one prediction per line for mgrs-score.",
      "skymoe eval --checkpoint ckpt/skymoe-tiny --bench bench/test.jsonl --image-root bench --out pred.jsonl"};
  if (auto exit = cli::Parse(argc, argv, program, help, options, &vm)) return *exit;
  auto report = model::RunEvaluation(eval);
  if (!report.ok()) return cli::ExitFor(program, report.status());
  for (const auto& diagnostic : report->rejected) std::cerr << diagnostic.ToString() << "\n";
  if (!report->routing_table.empty()) std::cerr << "expert shares per MoE layer:\n" << report->routing_table;
  std::cerr << program << ": " << report->read << " samples read, " << report->answered << " answered, "
            << report->rejected.size() << " rejected\n";
  if (static_cast<int64_t>(report->rejected.size()) > max_rejects) return kExitTooManyRejects;
  if (score_path.empty()) return kExitOk;
  metrics::ScoreOptions scoring;
  scoring.gt_path = eval.bench_path;
  scoring.pred_path = eval.out_path;
  scoring.meteor = false;  // needs Meteor's data files: mgrs-score --meteor-data gives it
  scoring.max_rejects = max_rejects;
  auto score = metrics::Score(scoring);
  if (!score.ok()) return cli::ExitFor(program, score.status());
  if (auto written = metrics::WriteJsonReport(score->json, score_path); !written.ok()) {
    return cli::ExitFor(program, written);
  }
  std::cerr << program << ": report " << score_path << "\n";
  return kExitOk;
}

}  // namespace mgrs::tools
