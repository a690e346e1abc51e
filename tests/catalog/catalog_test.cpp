// The catalog on its own: schema and migrations, the bulk writer, typed queries, integrity after a kill.
#include "mgrs/catalog/catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mgrs/catalog/bulk_writer.h"
#include "test_support.h"

namespace mgrs::catalog {
namespace {

int64_t QueryCount(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

std::unique_ptr<Catalog> OpenWithDataset(const std::string& path) {
  auto catalog = Catalog::Open(path);
  EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
  DatasetInfo info;
  info.name = "toy";
  info.format = "dota";
  EXPECT_TRUE((*catalog)->PutDataset(info).ok());
  return std::move(*catalog);
}

// A run for the writer to attribute rows to (rows refer to it by foreign key).
int64_t StartRun(Catalog* catalog) {
  IngestRun run;
  run.dataset = "toy";
  run.format = "dota";
  run.root = "/toy";
  auto id = catalog->StartRun(run);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return *id;
}

void ExpectFinishes(BulkWriter* writer) {
  FinishTimings timings;
  const Status status = writer->Finish(&timings);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

ObjectRecord MakeObject(const std::string& cls, double x1, double y1, double x2, double y2, int64_t line) {
  ObjectRecord o;
  o.object.raw_class = cls;
  o.object.hbb = Box{x1, y1, x2, y2};
  o.object.quad = Quad{Point{x1, y1}, Point{x2, y1}, Point{x2, y2}, Point{x1, y2}};
  o.line = line;
  return o;
}

SourceBatch MakeBatch(const std::string& file, const std::string& stem, int objects) {
  SourceBatch batch;
  batch.file = file;
  ImageRecord record;
  record.image.id = "toy/train/" + stem;
  record.image.dataset = "toy";
  record.image.split = "train";
  record.image.width = 100;
  record.image.height = 80;
  record.image.gsd = 0.5;
  for (int i = 0; i < objects; ++i) {
    record.objects.push_back(MakeObject(i % 2 ? "Small Car" : "plane", i, i, i + 10, i + 5, i + 1));
  }
  record.expressions.push_back(ExpressionRecord{0, "the first plane", 7});
  record.captions.push_back(CaptionRecord{"a toy image", 0});
  batch.images.push_back(std::move(record));
  return batch;
}

TEST(CatalogTest, NewCatalogIsAtTheLatestSchemaVersion) {
  const std::string path = testing::ScratchDir("catalog-new") + "/c.sqlite";
  auto catalog = Catalog::Open(path);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(*(*catalog)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(QueryCount(path, "PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(QueryCount(path, "PRAGMA page_size"), 16384);
  EXPECT_TRUE((*catalog)->CheckIntegrity().ok());
}

TEST(CatalogTest, ANewerSchemaIsRefused) {
  const std::string path = testing::ScratchDir("catalog-newer") + "/c.sqlite";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto catalog = Catalog::Open(path);
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(catalog.status().message().find("99"), std::string::npos);
}

TEST(CatalogTest, AFileThatIsNotSqliteIsCorruption) {
  const std::string path = testing::ScratchDir("catalog-garbage") + "/c.sqlite";
  std::ofstream(path) << "definitely not an SQLite database, just text that is long enough to have a header\n";
  auto catalog = Catalog::Open(path);
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.status().code(), StatusCode::kCorruption);
}

TEST(CatalogTest, ReadOnlyOpenOfAMissingFileIsNotFound) {
  auto catalog = Catalog::Open(testing::ScratchDir("catalog-missing") + "/none.sqlite", Catalog::Mode::kReadOnly);
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.status().code(), StatusCode::kNotFound);
}

TEST(CatalogTest, BulkWriterStoresWhatTypedQueriesReturn) {
  const std::string path = testing::ScratchDir("catalog-bulk") + "/c.sqlite";
  auto catalog = OpenWithDataset(path);
  auto writer = BulkWriter::Begin(catalog.get(), "toy", StartRun(catalog.get()));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  auto first = (*writer)->Add(MakeBatch("a.txt", "A", 3));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->stored);
  EXPECT_EQ(first->objects_accepted, 3);
  SourceBatch second = MakeBatch("b.txt", "B", 2);
  second.rejects.push_back(RejectRecord{MakeDiagnostic("b.txt", 3, "BAD_NUMBER", "not a number", "1 2 x"), 1});
  ASSERT_TRUE((*writer)->Add(second).ok());
  ExpectFinishes(writer->get());
  writer->reset();

  auto images = catalog->Images("toy", "train");
  ASSERT_TRUE(images.ok());
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[0].id, "toy/train/A");
  EXPECT_EQ((*images)[0].width, 100);
  EXPECT_DOUBLE_EQ(*(*images)[0].gsd, 0.5);
  auto objects = catalog->Objects("toy/train/A");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 3u);
  EXPECT_EQ((*objects)[1].object.raw_class, "Small Car");
  EXPECT_EQ((*objects)[1].object.class_key, "small-car");
  EXPECT_EQ((*objects)[1].object.hbb, (Box{1, 1, 11, 6}));
  ASSERT_TRUE((*objects)[1].object.quad.has_value());
  EXPECT_EQ((*(*objects)[1].object.quad)[2], (Point{11, 6}));
  EXPECT_EQ((*objects)[1].line, 2);
  auto expressions = catalog->Expressions("toy/train/A");
  ASSERT_TRUE(expressions.ok());
  ASSERT_EQ(expressions->size(), 1u);
  EXPECT_EQ((*expressions)[0].object_id, (*objects)[0].object.id);
  auto captions = catalog->Captions("toy/train/B");
  ASSERT_TRUE(captions.ok());
  EXPECT_EQ(captions->size(), 1u);

  auto classes = catalog->ClassCounts("toy");
  ASSERT_TRUE(classes.ok());
  ASSERT_EQ(classes->size(), 2u);
  EXPECT_EQ((*classes)[0].raw_class, "Small Car");
  EXPECT_EQ((*classes)[0].objects, 2);  // one in A, one in B
  EXPECT_EQ((*classes)[1].objects, 3);
  auto stats = catalog->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->images, 2);
  EXPECT_EQ(stats->objects, 5);
  EXPECT_EQ(stats->errors, 1);
  ASSERT_EQ(stats->datasets.size(), 1u);
  EXPECT_EQ(stats->datasets[0].rejected_objects, 1);
  EXPECT_EQ(stats->datasets[0].rejects_by_code.at("BAD_NUMBER"), 1);
  auto files = catalog->CompletedFiles("toy");
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM sqlite_master WHERE name = 'objects_by_image'"), 1);
  EXPECT_TRUE(catalog->CheckIntegrity().ok());
}

// The streaming scan returns what the per-image queries return, image by image, in id order, and filters by
// dataset and split.
TEST(CatalogTest, ForEachImageStreamsWhatThePerImageQueriesReturn) {
  const std::string path = testing::ScratchDir("catalog-scan") + "/c.sqlite";
  auto catalog = OpenWithDataset(path);
  auto writer = BulkWriter::Begin(catalog.get(), "toy", StartRun(catalog.get()));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  SourceBatch batch = MakeBatch("b.txt", "B", 0);  // an image without objects between two with objects
  batch.images[0].qa.push_back(QaRecord{"presence", "Is there a plane?", "no", 4});
  batch.images[0].scene_label = "Airport";
  ASSERT_TRUE((*writer)->Add(batch).ok());
  ASSERT_TRUE((*writer)->Add(MakeBatch("c.txt", "C", 70)).ok());  // stored after B, sorts after it
  ASSERT_TRUE((*writer)->Add(MakeBatch("a.txt", "A", 3)).ok());   // stored last, sorts first
  SourceBatch val = MakeBatch("v.txt", "V", 1);
  val.images[0].image.id = "toy/val/V";
  val.images[0].image.split = "val";
  ASSERT_TRUE((*writer)->Add(val).ok());
  ExpectFinishes(writer->get());
  writer->reset();

  std::vector<std::string> seen;
  const Status status = catalog->ForEachImage(ImageQuery{"toy", "train"}, [&](AnnotatedImage& record) {
    seen.push_back(record.image.id);
    auto objects = catalog->Objects(record.image.id);
    auto expressions = catalog->Expressions(record.image.id);
    EXPECT_TRUE(objects.ok() && expressions.ok());
    EXPECT_EQ(record.objects.size(), objects->size());
    for (size_t k = 0; k < objects->size() && k < record.objects.size(); ++k) {
      EXPECT_EQ(record.objects[k].object.id, (*objects)[k].object.id);
      EXPECT_EQ(record.objects[k].object.hbb, (*objects)[k].object.hbb);
      EXPECT_EQ(record.objects[k].object.class_key, (*objects)[k].object.class_key);
      EXPECT_EQ(record.objects[k].object.image_id, record.image.id);
    }
    EXPECT_EQ(record.expressions.size(), expressions->size());
    EXPECT_EQ(record.captions.size(), 1u);
    EXPECT_EQ(record.qa.size(), record.image.id == "toy/train/B" ? 1u : 0u);
    EXPECT_EQ(record.scene.has_value(), record.image.id == "toy/train/B");
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"toy/train/A", "toy/train/B", "toy/train/C"}));

