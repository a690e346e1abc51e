// Writes that fail for lack of space (a file-size limit, `ulimit -f`, in the tool's process): a clear error naming
// the file, and the previous outputs left as they were (catalog, mgrs-score reports, instruction files).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "reliability_helpers.h"
#include "test_support.h"

namespace mgrs::reliability {
namespace {

std::map<std::string, std::string> Contents(const std::string& dir, const std::vector<std::string>& names) {
  std::map<std::string, std::string> contents;
  for (const std::string& name : names) contents[name] = Slurp(dir + "/" + name);
  return contents;
}

long Size(const std::string& path) { return static_cast<long>(std::filesystem::file_size(path)); }

// The demo's DOTA set ingested into <scratch>/c.sqlite; returns the DIOR-RSVG ingest to run next.
std::string CatalogWithDota(const std::string& scratch) {
  const std::string demo = MakeDemoSet(scratch, 1.0);
  std::string out;
  EXPECT_EQ(testing::RunCommand(IngestDemoDota(demo, scratch + "/c.sqlite", WriteCountlessDotaManifest(scratch)), &out),
            0)
      << out;
  return Mgrs() + " ingest --quiet --format dior-rsvg --name demo-rsvg --root " + demo + "/dior_rsvg --catalog " +
         scratch + "/c.sqlite";
}

// The lines of `mgrs catalog stats` about one dataset (from its header line to the next blank line).
std::string DatasetStats(const std::string& catalog, const std::string& dataset) {
  std::string out;
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog stats --catalog " + catalog + " 2>&1", &out), 0) << out;
  const size_t begin = out.find("\n" + dataset + " (");
  if (begin == std::string::npos) return "";
  const size_t end = out.find("\n\n", begin + 1);
  std::string lines = out.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  while (!lines.empty() && lines.back() == '\n') lines.pop_back();
  return lines;
}

// The first line of `mgrs catalog stats`: the totals over every dataset.
std::string Totals(const std::string& catalog) {
  std::string out;
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog stats --catalog " + catalog + " 2>&1", &out), 0) << out;
  return out.substr(0, out.find('\n'));
}

// 128 KiB: the DIOR-RSVG ingest's rollback journal outgrows it before the catalog file is touched.
TEST(DiskFullTest, AnIngestPastTheLimitFailsClearlyAndLeavesTheCatalogAsItWas) {
  const std::string scratch = testing::ScratchDir("full-catalog");
  const std::string catalog = scratch + "/c.sqlite";
  const std::string ingest_rsvg = CatalogWithDota(scratch);
  const std::string totals = Totals(catalog), dota = DatasetStats(catalog, "demo-dota");
  ASSERT_NE(dota, "");

  std::string out;
  EXPECT_EQ(RunWithFileSizeLimit(ingest_rsvg, 128 << 10, &out), 1) << out;
  EXPECT_NE(out.find("mgrs ingest: error:"), std::string::npos) << out;
  EXPECT_NE(out.find(catalog + ": disk I/O error (File too large)"), std::string::npos) << out;

  // What stays of the failed ingest is its dataset row and its run, closed as failed: no image, no object.
  EXPECT_EQ(Totals(catalog), totals);
  EXPECT_EQ(DatasetStats(catalog, "demo-dota"), dota);
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog verify --catalog " + catalog + " --dataset demo-dota", &out), 0)
      << out;
  ASSERT_EQ(testing::RunCommand(ingest_rsvg, &out), 0) << out;  // with room again, the same ingest completes
  EXPECT_NE(DatasetStats(catalog, "demo-rsvg"), "");
}

// A limit below the catalog file's size: the journal is written, but COMMIT cannot write the pages past the limit,
// and neither can the rollback that would restore them. The journal stays (a hot journal); the read-only commands
// say so, and the next read-write open rolls it back: nothing of the earlier dataset is lost.
TEST(DiskFullTest, ACommitPastTheLimitLeavesAJournalThatTheNextIngestRollsBack) {
  const std::string scratch = testing::ScratchDir("full-commit");
  const std::string catalog = scratch + "/c.sqlite";
  const std::string ingest_rsvg = CatalogWithDota(scratch);
  const std::string before = DatasetStats(catalog, "demo-dota");
  ASSERT_NE(before, "");
  const long size = static_cast<long>(std::filesystem::file_size(catalog));
  ASSERT_GT(size, 256 << 10);

  std::string out;
  EXPECT_EQ(RunWithFileSizeLimit(ingest_rsvg, size - (64 << 10), &out), 1) << out;
  EXPECT_NE(out.find("mgrs ingest: error:"), std::string::npos) << out;
  EXPECT_NE(out.find(catalog), std::string::npos) << out;
  ASSERT_TRUE(std::filesystem::exists(catalog + "-journal")) << "no hot journal left: the test proves nothing";
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog stats --catalog " + catalog, &out), 1) << out;
  EXPECT_NE(out.find("interrupted ingest"), std::string::npos) << out;
  ASSERT_EQ(testing::RunCommand(ingest_rsvg, &out), 0) << out;
  EXPECT_EQ(DatasetStats(catalog, "demo-dota"), before);
  EXPECT_NE(DatasetStats(catalog, "demo-rsvg"), "");
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog verify --catalog " + catalog + " --dataset demo-dota", &out), 0)
      << out;
}

TEST(DiskFullTest, AScoringRunPastTheLimitKeepsEveryEarlierReport) {
  const std::string dir = testing::ScratchDir("full-score");
  const std::vector<std::string> names = {"r.json", "r.md", "r.html", "s.jsonl"};
  auto score = [&](const std::string& task, const std::string& out_dir) {
    return MgrsScore() + " --quiet --no-meteor --gt " + testing::FixtureFile("metrics/" + task + "_gt.jsonl") +
           " --pred " + testing::FixtureFile("metrics/" + task + "_pred.jsonl") + " --json " + out_dir +
           "/r.json --markdown " + out_dir + "/r.md --html " + out_dir + "/r.html --per-sample " + out_dir + "/s.jsonl";
  };
  std::string out;
  ASSERT_EQ(testing::RunCommand(score("captions", dir), &out), 0) << out;
  const auto earlier = Contents(dir, names);

  // The grounding run's files, written without a limit elsewhere, tell where to put the limit: above every
  // file but the HTML page, so that the first three would fit and only the page fails.
  const std::string probe = testing::ScratchDir("full-score-probe");
  ASSERT_EQ(testing::RunCommand(score("grounding", probe), &out), 0) << out;
  const long html = Size(probe + "/r.html");
  long others = 0;
  for (const char* name : {"r.json", "r.md", "s.jsonl"}) others = std::max(others, Size(probe + "/" + name));
  const long limit = (others / 512 + 1) * 512;
  ASSERT_LT(limit, html) << "the HTML page no longer outgrows the other files";

  EXPECT_EQ(RunWithFileSizeLimit(score("grounding", dir), limit, &out), 1) << out;
  EXPECT_NE(out.find("mgrs-score: error:"), std::string::npos) << out;
  EXPECT_NE(out.find(dir + "/r.html"), std::string::npos) << out;
  EXPECT_NE(out.find("File too large"), std::string::npos) << out;
  EXPECT_EQ(Contents(dir, names), earlier);
  EXPECT_TRUE(TemporariesIn(dir).empty());
}

TEST(DiskFullTest, AnInstructRunPastTheLimitKeepsTheEarlierInstructionFiles) {
  const std::string scratch = testing::ScratchDir("full-instruct");
  const std::string demo = MakeDemoSet(scratch, 0.25);
  ASSERT_FALSE(demo.empty());
  const std::string catalog = scratch + "/c.sqlite";
  std::string out;
  for (const auto& [format, name, root] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"dota", "demo-dota", "dota"}, {"dior-rsvg", "demo-rsvg", "dior_rsvg"}, {"rsvqa", "demo-vqa", "rsvqa"}}) {
    ASSERT_EQ(testing::RunCommand(Mgrs() + " ingest --quiet --format " + format + " --name " + name + " --root " +
                                      demo + "/" + root + " --catalog " + catalog,
                                  &out),
              0)
        << out;
  }
  const std::string dir = scratch + "/instructions";
  const auto instruct = [&](int seed) {
    return Mgrs() + " instruct --catalog " + catalog + " --out " + dir + " --seed " + std::to_string(seed);
  };
  ASSERT_EQ(testing::RunCommand(instruct(1), &out), 0) << out;
  const std::vector<std::string> names = {"train.jsonl", "test.jsonl", "stats.json"};
  const auto earlier = Contents(dir, names);
  ASSERT_GT(Size(dir + "/train.jsonl"), 128 << 10);

  // 64 KiB: above the catalog's 32 KiB -shm file, which reading the catalog needs, below train.jsonl.
  EXPECT_EQ(RunWithFileSizeLimit(instruct(2), 64 << 10, &out), 1) << out;
  EXPECT_NE(out.find("mgrs instruct: error:"), std::string::npos) << out;
  EXPECT_NE(out.find(dir), std::string::npos) << out;
  EXPECT_NE(out.find("File too large"), std::string::npos) << out;
  EXPECT_EQ(Contents(dir, names), earlier);
  EXPECT_TRUE(TemporariesIn(dir).empty());
  // With room again, seed 2 writes its own files.
  ASSERT_EQ(testing::RunCommand(instruct(2), &out), 0) << out;
  EXPECT_NE(Slurp(dir + "/train.jsonl"), earlier.at("train.jsonl"));
}

}  // namespace
}  // namespace mgrs::reliability
