// The seven scene layouts. Each lays out its ground in the 256-pixel reference frame scaled by Canvas::s(), then
// places its objects where they belong (planes on the apron, ships on open water or along piers, cars in stalls
// and trucks in aisles, tanks in bunded cells, cars on residential roads).
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "canvas.h"
#include "draw.h"

namespace mgrs::demo {
namespace {

using cv::Scalar;

cv::Rect2d Rect(double x, double y, double w, double h) { return cv::Rect2d(x, y, w, h); }

void FillRect(cv::Mat& image, const cv::Rect2d& r, const Scalar& colour) {
  draw::FillPolygon(image, {{r.x, r.y}, {r.x + r.width, r.y}, {r.x + r.width, r.y + r.height}, {r.x, r.y + r.height}},
                    colour);
}

void MarkRect(cv::Mat& mask, const cv::Rect2d& r, uint8_t value) {
  const cv::Rect pixels = cv::Rect(static_cast<int>(std::ceil(r.x)), static_cast<int>(std::ceil(r.y)),
                                   static_cast<int>(r.width), static_cast<int>(r.height)) &
                          cv::Rect(0, 0, mask.cols, mask.rows);
  mask(pixels).setTo(value);
}

// A textured fill of a rectangle: its own noise, so fills do not repeat each other.
void TexturedRect(Canvas& c, const cv::Rect2d& r, const Scalar& colour, double amplitude, int cells) {
  cv::Mat mask = cv::Mat::zeros(c.size(), c.size(), CV_8U);
  MarkRect(mask, r, 255);
  draw::FillTextured(c.image(), colour, amplitude, draw::Noise(c.size(), c.size(), cells, 3, c.random()), mask);
}

double Jitter(Random& r, double spread) { return r.Uniform(-spread, spread); }

}  // namespace

void ComposeAirport(Canvas& c) {
  Random& r = c.random();
  const double s = c.s(), n = c.size();
  draw::FillTextured(c.image(), Scalar(80, 128, 118), 46, draw::Noise(c.size(), c.size(), 4, 3, r));  // grass
  const double runway_y = r.Uniform(10, 30) * s, runway_h = 26 * s;
  TexturedRect(c, Rect(0, runway_y, n, runway_h), Scalar(74, 74, 78), 20, 8);
  const double centre = runway_y + runway_h / 2;
  for (double x = r.Uniform(0, 20) * s; x < n; x += 26 * s)
    FillRect(c.image(), Rect(x, centre - s, 13 * s, 2 * s), Scalar(232, 234, 236));
  for (double edge : {runway_y + 2 * s, runway_y + runway_h - 3 * s})
    FillRect(c.image(), Rect(0, edge, n, s), Scalar(215, 218, 220));
  const double taxi_y = runway_y + runway_h + 10 * s, taxi_h = 14 * s;
  TexturedRect(c, Rect(0, taxi_y, n, taxi_h), Scalar(92, 94, 98), 16, 8);
  FillRect(c.image(), Rect(0, taxi_y + taxi_h / 2 - 0.5 * s, n, s), Scalar(40, 190, 215));  // yellow guide line
  for (double x = r.Uniform(30, 90) * s; x < n; x += r.Uniform(90, 140) * s) {              // connectors to the runway
    TexturedRect(c, Rect(x, runway_y + runway_h, 12 * s, taxi_y - runway_y - runway_h), Scalar(92, 94, 98), 16, 8);
  }
  const cv::Rect2d apron = Rect(6 * s, taxi_y + taxi_h + 4 * s, n - 12 * s, n - (taxi_y + taxi_h + 4 * s) - 34 * s);
  TexturedRect(c, apron, Scalar(168, 170, 172), 20, 6);
  for (double x = apron.x + 32 * s; x < apron.x + apron.width; x += 32 * s) {  // slab joints
    FillRect(c.image(), Rect(x, apron.y, 0.7 * s, apron.height), Scalar(140, 142, 145));
  }
  const cv::Rect2d terminal = Rect(20 * s, n - 30 * s, n - 40 * s, 22 * s);
  TexturedRect(c, terminal, Scalar(196, 198, 200), 14, 10);
  for (double x = terminal.x + 8 * s; x < terminal.x + terminal.width - 8 * s; x += 18 * s) {  // roof units
    FillRect(c.image(), Rect(x, terminal.y + 6 * s, 8 * s, 8 * s), Scalar(150, 152, 156));
  }
  cv::Mat region = cv::Mat::zeros(c.size(), c.size(), CV_8U);
  MarkRect(region, apron, 255);
  // Most planes stand nose to the terminal; the others are taxiing at any angle.
  c.Scatter(ObjectKind::kPlane, r.Int(2, 6), region, 3 * s,
            [&] { return r.Chance(0.7) ? 90 + Jitter(r, 10) : r.Uniform(0, 360); });
}

void ComposeHarbor(Canvas& c) {
  Random& r = c.random();
  const double s = c.s(), n = c.size();
  const int size = c.size();
  // Water above a wavy shore line, land below.
  cv::Mat water = cv::Mat::zeros(size, size, CV_8U);
  const double shore = r.Uniform(0.55, 0.68) * n, amplitude = r.Uniform(3, 9) * s, phase = r.Uniform(0, 6.28);
  const double frequency = r.Uniform(1.5, 3.5) * 2 * M_PI / n;
  for (int x = 0; x < size; ++x) {
    const int edge = static_cast<int>(shore + amplitude * std::sin(frequency * x + phase));
    water(cv::Rect(x, 0, 1, std::clamp(edge, 0, size))).setTo(255);
  }
  cv::Mat land;
  cv::bitwise_not(water, land);
  draw::FillTextured(c.image(), Scalar(150, 154, 158), 26, draw::Noise(size, size, 6, 3, r), land);
  draw::FillTextured(c.image(), Scalar(118, 92, 44), 22, draw::Noise(size, size, 16, 2, r), water);
  for (int k = r.Int(2, 5), i = 0; i < k; ++i) {  // warehouses
    static const Scalar roofs[] = {Scalar(150, 140, 120), Scalar(118, 122, 150), Scalar(176, 176, 172)};
    const double w = r.Uniform(30, 60) * s, h = r.Uniform(14, 24) * s;
    const double x = r.Uniform(0, n - w), y = r.Uniform(shore + 14 * s, std::max(shore + 15 * s, n - h - 4 * s));
    FillRect(c.image(), Rect(x, y, w, h), roofs[r.Int(0, 2)]);
    FillRect(c.image(), Rect(x, y + h / 2 - 0.5 * s, w, s), Scalar(120, 120, 120));
  }
  std::vector<cv::Rect2d> piers;
  for (int k = r.Int(1, 3), i = 0; i < k; ++i) {
    const double w = 11 * s, length = r.Uniform(50, 95) * s, x = (i + 0.25 + r.Uniform(0, 0.5)) * n / k - w / 2;
    piers.push_back(Rect(x, shore + 10 * s - length, w, length));
    TexturedRect(c, piers.back(), Scalar(160, 164, 168), 18, 8);
  }
  cv::Mat region = water.clone();
  for (const cv::Rect2d& pier : piers)
    MarkRect(region, Rect(pier.x - 2 * s, pier.y - 2 * s, pier.width + 4 * s, pier.height + 14 * s), 0);
  const int count = r.Int(2, 6);
  int placed = 0;
  // Some ships are moored along a pier (parallel to it), the rest are under way on open water.
  for (int attempt = 0; attempt < 40 && placed < count / 2; ++attempt) {
    const cv::Rect2d& pier = piers[static_cast<size_t>(r.Int(0, static_cast<int>(piers.size()) - 1))];
    const bool left = r.Chance(0.5);
    const double x = left ? pier.x - r.Uniform(6, 8) * s : pier.x + pier.width + r.Uniform(6, 8) * s;
    const double y = r.Uniform(pier.y + 10 * s, pier.y + pier.height);
    if (c.TryPlace(ObjectKind::kShip, x, y, r.Chance(0.5) ? 90 : 270, region, 2 * s)) ++placed;
  }
  placed += c.Scatter(
      ObjectKind::kShip, count - placed, region, 5 * s, [&] { return r.Uniform(0, 360); }, 60, true);
}

void ComposeParkingLot(Canvas& c) {
  Random& r = c.random();
  const double s = c.s(), n = c.size();
  draw::FillTextured(c.image(), Scalar(70, 130, 90), 40, draw::Noise(c.size(), c.size(), 6, 3, r));  // verge
  const cv::Rect2d lot = Rect(8 * s, 8 * s, n - 16 * s, n - 16 * s);
  TexturedRect(c, lot, Scalar(76, 76, 80), 18, 10);
  struct Stall {
    double x, y, heading;
  };
  std::vector<Stall> stalls;
  const double depth = 20 * s, width = 10 * s, aisle = 22 * s;
  for (double y = lot.y + 6 * s; y + 2 * depth <= lot.y + lot.height - 4 * s; y += 2 * depth + aisle) {
    for (int side = 0; side < 2; ++side) {
      const double top = y + side * depth;
      for (double x = lot.x + 4 * s; x + width <= lot.x + lot.width - 4 * s; x += width) {
        FillRect(c.image(), Rect(x, top, 0.8 * s, depth), Scalar(220, 222, 222));
        stalls.push_back(Stall{x + width / 2 + 0.4 * s, top + depth / 2, side == 0 ? 90.0 : 270.0});
      }
    }
  }
  for (size_t i = stalls.size(); i > 1; --i)
    std::swap(stalls[i - 1], stalls[static_cast<size_t>(r.Int(0, static_cast<int>(i) - 1))]);
  const int cars = std::min<int>(r.Int(6, 18), static_cast<int>(stalls.size()));
  for (int i = 0, placed = 0; i < static_cast<int>(stalls.size()) && placed < cars; ++i) {
    const Stall& stall = stalls[static_cast<size_t>(i)];
    if (c.TryPlace(ObjectKind::kCar, stall.x + Jitter(r, s), stall.y + Jitter(r, 1.5 * s), stall.heading + Jitter(r, 4),
                   cv::Mat(), 0.5 * s)) {
      ++placed;
    }
  }
  // Trucks stand in the aisles, along them.
  cv::Mat region = cv::Mat::zeros(c.size(), c.size(), CV_8U);
  for (double y = lot.y + 6 * s + 2 * depth; y + aisle <= lot.y + lot.height; y += 2 * depth + aisle) {
    MarkRect(region, Rect(lot.x, y + 2 * s, lot.width, aisle - 4 * s), 255);
  }
  c.Scatter(ObjectKind::kTruck, r.Int(0, 3), region, 3 * s, [&] { return (r.Chance(0.5) ? 0 : 180) + Jitter(r, 3); });
}

void ComposeStorageTanks(Canvas& c) {
  Random& r = c.random();
  const double s = c.s(), n = c.size();
  draw::FillTextured(c.image(), Scalar(142, 172, 188), 34, draw::Noise(c.size(), c.size(), 5, 3, r));  // sand
  const int columns = r.Int(2, 3), rows = r.Int(2, 3);
  const double margin = 8 * s, cw = (n - 2 * margin) / columns, ch = (n - 2 * margin) / rows;
  std::vector<cv::Point2d> cells;
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < columns; ++x) cells.emplace_back(margin + (x + 0.5) * cw, margin + (y + 0.5) * ch);
  }
  for (size_t i = cells.size(); i > 1; --i)
    std::swap(cells[i - 1], cells[static_cast<size_t>(r.Int(0, static_cast<int>(i) - 1))]);
  const int count = r.Int(3, static_cast<int>(cells.size()));
  for (int y = 0; y < rows; ++y) {  // pipe racks along the rows
    FillRect(c.image(), Rect(margin, margin + (y + 0.5) * ch - s, n - 2 * margin, 2 * s), Scalar(120, 124, 128));
  }
  for (int i = 0; i < count; ++i) {
    const cv::Point2d& cell = cells[static_cast<size_t>(i)];
    const cv::Rect2d bund = Rect(cell.x - cw / 2 + 3 * s, cell.y - ch / 2 + 3 * s, cw - 6 * s, ch - 6 * s);
    TexturedRect(c, bund, Scalar(160, 178, 186), 18, 8);  // the bunded pad
    cv::rectangle(c.image(), bund, Scalar(104, 128, 142), std::max(1, static_cast<int>(2 * s)));
    for (int attempt = 0; attempt < 20; ++attempt) {
      if (c.TryPlace(ObjectKind::kTank, cell.x + Jitter(r, 4 * s), cell.y + Jitter(r, 4 * s), 0, cv::Mat(), 3 * s))
        break;
    }
  }
}

