// Helpers of the reliability tests.
#include "reliability_helpers.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mgrs/core/files.h"
#include "test_support.h"

namespace mgrs::reliability {

std::string Mgrs() { return MGRS_TOOL_MGRS; }
std::string MgrsScore() { return MGRS_TOOL_MGRS_SCORE; }

std::string MakeDemoSet(const std::string& scratch, double scale) {
  const std::string demo = scratch + "/demo";
  std::string out;
  const int status = testing::RunCommand(
      Mgrs() + " demo-data --quiet --seed 5 --size 64 --scale " + std::to_string(scale) + " --out " + demo, &out);
  if (status != 0) {
    ADD_FAILURE() << "mgrs demo-data failed: " << out;
    return "";
  }
  return demo;
}

std::string WriteCountlessDotaManifest(const std::string& dir) {
  const std::string path = dir + "/demo-dota.json";
  const Status written = WriteFileAtomically(path, R"({
  "name": "demo-dota",
  "format": "dota",
  "title": "mgrs demo-data's DOTA set, no counts published",
  "coord_origin": 0,
  "policy": {"unknown_class": "keep", "out_of_bounds": "clamp"},
  "default_version": "1.0",
  "versions": {
    "1.0": {"splits": {"train": {"images": null}, "val": {"images": null}, "test": {"images": null}}}
  }
}
)");
  EXPECT_TRUE(written.ok()) << written.ToString();
  return path;
}

std::string IngestDemoDota(const std::string& demo, const std::string& catalog, const std::string& manifest) {
  return Mgrs() + " ingest --quiet --format dota --name demo-dota --root " + demo + "/dota --manifest " + manifest +
         " --catalog " + catalog;
}

}  // namespace mgrs::reliability
