// `mgrs ingest`: read a dataset's annotation files into the catalog.
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "commands.h"
#include "mgrs/ingest/ingest.h"
#include "mgrs/ingest/reader.h"

namespace mgrs::tools {

int RunIngest(int argc, const char* const* argv) {
  const std::string program = "mgrs ingest";
  ingest::IngestOptions options;
  std::string shard = "0/1";
  bool no_images = false, quiet = false;
  cli::po::options_description described("Options");
  described.add_options()                                                                                         //
      ("catalog", cli::po::value(&options.catalog_path)->required(), "catalog file (created when missing)")       //
      ("format", cli::po::value(&options.format)->required(), "source format (listed in the usage line)")         //
      ("root", cli::po::value(&options.root)->required(), "the dataset's folder")                                 //
      ("name", cli::po::value(&options.name), "dataset name, the first part of image ids (default: the format)")  //
      ("split", cli::po::value(&options.split), "split name for every image (default: from the layout)")          //
      ("manifest", cli::po::value(&options.manifest_path),
       "manifest file (default: manifests/datasets/<name>.json)")                                                  //
      ("dataset-version", cli::po::value(&options.dataset_version), "manifest version (default: the manifest's)")  //
      ("images", cli::po::value(&options.image_root), "extra folder searched for images by stem")                  //
      ("no-images", cli::po::bool_switch(&no_images), "annotations only: no image lookup, no clamping")            //
      ("strict", cli::po::bool_switch(&options.strict), "stop at the first rejected record (exit 3)")              //
      ("max-rejects", cli::po::value(&options.max_rejects),
       "stop with exit 3 after more rejected records than this")                                             //
      ("jobs", cli::po::value(&options.jobs)->default_value(1), "parser threads (one writer besides them)")  //
      ("shard", cli::po::value(&shard), "ingest only shard i of n (by file path hash), e.g. 0/4")            //
      ("files-per-transaction", cli::po::value(&options.writer.files_per_transaction)->default_value(2000),
       "files stored per commit: an interrupted ingest keeps every committed file")  //
      ("quiet", cli::po::bool_switch(&quiet), "no progress lines");
  cli::po::variables_map vm;
  const cli::CommandHelp help{
      "mgrs ingest --catalog C --format " + ingest::FormatNames() + " --root DIR [options]",
      "Read a dataset's annotation files into the catalog: rejected records are kept with their reason, a rerun "
      "stores only what is missing.",
      "mgrs ingest --catalog catalog.sqlite --format dota --root DOTA/ --name dota --dataset-version 1.0"};
  if (auto exit = cli::Parse(argc, argv, program, help, described, &vm)) return *exit;
  options.read_images = !no_images;
  if (std::sscanf(shard.c_str(), "%d/%d", &options.shard_index, &options.shard_count) != 2) {
    return cli::UsageError(program, "--shard must look like i/n, e.g. 0/4");
  }
  auto last_report = std::chrono::steady_clock::now();
  if (!quiet) {
    options.progress = [&](const ingest::IngestProgress& p) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report < std::chrono::seconds(2) && p.files_done != p.files_total) return;
      last_report = now;
      std::cerr << (::isatty(2) ? "\r" : "") << program << ": " << p.files_done << "/" << p.files_total << " files, "
                << p.objects_accepted << " objects" << (::isatty(2) ? "" : "\n") << std::flush;
      if (::isatty(2) && p.files_done == p.files_total) std::cerr << "\n";
    };
  }
  if (!quiet) {
    options.listing_progress = [&](int64_t folders, int64_t files) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report < std::chrono::seconds(2)) return;
      last_report = now;
      std::cerr << (::isatty(2) ? "\r" : "") << program << ": listing: " << folders << " folders, " << files << " files"
                << (::isatty(2) ? "" : "\n") << std::flush;
    };
  }
  auto summary = ingest::Ingest(options);
  if (!summary.ok()) return cli::ExitFor(program, summary.status());
  for (const Diagnostic& d : summary->first_rejects) std::cerr << d.ToString() << "\n";
  if (summary->errors > static_cast<int64_t>(summary->first_rejects.size())) {
    std::cerr << "... " << summary->errors - static_cast<int64_t>(summary->first_rejects.size())
              << " more; see `mgrs catalog rejects --catalog " << options.catalog_path << "`\n";
  }
  std::cout << ingest::SummaryText(*summary) << "\n";
  if (summary->stopped) {
    std::cerr << program << ": stopped: " << summary->stop_reason << "\n";
    return kExitTooManyRejects;
  }
  return kExitOk;
}

}  // namespace mgrs::tools
