// Words for objects: class names in the singular and plural, the 3x3 grid cell of a position and its phrase, size
// buckets, and referring expressions that single one object out of its image.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mgrs/core/geometry.h"
#include "mgrs/core/records.h"

namespace mgrs::instruct {

// "small-vehicle" -> "small vehicle"; "storage_tank" -> "storage tank".
std::string ClassName(const std::string& class_key);
// English plural of a class name: "ship" -> "ships", "harbor" -> "harbors", "bus" -> "buses", "ferry" -> "ferries".
std::string Plural(const std::string& name);
// "a plane", "an airport".
std::string WithArticle(const std::string& name);

// The 3x3 grid: row 0-2 from the top, column 0-2 from the left.
struct GridCell {
  int row = 1, column = 1;
  bool operator==(const GridCell& o) const { return row == o.row && column == o.column; }
};
// The cell holding the centre of `box` in a width x height image.
GridCell CellOf(const Box& box, int width, int height);
// "top left", "top", "top right", "left", "center", ..., "bottom right": the answer to a direction question.
std::string CellName(GridCell cell);
// "at the top left", "at the top", "on the left", "in the center", ...: the phrase in an expression.
std::string PositionPhrase(GridCell cell);

// By the side of a square of the same area, as COCO's thresholds: small < 32 px, medium < 96 px, large otherwise.
// An attribute the catalog already holds (ObjectAttributes::size_bucket) takes precedence.
std::string SizeBucket(const Object& object);

// How much a referring expression must say to single out each object of an image from the others: 0 class +
// position ("the plane at the top left"), 1 adds the size, 2 adds the colour (only when the catalog holds one); -1
// when even that is shared. Linear in the number of objects.
std::vector<int> DistinguishingDetail(const std::vector<const Object*>& objects, int width, int height);
// "the [size] [colour] <class> <position phrase>" at `detail` (0-2, as DistinguishingDetail).
std::string ReferringExpression(const Object& object, int detail, int width, int height);

}  // namespace mgrs::instruct
