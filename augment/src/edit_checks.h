// What both attribute edits check first: a skipped outcome with its reason, and the object the expression names.
#pragma once

#include <algorithm>
#include <vector>

#include <opencv2/core.hpp>

#include "mgrs/augment/edit.h"

namespace mgrs::augment {

inline EditOutcome Skipped(const char* reason) {
  EditOutcome out;
  out.skip_reason = reason;
  return out;
}

// The target object of `target` in an 8-bit 3-band image, or the reason to skip (set in *skip).
inline const Object* EditTarget(const cv::Mat& image, const std::vector<Object>& objects, const Expression& target,
                                const char** skip) {
  if (image.type() != CV_8UC3) {
    *skip = "unsupported_pixel_type";
    return nullptr;
  }
  const auto it =
      std::find_if(objects.begin(), objects.end(), [&](const Object& o) { return o.id == target.object_id; });
  if (it == objects.end()) {
    *skip = "no_target_object";
    return nullptr;
  }
  return &*it;
}

}  // namespace mgrs::augment
