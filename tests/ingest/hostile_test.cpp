// Hostile trees and files (issue 17): folder-link loops list each file once, an ingest that fails part-way closes
// its run as 'failed' instead of leaving it 'running', and a catalog nobody may write is still read.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ingest_helpers.h"
#include "test_support.h"

namespace mgrs::ingest {
namespace {

namespace fs = std::filesystem;
using testing_helpers::CopyFixtureTree;
using testing_helpers::MustIngest;
using testing_helpers::OpenCatalog;
using testing_helpers::OptionsFor;

IngestOptions NoImages(const std::string& scratch, const std::string& root) {
  IngestOptions options = OptionsFor(scratch, "dota", root);
  options.read_images = false;
  return options;
}

TEST(LinkLoopTest, TwoLinksToTheirOwnFolderListEachFileOnce) {
  // labelTxt/s1 -> . and labelTxt/s2 -> . made the listing walk about 2^40 paths.
  const std::string scratch = testing::ScratchDir("link-loop-two");
  const std::string root = CopyFixtureTree("ingest/dota/link_loop", scratch);
  fs::create_directory_symlink(".", root + "/train/labelTxt/s1");
  fs::create_directory_symlink(".", root + "/train/labelTxt/s2");
  const IngestSummary summary = MustIngest(NoImages(scratch, root));
  EXPECT_EQ(summary.files_listed, 2);
  EXPECT_EQ(summary.images, 2);
  EXPECT_EQ(summary.errors, 0);  // no DUPLICATE_IMAGE from reading a file twice
}

TEST(LinkLoopTest, ALinkToAnAncestorListsEachFileOnce) {
  const std::string scratch = testing::ScratchDir("link-loop-ancestor");
  const std::string root = CopyFixtureTree("ingest/dota/link_loop", scratch);
  fs::create_directory_symlink("../..", root + "/train/labelTxt/up");
  const IngestSummary summary = MustIngest(NoImages(scratch, root));
  EXPECT_EQ(summary.files_listed, 2);
  EXPECT_EQ(summary.errors, 0);
}

TEST(LinkLoopTest, ALinkToAFolderOutsideTheRootIsStillFollowed) {
  const std::string scratch = testing::ScratchDir("link-outside");
  const std::string root = CopyFixtureTree("ingest/dota/link_loop", scratch);
  fs::create_directories(scratch + "/elsewhere");
  std::ofstream(scratch + "/elsewhere/P0003.txt") << "10 10 50 10 50 40 10 40 plane 0\n";
  fs::create_directory_symlink(scratch + "/elsewhere", root + "/train/labelTxt/more");
  const IngestSummary summary = MustIngest(NoImages(scratch, root));
  EXPECT_EQ(summary.files_listed, 3);
  EXPECT_EQ(summary.images, 3);
}

// The listing reports after each folder it enters, so a tree that takes minutes to list shows progress; the loop
// of the issue (two links to ".") enters its one folder once.
TEST(ListingProgressTest, EachFolderIsReportedOnceWithTheFilesFoundSoFar) {
  const std::string scratch = testing::ScratchDir("listing-progress");
  const std::string root = CopyFixtureTree("ingest/dota/link_loop", scratch);
  fs::create_directory_symlink(".", root + "/train/labelTxt/s1");
  fs::create_directory_symlink(".", root + "/train/labelTxt/s2");
  for (int i = 0; i < 30; ++i) {
    const std::string dir = root + "/train/labelTxt/more/d" + std::to_string(i);
    fs::create_directories(dir);
    std::ofstream(dir + "/X" + std::to_string(i) + ".txt") << "10 10 50 10 50 40 10 40 plane 0\n";
  }
  IngestOptions options = NoImages(scratch, root);
  std::vector<std::pair<int64_t, int64_t>> reports;
  options.listing_progress = [&](int64_t folders, int64_t files) { reports.emplace_back(folders, files); };
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.files_listed, 32);
  // root, train, labelTxt, more, d0..d29: 34 folders, each once.
  ASSERT_EQ(reports.size(), 34u);
  for (size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].first, static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_GE(reports[i].second, reports[i - 1].second);
    }
  }
  // The report comes when a folder is entered, before its files are counted: the last folder's file is not in it.
  EXPECT_EQ(reports.back().second, 31);
}

