// Opening, migrating and querying the catalog.
#include "mgrs/catalog/catalog.h"

#include <sqlite3.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "quad_blob.h"
#include "rows.h"
#include "schema.h"
#include "sqlite.h"

namespace mgrs::catalog {
namespace {

using sql::Exec;
using sql::Prepare;

// Runs `stmt` to the end, calling `row` for each row; returns the first error.
template <typename RowFn>
Status ForEachRow(sql::Statement& stmt, RowFn row) {
  Status status;
  while (stmt.Step(&status)) row(stmt);
  return status;
}

// The first column of every row of `sql`, which takes one text parameter.
Result<std::vector<std::string>> TextColumn(sqlite3* db, const char* sql, const std::string& parameter) {
  auto stmt = Prepare(db, sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, parameter);
  std::vector<std::string> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) { out.push_back(s.Text(0)); }));
  return out;
}

Status Migrate(sqlite3* db, int from_version) {
  for (const Migration& migration : Migrations()) {
    if (migration.version <= from_version) continue;
    MGRS_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
    Status status = Exec(db, migration.sql);
    if (status.ok()) status = Exec(db, "PRAGMA user_version = " + std::to_string(migration.version));
    if (status.ok()) status = Exec(db, "COMMIT");
    if (!status.ok()) {
      (void)Exec(db, "ROLLBACK");
      return Status(status.code(), "migration to schema version " + std::to_string(migration.version) + " (" +
                                       migration.description + ") failed: " + status.message());
    }
  }
  return Status::Ok();
}

