// Ingest test helpers.
#include "ingest_helpers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <opencv2/core.hpp>

#include "mgrs/raster/raster.h"
#include "test_support.h"

namespace mgrs::ingest::testing_helpers {

IngestOptions OptionsFor(const std::string& scratch, const std::string& format, const std::string& root) {
  IngestOptions options;
  options.catalog_path = scratch + "/catalog.sqlite";
  options.format = format;
  options.root = root;
  return options;
}

IngestSummary MustIngest(const IngestOptions& options) {
  auto summary = Ingest(options);
  if (!summary.ok()) {
    ADD_FAILURE() << "ingest of " << options.root << " failed: " << summary.status().ToString();
    return IngestSummary{};
  }
  // Every run must account for every object it read.
  EXPECT_EQ(summary->objects_read, summary->objects_accepted + summary->objects_rejected);
  return *summary;
}

std::unique_ptr<catalog::Catalog> OpenCatalog(const std::string& path) {
  auto catalog = catalog::Catalog::Open(path, catalog::Catalog::Mode::kReadOnly);
  if (!catalog.ok()) {
    ADD_FAILURE() << catalog.status().ToString();
    return nullptr;
  }
  return std::move(*catalog);
}

std::vector<catalog::StoredReject> AllRejects(const std::string& catalog_path) {
  auto catalog = OpenCatalog(catalog_path);
  if (!catalog) return {};
  auto rejects = catalog->Rejects(catalog::RejectFilter{});
  EXPECT_TRUE(rejects.ok());
  return rejects.ok() ? *rejects : std::vector<catalog::StoredReject>{};
}

std::string CopyFixtureTree(const std::string& fixture, const std::string& scratch) {
  const std::string source = testing::FixtureFile(fixture);
  const std::string target = scratch + "/tree";
  std::filesystem::copy(source, target, std::filesystem::copy_options::recursive);
  return target;
}

void WritePng(const std::string& path, int width, int height) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  const Status status = raster::WritePixels(path, cv::Mat(height, width, CV_8UC3, cv::Scalar(90, 120, 100)));
  ASSERT_TRUE(status.ok()) << status.ToString();
}

std::string ContentDump(const std::string& catalog_path, const std::string& dataset) {
  auto catalog = OpenCatalog(catalog_path);
  if (!catalog) return {};
  std::ostringstream out;
  auto images = catalog->Images(dataset);
  EXPECT_TRUE(images.ok());
  for (const Image& image : *images) {
    out << image.id << " " << image.split << " " << image.path << " " << image.width << "x" << image.height << "\n";
    auto objects = catalog->Objects(image.id);
    EXPECT_TRUE(objects.ok());
    for (const catalog::StoredObject& o : *objects) {
      out << "  " << o.line << " " << o.object.raw_class << " " << o.object.hbb.x1 << " " << o.object.hbb.y1 << " "
          << o.object.hbb.x2 << " " << o.object.hbb.y2 << " d" << o.difficulty << " f" << o.flags << "\n";
    }
  }
  auto rejects = catalog->Rejects(catalog::RejectFilter{dataset, "", false, -1});
  EXPECT_TRUE(rejects.ok());
  std::vector<std::string> lines;
  for (const auto& r : *rejects) lines.push_back(r.record.diagnostic.ToString());
  std::sort(lines.begin(), lines.end());
  for (const std::string& line : lines) out << line << "\n";
  return out.str();
}

}  // namespace mgrs::ingest::testing_helpers