  int visited = 0;
  const Status stopped = catalog->ForEachImage(ImageQuery{}, [&](AnnotatedImage&) {
    ++visited;
    return Status(StatusCode::kOutOfRange, "enough");
  });
  EXPECT_EQ(stopped.code(), StatusCode::kOutOfRange);
  EXPECT_EQ(visited, 1);
}

// Objects go in 64-row INSERTs with ids the writer assigns: many objects per image, over several images and
// chunk boundaries, must come back in order, and expressions must name the right ones.
TEST(CatalogTest, ManyObjectsPerBatchKeepTheirOrderAndTheirExpressions) {
  const std::string path = testing::ScratchDir("catalog-chunks") + "/c.sqlite";
  auto catalog = OpenWithDataset(path);
  auto writer = BulkWriter::Begin(catalog.get(), "toy", StartRun(catalog.get()));
  ASSERT_TRUE(writer.ok());
  SourceBatch batch = MakeBatch("a.txt", "A", 150);
  SourceBatch second = MakeBatch("a.txt", "B", 70);
  batch.images.push_back(std::move(second.images[0]));
  for (ImageRecord& image : batch.images) {
    image.expressions.clear();
    for (int index : {0, 63, 64, 69, 149}) {
      if (index < static_cast<int>(image.objects.size())) {
        image.expressions.push_back(ExpressionRecord{index, "object " + std::to_string(index), index});
      }
    }
  }
  ASSERT_TRUE((*writer)->Add(MakeBatch("first.txt", "F", 5)).ok());
  auto outcome = (*writer)->Add(batch);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->objects_accepted, 220);
  ExpectFinishes(writer->get());
  writer->reset();

  for (const auto& [stem, count] : {std::pair<std::string, int>{"A", 150}, {"B", 70}}) {
    auto objects = catalog->Objects("toy/train/" + stem);
    ASSERT_TRUE(objects.ok());
    ASSERT_EQ(objects->size(), static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      EXPECT_EQ((*objects)[i].line, i + 1);
      EXPECT_EQ((*objects)[i].object.hbb.x1, i);
    }
    auto expressions = catalog->Expressions("toy/train/" + stem);
    ASSERT_TRUE(expressions.ok());
    ASSERT_FALSE(expressions->empty());
    for (const Expression& e : *expressions) {
      const int index = std::stoi(e.text.substr(e.text.find(' ') + 1));
      EXPECT_EQ(e.object_id, (*objects)[index].object.id) << e.text;
    }
  }
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM objects"), 225);
  EXPECT_TRUE(catalog->CheckIntegrity().ok());
}