// A new catalog is built beside its path and linked into place once its schema is committed, so that no catalog
// file exists without its schema: a first ingest killed while creating it leaves no file that readers would refuse
// (only the temporary one). link() refuses to replace a catalog another process created meanwhile.
Status CreateCatalogFile(const std::string& path) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(temp + suffix, ec);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(temp.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    Status status = IoError("cannot create catalog " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return status;
  }
  // 16 KiB pages: the bulk load spends about 15% less time per object than with SQLite's default 4 KiB
  // (docs/catalog.md). Only possible before the first table and before WAL.
  Status status = Exec(db, "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  if (status.ok()) status = Migrate(db, 0);
  if (sqlite3_close(db) != SQLITE_OK && status.ok()) status = IoError("cannot close new catalog " + temp);
  if (status.ok() && ::link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    status = IoError("cannot create catalog " + path + ": " + std::strerror(errno));
  }
  std::filesystem::remove(temp, ec);
  return status;
}

DatasetInfo ReadDataset(const sql::Statement& s) {
  DatasetInfo info;
  info.name = s.Text(0);
  info.format = s.Text(1);
  info.version = s.Text(2);
  info.root = s.Text(3);
  info.manifest_path = s.Text(4);
  info.manifest_sha256 = s.Text(5);
  info.coord_origin = static_cast<int>(s.Int(6));
  info.licence = s.Text(7);
  info.homepage = s.Text(8);
  return info;
}

constexpr const char* kDatasetColumns =
    "name, format, version, root, manifest_path, manifest_sha256, coord_origin, licence, homepage";

std::string Now() {
  char buffer[32];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// `path` for a file: URI ('%', '?' and '#' escaped).
std::string UriPath(const std::string& path) {
  std::string out;
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char kHex[] = "0123456789ABCDEF";
      out += {'%', kHex[(c >> 4) & 15], kHex[c & 15]};
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

std::string SqliteVersion() { return sqlite3_libversion(); }

Status Catalog::RollBackInterrupted(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path + "-journal", ec)) return Status::Ok();
  const std::string folder = std::filesystem::path(path).parent_path().string();
  if (::access(path.c_str(), W_OK) != 0 || ::access(folder.empty() ? "." : folder.c_str(), W_OK) != 0) {
    return Status::Ok();
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Status status = IoError("cannot open catalog " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return status;
  }
  sqlite3_busy_timeout(db, 10000);
  // The first read of a writable connection finds the hot journal and plays it back.
  auto version = sql::QueryInt(db, "PRAGMA user_version");
  const Status status = version.ok() ? Status::Ok() : version.status();
  sqlite3_close(db);
  return status;
}

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path, Mode mode) {
  const bool writable = mode == Mode::kReadWrite;
  if (!writable && !std::filesystem::exists(path)) return NotFound("catalog " + path + " does not exist");
  if (writable && !std::filesystem::exists(path)) MGRS_RETURN_IF_ERROR(CreateCatalogFile(path));
  sqlite3* db = nullptr;
  int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  std::string target = path;
  // Reading a WAL catalog needs a -shm file beside it; in a folder we may not write, with no -wal file left (or an
  // empty one: no writer at work, every commit in the file), the catalog cannot change under us and is opened as
  // immutable.
  const std::string folder = std::filesystem::path(path).parent_path().string();
  std::error_code no_wal;
  if (!writable && ::access(folder.empty() ? "." : folder.c_str(), W_OK) != 0 &&
      (std::filesystem::file_size(path + "-wal", no_wal) == 0 || no_wal)) {
    target = "file:" + UriPath(path) + "?immutable=1";
    flags |= SQLITE_OPEN_URI;
  }
  if (sqlite3_open_v2(target.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Status status = IoError("cannot open catalog " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return status;
  }
  std::unique_ptr<Catalog> catalog(new Catalog(path, db));
  sqlite3_busy_timeout(db, 10000);
  auto version = sql::QueryInt(db, "PRAGMA user_version");
  if (!version.ok()) {
    if (sqlite3_extended_errcode(db) == SQLITE_READONLY_ROLLBACK) {
      // A bulk load killed while committing leaves a hot rollback journal, which only a writer can roll back.
      return Status(StatusCode::kFailedPrecondition,
                    "catalog " + path +
                        " was left by an interrupted ingest; rerun the ingest (any read-write open "
                        "rolls the unfinished transaction back)");
    }
    return Corruption("cannot read catalog " + path + " (not an SQLite database?): " + version.status().message());
  }
  if (*version > LatestSchemaVersion()) {
    return Status(StatusCode::kFailedPrecondition, "catalog " + path + " has schema version " +
                                                       std::to_string(*version) + ", newer than this build's " +
                                                       std::to_string(LatestSchemaVersion()) + "; update mgrs");
  }
  if (writable) {
    // WAL: readers never block the writer, and a killed writer leaves the last committed state.
    // A catalog of schema version 0 here was made by an older build or another program (CreateCatalogFile makes
    // ours): 16 KiB pages as in CreateCatalogFile, a no-op once it has a table.
    if (*version == 0) MGRS_RETURN_IF_ERROR(Exec(db, "PRAGMA page_size = 16384"));
    MGRS_RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL"));
    MGRS_RETURN_IF_ERROR(Migrate(db, static_cast<int>(*version)));
    auto built = catalog->EnsureIndexes();
    if (!built.ok()) return built.status();
  } else if (*version < LatestSchemaVersion()) {
    return Status(StatusCode::kFailedPrecondition, "catalog " + path + " has schema version " +
                                                       std::to_string(*version) +
                                                       "; open it once for writing (e.g. mgrs ingest) to migrate it");
  }
  MGRS_RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys = ON"));
  return catalog;
}

Catalog::~Catalog() { sqlite3_close_v2(db_); }

Result<int> Catalog::SchemaVersion() {
  auto version = sql::QueryInt(db_, "PRAGMA user_version");
  if (!version.ok()) return version.status();
  return static_cast<int>(*version);
}

Result<int> Catalog::EnsureIndexes() {
  int built = 0;
  for (const SecondaryIndex& index : SecondaryIndexes()) {
    auto exists = sql::QueryInt(
        db_, std::string("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '") + index.name + "'");
    if (!exists.ok()) return exists.status();
    if (*exists) continue;
    MGRS_RETURN_IF_ERROR(Exec(db_, index.create_sql));
    ++built;
  }
  return built;
}

Status Catalog::DropBulkIndexes() {
  for (const SecondaryIndex& index : SecondaryIndexes()) {
    MGRS_RETURN_IF_ERROR(Exec(db_, std::string("DROP INDEX IF EXISTS ") + index.name));
  }
  return Status::Ok();
}

Status Catalog::PutDataset(const DatasetInfo& info) {
  auto stmt = Prepare(db_, std::string("INSERT INTO datasets (") + kDatasetColumns +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (name) DO UPDATE SET "
                               "format = ?2, version = ?3, root = ?4, manifest_path = ?5, manifest_sha256 = ?6, "
                               "coord_origin = ?7, licence = ?8, homepage = ?9");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, info.name);
  stmt->Bind(2, info.format);
  stmt->Bind(3, info.version);
  stmt->Bind(4, info.root);
  stmt->Bind(5, info.manifest_path);
  stmt->Bind(6, info.manifest_sha256);
  stmt->Bind(7, info.coord_origin);
  stmt->Bind(8, info.licence);
  stmt->Bind(9, info.homepage);
  return stmt->Run();
}

Result<std::optional<DatasetInfo>> Catalog::FindDataset(const std::string& name) {
  auto stmt = Prepare(db_, std::string("SELECT ") + kDatasetColumns + " FROM datasets WHERE name = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, name);
  Status status;
  if (stmt->Step(&status)) return std::optional<DatasetInfo>(ReadDataset(*stmt));
  if (!status.ok()) return status;
  return std::optional<DatasetInfo>();
}

Result<std::vector<DatasetInfo>> Catalog::Datasets() {
  auto stmt = Prepare(db_, std::string("SELECT ") + kDatasetColumns + " FROM datasets ORDER BY name");
  if (!stmt.ok()) return stmt.status();
  std::vector<DatasetInfo> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) { out.push_back(ReadDataset(s)); }));
  return out;
}

