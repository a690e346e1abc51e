// The SQLite catalog: every image, object and text annotation of every ingested dataset, with provenance and
// every rejected record. Versioned schema with migrations (docs/catalog.md); typed queries for the modules that
// read it (augment, instruct, bench, exports).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mgrs/catalog/batch.h"
#include "mgrs/core/records.h"
#include "mgrs/core/status.h"

struct sqlite3;

namespace mgrs::catalog {

// The schema version this build writes and understands (PRAGMA user_version).
int LatestSchemaVersion();
// The SQLite library the catalog runs on, e.g. "3.40.1" (for version reports).
std::string SqliteVersion();

struct DatasetInfo {
  std::string name;  // primary key; the first part of every image id
  std::string format;
  std::string version;
  std::string root;  // absolute path of the tree it was ingested from
  std::string manifest_path;
  std::string manifest_sha256;
  int coord_origin = 0;  // 0 or 1: the pixel origin the annotations use (values are stored as given)
  std::string licence;
  std::string homepage;
};

struct ClassCount {
  std::string raw_class;
  std::string class_key;
  bool known = true;  // listed in the dataset's manifest
  int64_t objects = 0;
  int64_t images = 0;  // images with at least one object of the class
};

struct SplitCount {
  int64_t images = 0;
  int64_t objects = 0;
};

struct DatasetStats {
  DatasetInfo info;
  int64_t images = 0;
  int64_t objects = 0;
  int64_t rejected_objects = 0;  // objects removed by error rejects
  int64_t errors = 0;            // reject rows with severity error
  int64_t warnings = 0;
  std::map<std::string, SplitCount> splits;
  std::vector<ClassCount> classes;  // by raw class name
  std::map<std::string, int64_t> rejects_by_code;
  int64_t expressions = 0, captions = 0, qa = 0, scene_labels = 0;
  int64_t derived = 0;  // of the images: those made by augmentation (parent set)
};

struct CatalogStats {
  int schema_version = 0;
  int64_t images = 0, objects = 0, expressions = 0, captions = 0, qa = 0, scene_labels = 0;
  int64_t derived = 0;  // of the images: those made by augmentation (parent set)
  int64_t errors = 0, warnings = 0;
  std::vector<DatasetStats> datasets;  // by name
};

nlohmann::ordered_json StatsToJson(const CatalogStats& stats);

// One row of the rejects table.
struct StoredReject {
  std::string dataset;
  int64_t run_id = 0;
  RejectRecord record;
};

struct RejectFilter {
  std::string dataset;  // "" = all
  std::string code;     // "" = all
  bool errors_only = false;
  int64_t limit = -1;  // -1 = no limit
};

// A stored object with what the core record does not carry.
struct StoredObject {
  Object object;
  int difficulty = 0;
  int flags = 0;
  int64_t line = 0;
};

// ---- Derived images (augmentation lineage, schema v2; derived.cpp) ----
// One augmented image with its annotations. `image.id` is "<parent id>/<op>-<k>", `image.parent_id` the parent's
// id (same dataset and split), `image.path` the absolute path of its file. Objects are stored with new ids;
// `objects[i].object.id` only has to be unique within this record, and the expressions' object_id refer to it.
struct DerivedImage {
  Image image;
  std::vector<StoredObject> objects;
  std::vector<Expression> expressions;
  std::string op;                  // "cutout", "spatial", "colour"
  std::string params_json = "{}";  // what the operation did (docs/augment.md)
  uint64_t seed = 0;               // stored as its two's-complement int64
  std::string tool_version;
};

// One image with every annotation attached to it: what ForEachImage streams (ImageRecord in batch.h is its write-side
// counterpart).
struct AnnotatedImage {
  Image image;
  std::string file;  // the image file on disk: the dataset root joined with image.path (or image.path when absolute)
  std::vector<StoredObject> objects;    // by id (their order in the source file)
  std::vector<Expression> expressions;  // by id
  std::vector<Caption> captions;        // by sentence index
  std::vector<Qa> qa;                   // by id
  std::optional<SceneLabel> scene;
};

// Which images ForEachImage visits.
struct ImageQuery {
  std::string dataset;  // "" = every dataset
  std::string split;    // "" = every split
  bool derived = true;  // include images derived by augmentation (parent_id set)
};

// ---- MGRS-Bench (schema v3; bench_tables.cpp, docs/bench.md) ----
// The attributes the benchmark builder derives for one object (stored in the objects row).
struct ObjectAttributeUpdate {
  int64_t object_id = 0;
  ObjectAttributes attributes;
};

// The attributes the benchmark builder derives for one image.
struct ImageAttributes {
  std::string image_id;
  std::map<std::string, int64_t> counts;  // class key -> objects
  int64_t objects = 0;
  std::string density;     // "none" | "sparse" | "medium" | "dense"
  std::string scene;       // the scene label's display name, "" when the image has none
  std::string gsd_bucket;  // "unknown" when the image has no GSD
};

// One benchmark item: a question about one image, the annotator's candidate answer and the review's outcome.
struct BenchItem {
  std::string id;  // the Sample id
  std::string task, granularity, source, gsd_bucket;
  std::string resolution = "x1";   // "x1", or "x2"/"x4" for a downsampled copy
  std::string image_id;            // the catalog image it was made from
  std::string image_file;          // the file it shows (absolute): the catalog image or its downsampled copy
  std::string sample_json;         // the Sample (docs/formats.md) with its ground truth from the attributes
  std::string question;            // the human turn, without "<image>\n"
  std::string candidate;           // the annotator's answer; "" when annotation failed
  std::string annotator;           // "template" | "openai:<model>"
  std::string annotation_error;    // why annotation failed after its retries ("" when it did not)
  std::string status = "pending";  // pending | accepted | rejected | failed (no candidate)
  std::string answer;              // the answer decided on: the candidate, or the reviewer's edit
  std::string reviewer, decided_at;
};

struct BenchDecision {
  std::string item_id;
  std::string decision;  // accept | edit | reject
  std::string answer;    // edit: the new answer; accept: ignored (the candidate is taken)
  std::string reviewer;
  std::string note;  // e.g. "bulk" for a decision made without looking
  std::string at;    // set by DecideBenchItem (UTC, ISO 8601 with milliseconds)
};

// What a candidate answer is cached under: the same annotator asked the same prompt about the same image bytes.
struct AnnotationKey {
  std::string annotator;  // "openai:<model>@<endpoint>"
  std::string image_sha256;
  std::string prompt;
};

struct IngestRun {
  int64_t id = 0;
  std::string dataset, format, root, options_json, status, started_at, finished_at;
  int64_t files = 0, images = 0, objects_read = 0, objects_accepted = 0, objects_rejected = 0, warnings = 0;
};

// An open catalog. Not thread-safe: use one Catalog per thread (SQLite in WAL mode lets readers and one writer
// work at the same time from different connections). Movable only through unique_ptr.
class Catalog {
 public:
  enum class Mode { kReadOnly, kReadWrite };

