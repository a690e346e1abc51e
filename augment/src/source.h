// Where RunAugment's images come from: the dataset's parent images with their annotations, in id order.
#pragma once

#include <functional>
#include <string>

#include "mgrs/augment/augment.h"

namespace mgrs::augment {

// Calls `visit` for every image of `dataset` that is not itself derived, in id order, with the path of its file.
// Stops at the first error `visit` returns. The scan holds its own read-only connection, so the caller's writer
// may store derived images meanwhile (WAL); they are not visited (derived = false).
Status ForEachSource(const std::string& catalog_path, const std::string& dataset,
                     const std::function<Status(SourceImage&)>& visit);

}  // namespace mgrs::augment
