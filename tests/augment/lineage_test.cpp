// Catalog lineage (schema v2): a derived image and its annotations go in all together or not at all, a rerun
// replaces, the v1 -> v2 migration keeps an existing catalog's rows, stats count derived images.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cmath>
#include <limits>

#include "augment_helpers.h"
#include "mgrs/catalog/catalog.h"
#include "mgrs/catalog/merge.h"
#include "test_support.h"

namespace mgrs::augment {
namespace {

using namespace testing_helpers;

int64_t Count(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t value = -1;
  if (stmt && sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

catalog::DerivedImage OneDerived(const SourceImage& parent, const std::string& scratch) {
  catalog::DerivedImage d;
  d.image = parent.image;
  d.image.id = parent.image.id + "/cutout-0";
  d.image.parent_id = parent.image.id;
  d.image.path = scratch + "/x.png";
  d.image.derivation = "cutout:{}";
  d.op = "cutout";
  d.seed = 7;
  d.tool_version = "test";
  d.objects = {parent.objects[0], parent.objects[1]};
  d.expressions = {Expression{parent.objects[1].object.id, d.image.id, "the truck"}};
  return d;
}

std::unique_ptr<catalog::Catalog> Open(const std::string& path) {
  auto catalog = catalog::Catalog::Open(path);
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  return catalog.ok() ? std::move(*catalog) : nullptr;
}

TEST(LineageTest, DerivedImageIsStoredWithItsLineage) {
  const std::string scratch = testing::ScratchDir("augment-lineage-store");
  const std::string path = IngestP1888(scratch);
  const SourceImage parent = LoadSources(path, "dota").at(0);
  auto catalog = Open(path);
  ASSERT_TRUE(catalog->AddDerivedImage(OneDerived(parent, scratch)).ok());
  const auto image = *catalog->FindImage(parent.image.id + "/cutout-0");
  ASSERT_TRUE(image);
  EXPECT_EQ(image->parent_id, parent.image.id);
  EXPECT_EQ(image->split, parent.image.split);
  EXPECT_EQ(image->dataset, "dota");
  EXPECT_EQ(image->path, scratch + "/x.png");
  const auto objects = *catalog->Objects(image->id);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[1].object.raw_class, parent.objects[1].object.raw_class);
  const auto expressions = *catalog->Expressions(image->id);
  ASSERT_EQ(expressions.size(), 1u);
  EXPECT_EQ(expressions[0].object_id, objects[1].object.id);  // remapped to the new object's id
  EXPECT_EQ(Count(path,
                  "SELECT count(*) FROM derivations d JOIN images i ON i.key = d.image_key "
                  "JOIN images p ON p.key = d.parent_key WHERE i.parent_id = p.id AND d.op = 'cutout' "
                  "AND d.seed = 7 AND d.tool_version = 'test'"),
            1);
  const auto stats = *catalog->Stats();
  EXPECT_EQ(stats.derived, 1);
  EXPECT_EQ(stats.datasets.at(0).derived, 1);
  EXPECT_EQ(catalog::StatsToJson(stats)["datasets"][0]["derived"], 1);
  EXPECT_TRUE(catalog->CheckIntegrity().ok());
}

TEST(LineageTest, RerunReplacesTheImage) {
  const std::string scratch = testing::ScratchDir("augment-lineage-replace");
  const std::string path = IngestP1888(scratch);
  const SourceImage parent = LoadSources(path, "dota").at(0);
  auto catalog = Open(path);
  catalog::DerivedImage d = OneDerived(parent, scratch);
  ASSERT_TRUE(catalog->AddDerivedImage(d).ok());
  d.objects.pop_back();
  d.expressions.clear();
  ASSERT_TRUE(catalog->AddDerivedImage(d).ok());
  EXPECT_EQ(catalog->Objects(d.image.id)->size(), 1u);
  EXPECT_TRUE(catalog->Expressions(d.image.id)->empty());
  EXPECT_EQ(Count(path, "SELECT count(*) FROM derivations"), 1);
  EXPECT_EQ(Count(path, "SELECT count(*) FROM images WHERE parent_id IS NOT NULL"), 1);
  EXPECT_TRUE(catalog->CheckIntegrity().ok());
}

TEST(LineageTest, AFailureHalfwayLeavesNothing) {
  const std::string scratch = testing::ScratchDir("augment-lineage-atomic");
  const std::string path = IngestP1888(scratch);
  const SourceImage parent = LoadSources(path, "dota").at(0);
  auto catalog = Open(path);
  const int64_t objects_before = Count(path, "SELECT count(*) FROM objects");
  catalog::DerivedImage d = OneDerived(parent, scratch);
  // The second object's NaN corner is bound as NULL and breaks NOT NULL after the image and the first object
  // rows went in: the whole image must roll back.
  d.objects[1].object.hbb.x2 = std::numeric_limits<double>::quiet_NaN();
  const Status status = catalog->AddDerivedImage(d);
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(*catalog->FindImage(d.image.id));
  EXPECT_EQ(Count(path, "SELECT count(*) FROM objects"), objects_before);
  EXPECT_EQ(Count(path, "SELECT count(*) FROM derivations"), 0);
}

TEST(LineageTest, InconsistentRecordsAreRefused) {
  const std::string scratch = testing::ScratchDir("augment-lineage-refused");
  const std::string path = IngestP1888(scratch);
  const SourceImage parent = LoadSources(path, "dota").at(0);
  auto catalog = Open(path);
  catalog::DerivedImage d = OneDerived(parent, scratch);
  d.expressions[0].object_id = 999999;
  EXPECT_EQ(catalog->AddDerivedImage(d).code(), StatusCode::kInvalidArgument);
  d = OneDerived(parent, scratch);
  d.image.path = "relative.png";
  EXPECT_EQ(catalog->AddDerivedImage(d).code(), StatusCode::kInvalidArgument);
  d = OneDerived(parent, scratch);
  d.image.parent_id = "dota/all/nothing";
  d.image.id = "dota/all/nothing/cutout-0";
  EXPECT_EQ(catalog->AddDerivedImage(d).code(), StatusCode::kNotFound);
  EXPECT_EQ(Count(path, "SELECT count(*) FROM images WHERE parent_id IS NOT NULL"), 0);
}

TEST(LineageTest, VersionOneCatalogMigratesKeepingItsRows) {
  const std::string scratch = testing::ScratchDir("augment-lineage-migrate");
  const std::string path = IngestP1888(scratch);
  const int64_t objects = Count(path, "SELECT count(*) FROM objects");
  {
    // Back to exactly schema 1: migration 3 added the benchmark tables and objects.orientation, migration 2 the
    // derivations table and its index.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TABLE bench_decisions; DROP TABLE bench_items; DROP TABLE image_attributes; "
                           "DROP TABLE annotator_cache; ALTER TABLE objects DROP COLUMN orientation; "
                           "DROP TABLE derivations; PRAGMA user_version = 1",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ASSERT_EQ(Count(path, "PRAGMA user_version"), 1);
  EXPECT_EQ(catalog::Catalog::Open(path, catalog::Catalog::Mode::kReadOnly).status().code(),
            StatusCode::kFailedPrecondition);
  auto catalog = Open(path);  // read-write: migrates
  ASSERT_TRUE(catalog);
  EXPECT_EQ(*catalog->SchemaVersion(), catalog::LatestSchemaVersion());
  EXPECT_EQ(Count(path, "SELECT count(*) FROM objects"), objects);
  const SourceImage parent = LoadSources(path, "dota").at(0);
  EXPECT_TRUE(catalog->AddDerivedImage(OneDerived(parent, scratch)).ok());
  EXPECT_TRUE(catalog->CheckIntegrity().ok());
}

TEST(LineageTest, MergeKeepsTheLineage) {
  const std::string scratch = testing::ScratchDir("augment-lineage-merge");
  const std::string path = IngestP1888(scratch);
  const SourceImage parent = LoadSources(path, "dota").at(0);
  ASSERT_TRUE(Open(path)->AddDerivedImage(OneDerived(parent, scratch)).ok());
  const std::string merged = scratch + "/merged.sqlite";
  auto summary = catalog::MergeCatalogs(merged, {path});
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(Count(merged,
                  "SELECT count(*) FROM derivations d JOIN images i ON i.key = d.image_key "
                  "JOIN images p ON p.key = d.parent_key WHERE i.parent_id = p.id"),
            1);
  EXPECT_TRUE(Open(merged)->CheckIntegrity().ok());
}

}  // namespace
}  // namespace mgrs::augment