// An annotation that names its image "../../outside/b.png" or by an absolute path reaches out of the dataset root:
// the record is refused with PATH_OUTSIDE_ROOT (though the file exists), the other image is stored.
TEST(PathEscapeTest, AnImageNameLeavingTheDatasetRootIsRefusedWithItsRecord) {
  const std::string scratch = testing::ScratchDir("path-escape");
  const std::string root = CopyFixtureTree("ingest/coco/good", scratch);
  const std::string annotations = root + "/annotations/instances_val.json";
  nlohmann::json coco = nlohmann::json::parse(std::ifstream(annotations));
  coco["images"][0]["file_name"] = "a.png";
  coco["images"][1]["file_name"] = "../../outside/b.png";
  coco["images"].push_back({{"id", 3}, {"file_name", scratch + "/outside/c.png"}, {"width", 100}, {"height", 80}});
  coco["annotations"].push_back({{"id", 3}, {"image_id", 3}, {"category_id", 1}, {"bbox", {5, 5, 10, 10}}});
  std::ofstream(annotations) << coco.dump();
  testing_helpers::WritePng(root + "/images/a.png", 100, 80);
  testing_helpers::WritePng(scratch + "/outside/b.png", 100, 80);  // where the escapes lead: present, still refused
  testing_helpers::WritePng(scratch + "/outside/c.png", 100, 80);
  const IngestOptions options = OptionsFor(scratch, "coco", root);
  const IngestSummary summary = MustIngest(options);
  EXPECT_EQ(summary.images, 1);
  int escapes = 0;
  for (const auto& reject : testing_helpers::AllRejects(options.catalog_path)) {
    if (reject.record.diagnostic.code != "PATH_OUTSIDE_ROOT") continue;
    ++escapes;
    EXPECT_NE(reject.record.diagnostic.message.find("leaves the dataset root"), std::string::npos);
    EXPECT_EQ(reject.record.diagnostic.path, "annotations/instances_val.json");
    EXPECT_EQ(reject.record.objects, 1);
  }
  EXPECT_EQ(escapes, 2);
}

TEST(RunStatusTest, AnIngestThatFailsPartWayClosesItsRunAsFailed) {
  const std::string scratch = testing::ScratchDir("run-failed");
  const std::string root = CopyFixtureTree("ingest/dota/link_loop", scratch);
  // A "regular file" whose read fails with EIO (offset 0 of the process's memory is never mapped): the reader's
  // I/O error stops the ingest after its run row was written.
  fs::create_symlink("/proc/self/mem", root + "/train/labelTxt/P0003.txt");
  const IngestOptions options = NoImages(scratch, root);
  auto summary = Ingest(options);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), StatusCode::kIoError) << summary.status().ToString();
  auto catalog = OpenCatalog(options.catalog_path);
  auto runs = catalog->Runs("dota");
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, "failed");
  EXPECT_FALSE((*runs)[0].finished_at.empty());
}

// Runs an `mgrs` command line as a user who cannot write the catalog: as root (who may write anything), under the
// "nobody" account.
int RunWithoutWriteAccess(const std::string& args, std::string* out) {
  const std::string drop = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  return testing::RunCommand(drop + std::string(MGRS_TOOL_MGRS) + " " + args, out);
}

TEST(ReadOnlyCatalogTest, ReadOnlySubcommandsReadACatalogInAFolderNobodyMayWrite) {
  const std::string scratch = testing::ScratchDir("read-only-catalog");
  fs::permissions(scratch, fs::perms::all);  // the unprivileged run must reach the catalog and write the export
  const std::string root = CopyFixtureTree("ingest/dota/link_loop", scratch);
  IngestOptions options = NoImages(scratch, root);
  fs::create_directories(scratch + "/db");
  options.catalog_path = scratch + "/db/c.sqlite";
  MustIngest(options);
  ASSERT_FALSE(fs::exists(options.catalog_path + "-wal"));  // a finished ingest leaves everything in the file
  fs::permissions(options.catalog_path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(scratch + "/db", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                       fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  const std::string catalog = " --catalog " + options.catalog_path;
  std::string out;
  EXPECT_EQ(RunWithoutWriteAccess("catalog stats" + catalog, &out), 0) << out;
  EXPECT_NE(out.find("2 images, 2 objects"), std::string::npos) << out;
  EXPECT_EQ(RunWithoutWriteAccess("catalog rejects" + catalog, &out), 0) << out;
  EXPECT_EQ(RunWithoutWriteAccess("catalog verify" + catalog, &out), 1)
      << out;  // exit 1: the two-file tree differs from DOTA's published counts, which verify lists
  EXPECT_NE(out.find("images published"), std::string::npos) << out;
  EXPECT_EQ(RunWithoutWriteAccess(
                "catalog export" + catalog + " --dataset dota --format coco --out " + scratch + "/dota.json", &out),
            0)
      << out;
  EXPECT_TRUE(fs::exists(scratch + "/dota.json"));
  EXPECT_FALSE(fs::exists(options.catalog_path + "-shm"));
  fs::permissions(scratch + "/db", fs::perms::owner_all);  // let the next run's ScratchDir remove it
}

}  // namespace
}  // namespace mgrs::ingest
