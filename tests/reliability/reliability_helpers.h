// Helpers of the reliability tests: the tools' paths, a generated demo dataset, running a tool under a file-size
// limit or in the background to kill it.
#pragma once

#include <string>
#include <vector>

#include "test_support.h"

namespace mgrs::reliability {

std::string Mgrs();
std::string MgrsScore();

// Renders `mgrs demo-data` (64-pixel images, seed 5) into <scratch>/demo at `scale`; returns the folder. Fails the
// test (and returns "") when the tool fails.
std::string MakeDemoSet(const std::string& scratch, double scale);

// A manifest for the demo's DOTA set that publishes no counts, so that `mgrs catalog verify` checks what holds
// for a partly ingested catalog too (integrity, format, version, splits, the manifest's checksum); written to
// <dir>/demo-dota.json.
std::string WriteCountlessDotaManifest(const std::string& dir);

// The `mgrs ingest` command line for the demo's DOTA set.
std::string IngestDemoDota(const std::string& demo, const std::string& catalog, const std::string& manifest);

using testing::RunWithFileSizeLimit;
using testing::Slurp;
using testing::StartInBackground;
using testing::TemporariesIn;

}  // namespace mgrs::reliability
