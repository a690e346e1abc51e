// Helpers shared by the ingest tests: run an ingest into a scratch catalog, copy fixture trees, write images.
#pragma once

#include <string>
#include <vector>

#include "mgrs/catalog/catalog.h"
#include "mgrs/ingest/ingest.h"

namespace mgrs::ingest::testing_helpers {

// Options for ingesting `root` with `format` into <scratch>/catalog.sqlite.
IngestOptions OptionsFor(const std::string& scratch, const std::string& format, const std::string& root);
// Runs Ingest and fails the test (ADD_FAILURE) when it does not succeed.
IngestSummary MustIngest(const IngestOptions& options);
std::unique_ptr<catalog::Catalog> OpenCatalog(const std::string& path);
std::vector<catalog::StoredReject> AllRejects(const std::string& catalog_path);
// Copies tests/fixtures/<fixture> into <scratch>/<name> and returns the copy's path.
std::string CopyFixtureTree(const std::string& fixture, const std::string& scratch);
// Writes a grey 3-band PNG of the given size.
void WritePng(const std::string& path, int width, int height);
// Images with their objects, in id order, without database ids: two catalogs with the same content compare equal.
std::string ContentDump(const std::string& catalog_path, const std::string& dataset);

}  // namespace mgrs::ingest::testing_helpers
