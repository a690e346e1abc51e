// Hostile trees and files (issue 17): folder-link loops list each file once, an ingest that fails part-way closes
// its run as 'failed' instead of leaving it 'running', and a catalog nobody may write is still read.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
