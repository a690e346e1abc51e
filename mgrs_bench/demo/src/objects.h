// Draws one scene object (plane, ship, car, truck, storage tank) with its shadow, in its palette colour.
#pragma once

#include <opencv2/core.hpp>

#include "mgrs/demo/random.h"
#include "mgrs/demo/scene.h"

namespace mgrs::demo {

// Draws `object` into `image`. `moving` adds a wake behind a ship (ignored for other kinds).
void DrawObject(cv::Mat& image, const SceneObject& object, bool moving);

// The kind's length and width in pixels for a size class, on an image `size` pixels wide (the lengths are chosen
// so that every large object is at least 1.3 times longer than every small one of its kind).
void SampleDimensions(ObjectKind kind, SizeClass size_class, int size, Random& random, double* length, double* width);

}  // namespace mgrs::demo
