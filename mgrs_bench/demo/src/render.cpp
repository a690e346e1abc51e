// RenderScene: compose the scene of the asked kind, add sensor noise, then turn the whole scene by one of the
// eight symmetries of the square so that layouts (runway on top, water above the shore) do not always face the
// same way.
#include "mgrs/demo/render.h"

#include <cmath>

#include <opencv2/core.hpp>

#include "canvas.h"
#include "draw.h"

namespace mgrs::demo {
namespace {

// Metres per pixel of each kind's layout on a 256-pixel image (DOTA writes it as gsd:).
double GsdAt256(SceneKind kind) {
  static const double gsd[] = {1.0, 1.2, 0.3, 0.8, 0.5, 2.0, 1.0};
  return gsd[static_cast<int>(kind)];
}

double NormalisedDegrees(double degrees) {
  double d = std::fmod(degrees, 360.0);
  return d < 0 ? d + 360.0 : d;
}

// Applies the symmetry `t` (bit 2: transpose, then bit 0: mirror left-right, bit 1: mirror top-bottom) to the
// pixels and to every object's centre and heading.
void ApplySymmetry(int t, RenderedScene* rendered) {
  cv::Mat& image = rendered->image;
  const double n = image.cols;
  if (t & 4) cv::transpose(image.clone(), image);
  if (t & 1) cv::flip(image.clone(), image, 1);
  if (t & 2) cv::flip(image.clone(), image, 0);
  for (SceneObject& o : rendered->scene.objects) {
    if (t & 4) {
      std::swap(o.cx, o.cy);
      o.heading = 90 - o.heading;
    }
    if (t & 1) {
      o.cx = n - o.cx;
      o.heading = 180 - o.heading;
    }
    if (t & 2) {
      o.cy = n - o.cy;
      o.heading = -o.heading;
    }
    o.heading = NormalisedDegrees(o.heading);
  }
}

}  // namespace

RenderedScene RenderScene(SceneKind kind, int size, Random& random) {
  Canvas canvas(kind, size, GsdAt256(kind), random);
  switch (kind) {
    case SceneKind::kAirport: ComposeAirport(canvas); break;
    case SceneKind::kHarbor: ComposeHarbor(canvas); break;
    case SceneKind::kParkingLot: ComposeParkingLot(canvas); break;
    case SceneKind::kStorageTanks: ComposeStorageTanks(canvas); break;
    case SceneKind::kResidential: ComposeResidential(canvas); break;
    case SceneKind::kFarmland: ComposeFarmland(canvas); break;
    case SceneKind::kForest: ComposeForest(canvas); break;
  }
  draw::Finish(canvas.image(), 3.0, random);
  RenderedScene rendered{canvas.scene(), canvas.image()};
  ApplySymmetry(random.Int(0, 7), &rendered);
  return rendered;
}

}  // namespace mgrs::demo
