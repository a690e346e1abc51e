// The `mgrs ingest` and `mgrs catalog` commands: exit codes, the summary line, JSON stats, the rejects listing.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace mgrs {
namespace {

std::string Mgrs() { return MGRS_TOOL_MGRS; }

TEST(IngestCliTest, IngestThenStatsAndRejects) {
  const std::string scratch = testing::ScratchDir("cli-ingest");
  const std::string catalog = scratch + "/c.sqlite";
  std::string out;
  ASSERT_EQ(testing::RunCommand(Mgrs() + " ingest --quiet --catalog " + catalog + " --format dota --root " +
                                    testing::SharedFile("fixtures/dota/devkit_example"),
                                &out),
            0)
      << out;
  EXPECT_NE(out.find("objects read 984 = accepted 64 + rejected 920"), std::string::npos) << out;
  EXPECT_NE(out.find("P0706.txt: error[MISSING_IMAGE]"), std::string::npos) << out;

  ASSERT_EQ(testing::RunCommand(Mgrs() + " catalog stats --json --catalog " + catalog + " 2>/dev/null", &out), 0);
  const auto stats = nlohmann::json::parse(out);
  EXPECT_EQ(stats["images"], 1);
  EXPECT_EQ(stats["objects"], 64);
  EXPECT_EQ(stats["datasets"][0]["objects_per_class"]["large-vehicle"]["objects"], 50);
  EXPECT_EQ(stats["datasets"][0]["rejects"]["by_code"]["MISSING_IMAGE"], 6);

  ASSERT_EQ(testing::RunCommand(Mgrs() + " catalog rejects --catalog " + catalog + " --code MISSING_IMAGE", &out), 0);
  EXPECT_NE(out.find("dota: labelTxt/P2709.txt: error[MISSING_IMAGE]"), std::string::npos) << out;
  EXPECT_NE(out.find("(158 objects)"), std::string::npos) << out;

  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog verify --catalog " + catalog, &out), 1);
  EXPECT_NE(out.find("dota: split train: 1411 images published, 0 in the catalog"), std::string::npos) << out;
}

TEST(IngestCliTest, StrictExitsThree) {
  const std::string scratch = testing::ScratchDir("cli-strict");
  std::string out;
  EXPECT_EQ(testing::RunCommand(Mgrs() + " ingest --quiet --strict --catalog " + scratch + "/c.sqlite --format dota " +
                                    "--root " + testing::SharedFile("fixtures/dota/devkit_example"),
                                &out),
            3)
      << out;
  EXPECT_NE(out.find("stopped: --strict"), std::string::npos) << out;
}

TEST(IngestCliTest, UnknownFormatIsAUsageError) {
  const std::string scratch = testing::ScratchDir("cli-format");
  std::string out;
  EXPECT_EQ(testing::RunCommand(Mgrs() + " ingest --catalog " + scratch + "/c.sqlite --format pascal --root " + scratch,
                                &out),
            2);
  EXPECT_NE(out.find("unknown format 'pascal'"), std::string::npos) << out;
  EXPECT_EQ(testing::RunCommand(Mgrs() + " ingest --catalog c.sqlite --root .", &out), 2);  // --format missing
}

TEST(IngestCliTest, ShardExportAndMerge) {
  const std::string scratch = testing::ScratchDir("cli-shards");
  const std::string root = testing::SharedFile("fixtures/hrrsd");
  std::string out;
  for (const char* shard : {"0/2", "1/2"}) {
    ASSERT_EQ(testing::RunCommand(Mgrs() + " ingest --quiet --no-images --format hrrsd --root " + root + " --catalog " +
                                      scratch + "/s" + shard[0] + ".sqlite --shard " + shard,
                                  &out),
              0)
        << out;
  }
  ASSERT_EQ(testing::RunCommand(Mgrs() + " catalog merge " + scratch + "/all.sqlite " + scratch + "/s0.sqlite " +
                                    scratch + "/s1.sqlite",
                                &out),
            0)
      << out;
  EXPECT_NE(out.find("3 images, 23 objects"), std::string::npos) << out;
  // The same shard again conflicts: exit 1 and the reason.
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog merge " + scratch + "/all.sqlite " + scratch + "/s0.sqlite", &out),
            1);
  EXPECT_NE(out.find("image ids on both sides"), std::string::npos) << out;
  ASSERT_EQ(testing::RunCommand(Mgrs() + " catalog export --catalog " + scratch + "/all.sqlite --dataset hrrsd " +
                                    "--format coco --out " + scratch + "/hrrsd.json",
                                &out),
            0)
      << out;
  const auto coco = nlohmann::json::parse(std::ifstream(scratch + "/hrrsd.json"));
  EXPECT_EQ(coco["images"].size(), 3u);
  EXPECT_EQ(coco["annotations"].size(), 23u);
}

TEST(IngestCliTest, VrsbenchTextsInStats) {
  // SYNTHETIC eval files (tests/fixtures/ingest/vrsbench/good): 3 captions, 3 referring objects, 4 questions.
  const std::string scratch = testing::ScratchDir("cli-vrsbench");
  const std::string catalog = scratch + "/c.sqlite";
  std::string out;
  ASSERT_EQ(testing::RunCommand(Mgrs() + " ingest --quiet --no-images --catalog " + catalog +
                                    " --format vrsbench --root " + testing::FixtureFile("ingest/vrsbench/good"),
                                &out),
            0)
      << out;
  EXPECT_NE(out.find("objects read 3 = accepted 3 + rejected 0"), std::string::npos) << out;

  ASSERT_EQ(testing::RunCommand(Mgrs() + " catalog stats --catalog " + catalog + " 2>/dev/null", &out), 0);
  EXPECT_NE(out.find("3 images, 3 objects, 3 expressions, 3 captions, 4 qa"), std::string::npos) << out;
  EXPECT_NE(out.find("vrsbench (vrsbench 1.0): 3 images, 3 objects, 0 objects rejected, 3 expressions, 3 captions, "
                     "4 qa\n"),
            std::string::npos)
      << out;
  ASSERT_EQ(testing::RunCommand(Mgrs() + " catalog stats --json --catalog " + catalog + " 2>/dev/null", &out), 0);
  const auto stats = nlohmann::json::parse(out);
  EXPECT_EQ(stats["datasets"][0]["captions"], 3);
  EXPECT_EQ(stats["datasets"][0]["qa"], 4);
  EXPECT_EQ(stats["datasets"][0]["expressions"], 3);
  EXPECT_EQ(stats["datasets"][0]["objects_per_class"]["ship"]["objects"], 1);

  // The fixture is not the published eval split: verify says by how much.
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog verify --catalog " + catalog, &out), 1);
  EXPECT_NE(out.find("split test: 9350 images published, 3 in the catalog"), std::string::npos) << out;
}

TEST(IngestCliTest, MissingCatalogIsASystemError) {
  std::string out;
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog stats --catalog /nonexistent/c.sqlite", &out), 1);
  EXPECT_NE(out.find("/nonexistent/c.sqlite"), std::string::npos) << out;
}

}  // namespace
}  // namespace mgrs
