// Merging catalogs with ATTACH and INSERT ... SELECT, keys shifted past the output's largest.
#include "mgrs/catalog/merge.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

#include "mgrs/catalog/catalog.h"
#include "sqlite.h"

namespace mgrs::catalog {
namespace {

// SQLite's default limit on attached databases (SQLITE_MAX_ATTACHED, 10 in Debian's build).
constexpr size_t kMaxInputsPerTransaction = 10;

// Up to 5 values of the first column of `sql`, joined with ", ".
Result<std::string> FirstValues(sqlite3* db, const std::string& sql) {
  auto stmt = sql::Prepare(db, sql + " LIMIT 5");
  if (!stmt.ok()) return stmt.status();
  std::string out;
  Status status;
  while (stmt->Step(&status)) out += (out.empty() ? "" : ", ") + stmt->Text(0);
  if (!status.ok()) return status;
  return out;
}

// `schema` is the attached input's name in SQL; `input` its file, for messages.
Status CheckConflicts(sqlite3* db, const std::string& out, const std::string& schema, const std::string& input) {
  auto datasets = FirstValues(db,
                              "SELECT i.name || ' (' || m.format || ' ' || m.version || ' vs ' || i.format || ' ' || "
                              "i.version || ')' FROM " +
                                  schema +
                                  ".datasets i JOIN main.datasets m ON m.name = i.name "
                                  "WHERE m.format != i.format OR m.version != i.version OR "
                                  "m.manifest_sha256 != i.manifest_sha256");
  if (!datasets.ok()) return datasets.status();
  if (!datasets->empty()) {
    return Status(StatusCode::kFailedPrecondition, "cannot merge " + input + " into " + out +
                                                       ": datasets ingested differently (format, version or "
                                                       "manifest): " +
                                                       *datasets);
  }
  auto images = FirstValues(db, "SELECT i.id FROM " + schema + ".images i JOIN main.images m ON m.id = i.id");
  if (!images.ok()) return images.status();
  if (!images->empty()) {
    return Status(StatusCode::kFailedPrecondition,
                  "cannot merge " + input + " into " + out + ": image ids on both sides: " + *images +
                      " (was a shard merged twice, or the same files ingested in two shards?)");
  }
  auto files = FirstValues(db, "SELECT i.dataset || ':' || i.path FROM " + schema +
                                   ".source_files i JOIN main.source_files m "
                                   "ON m.dataset = i.dataset AND m.path = i.path");
  if (!files.ok()) return files.status();
  if (!files->empty()) {
    return Status(StatusCode::kFailedPrecondition,
                  "cannot merge " + input + " into " + out + ": source files stored on both sides: " + *files);
  }
  return Status::Ok();
}

// Copies the attached `schema` into main; run ids, image keys and object ids are shifted past main's largest.
Status CopyRows(sqlite3* db, const std::string& schema) {
  std::string script = R"sql(
CREATE TEMP TABLE shift AS SELECT
  (SELECT coalesce(max(id), 0) FROM main.ingest_runs) AS runs,
  (SELECT coalesce(max(key), 0) FROM main.images) AS images,
  (SELECT coalesce(max(id), 0) FROM main.objects) AS objects;
INSERT INTO main.datasets SELECT * FROM input.datasets WHERE name NOT IN (SELECT name FROM main.datasets);
INSERT INTO main.classes (dataset, raw, key, known)
  SELECT dataset, raw, key, known FROM input.classes i
  WHERE NOT EXISTS (SELECT 1 FROM main.classes m WHERE m.dataset = i.dataset AND m.raw = i.raw);
INSERT INTO main.ingest_runs
  SELECT id + (SELECT runs FROM shift), dataset, format, root, options, status, started_at, finished_at, files, images,
         objects_read, objects_accepted, objects_rejected, warnings FROM input.ingest_runs;
INSERT INTO main.source_files
  SELECT dataset, path, run_id + (SELECT runs FROM shift), images, objects_accepted, objects_rejected
  FROM input.source_files;
INSERT INTO main.images
  SELECT key + (SELECT images FROM shift), id, dataset, split, path, annotation, width, height, bands, gsd,
         image_source, acquired, geotransform, crs, sha256, parent_id, derivation,
         CASE WHEN run_id IS NULL THEN NULL ELSE run_id + (SELECT runs FROM shift) END
  FROM input.images;
INSERT INTO main.objects
  SELECT o.id + (SELECT objects FROM shift), o.image_key + (SELECT images FROM shift), m.id, o.x1, o.y1, o.x2, o.y2,
         o.quad, o.difficult, o.truncated, o.flags, o.line, o.colour, o.grid_cell, o.size_bucket,
         o.orientation
  FROM input.objects o JOIN input.classes c ON c.id = o.class_id
  JOIN main.classes m ON m.dataset = c.dataset AND m.raw = c.raw ORDER BY o.id;
INSERT INTO main.expressions (image_key, object_id, text, source_index)
  SELECT image_key + (SELECT images FROM shift),
         CASE WHEN object_id IS NULL THEN NULL ELSE object_id + (SELECT objects FROM shift) END, text, source_index
  FROM input.expressions ORDER BY id;
INSERT INTO main.captions (image_key, text, sentence_index)
  SELECT image_key + (SELECT images FROM shift), text, sentence_index FROM input.captions ORDER BY id;
INSERT INTO main.qa (image_key, type, question, answer, source_id)
  SELECT image_key + (SELECT images FROM shift), type, question, answer, source_id FROM input.qa ORDER BY id;
INSERT INTO main.scene_labels SELECT image_key + (SELECT images FROM shift), raw, key FROM input.scene_labels;
INSERT INTO main.derivations
  SELECT image_key + (SELECT images FROM shift), parent_key + (SELECT images FROM shift), op, params, seed,
         tool_version FROM input.derivations;
INSERT INTO main.rejects (dataset, run_id, file, line, code, severity, message, raw, objects)
  SELECT dataset, CASE WHEN run_id IS NULL THEN NULL ELSE run_id + (SELECT runs FROM shift) END, file, line, code,
         severity, message, raw, objects FROM input.rejects ORDER BY id;
DROP TABLE temp.shift;
)sql";
  for (size_t at = script.find("input."); at != std::string::npos; at = script.find("input.", at + schema.size())) {
    script.replace(at, 5, schema);
  }
  return sql::Exec(db, script);
}

// Removes an SQLite database and the journal files beside it (a staging catalog, when it is done with).
void RemoveDatabaseFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
}

