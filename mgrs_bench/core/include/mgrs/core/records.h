// The catalog's records (DESIGN.md section 4): images, objects and the text annotations attached to them.
// Plain values; the catalog stores them and the readers produce them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mgrs/core/geometry.h"

namespace mgrs {

struct Image {
  std::string id;  // stable: "dataset/split/stem"
  std::string dataset;
  std::string split;
  std::string path;  // relative to the dataset root, "/" separators
  int width = 0;     // 0 = unknown (annotation-only ingest)
  int height = 0;
  int bands = 0;
  std::optional<double> gsd;  // metres per pixel
  std::string sha256;         // of the file, when computed
  std::string parent_id;      // for derived (augmented) images
  std::string derivation;     // how it was derived, e.g. "cutout:seed=7,removed=3"
};

// Attributes that augmentation and the benchmark builder fill in.
struct ObjectAttributes {
  std::string colour;       // dominant colour name
  std::string grid_cell;    // "top-left" ... "bottom-right" (3x3)
  std::string size_bucket;  // "small" | "medium" | "large"
  std::string orientation;  // "horizontal" | "vertical" | "diagonal-down" | "diagonal-up" (the benchmark builder)
};

struct Object {
  int64_t id = 0;
  std::string image_id;
  std::string raw_class;     // exactly as the annotation spells it
  std::string class_key;     // normalised: lower-case, words joined by "-"
  Box hbb;                   // pixels
  std::optional<Quad> quad;  // as given (oriented annotations)
  bool difficult = false;
  bool truncated = false;
  ObjectAttributes attributes;
};

// Referring text for one object (visual grounding).
struct Expression {
  int64_t object_id = 0;
  std::string image_id;
  std::string text;
};

struct Caption {
  std::string image_id;
  std::string text;
};

struct Qa {
  std::string image_id;
  std::string type;  // presence, comparison, rural_urban, count, area, direction, or a dataset's own
  std::string question;
  std::string answer;
};

struct SceneLabel {
  std::string image_id;
  std::string label;
};

// "Storage Tank" / "storage_tank" / "storage-tank" -> "storage-tank".
std::string NormaliseClassKey(const std::string& raw_class);

}  // namespace mgrs
