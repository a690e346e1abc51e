// Idempotence (the same tree twice is stored once), resume after a kill, and parallel parsing giving the same
// catalog as one parser. Trees are generated in a scratch folder.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "ingest_helpers.h"
#include "test_support.h"

namespace mgrs::ingest {
namespace {

using testing_helpers::ContentDump;
using testing_helpers::MustIngest;
using testing_helpers::OpenCatalog;
using testing_helpers::OptionsFor;

// `files` DOTA label files of `objects` objects each under <dir>/train/labelTxt, every 7th file with one
// truncated line so rejects are part of what must not be duplicated.
std::string GenerateDotaTree(const std::string& dir, int files, int objects) {
  const std::string labels = dir + "/tree/train/labelTxt";
  std::filesystem::create_directories(labels);
  for (int f = 0; f < files; ++f) {
    char name[32];
    std::snprintf(name, sizeof name, "/P%04d.txt", f);
    std::FILE* out = std::fopen((labels + name).c_str(), "w");
    std::fprintf(out, "imagesource:GoogleEarth\ngsd:0.5\n");
    for (int i = 0; i < objects; ++i) {
      const double x = 10 * i + f, y = 5 * i;
      std::fprintf(out, "%.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %s %d\n", x, y, x + 8, y, x + 8, y + 4, x, y + 4,
                   i % 3 ? "small-vehicle" : "plane", i % 5 == 0);
    }
    if (f % 7 == 0) std::fprintf(out, "1 2 3 4 5\n");
    std::fclose(out);
  }
  return dir + "/tree";
}

IngestOptions TreeOptions(const std::string& scratch, const std::string& root) {
  IngestOptions options = OptionsFor(scratch, "dota", root);
  options.read_images = false;
  options.writer.files_per_transaction = 10;  // many commits, so a kill lands between and inside them
  return options;
}

TEST(IdempotenceTest, TheSameTreeTwiceIsStoredOnce) {
  const std::string scratch = testing::ScratchDir("idempotent");
  const IngestOptions options = TreeOptions(scratch, GenerateDotaTree(scratch, 30, 12));
  const IngestSummary first = MustIngest(options);
  EXPECT_EQ(first.images, 30);
  EXPECT_EQ(first.objects_accepted, 360);
  EXPECT_EQ(first.errors, 5);  // files 0, 7, 14, 21, 28
  const std::string before = ContentDump(options.catalog_path, "dota");
  EXPECT_TRUE(first.indexes_rebuilt);
  const IngestSummary second = MustIngest(options);
  EXPECT_EQ(second.files_read, 0);
  EXPECT_EQ(second.files_skipped, 30);
  EXPECT_FALSE(second.indexes_rebuilt);  // nothing to store: the indexes stay
  EXPECT_EQ(ContentDump(options.catalog_path, "dota"), before);
}

// A file rejected whole for its missing image is read again by a rerun: while the image is still missing the
// catalog keeps one copy of the reject; once the image is there the file is stored and the reject is gone.
TEST(IdempotenceTest, AFileWhoseImageWasMissingIsReadAgainOnceTheImageIsThere) {
  const std::string scratch = testing::ScratchDir("retry-missing-image");
  const std::string root = testing_helpers::CopyFixtureTree("ingest/dota/missing_image", scratch);
  const IngestOptions options = OptionsFor(scratch, "dota", root);
  const IngestSummary first = MustIngest(options);
  EXPECT_EQ(first.images, 0);
  EXPECT_EQ(first.objects_rejected, 2);

  const IngestSummary still_missing = MustIngest(options);
  EXPECT_EQ(still_missing.files_retried, 1);
  EXPECT_EQ(still_missing.objects_rejected, 2);
  ASSERT_EQ(testing_helpers::AllRejects(options.catalog_path).size(), 1u);

  testing_helpers::WritePng(root + "/images/T0001.png", 64, 48);
  const IngestSummary found = MustIngest(options);
  EXPECT_EQ(found.files_retried, 1);
  EXPECT_FALSE(found.indexes_rebuilt);  // one file against one stored: stored with the indexes live
  EXPECT_EQ(found.images, 1);
  EXPECT_EQ(found.objects_accepted, 2);
  EXPECT_TRUE(testing_helpers::AllRejects(options.catalog_path).empty());
  auto catalog = OpenCatalog(options.catalog_path);
  auto images = catalog->Images("dota");
  ASSERT_TRUE(images.ok());
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ((*images)[0].width, 64);
  EXPECT_EQ(*catalog->CompletedFiles("dota"), std::vector<std::string>{"labelTxt/T0001.txt"});

  const IngestSummary again = MustIngest(options);
  EXPECT_EQ(again.files_read, 0);
  EXPECT_EQ(again.files_retried, 0);
  EXPECT_TRUE(catalog->CheckIntegrity().ok());
}

TEST(ResumeTest, AKilledIngestLeavesAConsistentCatalogAndARerunCompletesIt) {
  const std::string scratch = testing::ScratchDir("resume");
  const std::string root = GenerateDotaTree(scratch, 120, 20);
  const IngestOptions options = TreeOptions(scratch, root);

  // The reference: one uninterrupted ingest into another catalog.
  IngestOptions reference = options;
  reference.catalog_path = scratch + "/reference.sqlite";
  MustIngest(reference);

  // A child process ingests and dies abruptly (no destructors, no rollback, open transaction) after 55 files:
  // 50 are committed (transactions of 10 files), 5 are inside an open transaction.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    IngestOptions killed = options;
    killed.progress = [](const IngestProgress& p) {
      if (p.files_done == 55) ::_exit(9);
    };
    (void)Ingest(killed);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 9) << "the child was meant to die at file 55";

