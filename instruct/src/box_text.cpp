// Target boxes as answer text, with the IoU the written box keeps.
#include "mgrs/instruct/box_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mgrs::instruct {
namespace {

constexpr double kPi = 3.14159265358979323846;

double ToGrid(double pixel, double extent, Grid grid) {
  return std::clamp(PixelToGrid(pixel, extent, grid, Rounding::kNearest), 0.0, GridScale(grid));
}

std::string Int(double value) { return std::to_string(static_cast<long long>(value)); }

// The quad's smallest rotated rectangle as EarthDial's (x1, y1, x2, y2, angle) reads it, angle in whole degrees in
// [0, 90): our rectangle turns its width axis by +a (clockwise on screen), EarthDial's by -angle, so a rectangle at
// a > 0 is written with its sides swapped at 90 - a.
struct RotatedText {
  Box box;  // unrotated corners, pixels
  int angle = 0;
};

RotatedText ToEarthDial(const Quad& quad) {
  const OrientedBox obb = MinAreaOrientedBox(quad);
  double w = obb.width, h = obb.height;
  int angle = static_cast<int>(std::lround(90.0 - obb.angle * 180.0 / kPi));
  if (angle >= 90) {
    angle = 0;
  } else {
    std::swap(w, h);
  }
  return RotatedText{Box{obb.cx - w / 2, obb.cy - h / 2, obb.cx + w / 2, obb.cy + h / 2}, angle};
}

BoxText GeoChatText(const Box& hbb, const std::optional<Quad>& quad, int width, int height, bool with_angle) {
  RotatedText rotated = quad && with_angle ? ToEarthDial(*quad) : RotatedText{hbb, 0};
  Box g = BoxToGrid(rotated.box, width, height, Grid::kPercent, Rounding::kNearest);
  const auto on_grid = [](const Box& b) { return b.x1 >= 0 && b.y1 >= 0 && b.x2 <= 100 && b.y2 <= 100; };
  if (!on_grid(g)) {
    // A rotated rectangle by the border can reach past the grid unrotated; the grid has no negative values, so
    // such a target is written axis-aligned (its round-trip IoU decides whether it is kept).
    rotated = RotatedText{hbb, 0};
    g = BoxToGrid(hbb, width, height, Grid::kPercent, Rounding::kNearest);
  }
  const Box clamped{std::clamp(g.x1, 0.0, 100.0), std::clamp(g.y1, 0.0, 100.0), std::clamp(g.x2, 0.0, 100.0),
                    std::clamp(g.y2, 0.0, 100.0)};
  BoxText out;
  out.text = "{<" + Int(clamped.x1) + "><" + Int(clamped.y1) + "><" + Int(clamped.x2) + "><" + Int(clamped.y2) + ">";
  if (with_angle) out.text += "|<" + std::to_string(rotated.angle) + ">";
  out.text += "}";
  const Box back = BoxFromGrid(clamped, width, height, Grid::kPercent);
  if (quad && with_angle) {
    const Polygon written = EarthDialBoxPolygon(back.x1, back.y1, back.x2, back.y2, rotated.angle);
    out.round_trip_iou = ConvexPolygonIou(written, ConvexHull(Polygon(quad->begin(), quad->end())));
  } else {
    out.round_trip_iou = BoxIou(back, hbb);
  }
  return out;
}

}  // namespace

Result<BoxFormat> ParseBoxFormat(const std::string& name) {
  if (name == "geochat") return BoxFormat::kGeoChat;
  if (name == "geochat-hbb") return BoxFormat::kGeoChatHbb;
  if (name == "qwen") return BoxFormat::kQwen;
  if (name == "unit") return BoxFormat::kUnitList;
  return Status(StatusCode::kInvalidArgument,
                "unknown box format \"" + name + "\" (expected geochat, geochat-hbb, qwen or unit)");
}

BoxText FormatBox(const Box& hbb, const std::optional<Quad>& quad, int width, int height, BoxFormat format) {
  switch (format) {
    case BoxFormat::kGeoChat: return GeoChatText(hbb, quad, width, height, true);
    case BoxFormat::kGeoChatHbb: return GeoChatText(hbb, quad, width, height, false);
    case BoxFormat::kQwen: {
      const Box g{ToGrid(hbb.x1, width, Grid::k999), ToGrid(hbb.y1, height, Grid::k999),
                  ToGrid(hbb.x2, width, Grid::k999), ToGrid(hbb.y2, height, Grid::k999)};
      return BoxText{"<box>(" + Int(g.x1) + "," + Int(g.y1) + "),(" + Int(g.x2) + "," + Int(g.y2) + ")</box>",
                     BoxIou(BoxFromGrid(g, width, height, Grid::k999), hbb)};
    }
    case BoxFormat::kUnitList: {
      const auto unit = [](double pixel, int extent) { return std::round(pixel / extent * 1000.0) / 1000.0; };
      const Box g{unit(hbb.x1, width), unit(hbb.y1, height), unit(hbb.x2, width), unit(hbb.y2, height)};
      char text[96];
      std::snprintf(text, sizeof text, "[%.3f, %.3f, %.3f, %.3f]", g.x1, g.y1, g.x2, g.y2);
      return BoxText{text, BoxIou(BoxFromGrid(g, width, height, Grid::kUnit), hbb)};
    }
  }
  return BoxText{};
}

}  // namespace mgrs::instruct