void ComposeResidential(Canvas& c) {
  Random& r = c.random();
  const double s = c.s(), n = c.size();
  const int size = c.size();
  draw::FillTextured(c.image(), Scalar(72, 138, 98), 44, draw::Noise(size, size, 8, 3, r));  // lawns
  const double road = 14 * s;
  std::vector<double> horizontal = {r.Uniform(0.3, 0.45) * n}, vertical = {r.Uniform(0.3, 0.7) * n};
  if (r.Chance(0.5)) horizontal.push_back(r.Uniform(0.72, 0.85) * n);
  cv::Mat roads = cv::Mat::zeros(size, size, CV_8U);
  for (double y : horizontal) MarkRect(roads, Rect(0, y - road / 2, n, road), 255);
  for (double x : vertical) MarkRect(roads, Rect(x - road / 2, 0, road, n), 255);
  draw::FillTextured(c.image(), Scalar(112, 112, 116), 14, draw::Noise(size, size, 12, 2, r), roads);
  for (double y : horizontal) {
    for (double x = 0; x < n; x += 16 * s) FillRect(c.image(), Rect(x, y - 0.5 * s, 8 * s, s), Scalar(210, 214, 216));
  }
  // Houses on a loose grid, off the roads; gable roofs with a ridge; trees between them.
  static const Scalar roofs[] = {Scalar(62, 84, 158), Scalar(112, 108, 104), Scalar(64, 92, 124),
                                 Scalar(172, 172, 168)};
  cv::Mat used = roads.clone();
  for (double y = 10 * s; y < n - 10 * s; y += 34 * s) {
    for (double x = 10 * s; x < n - 10 * s; x += 34 * s) {
      const double w = r.Uniform(16, 24) * s, h = r.Uniform(12, 17) * s;
      const cv::Rect2d house = Rect(x + Jitter(r, 3 * s), y + Jitter(r, 3 * s), w, h);
      // Skipped when it would leave the image or touch a road or a house (with 2 pixels to spare).
      const cv::Rect probe = cv::Rect(Rect(house.x - 2 * s, house.y - 2 * s, w + 4 * s, h + 4 * s));
      if ((probe & cv::Rect(0, 0, size, size)) != probe || cv::countNonZero(used(probe)) > 0) continue;
      const Scalar roof = roofs[r.Int(0, 3)];
      draw::Darken(c.image(),
                   {{house.x + 3 * s, house.y + 3 * s},
                    {house.x + w + 3 * s, house.y + 3 * s},
                    {house.x + w + 3 * s, house.y + h + 3 * s},
                    {house.x + 3 * s, house.y + h + 3 * s}},
                   0.4);
      FillRect(c.image(), house, roof);
      FillRect(c.image(), Rect(house.x, house.y, w, h / 2), draw::Shade(roof, 1.15));  // the lit slope
      FillRect(c.image(), Rect(house.x, house.y + h / 2 - 0.5 * s, w, s), draw::Shade(roof, 0.7));
      MarkRect(used, house, 255);
    }
  }
  for (int k = r.Int(10, 30), i = 0; i < k; ++i) {
    const double x = r.Uniform(0, n), y = r.Uniform(0, n), radius = r.Uniform(3, 6) * s;
    if (used.at<uint8_t>(static_cast<int>(y), static_cast<int>(x))) continue;
    cv::circle(c.image(), cv::Point2d(x + radius / 3, y + radius / 3), static_cast<int>(radius), Scalar(30, 60, 34),
               cv::FILLED, cv::LINE_AA);
    cv::circle(c.image(), cv::Point2d(x, y), static_cast<int>(radius), Scalar(40, 98, 52), cv::FILLED, cv::LINE_AA);
  }
  // A few cars drive on the roads, along them, in the right-hand lane.
  const int cars = r.Int(0, 4);
  for (int i = 0, attempts = 0; i < cars && attempts < 80; ++attempts) {
    const bool along_x = r.Chance(0.5);
    const bool forward = r.Chance(0.5);
    const double lane = (forward ? 3.5 : -3.5) * s;
    double x, y, heading;
    if (along_x) {
      x = r.Uniform(0, n);
      y = horizontal[static_cast<size_t>(r.Int(0, static_cast<int>(horizontal.size()) - 1))] + lane;
      heading = forward ? 0 : 180;
    } else {
      x = vertical[0] - lane;
      y = r.Uniform(0, n);
      heading = forward ? 90 : 270;
    }
    if (c.TryPlace(ObjectKind::kCar, x, y, heading + Jitter(r, 2), roads, 2 * s)) ++i;
  }
}