// A batch taken back over its error budget gives its object ids back: the next batch's rows follow on.
TEST(CatalogTest, ObjectIdsStayDenseAfterARolledBackBatch) {
  const std::string path = testing::ScratchDir("catalog-ids") + "/c.sqlite";
  auto catalog = OpenWithDataset(path);
  auto writer = BulkWriter::Begin(catalog.get(), "toy", StartRun(catalog.get()));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(MakeBatch("a.txt", "A", 3), 0).ok());
  SourceBatch bad = MakeBatch("b.txt", "B", 100);
  bad.rejects.push_back(RejectRecord{MakeDiagnostic("b.txt", 9, "TRUNCATED_LINE", "short", "1 2"), 1});
  auto dropped = (*writer)->Add(bad, 0);
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->stored);
  ASSERT_TRUE((*writer)->Add(MakeBatch("c.txt", "C", 2), 0).ok());
  ExpectFinishes(writer->get());
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM objects"), 5);
  EXPECT_EQ(QueryCount(path, "SELECT max(id) FROM objects"), 5);
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM expressions e JOIN objects o ON o.id = e.object_id"), 2);
}

TEST(CatalogTest, AnImageIdStoredTwiceBecomesADuplicateReject) {
  const std::string path = testing::ScratchDir("catalog-duplicate") + "/c.sqlite";
  auto catalog = OpenWithDataset(path);
  auto writer = BulkWriter::Begin(catalog.get(), "toy", StartRun(catalog.get()));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(MakeBatch("a/A.txt", "A", 1)).ok());
  auto outcome = (*writer)->Add(MakeBatch("b/A.txt", "A", 4));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->stored);
  EXPECT_EQ(outcome->images, 0);
  EXPECT_EQ(outcome->errors, 1);
  EXPECT_EQ(outcome->objects_rejected, 4);
  ExpectFinishes(writer->get());
  auto rejects = catalog->Rejects(RejectFilter{});
  ASSERT_TRUE(rejects.ok());
  ASSERT_EQ(rejects->size(), 1u);
  EXPECT_EQ((*rejects)[0].record.diagnostic.code, "DUPLICATE_IMAGE");
  EXPECT_EQ((*rejects)[0].record.diagnostic.path, "b/A.txt");
}