Result<int64_t> Catalog::StartRun(const IngestRun& run) {
  auto stmt = Prepare(db_,
                      "INSERT INTO ingest_runs (dataset, format, root, options, status, started_at) "
                      "VALUES (?1, ?2, ?3, ?4, 'running', ?5)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run.dataset);
  stmt->Bind(2, run.format);
  stmt->Bind(3, run.root);
  stmt->Bind(4, run.options_json.empty() ? std::string("{}") : run.options_json);
  stmt->Bind(5, Now());
  MGRS_RETURN_IF_ERROR(stmt->Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Status Catalog::FinishRun(const IngestRun& run) {
  auto stmt = Prepare(db_,
                      "UPDATE ingest_runs SET status = ?2, finished_at = ?3, files = ?4, images = ?5, "
                      "objects_read = ?6, objects_accepted = ?7, objects_rejected = ?8, warnings = ?9 WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run.id);
  stmt->Bind(2, run.status);
  stmt->Bind(3, Now());
  stmt->Bind(4, run.files);
  stmt->Bind(5, run.images);
  stmt->Bind(6, run.objects_read);
  stmt->Bind(7, run.objects_accepted);
  stmt->Bind(8, run.objects_rejected);
  stmt->Bind(9, run.warnings);
  return stmt->Run();
}

Result<std::vector<IngestRun>> Catalog::Runs(const std::string& dataset) {
  auto stmt = Prepare(db_,
                      "SELECT id, dataset, format, root, options, status, started_at, finished_at, files, images, "
                      "objects_read, objects_accepted, objects_rejected, warnings FROM ingest_runs "
                      "WHERE ?1 = '' OR dataset = ?1 ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, dataset);
  std::vector<IngestRun> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) {
    IngestRun run;
    run.id = s.Int(0);
    run.dataset = s.Text(1);
    run.format = s.Text(2);
    run.root = s.Text(3);
    run.options_json = s.Text(4);
    run.status = s.Text(5);
    run.started_at = s.Text(6);
    run.finished_at = s.Text(7);
    run.files = s.Int(8);
    run.images = s.Int(9);
    run.objects_read = s.Int(10);
    run.objects_accepted = s.Int(11);
    run.objects_rejected = s.Int(12);
    run.warnings = s.Int(13);
    out.push_back(std::move(run));
  }));
  return out;
}

Result<std::vector<std::string>> Catalog::CompletedFiles(const std::string& dataset) {
  return TextColumn(db_, "SELECT path FROM source_files WHERE dataset = ?1 ORDER BY path", dataset);
}

Result<int64_t> Catalog::StoredFileCount() { return sql::QueryInt(db_, "SELECT count(*) FROM source_files"); }

Result<std::vector<std::string>> Catalog::FilesToRetry(const std::string& dataset) {
  auto stmt = Prepare(db_,
                      "SELECT DISTINCT s.path FROM source_files s JOIN rejects r ON r.dataset = s.dataset AND r.file = "
                      "s.path WHERE s.dataset = ?1 AND s.images = 0 AND r.severity = 'error' AND r.code IN "
                      "('MISSING_IMAGE', 'UNREADABLE_IMAGE') ORDER BY s.path");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, dataset);
  std::vector<std::string> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) { out.push_back(s.Text(0)); }));
  return out;
}