  {
    auto catalog = OpenCatalog(options.catalog_path);
    ASSERT_NE(catalog, nullptr);
    const Status integrity = catalog->CheckIntegrity();
    EXPECT_TRUE(integrity.ok()) << integrity.ToString();
    auto images = catalog->Images("dota");
    ASSERT_TRUE(images.ok());
    EXPECT_EQ(images->size(), 50u);
    auto completed = catalog->CompletedFiles("dota");
    ASSERT_TRUE(completed.ok());
    EXPECT_EQ(completed->size(), 50u);
  }
  const IngestSummary rerun = MustIngest(options);
  EXPECT_EQ(rerun.files_skipped, 50);
  EXPECT_EQ(rerun.files_read, 70);
  EXPECT_TRUE(rerun.indexes_rebuilt);  // 70 files to store against 50 stored
  EXPECT_EQ(ContentDump(options.catalog_path, "dota"), ContentDump(reference.catalog_path, "dota"));
  auto catalog = OpenCatalog(options.catalog_path);
  EXPECT_TRUE(catalog->CheckIntegrity().ok());
}

TEST(ParallelTest, TwoParserThreadsGiveTheSameCatalogAsOne) {
  const std::string scratch = testing::ScratchDir("jobs");
  const std::string root = GenerateDotaTree(scratch, 60, 15);
  IngestOptions one = TreeOptions(scratch, root);
  one.catalog_path = scratch + "/one.sqlite";
  IngestOptions two = one;
  two.catalog_path = scratch + "/two.sqlite";
  two.jobs = 2;
  two.queue_files = 2;  // a small window, so the writer often waits for the out-of-order parsers
  MustIngest(one);
  MustIngest(two);
  const std::string dump = ContentDump(one.catalog_path, "dota");
  EXPECT_NE(dump.find("P0059"), std::string::npos);
  EXPECT_EQ(ContentDump(two.catalog_path, "dota"), dump);
}

TEST(StopTest, StrictStopsAtTheFirstRejectAndStoresNothingOfThatFile) {
  const std::string scratch = testing::ScratchDir("strict");
  IngestOptions options = TreeOptions(scratch, GenerateDotaTree(scratch, 10, 3));
  options.strict = true;
  const IngestSummary summary = MustIngest(options);
  EXPECT_TRUE(summary.stopped);
  EXPECT_EQ(summary.files_read, 0);  // P0000 holds the first truncated line
  ASSERT_FALSE(summary.first_rejects.empty());
  EXPECT_EQ(summary.first_rejects[0].code, "TRUNCATED_LINE");
  auto catalog = OpenCatalog(options.catalog_path);
  EXPECT_TRUE(catalog->Images("dota")->empty());
}

TEST(StopTest, MaxRejectsStopsPastTheLimit) {
  const std::string scratch = testing::ScratchDir("max-rejects");
  IngestOptions options = TreeOptions(scratch, GenerateDotaTree(scratch, 30, 3));
  options.max_rejects = 2;  // rejects in files 0, 7, 14: the third one is past the limit
  const IngestSummary summary = MustIngest(options);
  EXPECT_TRUE(summary.stopped);
  EXPECT_EQ(summary.errors, 2);
  EXPECT_EQ(summary.files_read, 14);
}

}  // namespace
}  // namespace mgrs::ingest
