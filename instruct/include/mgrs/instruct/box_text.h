// Target boxes as answer text, in the formats the models and mgrs-score read back.
#pragma once

#include <optional>
#include <string>

#include "mgrs/core/geometry.h"
#include "mgrs/core/status.h"

namespace mgrs::instruct {

enum class BoxFormat {
  kGeoChat,     // {<x1><y1><x2><y2>|<angle>}: integers on the 0-100 grid, the angle in degrees (default)
  kGeoChatHbb,  // {<x1><y1><x2><y2>}: the axis-aligned box only
  kQwen,        // <box>(x1,y1),(x2,y2)</box> on the 0-999 grid
  kUnitList,    // [x1, y1, x2, y2] with three decimals on the 0-1 grid
};
// geochat | geochat-hbb | qwen | unit
Result<BoxFormat> ParseBoxFormat(const std::string& name);

struct BoxText {
  std::string text;
  // IoU between the box as written (read back to pixels, rotated when an angle is written) and the object: how much
  // the format's grid costs. A perfect answer scores this IoU.
  double round_trip_iou = 0;
};

// Grid values round to the nearest integer (truncation, as VRSBench's int(x*100), puts some values one cell low).
// With a quad and kGeoChat, the box is the quad's smallest rotated rectangle, written as EarthDial's polygon
// convention reads it (mgrs/core/geometry.h EarthDialBoxPolygon): the unrotated corners and the angle in [0, 90).
BoxText FormatBox(const Box& hbb, const std::optional<Quad>& quad, int width, int height, BoxFormat format);

}  // namespace mgrs::instruct
