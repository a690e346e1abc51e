// The object shapes: planes (fuselage, swept wings, tailplane, engines), ships (pointed hull, superstructure,
// wake), cars (body, windscreen, rear window), trucks (cab and trailer), storage tanks (shaded dome, rim).
#include "objects.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "draw.h"

namespace mgrs::demo {
namespace {

using draw::Local;

// Light comes from the top left, so shadows fall to the bottom right, by this many pixels per pixel of size.
constexpr double kShadowOffset = 0.08;

std::vector<cv::Point2d> Shifted(std::vector<cv::Point2d> points, double dx, double dy) {
  for (cv::Point2d& p : points) p += cv::Point2d(dx, dy);
  return points;
}

class Painter {
 public:
  Painter(cv::Mat& image, const SceneObject& o) : image_(image), o_(o) {}
  std::vector<cv::Point2d> At(const std::vector<Local>& points) const {
    return draw::ToImage(o_.cx, o_.cy, o_.heading, points);
  }
  void Fill(const std::vector<Local>& points, const cv::Scalar& colour) {
    draw::FillPolygon(image_, At(points), colour);
  }
  void Shadow(const std::vector<Local>& points, double offset, double strength) {
    draw::Darken(image_, Shifted(At(points), offset, offset), strength);
  }
  // The same polygon mirrored across the heading (left and right wings).
  static std::vector<Local> Mirror(std::vector<Local> points) {
    for (Local& p : points) p.across = -p.across;
    return points;
  }