void ComposeFarmland(Canvas& c) {
  Random& r = c.random();
  const double s = c.s(), n = c.size();
  static const Scalar crops[] = {Scalar(62, 150, 84), Scalar(96, 172, 132), Scalar(84, 188, 208), Scalar(72, 104, 142),
                                 Scalar(112, 152, 182)};
  // Fields: the image cut by a few straight tracks into rectangles, each with its crop and its rows.
  std::vector<double> xs = {0, n}, ys = {0, n};
  for (int k = r.Int(1, 3), i = 0; i < k; ++i) xs.push_back(r.Uniform(0.15, 0.85) * n);
  for (int k = r.Int(1, 2), i = 0; i < k; ++i) ys.push_back(r.Uniform(0.15, 0.85) * n);
  std::sort(xs.begin(), xs.end());
  std::sort(ys.begin(), ys.end());
  for (size_t j = 0; j + 1 < ys.size(); ++j) {
    for (size_t i = 0; i + 1 < xs.size(); ++i) {
      const cv::Rect2d field = Rect(xs[i], ys[j], xs[i + 1] - xs[i], ys[j + 1] - ys[j]);
      const Scalar crop = crops[r.Int(0, 4)];
      TexturedRect(c, field, crop, 26, 6);
      const double step = r.Uniform(4, 7) * s;
      const bool rows_along_x = r.Chance(0.5);
      for (double t = step; t < (rows_along_x ? field.height : field.width); t += step) {
        FillRect(c.image(),
                 rows_along_x ? Rect(field.x, field.y + t, field.width, 0.8 * s)
                              : Rect(field.x + t, field.y, 0.8 * s, field.height),
                 draw::Shade(crop, 0.82));
      }
    }
  }
  for (size_t i = 1; i + 1 < xs.size(); ++i)
    FillRect(c.image(), Rect(xs[i] - 1.5 * s, 0, 3 * s, n), Scalar(138, 160, 176));
  for (size_t j = 1; j + 1 < ys.size(); ++j)
    FillRect(c.image(), Rect(0, ys[j] - 1.5 * s, n, 3 * s), Scalar(138, 160, 176));
}