Result<std::vector<Image>> Catalog::Images(const std::string& dataset, const std::string& split) {
  auto stmt = Prepare(db_, std::string("SELECT ") + kImageColumns +
                               " FROM images WHERE dataset = ?1 AND (?2 = '' OR split = ?2) ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, dataset);
  stmt->Bind(2, split);
  std::vector<Image> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) { out.push_back(ReadImage(s)); }));
  return out;
}

Result<std::optional<Image>> Catalog::FindImage(const std::string& image_id) {
  auto stmt = Prepare(db_, std::string("SELECT ") + kImageColumns + " FROM images WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  Status status;
  if (stmt->Step(&status)) return std::optional<Image>(ReadImage(*stmt));
  if (!status.ok()) return status;
  return std::optional<Image>();
}

Result<std::vector<StoredObject>> Catalog::Objects(const std::string& image_id) {
  auto stmt =
      Prepare(db_, std::string("SELECT ") + kObjectColumns +
                       " FROM objects o JOIN images i ON i.key = o.image_key JOIN classes c ON c.id = o.class_id"
                       " WHERE i.id = ?1 ORDER BY o.id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  std::vector<StoredObject> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) { out.push_back(ReadObject(s, image_id)); }));
  return out;
}

Result<std::vector<ClassCount>> Catalog::ClassCounts(const std::string& dataset) {
  auto stmt = Prepare(db_,
                      "SELECT c.raw, c.key, c.known, count(o.id), count(DISTINCT o.image_key) FROM classes c "
                      "LEFT JOIN objects o ON o.class_id = c.id WHERE c.dataset = ?1 GROUP BY c.id ORDER BY c.raw");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, dataset);
  std::vector<ClassCount> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) {
    out.push_back(ClassCount{s.Text(0), s.Text(1), s.Int(2) != 0, s.Int(3), s.Int(4)});
  }));
  return out;
}

Result<std::vector<Expression>> Catalog::Expressions(const std::string& image_id) {
  auto stmt = Prepare(db_,
                      "SELECT coalesce(e.object_id, 0), e.text FROM expressions e JOIN images i ON i.key = e.image_key "
                      "WHERE i.id = ?1 ORDER BY e.id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  std::vector<Expression> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) {
    out.push_back(Expression{s.Int(0), image_id, s.Text(1)});
  }));
  return out;
}

Result<std::vector<Caption>> Catalog::Captions(const std::string& image_id) {
  auto stmt = Prepare(db_,
                      "SELECT c.text FROM captions c JOIN images i ON i.key = c.image_key WHERE i.id = ?1 "
                      "ORDER BY c.sentence_index, c.id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  std::vector<Caption> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) {
    out.push_back(Caption{image_id, s.Text(0)});
  }));
  return out;
}