// Merges up to kMaxInputsPerTransaction inputs into `out` in one transaction: all of them or none.
Result<MergeSummary> MergeInOneTransaction(const std::string& out, const std::vector<std::string>& inputs) {
  {
    auto catalog = Catalog::Open(out);  // creates or migrates `out`
    if (!catalog.ok()) return catalog.status();
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(out.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return IoError("cannot open " + out);
  }
  struct Closer {
    sqlite3* db;
    ~Closer() { sqlite3_close(db); }
  } closer{db};
  sqlite3_busy_timeout(db, 10000);
  MGRS_RETURN_IF_ERROR(sql::Exec(db, "PRAGMA foreign_keys = OFF"));
  // SQLite attaches only outside a transaction, so every input is attached first.
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto stmt = sql::Prepare(db, "ATTACH DATABASE ?1 AS input" + std::to_string(i));
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, inputs[i]);
    MGRS_RETURN_IF_ERROR(stmt->Run());
  }
  MGRS_RETURN_IF_ERROR(sql::Exec(db, "BEGIN IMMEDIATE"));
  auto fail = [&](Status status) {
    (void)sql::Exec(db, "ROLLBACK");
    return status;
  };
  MergeSummary summary;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string schema = "input" + std::to_string(i);
    // Checked against `out` with the inputs before this one already in: a conflict between two inputs shows too.
    Status status = CheckConflicts(db, out, schema, inputs[i]);
    if (status.ok()) status = CopyRows(db, schema);
    if (!status.ok()) return fail(status);
    for (auto [count, table] : {std::make_pair(&summary.images, "images"), std::make_pair(&summary.objects, "objects"),
                                std::make_pair(&summary.rejects, "rejects")}) {
      auto n = sql::QueryInt(db, "SELECT count(*) FROM " + schema + "." + table);
      if (!n.ok()) return fail(n.status());
      *count += *n;
    }
  }
  auto violations = sql::QueryInt(db, "SELECT count(*) FROM main.pragma_foreign_key_check");
  if (!violations.ok()) return fail(violations.status());
  if (*violations > 0) {
    return fail(Corruption("merging into " + out + " would leave " + std::to_string(*violations) +
                           " rows referring to missing rows"));
  }
  MGRS_RETURN_IF_ERROR(sql::Exec(db, "COMMIT"));
  auto datasets = sql::QueryInt(db, "SELECT count(*) FROM main.datasets");
  if (!datasets.ok()) return datasets.status();
  summary.datasets = *datasets;
  return summary;
}

}  // namespace

Result<MergeSummary> MergeCatalogs(const std::string& out, const std::vector<std::string>& inputs) {
  if (inputs.empty()) return InvalidArgument("merge needs at least one input catalog");
  // Inputs are opened once on their own first: this migrates nothing (read-only) but refuses newer schemas and
  // checks integrity before anything is copied.
  for (const std::string& input : inputs) {
    if (input == out) return InvalidArgument("cannot merge " + out + " into itself");
    if (std::count(inputs.begin(), inputs.end(), input) > 1) return InvalidArgument(input + " is given twice");
    auto catalog = Catalog::Open(input, Catalog::Mode::kReadOnly);
    if (!catalog.ok()) return catalog.status();
    MGRS_RETURN_IF_ERROR((*catalog)->CheckIntegrity());
  }
  if (inputs.size() <= kMaxInputsPerTransaction) return MergeInOneTransaction(out, inputs);

  // More inputs than SQLite attaches at once: groups are merged into staging catalogs beside `out` first, and
  // the staging catalogs into `out` in one transaction, so `out` still changes all at once or not at all.
  std::vector<std::string> staged;
  struct Remover {
    std::vector<std::string>* paths;
    ~Remover() {
      for (const std::string& path : *paths) RemoveDatabaseFiles(path);
    }
  } remover{&staged};
  for (size_t first = 0; first < inputs.size(); first += kMaxInputsPerTransaction) {
    const size_t last = std::min(inputs.size(), first + kMaxInputsPerTransaction);
    staged.push_back(out + ".merging-" + std::to_string(staged.size()));
    RemoveDatabaseFiles(staged.back());  // left by an earlier, killed merge
    auto part =
        MergeInOneTransaction(staged.back(), std::vector<std::string>(inputs.begin() + first, inputs.begin() + last));
    if (!part.ok()) return part.status();
  }
  auto merged = MergeCatalogs(out, staged);
  if (!merged.ok()) {
    return Status(merged.status().code(), merged.status().message() + " (each " + out +
                                              ".merging-N holds inputs 10N+1 to 10N+10, in the order given)");
  }
  return merged;
}

}  // namespace mgrs::catalog