  // kReadWrite creates the file when missing and migrates an older schema to LatestSchemaVersion(), each step in
  // its own transaction, and recreates secondary indexes a killed bulk load left dropped. kReadOnly fails with
  // kNotFound when the file is missing. Both fail with kFailedPrecondition when the file's schema is newer than
  // this build, and kCorruption when it is not a catalog.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& path, Mode mode = Mode::kReadWrite);
  // Rolls back the transaction a killed bulk load left in a hot rollback journal, as the next writer would: the
  // catalog returns to its last commit. A kReadOnly open refuses such a catalog; `mgrs catalog verify` calls this
  // first, since checking a catalog after a crash is what it is for. Does nothing when there is no journal or the
  // catalog or its folder may not be written (the read-only open then says what to do).
  static Status RollBackInterrupted(const std::string& path);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::string& path() const { return path_; }
  Result<int> SchemaVersion();

  // Datasets. PutDataset inserts or updates by name.
  Status PutDataset(const DatasetInfo& info);
  Result<std::optional<DatasetInfo>> FindDataset(const std::string& name);
  Result<std::vector<DatasetInfo>> Datasets();

  // Ingest runs: StartRun returns the new run's id; FinishRun stores its counts and final status.
  Result<int64_t> StartRun(const IngestRun& run);
  Status FinishRun(const IngestRun& run);
  Result<std::vector<IngestRun>> Runs(const std::string& dataset);
  // Source files already stored for `dataset` (relative paths), for resuming and idempotent reruns.
  Result<std::vector<std::string>> CompletedFiles(const std::string& dataset);
  // Source files stored for all datasets together.
  Result<int64_t> StoredFileCount();
  // Of those, the files that stored no image because their image was missing or unreadable: a rerun reads them
  // again (the image may be there now) and replaces their rows (SourceBatch::replaces_stored).
  Result<std::vector<std::string>> FilesToRetry(const std::string& dataset);

