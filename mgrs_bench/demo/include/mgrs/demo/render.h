// The procedural renderer: one aerial scene of a given class, as pixels plus the model of what was drawn.
#pragma once

#include <opencv2/core.hpp>

#include "mgrs/demo/random.h"
#include "mgrs/demo/scene.h"

namespace mgrs::demo {

struct RenderedScene {
  Scene scene;
  cv::Mat image;  // CV_8UC3, BGR, scene.height x scene.width
};

// Draws a scene of `kind` on a `size` x `size` image (size >= 64). The ground (runway and apron, water and piers,
// marked asphalt, sand with pipes, lawns with roads and roofs, fields, tree crowns) is laid out first, then the
// objects on it without overlaps, each fully inside the image: 2-6 planes, 2-6 ships, 6-18 cars and 0-3 trucks,
// 3-9 storage tanks, 0-4 cars on residential roads (counts drawn first; an object that finds no free place after
// its attempts is left out, so a crowded scene can hold fewer); farmland and forest have none. Every object is painted
// in one palette colour of its kind and in one of two size classes. Sensor noise and a slight blur come last. The same
// generator state gives the same pixels (on the same OpenCV and libm).
RenderedScene RenderScene(SceneKind kind, int size, Random& random);

}  // namespace mgrs::demo
