// Reading catalog rows into records: one place for the column lists and their decoding, shared by the per-image
// queries and the streaming scan.
#pragma once

#include "mgrs/catalog/catalog.h"
#include "sqlite.h"

namespace mgrs::catalog {

// Columns of `images` that ReadImage decodes, in order (prefix each with the table's alias where needed).
constexpr const char* kImageColumns =
    "id, dataset, split, path, width, height, bands, gsd, sha256, coalesce(parent_id, ''), derivation";
Image ReadImage(const sql::Statement& s, int first = 0);

// Columns of `objects o JOIN classes c` that ReadObject decodes, in order.
constexpr const char* kObjectColumns =
    "o.id, c.raw, c.key, o.x1, o.y1, o.x2, o.y2, o.quad, o.difficult, o.truncated, o.flags, o.line, "
    "coalesce(o.colour, ''), coalesce(o.grid_cell, ''), coalesce(o.size_bucket, ''), "
    "coalesce(o.orientation, '')";
StoredObject ReadObject(const sql::Statement& s, const std::string& image_id, int first = 0);

// Columns of `objects o` alone, with o.class_id in place of the class names (ReadObjectByClassId takes those from
// the caller's copy of the classes table).
constexpr const char* kObjectColumnsByClassId =
    "o.id, o.class_id, o.class_id, o.x1, o.y1, o.x2, o.y2, o.quad, o.difficult, o.truncated, o.flags, o.line, "
    "o.colour, o.grid_cell, o.size_bucket, o.orientation";
StoredObject ReadObjectByClassId(const sql::Statement& s, const std::string& image_id, const std::string& raw_class,
                                 const std::string& class_key, int first = 0);

}  // namespace mgrs::catalog
