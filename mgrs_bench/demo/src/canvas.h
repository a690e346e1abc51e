// The state one scene is composed in: the pixels, the scene model, where objects may go, and the placement rule
// (inside an allowed region, fully inside the image, overlapping nothing placed before).
#pragma once

#include <functional>
#include <vector>

#include <opencv2/core.hpp>

#include "mgrs/demo/random.h"
#include "mgrs/demo/scene.h"

namespace mgrs::demo {

class Canvas {
 public:
  Canvas(SceneKind kind, int size, double gsd_at_256, Random& random);

  int size() const { return size_; }
  // Pixels per pixel of the 256-pixel reference layout.
  double s() const { return size_ / 256.0; }
  cv::Mat& image() { return image_; }
  Scene& scene() { return scene_; }
  Random& random() { return random_; }

  // A new object of `kind` with a random size class and palette colour, centred at (cx, cy) with `heading`;
  // placed when its box lies inside `region` (255 = allowed; empty = anywhere), at least `margin` pixels inside
  // the image, and clear of every placed object by `gap` pixels. Returns whether it was placed (and drawn).
  bool TryPlace(ObjectKind kind, double cx, double cy, double heading, const cv::Mat& region, double gap,
                bool moving = false);
  // Up to `count` objects of `kind` at random positions and headings in `region`, trying `attempts` times per
  // object; the heading comes from `heading()`. Returns how many were placed.
  int Scatter(ObjectKind kind, int count, const cv::Mat& region, double gap, const std::function<double()>& heading,
              int attempts = 60, bool moving = false);

 private:
  bool Fits(const SceneObject& object, const cv::Mat& region, double gap) const;

  int size_;
  Random& random_;
  cv::Mat image_;
  Scene scene_;
};

// The composers, one per scene kind (layouts.cpp): ground first, then objects through Canvas::TryPlace.
void ComposeAirport(Canvas& canvas);
void ComposeHarbor(Canvas& canvas);
void ComposeParkingLot(Canvas& canvas);
void ComposeStorageTanks(Canvas& canvas);
void ComposeResidential(Canvas& canvas);
void ComposeFarmland(Canvas& canvas);
void ComposeForest(Canvas& canvas);

}  // namespace mgrs::demo