  // Typed queries. Images come ordered by id; objects by id (their order in the source file).
  Result<std::vector<Image>> Images(const std::string& dataset, const std::string& split = "");
  Result<std::optional<Image>> FindImage(const std::string& image_id);
  Result<std::vector<StoredObject>> Objects(const std::string& image_id);
  Result<std::vector<ClassCount>> ClassCounts(const std::string& dataset);
  Result<std::vector<Expression>> Expressions(const std::string& image_id);
  Result<std::vector<Caption>> Captions(const std::string& image_id);
  Result<std::vector<Qa>> QaPairs(const std::string& image_id);
  Result<std::optional<SceneLabel>> SceneLabelOf(const std::string& image_id);
  // The normalised class keys a dataset knows (from its manifest or its objects), sorted; cheaper than ClassCounts.
  Result<std::vector<std::string>> ClassKeys(const std::string& dataset);
  // The distinct scene labels of a dataset as written (raw), sorted.
  Result<std::vector<std::string>> SceneClasses(const std::string& dataset);
  // Streams the images `query` selects, ordered by id, each with its objects, expressions, captions, QA and scene
  // label, reading each table once in one pass (no query per image). `visit` may move out of the record; a non-OK
  // status from it stops the scan and is returned. The catalog must not be written during the scan.
  Status ForEachImage(const ImageQuery& query, const std::function<Status(AnnotatedImage&)>& visit);
  // Where an image's record came from: its source file and what the annotation said about the image.
  struct Provenance {
    std::string annotation;    // source file relative to the dataset root
    std::string image_source;  // e.g. DOTA "imagesource:" ("" when absent)
    std::string acquired;
  };
  Result<Provenance> ProvenanceOf(const std::string& image_id);
  Result<std::vector<StoredReject>> Rejects(const RejectFilter& filter);
  Result<CatalogStats> Stats();

  // Stores one derived image, its objects, expressions and derivations row in one transaction: all or nothing.
  // An image already stored under the same id is replaced (its rows deleted first, in the same transaction).
  // kNotFound when the parent is not in the catalog, kInvalidArgument when the record contradicts itself.
  Status AddDerivedImage(const DerivedImage& derived);

  // ---- MGRS-Bench ----
  // Stores the builder's object attributes (colour, grid cell, size bucket, orientation), in one transaction.
  Status SetObjectAttributes(const std::vector<ObjectAttributeUpdate>& updates);
  // Inserts or replaces the attributes of the images named, in one transaction. kNotFound for an unknown image.
  Status PutImageAttributes(const std::vector<ImageAttributes>& attributes);
  Result<std::optional<ImageAttributes>> ImageAttributesOf(const std::string& image_id);
  // Makes `items` the benchmark, in one transaction: items no longer listed are deleted with their decisions; an
  // item whose sample and candidate are unchanged keeps its review status and history; any other is stored
  // pending (or failed, without a candidate).
  Status ReplaceBenchItems(const std::vector<BenchItem>& items);
  // Items by id; `status` "" = all.
  Result<std::vector<BenchItem>> BenchItems(const std::string& status = "");
  Result<std::optional<BenchItem>> FindBenchItem(const std::string& id);
  // Records a decision and applies it to the item, in one transaction: the latest decision sets the item's status,
  // answer and reviewer; earlier ones stay in the history. kNotFound for an unknown item, kInvalidArgument for an
  // unknown decision, an empty reviewer, an edit without an answer, or accepting an item without a candidate.
  Status DecideBenchItem(const BenchDecision& decision);
  // Every decision on an item, oldest first.
  Result<std::vector<BenchDecision>> BenchDecisions(const std::string& item_id);
  Result<std::optional<std::string>> CachedAnswer(const AnnotationKey& key);
  Status PutCachedAnswer(const AnnotationKey& key, const std::string& answer);

  // PRAGMA integrity_check and foreign_key_check; kCorruption lists the first problems found.
  Status CheckIntegrity();

  // Creates the secondary indexes that are missing (IF NOT EXISTS); returns how many were built.
  Result<int> EnsureIndexes();
  // Drops the secondary indexes the bulk writer rebuilds at the end of a load.
  Status DropBulkIndexes();

 private:
  friend class BulkWriter;
  Catalog(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  sqlite3* db() const { return db_; }

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace mgrs::catalog
