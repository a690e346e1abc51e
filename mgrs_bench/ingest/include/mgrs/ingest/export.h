// Writing a catalog dataset back out in formats other tools read: DOTA labelTxt (with header lines) and COCO
// detection JSON. Ingesting an export again gives the same objects (tests/ingest/export_test.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "mgrs/core/status.h"

namespace mgrs::ingest {

struct ExportOptions {
  std::string catalog_path;
  std::string dataset;
  std::string split;   // "" = every split
  std::string format;  // "dota" | "coco"
  // dota: a folder; each image becomes <out>/<split>/labelTxt/<stem>.txt. coco: the JSON file to write.
  std::string out;
};

struct ExportSummary {
  int64_t images = 0;
  int64_t objects = 0;
};

// DOTA: "imagesource:" and "gsd:" (a number or "null") header lines, then "x1 y1 ... x4 y4 class difficulty"
// per object: the quad as stored, or the HBB's corners clockwise from the top-left for box-only datasets;
// whitespace inside class names becomes '_' (DOTA splits lines on whitespace). COCO: images (ids from 1, in image
// id order, file_name = the stored image path's name or <stem>.png, width/height), categories (ids from 1, raw
// class names sorted), annotations with bbox [x, y, w, h], area, iscrowd 0 and the quad as a segmentation polygon.
// Numbers are written in their shortest exact form, so they read back bit for bit. Files are written atomically.
// kNotFound when the dataset is not in the catalog, kInvalidArgument for an unknown format.
Result<ExportSummary> Export(const ExportOptions& options);

}  // namespace mgrs::ingest