 private:
  cv::Mat& image_;
  const SceneObject& o_;
};

void DrawPlane(cv::Mat& image, const SceneObject& o) {
  Painter p(image, o);
  const double l = o.length, w = o.width, f = 0.055 * o.length;  // f: half the fuselage's width
  const std::vector<Local> fuselage = {{0.5 * l, 0},          {0.44 * l, -f},       {0.3 * l, -f},
                                       {-0.42 * l, -0.8 * f}, {-0.5 * l, -0.3 * f}, {-0.5 * l, 0.3 * f},
                                       {-0.42 * l, 0.8 * f},  {0.3 * l, f},         {0.44 * l, f}};
  const std::vector<Local> wing = {{0.14 * l, f}, {-0.1 * l, 0.5 * w}, {-0.17 * l, 0.5 * w}, {-0.1 * l, f}};
  const std::vector<Local> tailplane = {
      {-0.34 * l, 0.7 * f}, {-0.45 * l, 0.19 * w}, {-0.5 * l, 0.19 * w}, {-0.47 * l, 0.7 * f}};
  const double shadow = kShadowOffset * l;
  for (const auto* part : {&fuselage, &wing, &tailplane}) {
    p.Shadow(*part, shadow, 0.45);
    if (part != &fuselage) p.Shadow(Painter::Mirror(*part), shadow, 0.45);
  }
  const cv::Scalar colour = draw::ColourOf(Palette()[o.colour]);
  p.Fill(wing, draw::Shade(colour, 0.92));
  p.Fill(Painter::Mirror(wing), draw::Shade(colour, 0.92));
  p.Fill(tailplane, draw::Shade(colour, 0.95));
  p.Fill(Painter::Mirror(tailplane), draw::Shade(colour, 0.95));
  p.Fill(fuselage, colour);
  const double e = 0.035 * l;  // engines under the wings
  for (double side : {-1.0, 1.0}) {
    p.Fill({{0.1 * l, side * (0.2 * w - e)},
            {0.1 * l, side * (0.2 * w + e)},
            {0.0, side * (0.2 * w + e)},
            {0.0, side * (0.2 * w - e)}},
           draw::Shade(colour, 0.6));
  }
  p.Fill({{0.47 * l, -0.5 * f}, {0.43 * l, -0.8 * f}, {0.43 * l, 0.8 * f}, {0.47 * l, 0.5 * f}},
         cv::Scalar(70, 60, 50));  // cockpit windows
}

void DrawShip(cv::Mat& image, const SceneObject& o, bool moving) {
  Painter p(image, o);
  const double l = o.length, hw = o.width / 2;
  if (moving) {  // a pale wedge of churned water behind the stern
    draw::Blend(image, p.At({{-0.5 * l, -0.8 * hw}, {-1.1 * l, -1.8 * hw}, {-1.1 * l, 1.8 * hw}, {-0.5 * l, 0.8 * hw}}),
                cv::Scalar(210, 205, 190), 0.22);
  }
  const std::vector<Local> hull = {{-0.5 * l, -0.85 * hw}, {-0.46 * l, -hw}, {0.28 * l, -hw},      {0.5 * l, 0},
                                   {0.28 * l, hw},         {-0.46 * l, hw},  {-0.5 * l, 0.85 * hw}};
  p.Shadow(hull, kShadowOffset * 0.5 * l, 0.35);
  const cv::Scalar colour = draw::ColourOf(Palette()[o.colour]);
  p.Fill(hull, draw::Shade(colour, 0.8));
  const std::vector<Local> deck = {
      {-0.47 * l, -0.75 * hw}, {0.26 * l, -0.75 * hw}, {0.43 * l, 0}, {0.26 * l, 0.75 * hw}, {-0.47 * l, 0.75 * hw}};
  p.Fill(deck, colour);
  // The bridge: gray on a white ship, white on every other.
  const cv::Scalar bridge = o.colour == 0 ? draw::ColourOf(Palette()[1]) : cv::Scalar(228, 230, 232);
  p.Fill({{-0.42 * l, -0.6 * hw}, {-0.24 * l, -0.6 * hw}, {-0.24 * l, 0.6 * hw}, {-0.42 * l, 0.6 * hw}}, bridge);
}

void DrawCar(cv::Mat& image, const SceneObject& o) {
  Painter p(image, o);
  const double hl = o.length / 2, hw = o.width / 2, c = 0.25 * hw;  // c: rounded corners
  const std::vector<Local> body = {{-hl, -hw + c}, {-hl + c, -hw}, {hl - c, -hw}, {hl, -hw + c},
                                   {hl, hw - c},   {hl - c, hw},   {-hl + c, hw}, {-hl, hw - c}};
  p.Shadow(body, kShadowOffset * 2 * hl, 0.4);
  const cv::Scalar colour = draw::ColourOf(Palette()[o.colour]);
  p.Fill(body, colour);
  const cv::Scalar glass(58, 48, 40);
  // Windscreen and rear window leave the roof, in the body's colour, over the centre.
  const double l = o.length;
  p.Fill({{0.17 * l, -0.8 * hw}, {0.31 * l, -0.72 * hw}, {0.31 * l, 0.72 * hw}, {0.17 * l, 0.8 * hw}}, glass);
  p.Fill({{-0.37 * l, -0.72 * hw}, {-0.29 * l, -0.78 * hw}, {-0.29 * l, 0.78 * hw}, {-0.37 * l, 0.72 * hw}}, glass);
}

void DrawTruck(cv::Mat& image, const SceneObject& o) {
  Painter p(image, o);
  const double l = o.length, hw = o.width / 2;
  const std::vector<Local> outline = {{-0.5 * l, -hw}, {0.5 * l, -hw}, {0.5 * l, hw}, {-0.5 * l, hw}};
  p.Shadow(outline, kShadowOffset * 0.4 * l, 0.4);
  const cv::Scalar colour = draw::ColourOf(Palette()[o.colour]);
  p.Fill({{-0.5 * l, -hw}, {0.3 * l, -hw}, {0.3 * l, hw}, {-0.5 * l, hw}}, colour);  // trailer
  for (double u : {-0.3, -0.1, 0.1}) {                                               // roof ribs
    p.Fill({{u * l, -hw}, {(u + 0.01) * l, -hw}, {(u + 0.01) * l, hw}, {u * l, hw}}, draw::Shade(colour, 0.85));
  }
  p.Fill({{0.33 * l, -0.9 * hw}, {0.5 * l, -0.9 * hw}, {0.5 * l, 0.9 * hw}, {0.33 * l, 0.9 * hw}},
         draw::Shade(colour, 0.9));  // cab
  p.Fill({{0.44 * l, -0.8 * hw}, {0.49 * l, -0.8 * hw}, {0.49 * l, 0.8 * hw}, {0.44 * l, 0.8 * hw}},
         cv::Scalar(58, 48, 40));  // windscreen
}

void DrawTank(cv::Mat& image, const SceneObject& o) {
  const double r = o.length / 2;
  const double one = 1 << draw::kShift;
  auto circle = [&](double x, double y, double radius, const cv::Scalar& colour) {
    cv::circle(image, draw::Fixed({x, y}), static_cast<int>(std::lround(radius * one)), colour, cv::FILLED, cv::LINE_AA,
               draw::kShift);
  };
  std::vector<cv::Point2d> shadow;
  for (int k = 0; k < 24; ++k) {
    const double a = k * M_PI / 12;
    shadow.emplace_back(o.cx + 0.22 * r + r * std::cos(a), o.cy + 0.22 * r + r * std::sin(a));
  }
  draw::Darken(image, shadow, 0.45);
  const cv::Scalar colour = draw::ColourOf(Palette()[o.colour]);
  circle(o.cx, o.cy, r, draw::Shade(colour, 0.78));  // rim
  // A dome lit from the top left: concentric discs, each lighter and nudged toward the light.
  for (int k = 1; k <= 6; ++k) {
    const double t = k / 6.0;
    circle(o.cx - 0.18 * r * t, o.cy - 0.18 * r * t, r * (0.92 - 0.5 * t), draw::Shade(colour, 0.86 + 0.16 * t));
  }
  cv::circle(image, draw::Fixed({o.cx, o.cy}), static_cast<int>(std::lround(0.55 * r * one)), draw::Shade(colour, 0.8),
             1, cv::LINE_AA, draw::kShift);
}

}  // namespace

void DrawObject(cv::Mat& image, const SceneObject& object, bool moving) {
  switch (object.kind) {
    case ObjectKind::kPlane: DrawPlane(image, object); break;
    case ObjectKind::kShip: DrawShip(image, object, moving); break;
    case ObjectKind::kCar: DrawCar(image, object); break;
    case ObjectKind::kTruck: DrawTruck(image, object); break;
    case ObjectKind::kTank: DrawTank(image, object); break;
  }
}

void SampleDimensions(ObjectKind kind, SizeClass size_class, int size, Random& random, double* length, double* width) {
  // Lengths in pixels on a 256-pixel image: {small lo, small hi, large lo, large hi}, and width / length.
  struct Range {
    double small_lo, small_hi, large_lo, large_hi, aspect;
  };
  static const Range ranges[] = {
      {26, 32, 44, 56, 0.95},        // plane (width = wingspan)
      {22, 30, 42, 58, 0.24},        // ship
      {12, 13.5, 17.6, 19.5, 0.45},  // car
      {30, 34, 44.5, 52, 0.24},      // truck
      {18, 26, 36, 48, 1.0},         // storage tank (length = width = diameter)
  };
  const Range& r = ranges[static_cast<int>(kind)];
  const double scale = size / 256.0;
  const double l =
      size_class == SizeClass::kSmall ? random.Uniform(r.small_lo, r.small_hi) : random.Uniform(r.large_lo, r.large_hi);
  *length = l * scale;
  *width = l * r.aspect * scale;
}

}  // namespace mgrs::demo
