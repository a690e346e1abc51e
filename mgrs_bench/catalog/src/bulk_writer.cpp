// The bulk writer: one prepared INSERT per table, reused for every row; objects go in multi-row INSERTs (the
// table that holds nearly every row); savepoint per source file.
#include "mgrs/catalog/bulk_writer.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>

#include "quad_blob.h"
#include "sqlite.h"

namespace mgrs::catalog {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Objects are inserted up to this many rows per INSERT statement: one statement per row cost about 22% more
// writer CPU (docs/catalog.md); 64 rows x 12 parameters stays far below SQLite's parameter limit.
constexpr int kObjectRowsPerInsert = 64;
constexpr int kObjectColumns = 12;

std::string ObjectInsertSql(int rows) {
  std::string sql =
      "INSERT INTO objects (id, image_key, class_id, x1, y1, x2, y2, quad, difficult, truncated, flags, line) VALUES ";
  for (int r = 0; r < rows; ++r) sql += r == 0 ? "(?,?,?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?,?,?)";
  return sql;
}

std::string GeotransformText(const std::optional<std::array<double, 6>>& g) {
  if (!g) return {};
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "[%.17g,%.17g,%.17g,%.17g,%.17g,%.17g]", (*g)[0], (*g)[1], (*g)[2], (*g)[3],
                (*g)[4], (*g)[5]);
  return buffer;
}

}  // namespace

struct BulkWriter::Statements {
  sql::Statement image, expression, caption, qa, scene, reject, file, class_insert, forget_rejects, forget_file;
  std::vector<sql::Statement> objects;  // [rows]: the INSERT of that many object rows, prepared when first used
};

// An object waiting in the multi-row buffer; the record lives in the batch being added.
struct BulkWriter::PendingObject {
  int64_t id;
  int64_t image_key;
  int64_t class_id;
  const ObjectRecord* record;
};

BulkWriter::BulkWriter(Catalog* catalog, std::string dataset, int64_t run_id, BulkWriterOptions options)
    : catalog_(catalog), dataset_(std::move(dataset)), run_id_(run_id), options_(options) {}

BulkWriter::~BulkWriter() {
  if (in_transaction_) (void)sql::Exec(catalog_->db(), "ROLLBACK");
}

Result<std::unique_ptr<BulkWriter>> BulkWriter::Begin(Catalog* catalog, const std::string& dataset, int64_t run_id,
                                                      BulkWriterOptions options) {
  auto found = catalog->FindDataset(dataset);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound("dataset '" + dataset + "' is not in catalog " + catalog->path());
  std::unique_ptr<BulkWriter> writer(new BulkWriter(catalog, dataset, run_id, options));
  MGRS_RETURN_IF_ERROR(writer->Prepare());
  return writer;
}