TEST(CatalogTest, ABatchOverItsErrorBudgetLeavesNothingBehind) {
  const std::string path = testing::ScratchDir("catalog-budget") + "/c.sqlite";
  auto catalog = OpenWithDataset(path);
  auto writer = BulkWriter::Begin(catalog.get(), "toy", StartRun(catalog.get()));
  ASSERT_TRUE(writer.ok());
  SourceBatch batch = MakeBatch("a.txt", "A", 2);
  batch.images[0].objects[0].object.raw_class = "never-seen";
  batch.rejects.push_back(RejectRecord{MakeDiagnostic("a.txt", 9, "TRUNCATED_LINE", "short", "1 2"), 1});
  auto outcome = (*writer)->Add(batch, /*error_budget=*/0);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->stored);
  ExpectFinishes(writer->get());
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM images"), 0);
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM objects"), 0);
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM rejects"), 0);
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM source_files"), 0);
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM classes WHERE raw = 'never-seen'"), 0);
}

TEST(CatalogTest, AnUnfinishedBulkLoadKeepsCommittedFilesAndGetsItsIndexesBack) {
  const std::string path = testing::ScratchDir("catalog-unfinished") + "/c.sqlite";
  {
    auto catalog = OpenWithDataset(path);
    BulkWriterOptions options;
    options.files_per_transaction = 1;  // commit after every file
    auto writer = BulkWriter::Begin(catalog.get(), "toy", StartRun(catalog.get()), options);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Add(MakeBatch("a.txt", "A", 2)).ok());
    // Destroyed without Finish(): the dropped indexes stay dropped, as after a kill.
  }
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM sqlite_master WHERE name = 'objects_by_image'"), 0);
  auto reopened = Catalog::Open(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM sqlite_master WHERE name = 'objects_by_image'"), 1);
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM objects"), 2);
  const Status integrity = (*reopened)->CheckIntegrity();
  EXPECT_TRUE(integrity.ok()) << integrity.ToString();
}

// A bulk load runs in rollback-journal mode. A child process writes more than its page cache holds, so pages reach
// the database file and the journal becomes hot, then dies without committing.
void KillAWriterWithSpilledPages(const std::string& path) {
  OpenWithDataset(path);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 10; BEGIN", nullptr, nullptr, nullptr);
    for (int i = 0; i < 2000; ++i) {
      const std::string sql =
          "INSERT INTO rejects (dataset, file, code, severity, message, raw) VALUES ('toy', 'f', "
          "'X', 'error', 'm', '" +
          std::string(400, 'r') + "')";
      sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    }
    ::_exit(9);  // no COMMIT, no close
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(std::filesystem::exists(path + "-journal")) << "the child left no journal: the test proves nothing";
}

TEST(CatalogTest, AWriterKilledWithSpilledPagesIsRolledBackByTheNextWriter) {
  const std::string path = testing::ScratchDir("catalog-hot-journal") + "/c.sqlite";
  KillAWriterWithSpilledPages(path);
  auto reader = Catalog::Open(path, Catalog::Mode::kReadOnly);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(reader.status().message().find("interrupted ingest"), std::string::npos) << reader.status().message();
  auto writer = Catalog::Open(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_TRUE((*writer)->CheckIntegrity().ok());
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM rejects"), 0);
}

TEST(CatalogTest, RollBackInterruptedLeavesTheLastCommitForReaders) {
  const std::string path = testing::ScratchDir("catalog-roll-back") + "/c.sqlite";
  KillAWriterWithSpilledPages(path);
  const Status rolled_back = Catalog::RollBackInterrupted(path);
  ASSERT_TRUE(rolled_back.ok()) << rolled_back.ToString();
  EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
  auto reader = Catalog::Open(path, Catalog::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->CheckIntegrity().ok());
  EXPECT_EQ(QueryCount(path, "SELECT count(*) FROM rejects"), 0);
  EXPECT_TRUE(Catalog::RollBackInterrupted(path).ok());  // nothing left to do
}

TEST(CatalogTest, StatsJsonHasPerClassAndPerSplitCounts) {
  const std::string path = testing::ScratchDir("catalog-json") + "/c.sqlite";
  auto catalog = OpenWithDataset(path);
  auto writer = BulkWriter::Begin(catalog.get(), "toy", StartRun(catalog.get()));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(MakeBatch("a.txt", "A", 3)).ok());
  ExpectFinishes(writer->get());
  auto stats = catalog->Stats();
  ASSERT_TRUE(stats.ok());
  const auto json = StatsToJson(*stats);
  EXPECT_EQ(json["objects"], 3);
  EXPECT_EQ(json["datasets"][0]["splits"]["train"]["images"], 1);
  EXPECT_EQ(json["datasets"][0]["objects_per_class"]["plane"]["objects"], 2);
  EXPECT_EQ(json["datasets"][0]["objects_per_class"]["Small Car"]["key"], "small-car");
}

}  // namespace
}  // namespace mgrs::catalog
