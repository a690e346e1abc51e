// Object placement on a scene being composed.
#include "canvas.h"

#include <cmath>

#include "objects.h"

namespace mgrs::demo {

Canvas::Canvas(SceneKind kind, int size, double gsd_at_256, Random& random)
    : size_(size), random_(random), image_(size, size, CV_8UC3, cv::Scalar(0, 0, 0)) {
  scene_.kind = kind;
  scene_.width = scene_.height = size;
  scene_.gsd = gsd_at_256 * 256.0 / size;
}

bool Canvas::Fits(const SceneObject& object, const cv::Mat& region, double gap) const {
  const Box box = object.Bounds();
  const double margin = 2 * s();
  if (box.x1 < margin || box.y1 < margin || box.x2 > size_ - margin || box.y2 > size_ - margin) return false;
  // The region test samples the corners, the edge midpoints and the centre: enough for convex objects on the
  // smooth regions the composers draw.
  if (!region.empty()) {
    const Quad q = object.Corners();
    std::vector<Point> samples(q.begin(), q.end());
    for (int k = 0; k < 4; ++k) {
      samples.push_back(Point{(q[k].x + q[(k + 1) % 4].x) / 2, (q[k].y + q[(k + 1) % 4].y) / 2});
    }
    samples.push_back(Point{object.cx, object.cy});
    for (const Point& p : samples) {
      const int x = static_cast<int>(p.x), y = static_cast<int>(p.y);
      if (x < 0 || y < 0 || x >= size_ || y >= size_ || !region.at<uint8_t>(y, x)) return false;
    }
  }
  // Objects grown by `gap` must not intersect.
  SceneObject grown = object;
  grown.length += 2 * gap;
  grown.width += 2 * gap;
  const Polygon mine = ToPolygon(grown.Corners());
  for (const SceneObject& other : scene_.objects) {
    const double reach = std::hypot(grown.length, grown.width) / 2 + std::hypot(other.length, other.width) / 2;
    if (std::hypot(other.cx - object.cx, other.cy - object.cy) > reach) continue;
    if (PolygonArea(IntersectConvex(mine, ToPolygon(other.Corners()))) > 0) return false;
  }
  return true;
}

bool Canvas::TryPlace(ObjectKind kind, double cx, double cy, double heading, const cv::Mat& region, double gap,
                      bool moving) {
  SceneObject object;
  object.kind = kind;
  object.size = random_.Chance(0.5) ? SizeClass::kLarge : SizeClass::kSmall;
  const std::vector<int>& colours = ColoursOf(kind);
  object.colour = colours[static_cast<size_t>(random_.Int(0, static_cast<int>(colours.size()) - 1))];
  SampleDimensions(kind, object.size, size_, random_, &object.length, &object.width);
  object.cx = cx;
  object.cy = cy;
  object.heading = kind == ObjectKind::kTank ? 0 : heading;
  if (!Fits(object, region, gap)) return false;
  DrawObject(image_, object, moving);
  scene_.objects.push_back(object);
  return true;
}

int Canvas::Scatter(ObjectKind kind, int count, const cv::Mat& region, double gap,
                    const std::function<double()>& heading, int attempts, bool moving) {
  int placed = 0;
  for (int i = 0; i < count; ++i) {
    for (int attempt = 0; attempt < attempts; ++attempt) {
      const double x = random_.Uniform(0, size_), y = random_.Uniform(0, size_);
      if (TryPlace(kind, x, y, heading(), region, gap, moving)) {
        ++placed;
        break;
      }
    }
  }
  return placed;
}

}  // namespace mgrs::demo
