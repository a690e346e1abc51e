// Manifests: the shipped ones load and agree with the normaliser; broken ones are refused with the field named;
// verify lists the differences between a catalog and its manifest.
#include <gtest/gtest.h>

#include <fstream>

#include "ingest_helpers.h"
#include "mgrs/ingest/manifest.h"
#include "test_support.h"

namespace mgrs::ingest {
namespace {

TEST(ManifestTest, ShippedManifestsLoad) {
  for (const char* name : {"dota", "dior", "fair1m"}) {
    auto manifest = LoadManifest(std::string(MGRS_SOURCE_DIR) + "/manifests/datasets/" + name + ".json");
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    EXPECT_EQ(manifest->name, name);
    EXPECT_EQ(manifest->sha256.size(), 64u);
  }
  auto dota = LoadManifest(std::string(MGRS_SOURCE_DIR) + "/manifests/datasets/dota.json");
  // Class counts per version (datasets.md section 1): 15, 16, 18.
  EXPECT_EQ((*dota->Version("1.0"))->classes.size(), 15u);
  EXPECT_EQ((*dota->Version("1.5"))->classes.size(), 16u);
  EXPECT_EQ((*dota->Version("2.0"))->classes.size(), 18u);
  EXPECT_FALSE(dota->Version("3.0").ok());
  auto fair1m = LoadManifest(std::string(MGRS_SOURCE_DIR) + "/manifests/datasets/fair1m.json");
  EXPECT_EQ((*fair1m->Version(""))->classes.size(), 37u);
}

TEST(ManifestTest, AKeyThatDisagreesWithTheNormaliserIsRefused) {
  const std::string path = testing::ScratchDir("manifest-bad-key") + "/m.json";
  std::ofstream(path) << R"({"name": "x", "format": "dota", "versions": {"1": {"classes": [
      {"name": "Small Car", "key": "small_car"}]}}})";
  auto manifest = LoadManifest(path);
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.status().code(), StatusCode::kParseError);
  EXPECT_NE(manifest.status().message().find("small-car"), std::string::npos);
}

TEST(ManifestTest, Sha256MatchesTheKnownDigestOfAFixture) {
  // SOURCES.md gives the first 16 hex digits of each fixture's sha256: P0770.txt is 11a9ddca66c0e096.
  auto digest = Sha256OfFile(testing::SharedFile("fixtures/dota/devkit_example/labelTxt/P0770.txt"));
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->substr(0, 16), "11a9ddca66c0e096");
  auto empty =
      Sha256OfFile(testing::SharedFile("fixtures/dota/mmrotate_split_patches/labelTxt/P0004__1__0___1024.txt"));
  EXPECT_EQ(*empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");  // sha256 of nothing
}

TEST(VerifyTest, ListsSplitAndClassDifferences) {
  const std::string scratch = testing::ScratchDir("verify");
  IngestOptions options = testing_helpers::OptionsFor(scratch, "dior", testing::SharedFile("fixtures/dior"));
  testing_helpers::MustIngest(options);
  auto catalog = catalog::Catalog::Open(options.catalog_path, catalog::Catalog::Mode::kReadOnly);
  ASSERT_TRUE(catalog.ok());
  auto manifest = LoadManifest(std::string(MGRS_SOURCE_DIR) + "/manifests/datasets/dior.json");
  ASSERT_TRUE(manifest.ok());
  auto differences = VerifyAgainstManifest(catalog->get(), "dior", *manifest);
  ASSERT_TRUE(differences.ok()) << differences.status().ToString();
  auto has = [&](const std::string& text) {
    for (const std::string& d : *differences) {
      if (d == text) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("split train: 5862 images published, 0 in the catalog"));
  EXPECT_TRUE(has("split demo: in the catalog (1 images) but not in the manifest"));
  EXPECT_TRUE(has("class 'windmill': in the manifest, no objects"));
  EXPECT_FALSE(has("class 'golffield': in the manifest, no objects"));
  // 3 published splits + 1 unknown split + 19 classes without objects.
  EXPECT_EQ(differences->size(), 23u);
}

}  // namespace
}  // namespace mgrs::ingest
