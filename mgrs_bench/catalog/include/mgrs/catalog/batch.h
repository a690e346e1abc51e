// What a reader hands the catalog for one source file: its images with their objects and texts, and the records
// it rejected. The unit of work for the bulk writer and of resume after a kill (a file is stored whole or not at
// all).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mgrs/core/diagnostic.h"
#include "mgrs/core/records.h"

namespace mgrs::catalog {

// Bits of ObjectRecord::flags: why an accepted object deserves a second look.
enum ObjectFlag : int {
  kFlagUnknownClass = 1,  // class not in the dataset's manifest (kept because the manifest says "keep")
  kFlagClamped = 2,       // the box reached outside the image and its HBB was clamped (the quad is kept raw)
  kFlagInvalidQuad = 4,   // the quad self-intersects or has no area (kept as given; the HBB is min/max)
};

struct ObjectRecord {
  Object object;       // image_id and id are assigned by the writer; object.difficult = difficulty >= 1
  int difficulty = 0;  // raw value as annotated (DOTA: 0, 1, or 2 for "truncated by the patch border")
  int flags = 0;       // ObjectFlag bits
  int64_t line = 0;    // line (text formats) or 1-based record number (XML, JSON) in the source file
};

// Referring text; `object_index` indexes the image's `objects` (-1: the expression names no stored object).
struct ExpressionRecord {
  int object_index = -1;
  std::string text;
  int64_t source_index = -1;  // the dataset's own index (DIOR-RSVG: global object index)
};

struct CaptionRecord {
  std::string text;
  int sentence_index = 0;
};

struct QaRecord {
  std::string type;
  std::string question;
  std::string answer;
  int64_t source_id = -1;  // the dataset's question id
};

struct ImageRecord {
  Image image;               // id, dataset, split, path (relative to the dataset root, "" when unknown), sizes, gsd
  std::string image_source;  // free text from the annotation (DOTA "imagesource:"), "" when absent
  std::string acquired;      // acquisition date as written, "" when absent
  std::optional<std::array<double, 6>> geotransform;
  std::string crs_wkt;
  std::vector<ObjectRecord> objects;
  std::vector<ExpressionRecord> expressions;
  std::vector<CaptionRecord> captions;
  std::vector<QaRecord> qa;
  std::optional<std::string> scene_label;  // raw label (the catalog adds the normalised key)
};

// A rejected or flagged record. `objects` is how many objects it removed (a rejected line: 1; a file rejected
// whole: every object it held); warnings keep their object and remove none.
struct RejectRecord {
  Diagnostic diagnostic;
  int64_t objects = 0;
};

struct SourceBatch {
  std::string file;  // source file relative to the dataset root, "/" separators: the unit of resume
  std::vector<ImageRecord> images;
  std::vector<RejectRecord> rejects;  // errors and warnings, in file order
  // The file was stored before with nothing but rejects (Catalog::FilesToRetry): the writer deletes its earlier
  // rejects and source_files row in the same transaction that stores this batch.
  bool replaces_stored = false;
  // Objects rejected here = sum of rejects[].objects over errors; read = accepted (in images) + rejected.
};

}  // namespace mgrs::catalog
