// COCO detection JSON (images, annotations with [x, y, w, h] boxes, categories) read into a batch; shared by the
// generic `coco` reader and `nwpu-vhr`'s COCO re-annotation.
#pragma once

#include <string>
#include <vector>

#include "readers/common.h"

namespace mgrs::ingest {

// Reads the COCO file `file.path`. Images are looked for in `image_dirs` (relative to the root) by their
// file_name. Records: annotations are numbered from 1 in array order (the reject's "line").
Result<catalog::SourceBatch> ReadCocoDetection(const ReaderContext& ctx, const SourceFile& file,
                                               const std::vector<std::string>& image_dirs);

// Split named by a COCO file ("instances_train2017.json" -> train), else SplitFromPath.
std::string CocoSplit(const std::string& path);

}  // namespace mgrs::ingest
