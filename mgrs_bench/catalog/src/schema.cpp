// Schema versions 1 to 3 (docs/catalog.md describes every table). A later change is a new Migration appended here,
// never an edit of an applied one: catalogs in the field are at some version and move forward step by step.
#include "schema.h"

namespace mgrs::catalog {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1, "datasets, runs, source files, classes, images, objects, texts, rejects", R"sql(
CREATE TABLE datasets (
  name TEXT PRIMARY KEY,
  format TEXT NOT NULL,
  version TEXT NOT NULL DEFAULT '',
  root TEXT NOT NULL DEFAULT '',
  manifest_path TEXT NOT NULL DEFAULT '',
  manifest_sha256 TEXT NOT NULL DEFAULT '',
  coord_origin INTEGER NOT NULL DEFAULT 0 CHECK (coord_origin IN (0, 1)),
  licence TEXT NOT NULL DEFAULT '',
  homepage TEXT NOT NULL DEFAULT ''
);
CREATE TABLE ingest_runs (
  id INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL REFERENCES datasets(name),
  format TEXT NOT NULL,
  root TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  files INTEGER NOT NULL DEFAULT 0,
  images INTEGER NOT NULL DEFAULT 0,
  objects_read INTEGER NOT NULL DEFAULT 0,
  objects_accepted INTEGER NOT NULL DEFAULT 0,
  objects_rejected INTEGER NOT NULL DEFAULT 0,
  warnings INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE source_files (
  dataset TEXT NOT NULL REFERENCES datasets(name),
  path TEXT NOT NULL,
  run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
  images INTEGER NOT NULL,
  objects_accepted INTEGER NOT NULL,
  objects_rejected INTEGER NOT NULL,
  PRIMARY KEY (dataset, path)
) WITHOUT ROWID;
CREATE TABLE classes (
  id INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL REFERENCES datasets(name),
  raw TEXT NOT NULL,
  key TEXT NOT NULL,
  known INTEGER NOT NULL,
  UNIQUE (dataset, raw)
);
CREATE TABLE images (
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  dataset TEXT NOT NULL REFERENCES datasets(name),
  split TEXT NOT NULL,
  path TEXT NOT NULL,
  annotation TEXT NOT NULL,
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  bands INTEGER NOT NULL DEFAULT 0,
  gsd REAL,
  image_source TEXT NOT NULL DEFAULT '',
  acquired TEXT NOT NULL DEFAULT '',
  geotransform TEXT NOT NULL DEFAULT '',
  crs TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '',
  parent_id TEXT REFERENCES images(id),
  derivation TEXT NOT NULL DEFAULT '',
  run_id INTEGER REFERENCES ingest_runs(id)
);
CREATE TABLE objects (
  id INTEGER PRIMARY KEY,
  image_key INTEGER NOT NULL REFERENCES images(key),
  class_id INTEGER NOT NULL REFERENCES classes(id),
  x1 REAL NOT NULL, y1 REAL NOT NULL, x2 REAL NOT NULL, y2 REAL NOT NULL,
  quad BLOB CHECK (quad IS NULL OR length(quad) = 64),
  difficult INTEGER NOT NULL DEFAULT 0,
  truncated INTEGER NOT NULL DEFAULT 0,
  flags INTEGER NOT NULL DEFAULT 0,
  line INTEGER NOT NULL DEFAULT 0,
  colour TEXT, grid_cell TEXT, size_bucket TEXT
);
CREATE TABLE expressions (
  id INTEGER PRIMARY KEY,
  image_key INTEGER NOT NULL REFERENCES images(key),
  object_id INTEGER REFERENCES objects(id),
  text TEXT NOT NULL,
  source_index INTEGER
);
CREATE TABLE captions (
  id INTEGER PRIMARY KEY,
  image_key INTEGER NOT NULL REFERENCES images(key),
  text TEXT NOT NULL,
  sentence_index INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE qa (
  id INTEGER PRIMARY KEY,
  image_key INTEGER NOT NULL REFERENCES images(key),
  type TEXT NOT NULL,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  source_id INTEGER
);
CREATE TABLE scene_labels (
  image_key INTEGER PRIMARY KEY REFERENCES images(key),
  raw TEXT NOT NULL,
  key TEXT NOT NULL
);
CREATE TABLE rejects (
  id INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL REFERENCES datasets(name),
  run_id INTEGER REFERENCES ingest_runs(id),
  file TEXT NOT NULL,
  line INTEGER NOT NULL DEFAULT 0,
  code TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
  message TEXT NOT NULL,
  raw TEXT NOT NULL DEFAULT '',
  objects INTEGER NOT NULL DEFAULT 0
);
)sql"},
      {2, "derivations: the lineage of augmented images", R"sql(
CREATE TABLE derivations (
  image_key INTEGER PRIMARY KEY REFERENCES images(key),
  parent_key INTEGER NOT NULL REFERENCES images(key),
  op TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  seed INTEGER NOT NULL,
  tool_version TEXT NOT NULL DEFAULT ''
);
CREATE INDEX derivations_by_parent ON derivations(parent_key);
)sql"},
      {3, "MGRS-Bench: object orientation, image attributes, benchmark items, review decisions, annotator cache",
       R"sql(
ALTER TABLE objects ADD COLUMN orientation TEXT;
CREATE TABLE image_attributes (
  image_key INTEGER PRIMARY KEY REFERENCES images(key),
  counts TEXT NOT NULL DEFAULT '{}',
  objects INTEGER NOT NULL DEFAULT 0,
  density TEXT NOT NULL DEFAULT '',
  scene TEXT NOT NULL DEFAULT '',
  gsd_bucket TEXT NOT NULL DEFAULT ''
);
CREATE TABLE bench_items (
  id TEXT PRIMARY KEY,
  task TEXT NOT NULL,
  granularity TEXT NOT NULL,
  source TEXT NOT NULL,
  gsd_bucket TEXT NOT NULL,
  resolution TEXT NOT NULL,
  image_id TEXT NOT NULL REFERENCES images(id),
  image_file TEXT NOT NULL,
  sample TEXT NOT NULL,
  question TEXT NOT NULL,
  candidate TEXT NOT NULL DEFAULT '',
  annotator TEXT NOT NULL DEFAULT '',
  annotation_error TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'failed')),
  answer TEXT NOT NULL DEFAULT '',
  reviewer TEXT NOT NULL DEFAULT '',
  decided_at TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE bench_decisions (
  id INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL REFERENCES bench_items(id) ON DELETE CASCADE,
  decision TEXT NOT NULL CHECK (decision IN ('accept', 'edit', 'reject')),
  answer TEXT NOT NULL DEFAULT '',
  reviewer TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bench_decisions_by_item ON bench_decisions(item_id);
CREATE TABLE annotator_cache (
  annotator TEXT NOT NULL,
  image_sha256 TEXT NOT NULL,
  prompt TEXT NOT NULL,
  answer TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (annotator, image_sha256, prompt)
) WITHOUT ROWID;
)sql"},
  };
  return migrations;
}

const std::vector<SecondaryIndex>& SecondaryIndexes() {
  static const std::vector<SecondaryIndex> indexes = {
      {"objects_by_image", "CREATE INDEX IF NOT EXISTS objects_by_image ON objects(image_key)"},
      {"objects_by_class", "CREATE INDEX IF NOT EXISTS objects_by_class ON objects(class_id)"},
      {"images_by_dataset_split", "CREATE INDEX IF NOT EXISTS images_by_dataset_split ON images(dataset, split)"},
      {"images_by_parent", "CREATE INDEX IF NOT EXISTS images_by_parent ON images(parent_id)"},
      {"expressions_by_image", "CREATE INDEX IF NOT EXISTS expressions_by_image ON expressions(image_key)"},
      {"captions_by_image", "CREATE INDEX IF NOT EXISTS captions_by_image ON captions(image_key)"},
      {"qa_by_image", "CREATE INDEX IF NOT EXISTS qa_by_image ON qa(image_key)"},
      {"rejects_by_dataset", "CREATE INDEX IF NOT EXISTS rejects_by_dataset ON rejects(dataset, code)"},
  };
  return indexes;
}

}  // namespace mgrs::catalog
