// The shared demo dataset and catalog of the MGRS-Bench tests.
#include "bench_helpers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/demo/demo_data.h"
#include "mgrs/ingest/ingest.h"
#include "test_support.h"

namespace mgrs::bench::testing {
namespace {

namespace fs = std::filesystem;

struct Demo {
  std::string dir, catalog;
};

const Demo& TheDemo() {
  static const Demo demo = [] {
    Demo d;
    const std::string scratch = mgrs::testing::ScratchDir("bench-demo");
    d.dir = scratch + "/demo";
    d.catalog = scratch + "/catalog.sqlite";
    demo::DemoDataOptions options;
    options.out_dir = d.dir;
    options.seed = kDemoSeed;
    options.scale = kDemoScale;
    auto written = demo::WriteDemoData(options);
    if (!written.ok()) throw std::runtime_error(written.status().ToString());
    for (const demo::IngestStep& step : demo::DemoIngestSteps()) {
      ingest::IngestOptions ingest;
      ingest.catalog_path = d.catalog;
      ingest.format = step.format;
      ingest.root = d.dir + "/" + step.root;
      ingest.name = step.name;
      ingest.split = step.split;
      auto result = ingest::Ingest(ingest);
      if (!result.ok()) throw std::runtime_error(step.name + ": " + result.status().ToString());
    }
    return d;
  }();
  return demo;
}

}  // namespace

const std::string& DemoDir() { return TheDemo().dir; }
const std::string& DemoCatalog() { return TheDemo().catalog; }

std::string FreshCatalog(const std::string& scratch) {
  const std::string out = scratch + "/catalog.sqlite";
  // Opening and closing read-write checkpoints the WAL into the file, so the one file is the whole catalog.
  { auto catalog = catalog::Catalog::Open(DemoCatalog()); }
  fs::copy_file(DemoCatalog(), out, fs::copy_options::overwrite_existing);
  return out;
}

std::string WriteText(const std::string& scratch, const std::string& name, const std::string& text) {
  const std::string path = scratch + "/" + name;
  const Status status = WriteFileAtomically(path, text);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  return path;
}

std::string BenchManifest(const std::string& name) { return std::string(MGRS_SOURCE_DIR) + "/manifests/bench/" + name; }

BuildOptions Options(const std::string& scratch, const std::string& catalog, const std::string& config_text) {
  BuildOptions options;
  options.catalog_path = catalog;
  options.config_path = WriteText(scratch, "config.json", config_text);
  options.prompts_path = BenchManifest("prompts.json");
  options.out_dir = scratch + "/build";
  return options;
}

}  // namespace mgrs::bench::testing