void ComposeForest(Canvas& c) {
  Random& r = c.random();
  const double s = c.s(), n = c.size();
  draw::FillTextured(c.image(), Scalar(38, 74, 44), 30, draw::Noise(c.size(), c.size(), 8, 3, r));
  // A dirt path from the left edge to the right, wandering.
  std::vector<cv::Point> path;
  double y = r.Uniform(0.2, 0.8) * n;
  for (double x = 0; x <= n + 8 * s; x += 8 * s) {
    path.emplace_back(static_cast<int>(x), static_cast<int>(y));
    y = std::clamp(y + r.Uniform(-6, 6) * s, 0.1 * n, 0.9 * n);
  }
  cv::polylines(c.image(), path, false, Scalar(104, 138, 160), std::max(2, static_cast<int>(5 * s)), cv::LINE_AA);
  cv::Mat path_mask = cv::Mat::zeros(c.size(), c.size(), CV_8U);
  cv::polylines(path_mask, path, false, Scalar(255), std::max(2, static_cast<int>(9 * s)));
  const int crowns = static_cast<int>(700 * s * s);
  for (int i = 0; i < crowns; ++i) {
    const double x = r.Uniform(0, n), cy = r.Uniform(0, n), radius = r.Uniform(3.5, 8) * s;
    if (path_mask.at<uint8_t>(static_cast<int>(cy), static_cast<int>(x))) continue;
    const Scalar green(r.Uniform(30, 60), r.Uniform(84, 130), r.Uniform(40, 70));
    cv::circle(c.image(), cv::Point2d(x + radius / 3, cy + radius / 3), static_cast<int>(radius), Scalar(24, 46, 28),
               cv::FILLED, cv::LINE_AA);
    cv::circle(c.image(), cv::Point2d(x, cy), static_cast<int>(radius), green, cv::FILLED, cv::LINE_AA);
    cv::circle(c.image(), cv::Point2d(x - radius / 3, cy - radius / 3), static_cast<int>(radius / 2.5),
               draw::Shade(green, 1.2), cv::FILLED, cv::LINE_AA);
  }
}

}  // namespace mgrs::demo