Result<std::vector<Qa>> Catalog::QaPairs(const std::string& image_id) {
  auto stmt = Prepare(db_,
                      "SELECT q.type, q.question, q.answer FROM qa q JOIN images i ON i.key = q.image_key "
                      "WHERE i.id = ?1 ORDER BY q.id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  std::vector<Qa> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) {
    out.push_back(Qa{image_id, s.Text(0), s.Text(1), s.Text(2)});
  }));
  return out;
}

Result<std::optional<SceneLabel>> Catalog::SceneLabelOf(const std::string& image_id) {
  auto stmt = Prepare(db_, "SELECT s.raw FROM scene_labels s JOIN images i ON i.key = s.image_key WHERE i.id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  Status status;
  if (stmt->Step(&status)) return std::optional<SceneLabel>(SceneLabel{image_id, stmt->Text(0)});
  if (!status.ok()) return status;
  return std::optional<SceneLabel>();
}

Result<std::vector<std::string>> Catalog::ClassKeys(const std::string& dataset) {
  return TextColumn(db_, "SELECT DISTINCT key FROM classes WHERE dataset = ?1 ORDER BY key", dataset);
}

Result<std::vector<std::string>> Catalog::SceneClasses(const std::string& dataset) {
  return TextColumn(
      db_,
      "SELECT DISTINCT s.raw FROM scene_labels s JOIN images i ON i.key = s.image_key WHERE i.dataset = ?1 "
      "ORDER BY s.raw",
      dataset);
}

Result<Catalog::Provenance> Catalog::ProvenanceOf(const std::string& image_id) {
  auto stmt = Prepare(db_, "SELECT annotation, image_source, acquired FROM images WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  Status status;
  if (stmt->Step(&status)) return Provenance{stmt->Text(0), stmt->Text(1), stmt->Text(2)};
  if (!status.ok()) return status;
  return NotFound("no image '" + image_id + "' in " + path_);
}

Result<std::vector<StoredReject>> Catalog::Rejects(const RejectFilter& filter) {
  auto stmt = Prepare(db_,
                      "SELECT dataset, coalesce(run_id, 0), file, line, code, severity, message, raw, objects "
                      "FROM rejects WHERE (?1 = '' OR dataset = ?1) AND (?2 = '' OR code = ?2) "
                      "AND (?3 = 0 OR severity = 'error') ORDER BY id LIMIT ?4");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, filter.dataset);
  stmt->Bind(2, filter.code);
  stmt->Bind(3, filter.errors_only ? 1 : 0);
  stmt->Bind(4, filter.limit);
  std::vector<StoredReject> out;
  MGRS_RETURN_IF_ERROR(ForEachRow(*stmt, [&](const sql::Statement& s) {
    StoredReject r;
    r.dataset = s.Text(0);
    r.run_id = s.Int(1);
    r.record.diagnostic = MakeDiagnostic(s.Text(2), s.Int(3), s.Text(4), s.Text(6), s.Text(7),
                                         s.Text(5) == "error" ? Severity::kError : Severity::kWarning);
    r.record.objects = s.Int(8);
    out.push_back(std::move(r));
  }));
  return out;
}

Result<CatalogStats> Catalog::Stats() {
  CatalogStats stats;
  auto version = SchemaVersion();
  if (!version.ok()) return version.status();
  stats.schema_version = *version;
  auto datasets = Datasets();
  if (!datasets.ok()) return datasets.status();
  for (DatasetInfo& info : *datasets) {
    DatasetStats d;
    d.info = std::move(info);
    auto splits = Prepare(db_,
                          "SELECT i.split, count(*), coalesce(sum(n), 0) FROM images i LEFT JOIN "
                          "(SELECT image_key, count(*) AS n FROM objects GROUP BY image_key) o ON o.image_key = i.key "
                          "WHERE i.dataset = ?1 GROUP BY i.split ORDER BY i.split");
    if (!splits.ok()) return splits.status();
    splits->Bind(1, d.info.name);
    MGRS_RETURN_IF_ERROR(ForEachRow(*splits, [&](const sql::Statement& s) {
      d.splits[s.Text(0)] = SplitCount{s.Int(1), s.Int(2)};
      d.images += s.Int(1);
      d.objects += s.Int(2);
    }));
    auto derived = Prepare(db_, "SELECT count(*) FROM images WHERE dataset = ?1 AND parent_id IS NOT NULL");
    if (!derived.ok()) return derived.status();
    derived->Bind(1, d.info.name);
    MGRS_RETURN_IF_ERROR(ForEachRow(*derived, [&](const sql::Statement& s) { d.derived = s.Int(0); }));
    auto classes = ClassCounts(d.info.name);
    if (!classes.ok()) return classes.status();
    d.classes = std::move(*classes);
    auto rejects = Prepare(db_,
                           "SELECT code, severity, count(*), coalesce(sum(objects), 0) FROM rejects WHERE dataset = ?1 "
                           "GROUP BY code, severity ORDER BY code");
    if (!rejects.ok()) return rejects.status();
    rejects->Bind(1, d.info.name);
    MGRS_RETURN_IF_ERROR(ForEachRow(*rejects, [&](const sql::Statement& s) {
      d.rejects_by_code[s.Text(0)] += s.Int(2);
      if (s.Text(1) == "error") {
        d.errors += s.Int(2);
        d.rejected_objects += s.Int(3);
      } else {
        d.warnings += s.Int(2);
      }
    }));
    auto texts = Prepare(db_,
                         "SELECT (SELECT count(*) FROM expressions e JOIN images i ON i.key = e.image_key "
                         "WHERE i.dataset = ?1), (SELECT count(*) FROM captions c JOIN images i ON i.key = c.image_key "
                         "WHERE i.dataset = ?1), (SELECT count(*) FROM qa q JOIN images i ON i.key = q.image_key "
                         "WHERE i.dataset = ?1), (SELECT count(*) FROM scene_labels s JOIN images i "
                         "ON i.key = s.image_key WHERE i.dataset = ?1)");
    if (!texts.ok()) return texts.status();
    texts->Bind(1, d.info.name);
    MGRS_RETURN_IF_ERROR(ForEachRow(*texts, [&](const sql::Statement& s) {
      d.expressions = s.Int(0);
      d.captions = s.Int(1);
      d.qa = s.Int(2);
      d.scene_labels = s.Int(3);
    }));
    stats.images += d.images;
    stats.derived += d.derived;
    stats.objects += d.objects;
    stats.expressions += d.expressions;
    stats.captions += d.captions;
    stats.qa += d.qa;
    stats.scene_labels += d.scene_labels;
    stats.errors += d.errors;
    stats.warnings += d.warnings;
    stats.datasets.push_back(std::move(d));
  }
  return stats;
}

Status Catalog::CheckIntegrity() {
  auto integrity = Prepare(db_, "PRAGMA integrity_check");
  if (!integrity.ok()) return integrity.status();
  std::string problems;
  MGRS_RETURN_IF_ERROR(ForEachRow(*integrity, [&](const sql::Statement& s) {
    const std::string line = s.Text(0);
    if (line != "ok" && problems.size() < 2000) problems += line + "; ";
  }));
  auto foreign = Prepare(db_, "PRAGMA foreign_key_check");
  if (!foreign.ok()) return foreign.status();
  int64_t violations = 0;
  MGRS_RETURN_IF_ERROR(ForEachRow(*foreign, [&](const sql::Statement& s) {
    if (++violations <= 5)
      problems +=
          "table " + s.Text(0) + " row " + std::to_string(s.Int(1)) + " refers to a missing row of " + s.Text(2) + "; ";
  }));
  if (violations > 5) problems += std::to_string(violations) + " foreign-key violations in all; ";
  if (!problems.empty()) return Corruption("catalog " + path_ + " fails its integrity check: " + problems);
  return Status::Ok();
}

nlohmann::ordered_json StatsToJson(const CatalogStats& stats) {
  nlohmann::ordered_json out;
  out["schema_version"] = stats.schema_version;
  out["images"] = stats.images;
  out["derived"] = stats.derived;
  out["objects"] = stats.objects;
  out["expressions"] = stats.expressions;
  out["captions"] = stats.captions;
  out["qa"] = stats.qa;
  out["scene_labels"] = stats.scene_labels;
  out["rejects"] = {{"errors", stats.errors}, {"warnings", stats.warnings}};
  out["datasets"] = nlohmann::ordered_json::array();
  for (const DatasetStats& d : stats.datasets) {
    nlohmann::ordered_json j;
    j["name"] = d.info.name;
    j["format"] = d.info.format;
    j["version"] = d.info.version;
    j["root"] = d.info.root;
    j["manifest_sha256"] = d.info.manifest_sha256;
    j["images"] = d.images;
    j["derived"] = d.derived;
    j["objects"] = d.objects;
    j["rejected_objects"] = d.rejected_objects;
    j["splits"] = nlohmann::ordered_json::object();
    for (const auto& [name, count] : d.splits)
      j["splits"][name] = {{"images", count.images}, {"objects", count.objects}};
    j["objects_per_class"] = nlohmann::ordered_json::object();
    for (const ClassCount& c : d.classes) {
      j["objects_per_class"][c.raw_class] = {
          {"key", c.class_key}, {"known", c.known}, {"objects", c.objects}, {"images", c.images}};
    }
    j["expressions"] = d.expressions;
    j["captions"] = d.captions;
    j["qa"] = d.qa;
    j["scene_labels"] = d.scene_labels;
    j["rejects"] = {{"errors", d.errors}, {"warnings", d.warnings}, {"by_code", d.rejects_by_code}};
    out["datasets"].push_back(std::move(j));
  }
  return out;
}

Image ReadImage(const sql::Statement& s, int first) {
  Image image;
  image.id = s.Text(first);
  image.dataset = s.Text(first + 1);
  image.split = s.Text(first + 2);
  image.path = s.Text(first + 3);
  image.width = static_cast<int>(s.Int(first + 4));
  image.height = static_cast<int>(s.Int(first + 5));
  image.bands = static_cast<int>(s.Int(first + 6));
  image.gsd = s.OptionalDouble(first + 7);
  image.sha256 = s.Text(first + 8);
  image.parent_id = s.Text(first + 9);
  image.derivation = s.Text(first + 10);
  return image;
}

StoredObject ReadObject(const sql::Statement& s, const std::string& image_id, int first) {
  return ReadObjectByClassId(s, image_id, s.Text(first + 1), s.Text(first + 2), first);
}

StoredObject ReadObjectByClassId(const sql::Statement& s, const std::string& image_id, const std::string& raw_class,
                                 const std::string& class_key, int first) {
  StoredObject stored;
  Object& o = stored.object;
  o.id = s.Int(first);
  o.image_id = image_id;
  o.raw_class = raw_class;
  o.class_key = class_key;
  o.hbb = Box{s.Double(first + 3), s.Double(first + 4), s.Double(first + 5), s.Double(first + 6)};
  if (sqlite3_column_bytes(s.get(), first + 7) == 64) o.quad = DecodeQuad(sqlite3_column_blob(s.get(), first + 7));
  stored.difficulty = static_cast<int>(s.Int(first + 8));
  o.difficult = stored.difficulty >= 1;
  o.truncated = s.Int(first + 9) != 0;
  stored.flags = static_cast<int>(s.Int(first + 10));
  stored.line = s.Int(first + 11);
  // Attributes stay NULL until augmentation or the benchmark builder sets them; Text() of NULL is "".
  std::string* attributes[4] = {&o.attributes.colour, &o.attributes.grid_cell, &o.attributes.size_bucket,
                                &o.attributes.orientation};
  for (int k = 0; k < 4; ++k) {
    if (!s.IsNull(first + 12 + k)) *attributes[k] = s.Text(first + 12 + k);
  }
  return stored;
}

}  // namespace mgrs::catalog
