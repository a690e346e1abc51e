// Box and polygon geometry: IoU conventions, convex clipping, minimum-area rectangles, answer grids.
#include "mgrs/core/geometry.h"

#include <algorithm>
#include <cmath>

namespace mgrs {
namespace {

constexpr double kPi = 3.14159265358979323846;

double Cross(const Point& o, const Point& a, const Point& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

double SignedArea(const Polygon& p) {
  double twice = 0;
  for (size_t i = 0, n = p.size(); i < n; ++i) {
    const Point& a = p[i];
    const Point& b = p[(i + 1) % n];
    twice += a.x * b.y - b.x * a.y;
  }
  return twice / 2;
}

Polygon CounterClockwise(Polygon p) {
  if (SignedArea(p) < 0) std::reverse(p.begin(), p.end());
  return p;
}

double Extent(double lo, double hi, IouConvention convention) {
  return std::max(0.0, hi - lo + (convention == IouConvention::kPlusOne ? 1.0 : 0.0));
}

}  // namespace

double BoxArea(const Box& box, IouConvention convention) {
  return Extent(box.x1, box.x2, convention) * Extent(box.y1, box.y2, convention);
}

double BoxIntersection(const Box& a, const Box& b, IouConvention convention) {
  const Box inter{std::max(a.x1, b.x1), std::max(a.y1, b.y1), std::min(a.x2, b.x2), std::min(a.y2, b.y2)};
  return BoxArea(inter, convention);
}

double BoxIou(const Box& a, const Box& b, IouConvention convention) {
  const double inter = BoxIntersection(a, b, convention);
  const double uni = BoxArea(a, convention) + BoxArea(b, convention) - inter;
  return uni > 0 ? inter / uni : 0.0;
}

Box BoundingBox(const Quad& quad) {
  Box box{quad[0].x, quad[0].y, quad[0].x, quad[0].y};
  for (const Point& p : quad) {
    box.x1 = std::min(box.x1, p.x);
    box.y1 = std::min(box.y1, p.y);
    box.x2 = std::max(box.x2, p.x);
    box.y2 = std::max(box.y2, p.y);
  }
  return box;
}

Polygon ToPolygon(const Box& box) { return {{box.x1, box.y1}, {box.x2, box.y1}, {box.x2, box.y2}, {box.x1, box.y2}}; }
Polygon ToPolygon(const Quad& quad) { return Polygon(quad.begin(), quad.end()); }

double PolygonArea(const Polygon& polygon) { return std::fabs(SignedArea(polygon)); }

Polygon ConvexHull(std::vector<Point> points) {
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  points.erase(std::unique(points.begin(), points.end()), points.end());
  if (points.size() < 3) return points;
  Polygon hull(2 * points.size());
  size_t k = 0;
  for (const Point& p : points) {
    while (k >= 2 && Cross(hull[k - 2], hull[k - 1], p) <= 0) --k;
    hull[k++] = p;
  }
  for (size_t i = points.size() - 1, lower = k + 1; i-- > 0;) {
    while (k >= lower && Cross(hull[k - 2], hull[k - 1], points[i]) <= 0) --k;
    hull[k++] = points[i];
  }
  hull.resize(k - 1);
  return hull;
}

Polygon IntersectConvex(const Polygon& a, const Polygon& b) {
  if (a.size() < 3 || b.size() < 3) return {};
  Polygon output = CounterClockwise(a);
  const Polygon clip = CounterClockwise(b);
  for (size_t i = 0; i < clip.size() && !output.empty(); ++i) {
    const Point& c1 = clip[i];
    const Point& c2 = clip[(i + 1) % clip.size()];
    Polygon input;
    input.swap(output);
    for (size_t j = 0; j < input.size(); ++j) {
      const Point& cur = input[j];
      const Point& prev = input[(j + input.size() - 1) % input.size()];
      const double d_cur = Cross(c1, c2, cur);
      const double d_prev = Cross(c1, c2, prev);
      if (d_cur >= 0) {
        if (d_prev < 0) {
          const double t = d_prev / (d_prev - d_cur);
          output.push_back({prev.x + t * (cur.x - prev.x), prev.y + t * (cur.y - prev.y)});
        }
        output.push_back(cur);
      } else if (d_prev >= 0) {
        const double t = d_prev / (d_prev - d_cur);
        output.push_back({prev.x + t * (cur.x - prev.x), prev.y + t * (cur.y - prev.y)});
      }
    }
  }
  return output;
}

double ConvexPolygonIou(const Polygon& a, const Polygon& b) {
  const double area_a = PolygonArea(a);
  const double area_b = PolygonArea(b);
  if (area_a <= 0 || area_b <= 0) return 0.0;
  const Polygon inter = IntersectConvex(a, b);
  const double area_i = inter.size() >= 3 ? PolygonArea(inter) : 0.0;
  const double uni = area_a + area_b - area_i;
  return uni > 0 ? area_i / uni : 0.0;
}

Quad OrientedBox::Corners() const {
  const double c = std::cos(angle), s = std::sin(angle);
  const double hw = width / 2, hh = height / 2;
  const double dx[4] = {-hw, hw, hw, -hw};
  const double dy[4] = {-hh, -hh, hh, hh};
  Quad q;
  for (int i = 0; i < 4; ++i) q[i] = {cx + dx[i] * c - dy[i] * s, cy + dx[i] * s + dy[i] * c};
  return q;
}

OrientedBox MinAreaOrientedBox(const Quad& quad) {
  const Polygon hull = ConvexHull(Polygon(quad.begin(), quad.end()));
  if (hull.size() < 3) {
    // Degenerate: a segment or a point. Its bounding rectangle along the segment has zero height.
    const Box b = BoundingBox(quad);
    const double dx = b.x2 - b.x1, dy = b.y2 - b.y1;
    return {(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2, std::hypot(dx, dy), 0.0, 0.0};
  }
  OrientedBox best;
  double best_area = -1;
  for (size_t i = 0; i < hull.size(); ++i) {
    const Point& p = hull[i];
    const Point& q = hull[(i + 1) % hull.size()];
    double angle = std::atan2(q.y - p.y, q.x - p.x);
    // Express every edge direction in [0, pi/2): a rectangle is the same after a quarter turn.
    angle = std::fmod(angle + 2 * kPi, kPi / 2);
    const double c = std::cos(angle), s = std::sin(angle);
    double min_u = 1e300, max_u = -1e300, min_v = 1e300, max_v = -1e300;
    for (const Point& h : hull) {
      const double u = h.x * c + h.y * s;
      const double v = -h.x * s + h.y * c;
      min_u = std::min(min_u, u);
      max_u = std::max(max_u, u);
      min_v = std::min(min_v, v);
      max_v = std::max(max_v, v);
    }
    const double area = (max_u - min_u) * (max_v - min_v);
    if (best_area < 0 || area < best_area) {
      best_area = area;
      const double cu = (min_u + max_u) / 2, cv = (min_v + max_v) / 2;
      best = {cu * c - cv * s, cu * s + cv * c, max_u - min_u, max_v - min_v, angle};
    }
  }
  return best;
}

Polygon EarthDialBoxPolygon(double x1, double y1, double x2, double y2, double angle_degrees) {
  const double cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
  const double theta = angle_degrees * kPi / 180.0;
  const double c = std::cos(theta), s = std::sin(theta);
  const double corners[4][2] = {{x1, y1}, {x2, y1}, {x2, y2}, {x1, y2}};
  Polygon out;
  for (const auto& corner : corners) {
    const double u = corner[0] - cx, v = corner[1] - cy;
    // Row vector [u v] times R = [[c, -s], [s, c]].
    out.push_back({cx + u * c + v * s, cy - u * s + v * c});
  }
  return out;
}

double GridScale(Grid grid) {
  switch (grid) {
    case Grid::kUnit: return 1.0;
    case Grid::kPercent: return 100.0;
    case Grid::k999: return 999.0;
    case Grid::k1000: return 1000.0;
  }
  return 1.0;
}

double PixelToGrid(double pixel, double extent, Grid grid, Rounding rounding) {
  const double value = pixel / extent * GridScale(grid);
  switch (rounding) {
    case Rounding::kNone: return value;
    case Rounding::kTruncate: return std::trunc(value);
    case Rounding::kNearest: return std::round(value);
  }
  return value;
}

double GridToPixel(double value, double extent, Grid grid) { return value / GridScale(grid) * extent; }

Box BoxToGrid(const Box& box, double width, double height, Grid grid, Rounding rounding) {
  return {PixelToGrid(box.x1, width, grid, rounding), PixelToGrid(box.y1, height, grid, rounding),
          PixelToGrid(box.x2, width, grid, rounding), PixelToGrid(box.y2, height, grid, rounding)};
}

Box BoxFromGrid(const Box& box, double width, double height, Grid grid) {
  return {GridToPixel(box.x1, width, grid), GridToPixel(box.y1, height, grid), GridToPixel(box.x2, width, grid),
          GridToPixel(box.y2, height, grid)};
}

}  // namespace mgrs
