// The per-image annotation files of the demo output, as text: DOTA labelTxt and DIOR-RSVG XML.
#pragma once

#include <string>

#include "mgrs/demo/demo_data.h"

namespace mgrs::demo {

// DOTA v1.0 original-image labels: "imagesource:" and "gsd:" headers, then "x1 y1 ... x4 y4 class 0" per object
// (corners clockwise, one decimal), CRLF line ends like the DOTA release.
std::string DotaLabel(const Scene& scene);

// DIOR-RSVG XML: VOC <annotation> with <size> and one <object> (name, pose, bndbox, description) per object that
// has a unique expression, in object order. Boxes use VOC's 1-based inclusive pixel indices, as DIOR does:
// xmin = floor(x1) + 1, xmax = ceil(x2) for the continuous 0-based box [x1, x2). *written = objects written.
std::string RsvgXml(const DemoImage& image, int* written);

}  // namespace mgrs::demo
