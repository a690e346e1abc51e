// Boxes and polygons in pixels (double), the coordinate grids of published answer formats, and IoU in the
// conventions the benchmarks use (research/metrics.md section 9.4).
#pragma once

#include <array>
#include <vector>

namespace mgrs {

struct Point {
  double x = 0, y = 0;
  bool operator==(const Point& o) const { return x == o.x && y == o.y; }
};

// Axis-aligned box, corners (x1, y1) top-left and (x2, y2) bottom-right, in pixels.
struct Box {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  bool operator==(const Box& o) const { return x1 == o.x1 && y1 == o.y1 && x2 == o.x2 && y2 == o.y2; }
  double width() const { return x2 - x1; }
  double height() const { return y2 - y1; }
};

// Four corners as given by the annotation (DOTA order: clockwise from the first point).
using Quad = std::array<Point, 4>;
using Polygon = std::vector<Point>;

// Continuous: area = (x2-x1)(y2-y1), touching boxes do not overlap, 0/0 is 0 (coco, torchvision, Qwen-VL).
// PlusOne: integer pixel counts, area = (x2-x1+1)(y2-y1+1) (VRSBench, MiniGPT-v2's computeIoU).
enum class IouConvention { kContinuous, kPlusOne };

double BoxArea(const Box& box, IouConvention convention = IouConvention::kContinuous);
double BoxIntersection(const Box& a, const Box& b, IouConvention convention = IouConvention::kContinuous);
// IoU in [0, 1]; 0 when the union is empty. Boxes with x2 < x1 or y2 < y1 have no area (IoU 0).
double BoxIou(const Box& a, const Box& b, IouConvention convention = IouConvention::kContinuous);

Box BoundingBox(const Quad& quad);
Polygon ToPolygon(const Box& box);
Polygon ToPolygon(const Quad& quad);

// Absolute area of a simple polygon (shoelace).
double PolygonArea(const Polygon& polygon);
// Convex hull, counter-clockwise in math axes (Andrew's monotone chain); collinear points dropped.
Polygon ConvexHull(std::vector<Point> points);
// Intersection of two convex polygons of either orientation (Sutherland-Hodgman clipping).
Polygon IntersectConvex(const Polygon& a, const Polygon& b);
// IoU of two convex polygons; 0 when either has no area.
double ConvexPolygonIou(const Polygon& a, const Polygon& b);

// Rotated rectangle: centre, side lengths and angle in radians (counter-clockwise in math axes).
struct OrientedBox {
  double cx = 0, cy = 0, width = 0, height = 0, angle = 0;
  Quad Corners() const;
};
// Smallest-area rectangle containing the points of `quad` (rotating calipers over the convex hull), as
// OpenCV's minAreaRect and DOTA's poly2obb compute it; the angle is in [0, pi/2).
OrientedBox MinAreaOrientedBox(const Quad& quad);

// EarthDial's `[x1, y1, x2, y2, angle]`: the rectangle (x1, y1)-(x2, y2) rotated about its centre by `angle`
// degrees as `get_rotated_box_vertices` does (corners as row vectors times R(angle), i.e. clockwise in image
// axes for positive angles). Corners in EarthDial's order.
Polygon EarthDialBoxPolygon(double x1, double y1, double x2, double y2, double angle_degrees);

// Coordinate grids of published answer formats: value = pixel / extent * scale.
enum class Grid {
  kUnit,     // 0-1 floats (LLaVA-style)
  kPercent,  // 0-100 integers (GeoChat, MiniGPT-v2, VRSBench, EarthDial)
  k999,      // Qwen-VL divides by 999
  k1000,     // Qwen2-VL and later
};
double GridScale(Grid grid);
// kNone keeps the exact quotient; kTruncate is Python's int() (toward zero, VRSBench's int(x*100));
// kNearest rounds half away from zero.
enum class Rounding { kNone, kTruncate, kNearest };

double PixelToGrid(double pixel, double extent, Grid grid, Rounding rounding);
double GridToPixel(double value, double extent, Grid grid);
Box BoxToGrid(const Box& box, double width, double height, Grid grid, Rounding rounding);
Box BoxFromGrid(const Box& box, double width, double height, Grid grid);

}  // namespace mgrs
