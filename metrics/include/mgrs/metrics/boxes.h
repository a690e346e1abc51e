// Boxes in model answers (research/metrics.md section 9.4): the formats of GeoChat, MiniGPT-v2, Qwen-VL,
// LLaVA-style lists, EarthDial and VRSBench; their coordinate grids; IoU conventions; and average precision.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mgrs/core/geometry.h"
#include "mgrs/core/status.h"

namespace mgrs::metrics {

enum class BoxSyntax {
  kAuto,           // the first of the syntaxes below that the answer contains
  kGeoChat,        // {<x1><y1><x2><y2>} or {<x1><y1><x2><y2>|<angle>}, several as }{ or }<delim>{   (0-100)
  kQwen,           // <box>(x1,y1),(x2,y2)</box> (the tags optional), several allowed           (0-999 / 0-1000)
  kEarthDial,      // [[x1, y1, x2, y2, angle]] lists, possibly concatenated                  (0-100)
  kList,           // [x1, y1, x2, y2] lists                                                  (0-1 or pixels)
  kFirstFourInts,  // VRSBench: the first four runs of digits anywhere in the answer          (0-100)
  kMiniGpt,        // MiniGPT-v2's strict rule: the answer (spaces and <unk> removed) starts with
                   // {<d><d><d><d>}, 1-3 digits each; one box                                 (0-100)
};
// auto | geochat | minigpt | qwen | earthdial | list | ints
Result<BoxSyntax> ParseBoxSyntax(const std::string& name);
const char* BoxSyntaxName(BoxSyntax syntax);

// A box as written in the answer, in the answer's own coordinates.
struct AnswerBox {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  std::optional<double> angle;  // degrees, when the format carries one
};

struct ParsedAnswer {
  BoxSyntax syntax = BoxSyntax::kAuto;  // the syntax found (kAuto: none)
  std::vector<AnswerBox> boxes;         // in the order of the answer
};

// Every box of `answer` in `syntax` (kAuto: detected). No box is an empty list, not an error. Values that are not
// finite numbers make the box unusable and it is left out (the caller counts such answers as parse failures).
ParsedAnswer ParseAnswerBoxes(std::string_view answer, BoxSyntax syntax);

// The grid an answer's numbers are on. kAuto: 100 for GeoChat / EarthDial / first-four-ints, 1000 for <box>, and
// for [x1, y1, x2, y2] lists 1 when every value is at most 1, else pixels.
enum class CoordScale { kAuto, k100, k999, k1000, kUnit, kPixel };
Result<CoordScale> ParseCoordScale(const std::string& name);  // auto | 100 | 999 | 1000 | 1 | pixel
const char* CoordScaleName(CoordScale scale);
// The grid extent for one answer box (1 for unit, 0 for pixels).
double ScaleExtent(CoordScale scale, BoxSyntax syntax, const AnswerBox& box);

// All-point interpolated average precision (VOC 2010+) of detections already sorted by rank: `hits[i]` tells
// whether the i-th detection matched a ground-truth object; `ground_truths` is the number of objects.
double AveragePrecision(const std::vector<bool>& hits, size_t ground_truths);

}  // namespace mgrs::metrics
