// `mgrs catalog stats|verify|rejects|export|merge`: look into, write out and combine catalogs.
#include <iostream>

#include "commands.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/catalog/merge.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/ingest/export.h"
#include "mgrs/ingest/manifest.h"

namespace mgrs::tools {
namespace {

// " (N derived)" when augmentation added images, else nothing: catalogs without any read as before.
std::string Derived(int64_t derived) {
  return derived > 0 ? " (" + std::to_string(derived) + " derived)" : std::string();
}

int RunStats(int argc, const char* const* argv) {
  const std::string program = "mgrs catalog stats";
  std::string path;
  bool json = false;
  cli::po::options_description options("Options");
  options.add_options()("catalog", cli::po::value(&path)->required(), "catalog file")(
      "json", cli::po::bool_switch(&json), "print JSON instead of text");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs catalog stats --catalog C [--json]",
                              "Count images, objects (per dataset, split and class), texts and rejects.",
                              "mgrs catalog stats --catalog catalog.sqlite --json"};
  if (auto exit = cli::Parse(argc, argv, program, help, options, &vm)) return *exit;
  auto catalog = catalog::Catalog::Open(path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) return cli::ExitFor(program, catalog.status());
  auto stats = (*catalog)->Stats();
  if (!stats.ok()) return cli::ExitFor(program, stats.status());
  if (json) {
    std::cout << DumpJson(catalog::StatsToJson(*stats), 2) << "\n";
    return kExitOk;
  }
  std::cout << "catalog " << path << " (schema " << stats->schema_version << "): " << stats->images << " images"
            << Derived(stats->derived) << ", " << stats->objects << " objects, " << stats->expressions
            << " expressions, " << stats->captions << " captions, " << stats->qa << " qa, " << stats->scene_labels
            << " scene labels; rejects " << stats->errors << ", warnings " << stats->warnings << "\n";
  for (const catalog::DatasetStats& d : stats->datasets) {
    std::cout << "\n"
              << d.info.name << " (" << d.info.format << " " << d.info.version << "): " << d.images << " images"
              << Derived(d.derived) << ", " << d.objects << " objects, " << d.rejected_objects << " objects rejected";
    // Texts only where a dataset has them (detection sets have none).
    for (const auto& [count, what] : {std::pair{d.expressions, " expressions"}, std::pair{d.captions, " captions"},
                                      std::pair{d.qa, " qa"}, std::pair{d.scene_labels, " scene labels"}}) {
      if (count > 0) std::cout << ", " << count << what;
    }
    std::cout << "\n";
    for (const auto& [split, count] : d.splits) {
      std::cout << "  split " << split << ": " << count.images << " images, " << count.objects << " objects\n";
    }
    for (const catalog::ClassCount& c : d.classes) {
      std::cout << "  class " << c.raw_class << (c.known ? "" : " (not in manifest)") << ": " << c.objects
                << " objects in " << c.images << " images\n";
    }
    for (const auto& [code, count] : d.rejects_by_code) std::cout << "  " << code << ": " << count << "\n";
  }
  return kExitOk;
}

int RunVerify(int argc, const char* const* argv) {
  const std::string program = "mgrs catalog verify";
  std::string path, dataset, manifest_path;
  cli::po::options_description options("Options");
  options.add_options()("catalog", cli::po::value(&path)->required(), "catalog file")(
      "dataset", cli::po::value(&dataset), "only this dataset (default: all)")(
      "manifest", cli::po::value(&manifest_path), "manifest file (default: the one the dataset was ingested with)");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs catalog verify --catalog C [--dataset N] [--manifest FILE]",
                              "Check the catalog's integrity, then compare each dataset with its manifest and list "
                              "every difference (exit 1 when there is one). What a killed ingest left uncommitted "
                              "is rolled back first, as the next ingest would.",
                              "mgrs catalog verify --catalog catalog.sqlite --dataset dota"};
  if (auto exit = cli::Parse(argc, argv, program, help, options, &vm)) return *exit;
  if (Status rolled_back = catalog::Catalog::RollBackInterrupted(path); !rolled_back.ok()) {
    return cli::ExitFor(program, rolled_back);
  }
  auto catalog = catalog::Catalog::Open(path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) return cli::ExitFor(program, catalog.status());
  Status integrity = (*catalog)->CheckIntegrity();
  if (!integrity.ok()) return cli::ExitFor(program, integrity);
  auto datasets = (*catalog)->Datasets();
  if (!datasets.ok()) return cli::ExitFor(program, datasets.status());
  int64_t differences = 0;
  bool any = false;
  for (const catalog::DatasetInfo& info : *datasets) {
    if (!dataset.empty() && info.name != dataset) continue;
    any = true;
    std::string file = manifest_path.empty() ? info.manifest_path : manifest_path;
    auto manifest = ingest::LoadManifest(file);
    if (!manifest.ok()) return cli::ExitFor(program, manifest.status());
    auto found = ingest::VerifyAgainstManifest(catalog->get(), info.name, *manifest);
    if (!found.ok()) return cli::ExitFor(program, found.status());
    for (const std::string& d : *found) std::cout << info.name << ": " << d << "\n";
    if (found->empty()) std::cout << info.name << ": matches " << file << "\n";
    differences += static_cast<int64_t>(found->size());
  }
  if (!any && !dataset.empty()) return cli::ExitFor(program, NotFound("no dataset '" + dataset + "' in " + path));
  // A catalog without datasets (an ingest stopped before it named its dataset) is consistent: nothing differs.
  if (!any) std::cout << path << ": no datasets\n";
  return differences == 0 ? kExitOk : kExitFailure;
}