Status BulkWriter::Prepare() {
  sqlite3* db = catalog_->db();
  // Foreign keys are checked once at the end (PRAGMA foreign_key_check) instead of on every row; the pragma
  // cannot change inside a transaction, so it is set here.
  MGRS_RETURN_IF_ERROR(sql::Exec(db, "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -131072"));
  // The load runs in rollback-journal mode: appended pages are written once (WAL would write them twice and
  // checksum every frame), and a kill still leaves a hot journal that the next open rolls back. Finish() returns
  // to WAL; so does Catalog::Open after a kill.
  // Leaving WAL needs the only connection; while a reader holds the catalog open the load stays in WAL.
  MGRS_RETURN_IF_ERROR(sql::Exec(db, "PRAGMA temp_store = MEMORY"));
  left_wal_ = sql::Exec(db, "PRAGMA journal_mode = DELETE").ok();

  if (options_.defer_indexes) MGRS_RETURN_IF_ERROR(catalog_->DropBulkIndexes());
  statements_ = std::make_unique<Statements>();
  struct {
    sql::Statement* target;
    const char* text;
  } const statements[] = {
      {&statements_->image,
       "INSERT INTO images (id, dataset, split, path, annotation, width, height, bands, gsd, image_source, acquired, "
       "geotransform, crs, sha256, parent_id, derivation, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
       "?11, ?12, ?13, ?14, nullif(?15, ''), ?16, ?17)"},
      {&statements_->expression,
       "INSERT INTO expressions (image_key, object_id, text, source_index) VALUES (?1, ?2, ?3, ?4)"},
      {&statements_->caption, "INSERT INTO captions (image_key, text, sentence_index) VALUES (?1, ?2, ?3)"},
      {&statements_->qa, "INSERT INTO qa (image_key, type, question, answer, source_id) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&statements_->scene, "INSERT INTO scene_labels (image_key, raw, key) VALUES (?1, ?2, ?3)"},
      {&statements_->reject,
       "INSERT INTO rejects (dataset, run_id, file, line, code, severity, message, raw, objects) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&statements_->file,
       "INSERT INTO source_files (dataset, path, run_id, images, objects_accepted, objects_rejected) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&statements_->class_insert, "INSERT INTO classes (dataset, raw, key, known) VALUES (?1, ?2, ?3, ?4)"},
      {&statements_->forget_rejects, "DELETE FROM rejects WHERE dataset = ?1 AND file = ?2"},
      {&statements_->forget_file, "DELETE FROM source_files WHERE dataset = ?1 AND path = ?2"},
  };
  statements_->objects.resize(kObjectRowsPerInsert + 1);
  for (const auto& s : statements) {
    auto prepared = sql::Prepare(db, s.text);
    if (!prepared.ok()) return prepared.status();
    *s.target = std::move(*prepared);
  }
  auto classes = sql::Prepare(db, "SELECT raw, id FROM classes WHERE dataset = ?1");
  if (!classes.ok()) return classes.status();
  classes->Bind(1, dataset_);
  Status status;
  while (classes->Step(&status)) class_ids_[classes->Text(0)] = classes->Int(1);
  return status;
}

Status BulkWriter::BeginTransaction() {
  if (in_transaction_) return Status::Ok();
  MGRS_RETURN_IF_ERROR(sql::Exec(catalog_->db(), "BEGIN IMMEDIATE"));
  in_transaction_ = true;
  pending_objects_ = 0;
  pending_files_ = 0;
  // Object ids are assigned here rather than by SQLite, so expressions can refer to objects still in the buffer.
  // The transaction holds the write lock, so nobody else can take these ids meanwhile.
  auto last = sql::QueryInt(catalog_->db(), "SELECT coalesce(max(id), 0) FROM objects");
  if (!last.ok()) return last.status();
  next_object_id_ = *last + 1;
  return Status::Ok();
}

Status BulkWriter::FlushObjects(const std::string& file) {
  sqlite3* db = catalog_->db();
  size_t done = 0;
  while (done < pending_.size()) {
    const int rows = static_cast<int>(std::min<size_t>(kObjectRowsPerInsert, pending_.size() - done));
    sql::Statement& s = statements_->objects[rows];
    if (s.get() == nullptr) {
      auto prepared = sql::Prepare(db, ObjectInsertSql(rows));
      if (!prepared.ok()) return prepared.status();
      s = std::move(*prepared);
    }
    // Quads are bound without a copy, so they must stay put until the step.
    double quads[kObjectRowsPerInsert][8];
    for (int r = 0; r < rows; ++r) {
      const PendingObject& p = pending_[done + r];
      const ObjectRecord& o = *p.record;
      const int base = r * kObjectColumns;
      s.Bind(base + 1, p.id);
      s.Bind(base + 2, p.image_key);
      s.Bind(base + 3, p.class_id);
      s.Bind(base + 4, o.object.hbb.x1);
      s.Bind(base + 5, o.object.hbb.y1);
      s.Bind(base + 6, o.object.hbb.x2);
      s.Bind(base + 7, o.object.hbb.y2);
      if (o.object.quad) {
        EncodeQuad(*o.object.quad, quads[r]);
        sqlite3_bind_blob(s.get(), base + 8, quads[r], sizeof quads[r], SQLITE_STATIC);
      } else {
        s.BindNull(base + 8);
      }
      s.Bind(base + 9, o.difficulty);
      s.Bind(base + 10, o.object.truncated ? 1 : 0);
      s.Bind(base + 11, o.flags);
      s.Bind(base + 12, o.line);
    }
    const int rc = s.StepRaw();
    sqlite3_reset(s.get());
    if (rc != SQLITE_DONE) return sql::Error(db, "cannot store objects of " + file);
    done += rows;
  }
  pending_.clear();
  return Status::Ok();
}

Status BulkWriter::Commit() {
  if (!in_transaction_) return Status::Ok();
  in_transaction_ = false;
  return sql::Exec(catalog_->db(), "COMMIT");
}

Result<int64_t> BulkWriter::ClassId(const std::string& raw_class, bool known) {
  auto it = class_ids_.find(raw_class);
  if (it != class_ids_.end()) return it->second;
  sql::Statement& s = statements_->class_insert;
  s.Bind(1, dataset_);
  s.Bind(2, raw_class);
  s.Bind(3, NormaliseClassKey(raw_class));
  s.Bind(4, known ? 1 : 0);
  MGRS_RETURN_IF_ERROR(s.Run());
  const int64_t id = sqlite3_last_insert_rowid(catalog_->db());
  class_ids_.emplace(raw_class, id);
  return id;
}

Status BulkWriter::InsertReject(const std::string& file, const RejectRecord& reject) {
  sql::Statement& s = statements_->reject;
  const Diagnostic& d = reject.diagnostic;
  s.Bind(1, dataset_);
  s.Bind(2, run_id_);
  s.Bind(3, d.path.empty() ? file : d.path);
  s.Bind(4, d.line);
  s.Bind(5, d.code);
  s.Bind(6, d.severity == Severity::kError ? "error" : "warning");
  s.Bind(7, d.message);
  s.Bind(8, d.raw);
  s.Bind(9, reject.objects);
  return s.Run();
}

Result<BatchOutcome> BulkWriter::Add(const SourceBatch& batch, int64_t error_budget) {
  sqlite3* db = catalog_->db();
  MGRS_RETURN_IF_ERROR(BeginTransaction());
  // A savepoint lets a batch over its error budget be taken back alone; it costs a copy of every page the batch
  // touches, so it is only taken when there is a budget.
  const bool savepoint = error_budget != INT64_MAX;
  if (savepoint) MGRS_RETURN_IF_ERROR(sql::Exec(db, "SAVEPOINT source_file"));
  BatchOutcome outcome;
  const int64_t first_object_id = next_object_id_;
  // Classes are cached in memory; a class first seen in a batch that is rolled back must be forgotten too.
  std::vector<std::string> new_classes;
  auto fail = [&](Status status) -> Status {
    // Without a savepoint a failure here is a database error that ends the run; the open transaction is rolled
    // back when the writer is destroyed.
    if (savepoint) (void)sql::Exec(db, "ROLLBACK TO source_file; RELEASE source_file");
    for (const std::string& c : new_classes) class_ids_.erase(c);
    pending_.clear();
    next_object_id_ = first_object_id;
    return status;
  };
  if (batch.replaces_stored) {
    for (sql::Statement* s : {&statements_->forget_rejects, &statements_->forget_file}) {
      s->Bind(1, dataset_);
      s->Bind(2, batch.file, false);
      Status status = s->Run();
      if (!status.ok()) return fail(status);
    }
  }
  for (const RejectRecord& reject : batch.rejects) {
    if (reject.diagnostic.severity == Severity::kError) {
      ++outcome.errors;
      outcome.objects_rejected += reject.objects;
    } else {
      ++outcome.warnings;
    }
    Status status = InsertReject(batch.file, reject);
    if (!status.ok()) return fail(status);
  }
  for (const ImageRecord& record : batch.images) {
    const Image& image = record.image;
    sql::Statement& s = statements_->image;
    s.Bind(1, image.id, false);
    s.Bind(2, image.dataset, false);
    s.Bind(3, image.split, false);
    s.Bind(4, image.path, false);
    s.Bind(5, batch.file, false);
    s.Bind(6, image.width);
    s.Bind(7, image.height);
    s.Bind(8, image.bands);
    s.Bind(9, image.gsd);
    s.Bind(10, record.image_source, false);
    s.Bind(11, record.acquired, false);
    s.Bind(12, GeotransformText(record.geotransform));
    s.Bind(13, record.crs_wkt, false);
    s.Bind(14, image.sha256, false);
    s.Bind(15, image.parent_id, false);
    s.Bind(16, image.derivation, false);
    s.Bind(17, run_id_);
    const int rc = s.StepRaw();
    if (rc != SQLITE_DONE) {
      const int extended = sqlite3_extended_errcode(db);
      s.Reset();
      if (extended != SQLITE_CONSTRAINT_UNIQUE) return fail(sql::Error(db, "cannot store image " + image.id));
      RejectRecord duplicate{
          MakeDiagnostic(batch.file, 0, "DUPLICATE_IMAGE",
                         "image id '" + image.id + "' is already in the catalog (from another annotation file)",
                         image.id),
          static_cast<int64_t>(record.objects.size())};
      ++outcome.errors;
      outcome.objects_rejected += duplicate.objects;
      Status status = InsertReject(batch.file, duplicate);
      if (!status.ok()) return fail(status);
      continue;
    }
    s.Reset();
    const int64_t image_key = sqlite3_last_insert_rowid(db);
    ++outcome.images;

    const int64_t image_first_object = next_object_id_;
    for (const ObjectRecord& o : record.objects) {
      int64_t class_id = 0;
      if (auto known = class_ids_.find(o.object.raw_class); known != class_ids_.end()) {
        class_id = known->second;
      } else {
        auto added = ClassId(o.object.raw_class, (o.flags & kFlagUnknownClass) == 0);
        if (!added.ok()) return fail(added.status());
        class_id = *added;
        new_classes.push_back(o.object.raw_class);
      }
      pending_.push_back(PendingObject{next_object_id_++, image_key, class_id, &o});
      if (pending_.size() == kObjectRowsPerInsert) {
        Status status = FlushObjects(batch.file);
        if (!status.ok()) return fail(status);
      }
    }
    outcome.objects_accepted += static_cast<int64_t>(record.objects.size());

    for (const ExpressionRecord& e : record.expressions) {
      sql::Statement& es = statements_->expression;
      es.Bind(1, image_key);
      if (e.object_index >= 0 && e.object_index < static_cast<int>(record.objects.size())) {
        es.Bind(2, image_first_object + e.object_index);
      } else {
        es.BindNull(2);
      }
      es.Bind(3, e.text, false);
      if (e.source_index >= 0)
        es.Bind(4, e.source_index);
      else
        es.BindNull(4);
      Status status = es.Run();
      if (!status.ok()) return fail(status);
    }
    for (const CaptionRecord& c : record.captions) {
      sql::Statement& cs = statements_->caption;
      cs.Bind(1, image_key);
      cs.Bind(2, c.text, false);
      cs.Bind(3, c.sentence_index);
      Status status = cs.Run();
      if (!status.ok()) return fail(status);
    }
    for (const QaRecord& q : record.qa) {
      sql::Statement& qs = statements_->qa;
      qs.Bind(1, image_key);
      qs.Bind(2, q.type, false);
      qs.Bind(3, q.question, false);
      qs.Bind(4, q.answer, false);
      if (q.source_id >= 0)
        qs.Bind(5, q.source_id);
      else
        qs.BindNull(5);
      Status status = qs.Run();
      if (!status.ok()) return fail(status);
    }
    if (record.scene_label) {
      sql::Statement& ss = statements_->scene;
      ss.Bind(1, image_key);
      ss.Bind(2, *record.scene_label, false);
      ss.Bind(3, NormaliseClassKey(*record.scene_label));
      Status status = ss.Run();
      if (!status.ok()) return fail(status);
    }
  }

  if (Status status = FlushObjects(batch.file); !status.ok()) return fail(status);
  if (outcome.errors > error_budget) {
    MGRS_RETURN_IF_ERROR(fail(Status::Ok()));
    BatchOutcome dropped = outcome;
    dropped.stored = false;
    return dropped;
  }
  sql::Statement& fs = statements_->file;
  fs.Bind(1, dataset_);
  fs.Bind(2, batch.file, false);
  fs.Bind(3, run_id_);
  fs.Bind(4, outcome.images);
  fs.Bind(5, outcome.objects_accepted);
  fs.Bind(6, outcome.objects_rejected);
  Status status = fs.Run();
  if (!status.ok()) return fail(status);
  if (savepoint) MGRS_RETURN_IF_ERROR(sql::Exec(db, "RELEASE source_file"));
  outcome.stored = true;
  stored_any_ = true;
  pending_objects_ += outcome.objects_accepted;
  ++pending_files_;
  if (pending_objects_ >= options_.objects_per_transaction || pending_files_ >= options_.files_per_transaction) {
    MGRS_RETURN_IF_ERROR(Commit());
  }
  return outcome;
}

Status BulkWriter::Finish(FinishTimings* timings) {
  auto start = std::chrono::steady_clock::now();
  MGRS_RETURN_IF_ERROR(Commit());
  timings->commit_seconds = SecondsSince(start);
  start = std::chrono::steady_clock::now();
  // CREATE INDEX sorts: let SQLite's sorter use a helper thread and memory instead of temp files.
  MGRS_RETURN_IF_ERROR(sql::Exec(catalog_->db(), "PRAGMA threads = 2; PRAGMA temp_store = MEMORY"));
  auto built = catalog_->EnsureIndexes();
  if (!built.ok()) return built.status();
  timings->index_seconds = SecondsSince(start);
  start = std::chrono::steady_clock::now();
  // Only rows this writer stored can break a reference (foreign keys were enforced before it began).
  auto violations =
      stored_any_ ? sql::QueryInt(catalog_->db(), "SELECT count(*) FROM pragma_foreign_key_check") : Result<int64_t>(0);
  timings->foreign_key_seconds = SecondsSince(start);
  if (!violations.ok()) return violations.status();
  MGRS_RETURN_IF_ERROR(sql::Exec(catalog_->db(), "PRAGMA foreign_keys = ON"));
  // Best effort: a reader that connected meanwhile blocks the switch, and the next read-write open makes it.
  if (left_wal_) (void)sql::Exec(catalog_->db(), "PRAGMA journal_mode = WAL");
  if (*violations > 0) {
    return Corruption("catalog " + catalog_->path() + ": " + std::to_string(*violations) +
                      " rows refer to missing rows (PRAGMA foreign_key_check)");
  }
  return Status::Ok();
}

}  // namespace mgrs::catalog
