// mgrs-score: scores any model's outputs against ground truth with coco-caption's caption metrics and the
// remote-sensing benchmarks' accuracies. A short main over mgrs::metrics (Score, the report writers).
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "mgrs/cli/cli.h"
#include "mgrs/core/files.h"
#include "mgrs/metrics/report.h"
#include "mgrs/metrics/scorer.h"
#include "mgrs/metrics/self_test.h"

namespace {

namespace po = mgrs::cli::po;
constexpr const char* kProgram = "mgrs-score";

// One line per task and metric on stdout, so a run without output files still shows its numbers.
void PrintSummary(const nlohmann::ordered_json& report) {
  for (const auto& [task, summary] : report["tasks"].items()) {
    std::cout << task << " (n=" << summary["n"] << ")\n";
    for (const auto& [name, value] : summary["metrics"].items()) {
      if (!value.is_number()) continue;
      std::cout << "  " << std::left << std::setw(20) << name << std::fixed << std::setprecision(6)
                << value.get<double>() << "\n";
    }
  }
  const auto& counts = report["counts"];
  std::cout << "missing predictions: " << counts["missing"] << ", unknown ids: " << counts["unknown"]
            << ", rejected records: " << counts["rejected"] << "\n";
}

// mgrs-score compare R1.json R2.json ... [--html OUT.html] [--markdown OUT.md]
int RunCompare(int argc, const char* const* argv) {
  std::vector<std::string> inputs;
  std::string html_path, markdown_path;
  po::options_description options("Options");
  options.add_options()("reports", po::value(&inputs)->multitoken(), "JSON reports written by mgrs-score --json")(
      "html", po::value(&html_path), "write the comparison page here (tables, bars, radar chart)")(
      "markdown", po::value(&markdown_path), "write the comparison tables here");
  po::positional_options_description positional;
  positional.add("reports", -1);
  po::variables_map vm;
  const mgrs::cli::CommandHelp help{"mgrs-score compare R1.json R2.json ... [--html OUT.html] [--markdown OUT.md]",
                                    "Put several models' reports side by side: tables like the paper's and a radar "
                                    "chart like its Figure 2. Without --html or --markdown the tables go to stdout.",
                                    "mgrs-score compare skymoe.json geochat.json --html compare.html"};
  if (auto exit = mgrs::cli::Parse(argc, argv, "mgrs-score compare", help, options, &vm, &positional)) return *exit;
  if (inputs.empty()) return mgrs::cli::UsageError("mgrs-score compare", "give at least one JSON report");
  std::vector<mgrs::metrics::NamedReport> reports;
  for (const std::string& path : inputs) {
    auto r = mgrs::metrics::ReadJsonReport(path);
    if (!r.ok()) return mgrs::cli::ExitFor("mgrs-score compare", r.status());
    reports.push_back(std::move(r).value());
  }
  if (!html_path.empty()) {
    if (auto s = mgrs::WriteFileAtomically(html_path, mgrs::metrics::RenderHtml(reports)); !s.ok()) {
      return mgrs::cli::ExitFor("mgrs-score compare", s);
    }
  }
  if (!markdown_path.empty()) {
    if (auto s = mgrs::WriteFileAtomically(markdown_path, mgrs::metrics::RenderMarkdown(reports)); !s.ok()) {
      return mgrs::cli::ExitFor("mgrs-score compare", s);
    }
  }
  if (html_path.empty() && markdown_path.empty()) std::cout << mgrs::metrics::RenderMarkdown(reports);
  return mgrs::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  mgrs::cli::PrepareProcess();
  if (argc >= 2 && std::string(argv[1]) == "compare") {
    std::vector<const char*> sub(argv + 1, argv + argc);
    const std::string program = "mgrs-score compare";
    sub[0] = program.c_str();
    return RunCompare(static_cast<int>(sub.size()), sub.data());
  }
  mgrs::metrics::ScoreOptions o;
  std::string json_path, per_sample_path, markdown_path, html_path, name;
  po::options_description options("Options");
  options.add_options()("gt", po::value(&o.gt_path), "ground truth: Sample JSONL or a coco caption annotation file")(
      "pred", po::value(&o.pred_path),
      "predictions: Prediction JSONL (id/question_id/image_id + "
      "answer/text/caption/prediction) or a coco results file")(
      "task", po::value(&o.task)->default_value("auto"),
      "auto|caption|vqa|grounding|counting|classification (auto: every task in the ground truth)")(
      "preset", po::value(&o.preset)->default_value("mgrs"),
      "scoring conventions: mgrs, geochat, vrsbench, qwenvl, minigptv2, earthdial, lhrsbot, skysensegpt "
      "(docs/metrics.md)")("json", po::value(&json_path), "write the JSON report here")(
      "markdown", po::value(&markdown_path), "write Markdown tables (the paper's layout) here")(
      "html", po::value(&html_path), "write a self-contained HTML page (tables and SVG charts) here")(
      "name", po::value(&name), "the row name in tables (default: the prediction file's name)")(
      "per-sample", po::value(&per_sample_path), "write each sample's scores here (JSON Lines)")(
      "gt-format", po::value(&o.gt_format)->default_value("auto"), "auto|samples|coco")(
      "pred-format", po::value(&o.pred_format)->default_value("auto"), "auto|jsonl|coco")(
      "no-tokenize", "captions are already tokenized: skip coco's PTB tokenizer")(
      "meteor-data", po::value(&o.meteor_data),
      "folder with Meteor's english.* files; else $MGRS_METEOR_DATA, else <prefix>/share/mgrs/meteor (the install "
      "location, also found next to this executable), else the source tree's data/meteor")(
      "meteor-paraphrase", po::value(&o.meteor_paraphrase),
      "Meteor's paraphrase-en.gz (enables the paraphrase module)")("no-meteor", "skip METEOR")(
      "only-predicted",
      "score only ground-truth samples that have a prediction (coco-caption's behaviour); by "
      "default a missing prediction counts as wrong")("threads", po::value(&o.threads)->default_value(0),
                                                      "worker threads, 0 = all cores (results never depend on it)")(
      "max-rejects", po::value(&o.max_rejects)->default_value(0),
      "unusable prediction records tolerated (their samples count as missing); more fail with exit code 3")(
      "vqa-mode", po::value(&o.vqa_mode), "exact|vqa|lhrsbot|contains|token_recall (default: the preset's)")(
      "classification-mode", po::value(&o.classification_mode),
      "exact|lowercase|nospace|contains|token_recall|lcs (default: the preset's)")(
      "counting-mode", po::value(&o.counting_mode), "first_integer|vqa|contains (default: the preset's)")(
      "box-format", po::value(&o.box_format), "auto|geochat|minigpt|qwen|earthdial|list|ints (default: the preset's)")(
      "coord-scale", po::value(&o.coord_scale), "auto|100|999|1000|1|pixel: the grid of answer boxes")(
      "iou-convention", po::value(&o.iou_convention), "continuous|plus1")("threshold-op", po::value(&o.threshold_op),
                                                                          "ge|gt: IoU >= or > the threshold")(
      "on-parse-fail", po::value(&o.on_parse_fail), "wrong|skip|zero-box: answers without a usable box")(
      "box-mode", po::value(&o.box_mode), "auto|hbb|obb: axis-aligned or rotated IoU")(
      "quiet", "print nothing but errors")("self-test", "check the metrics on built-in published values and exit");
  po::variables_map vm;
  const mgrs::cli::CommandHelp help{
      "mgrs-score --gt GT --pred PRED [--task T] [--preset NAME] [--json OUT.json] [--markdown OUT.md] [--html "
      "OUT.html] [--per-sample OUT.jsonl] [options]\n       mgrs-score compare R1.json R2.json ... [--html OUT.html]",
      "Score model outputs with coco-caption's caption metrics (BLEU-1..4, METEOR 1.5, ROUGE-L, CIDEr-D, identical "
      "to the reference) and the remote-sensing benchmarks' accuracies. Exit codes: 0 ok, 1 failure, 2 usage, "
      "3 too many rejected prediction records.",
      "mgrs-score --gt captions_val.json --pred results.json --json report.json"};
  if (auto exit = mgrs::cli::Parse(argc, argv, kProgram, help, options, &vm)) return *exit;
  o.tokenize = !vm.count("no-tokenize");
  o.meteor = !vm.count("no-meteor");
  o.only_predicted = vm.count("only-predicted") > 0;
  const bool quiet = vm.count("quiet") > 0;

  if (vm.count("self-test")) {
    std::string summary;
    const mgrs::Status status = mgrs::metrics::MetricsSelfTest(o.meteor_data, &summary);
    if (!quiet) std::cout << summary;
    if (status.ok() && !quiet) std::cout << "mgrs-score " << mgrs::cli::Version() << " self-test: ok\n";
    return mgrs::cli::ExitFor(kProgram, status);
  }
  if (o.gt_path.empty() || o.pred_path.empty()) return mgrs::cli::UsageError(kProgram, "--gt and --pred are required");

  auto report = mgrs::metrics::Score(o);
  if (!report.ok()) return mgrs::cli::ExitFor(kProgram, report.status());
  for (const mgrs::Diagnostic& d : report->rejects) std::cerr << d.ToString() << "\n";
  if (report->too_many_rejects) {
    std::cerr << kProgram << ": error: " << report->rejects.size()
              << " prediction records could not be used (--max-rejects " << o.max_rejects << "); no report written\n";
    return mgrs::kExitTooManyRejects;
  }
  const mgrs::metrics::NamedReport named{name.empty() ? std::filesystem::path(o.pred_path).stem().string() : name,
                                         report->json};
  const mgrs::metrics::ReportPaths paths{json_path, markdown_path, html_path, per_sample_path};
  if (auto s = mgrs::metrics::WriteReports(paths, named, report->per_sample); !s.ok()) {
    return mgrs::cli::ExitFor(kProgram, s);
  }
  if (!quiet) PrintSummary(report->json);
  return mgrs::kExitOk;
}