int RunRejects(int argc, const char* const* argv) {
  const std::string program = "mgrs catalog rejects";
  std::string path;
  catalog::RejectFilter filter;
  bool show_raw = false;
  cli::po::options_description options("Options");
  options.add_options()("catalog", cli::po::value(&path)->required(), "catalog file")(
      "dataset", cli::po::value(&filter.dataset), "only this dataset")("code", cli::po::value(&filter.code),
                                                                       "only this code, e.g. OUT_OF_BOUNDS")(
      "errors", cli::po::bool_switch(&filter.errors_only), "leave warnings out")(
      "raw", cli::po::bool_switch(&show_raw), "print each record's raw text under it")(
      "limit", cli::po::value(&filter.limit)->default_value(-1), "at most this many (-1: all)");
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs catalog rejects --catalog C [--dataset N] [--code CODE] [--errors] [--raw]",
                              "List rejected and flagged records as path:line: error[CODE]: message.",
                              "mgrs catalog rejects --catalog catalog.sqlite --dataset dota --code OUT_OF_BOUNDS"};
  if (auto exit = cli::Parse(argc, argv, program, help, options, &vm)) return *exit;
  auto catalog = catalog::Catalog::Open(path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) return cli::ExitFor(program, catalog.status());
  auto rejects = (*catalog)->Rejects(filter);
  if (!rejects.ok()) return cli::ExitFor(program, rejects.status());
  for (const catalog::StoredReject& r : *rejects) {
    std::cout << r.dataset << ": " << r.record.diagnostic.ToString();
    if (r.record.objects > 1) std::cout << " (" << r.record.objects << " objects)";
    std::cout << "\n";
    if (show_raw && !r.record.diagnostic.raw.empty()) std::cout << "    " << r.record.diagnostic.raw << "\n";
  }
  return kExitOk;
}

int RunExport(int argc, const char* const* argv) {
  const std::string program = "mgrs catalog export";
  ingest::ExportOptions options;
  cli::po::options_description described("Options");
  described.add_options()("catalog", cli::po::value(&options.catalog_path)->required(), "catalog file")(
      "dataset", cli::po::value(&options.dataset)->required(), "dataset to export")(
      "format", cli::po::value(&options.format)->required(), "dota | coco")("split", cli::po::value(&options.split),
                                                                            "only this split (default: all)")(
      "out", cli::po::value(&options.out)->required(), "dota: output folder; coco: output JSON file");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "mgrs catalog export --catalog C --dataset N --format dota|coco --out PATH [--split S]",
      "Write a dataset back out as DOTA labelTxt (with header lines) or COCO detection JSON.",
      "mgrs catalog export --catalog catalog.sqlite --dataset dota --format coco --out dota.json"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  auto summary = ingest::Export(options);
  if (!summary.ok()) return cli::ExitFor(program, summary.status());
  std::cout << "exported " << summary->images << " images, " << summary->objects << " objects to " << options.out
            << "\n";
  return kExitOk;
}

int RunMerge(int argc, const char* const* argv) {
  const std::string program = "mgrs catalog merge";
  std::string out;
  std::vector<std::string> inputs;
  cli::po::options_description described("Options");
  described.add_options()("out", cli::po::value(&out)->required(), "catalog to merge into (created when missing)")(
      "in", cli::po::value(&inputs)->multitoken()->required(), "catalogs to merge");
  cli::po::positional_options_description positional;
  positional.add("out", 1).add("in", -1);
  cli::po::variables_map vm;
  const cli::CommandHelp help{"mgrs catalog merge OUT IN...",
                              "Combine catalogs (e.g. the shards of `mgrs ingest --shard i/n`) into OUT; conflicting "
                              "datasets or image ids are refused.",
                              "mgrs catalog merge all.sqlite shard0.sqlite shard1.sqlite"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm, &positional)) return *exit;
  auto summary = catalog::MergeCatalogs(out, inputs);
  if (!summary.ok()) return cli::ExitFor(program, summary.status());
  std::cout << "merged " << inputs.size() << " catalogs into " << out << ": " << summary->images << " images, "
            << summary->objects << " objects, " << summary->rejects << " rejects\n";
  return kExitOk;
}

}  // namespace

int RunCatalog(int argc, const char* const* argv) {
  static const std::vector<cli::Subcommand> commands = {
      {"stats", "images, objects per dataset/split/class, texts and rejects", RunStats},
      {"verify", "compare the catalog with the dataset manifests", RunVerify},
      {"rejects", "list rejected and flagged records", RunRejects},
      {"export", "write a dataset as DOTA labelTxt or COCO JSON", RunExport},
      {"merge", "combine catalogs (shards) into one", RunMerge},
  };
  return cli::RunSubcommand(argc, argv, "mgrs catalog", "Look into, export and merge catalogs.", commands);
}

}  // namespace mgrs::tools
