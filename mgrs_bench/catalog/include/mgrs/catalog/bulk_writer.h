// Fast loading of many source files into the catalog: prepared statements, one transaction per batch of files,
// secondary indexes dropped during the load and built once at the end, foreign keys checked once at the end.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "mgrs/catalog/batch.h"
#include "mgrs/catalog/catalog.h"

namespace mgrs::catalog {

struct BulkWriterOptions {
  // A transaction is committed after this many objects (or files), so a kill loses at most one batch and a
  // rerun resumes after the last committed file. 100k objects is about 0.1 s of inserts.
  int64_t objects_per_transaction = 100000;
  int64_t files_per_transaction = 2000;
  // Drop secondary indexes at Begin and build them in Finish (fast for large loads; Ingest turns it off when the
  // files to store are fewer than those already stored, since the rebuild costs time for the whole catalog).
  bool defer_indexes = true;
};

// What the writer did with one SourceBatch.
struct BatchOutcome {
  bool stored = false;  // false: rolled back because it exceeded the error budget
  int64_t images = 0;   // images stored
  int64_t objects_accepted = 0;
  int64_t objects_rejected = 0;
  int64_t errors = 0;  // reject rows with severity error, including any the writer added
  int64_t warnings = 0;
};

struct FinishTimings {
  double commit_seconds = 0;
  double index_seconds = 0;
  double foreign_key_seconds = 0;
};

// Writes into one dataset of an open catalog for one ingest run. Not thread-safe; the Catalog must outlive it and
// must not be used by anyone else until Finish() or destruction (which rolls back the open transaction).
class BulkWriter {
 public:
  // The dataset row must exist. Loads the dataset's class table.
  static Result<std::unique_ptr<BulkWriter>> Begin(Catalog* catalog, const std::string& dataset, int64_t run_id,
                                                   BulkWriterOptions options = {});
  ~BulkWriter();
  BulkWriter(const BulkWriter&) = delete;
  BulkWriter& operator=(const BulkWriter&) = delete;

  // Stores the batch (images, objects, texts, rejects, and the source file as completed) inside the current
  // transaction. An image whose id is already in the catalog is not stored: it becomes a DUPLICATE_IMAGE reject
  // and its objects count as rejected. When the batch's errors exceed `error_budget` the whole batch is rolled
  // back (outcome.stored = false) and nothing of it remains. Fails only on database errors.
  Result<BatchOutcome> Add(const SourceBatch& batch, int64_t error_budget = INT64_MAX);

  // Commits the open transaction (Add commits by itself at the batch thresholds).
  Status Commit();
  // Commits, builds the deferred indexes and runs PRAGMA foreign_key_check (kCorruption on violations).
  Status Finish(FinishTimings* timings);

 private:
  BulkWriter(Catalog* catalog, std::string dataset, int64_t run_id, BulkWriterOptions options);
  Status Prepare();
  Status BeginTransaction();
  Result<int64_t> ClassId(const std::string& raw_class, bool known);
  Status InsertReject(const std::string& file, const RejectRecord& reject);
  // Inserts the buffered objects, up to kObjectRowsPerInsert rows per statement.
  Status FlushObjects(const std::string& file);

  struct Statements;
  struct PendingObject;
  Catalog* catalog_;
  std::string dataset_;
  int64_t run_id_;
  BulkWriterOptions options_;
  std::unique_ptr<Statements> statements_;
  std::unordered_map<std::string, int64_t> class_ids_;
  bool in_transaction_ = false;
  bool left_wal_ = false;  // the load runs in rollback-journal mode (see Prepare)
  bool stored_any_ = false;
  int64_t pending_objects_ = 0;
  int64_t pending_files_ = 0;
  int64_t next_object_id_ = 1;
  std::vector<PendingObject> pending_;  // objects not yet inserted, all from the batch being added
};

}  // namespace mgrs::catalog
