// Attribute extraction: geometry for size, cell and orientation; a pixel vote over the object's core for colour.
#include "mgrs/bench/attributes.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <opencv2/imgproc.hpp>

#include "mgrs/augment/colour.h"
#include "mgrs/instruct/describe.h"

namespace mgrs::bench {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kCoreScale = 0.4;
constexpr double kSquareRatio = 1.25;

Quad QuadOf(const Object& object) {
  if (object.quad) return *object.quad;
  const Box& b = object.hbb;
  return Quad{Point{b.x1, b.y1}, Point{b.x2, b.y1}, Point{b.x2, b.y2}, Point{b.x1, b.y2}};
}

double Length(const Point& a, const Point& b) { return std::hypot(b.x - a.x, b.y - a.y); }

// "top left" -> "top-left": the form ObjectAttributes::grid_cell documents.
std::string Hyphenated(std::string text) {
  std::replace(text.begin(), text.end(), ' ', '-');
  return text;
}

std::string SceneName(const std::string& raw) {
  std::string name = raw;
  for (char& c : name) {
    if (c == '_' || c == '-') c = ' ';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

}  // namespace

std::string Orientation(const Object& object) {
  const Quad q = QuadOf(object);
  // Opposite sides averaged: a slightly skewed annotation still has one length and one width.
  const double side_a = (Length(q[0], q[1]) + Length(q[2], q[3])) / 2;
  const double side_b = (Length(q[1], q[2]) + Length(q[3], q[0])) / 2;
  if (std::max(side_a, side_b) < kSquareRatio * std::min(side_a, side_b)) return "none";
  const Point& from = side_a >= side_b ? q[0] : q[1];
  const Point& to = side_a >= side_b ? q[1] : q[2];
  double degrees = std::atan2(to.y - from.y, to.x - from.x) * 180 / kPi;  // y down: clockwise from +x
  degrees = std::fmod(degrees + 360, 180);
  if (degrees < 22.5 || degrees >= 157.5) return "horizontal";
  if (degrees >= 67.5 && degrees < 112.5) return "vertical";
  return degrees < 90 ? "diagonal-down" : "diagonal-up";
}

std::string DominantColour(const cv::Mat& bgr, const Object& object) {
  if (bgr.empty() || bgr.type() != CV_8UC3) return "";
  const Quad q = QuadOf(object);
  Point centre;
  for (const Point& p : q) {
    centre.x += p.x / 4;
    centre.y += p.y / 4;
  }
  std::vector<cv::Point> core;
  for (const Point& p : q) {
    core.emplace_back(static_cast<int>(std::lround(centre.x + kCoreScale * (p.x - centre.x) - 0.5)),
                      static_cast<int>(std::lround(centre.y + kCoreScale * (p.y - centre.y) - 0.5)));
  }
  const cv::Rect bounds = cv::boundingRect(core) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (bounds.area() == 0) return "";
  cv::Mat mask = cv::Mat::zeros(bounds.size(), CV_8UC1);
  for (cv::Point& p : core) p -= bounds.tl();
  cv::fillConvexPoly(mask, core, cv::Scalar(255));
  cv::Mat lab;
  bgr(bounds).convertTo(lab, CV_32FC3, 1.0 / 255);
  cv::cvtColor(lab, lab, cv::COLOR_BGR2Lab);
  std::map<std::string, int> votes;
  for (int y = 0; y < lab.rows; ++y) {
    for (int x = 0; x < lab.cols; ++x) {
      if (mask.at<uint8_t>(y, x)) ++votes[augment::NameLab(lab.at<cv::Vec3f>(y, x))];
    }
  }
  std::string best;
  int most = 0;
  for (const augment::NamedColour& colour : augment::Palette()) {  // ties go to the palette's order
    const auto found = votes.find(colour.name);
    if (found != votes.end() && found->second > most) {
      most = found->second;
      best = colour.name;
    }
  }
  return best;
}

std::string Density(int64_t objects, const BenchConfig& config) {
  if (objects == 0) return "none";
  return objects <= config.sparse_max ? "sparse" : objects <= config.medium_max ? "medium" : "dense";
}

catalog::ImageAttributes ExtractAttributes(catalog::AnnotatedImage* record, const cv::Mat& bgr,
                                           const BenchConfig& config) {
  catalog::ImageAttributes out;
  const Image& image = record->image;
  out.image_id = image.id;
  for (catalog::StoredObject& stored : record->objects) {
    Object& o = stored.object;
    o.attributes.size_bucket.clear();  // recomputed from the box, whatever an earlier run stored
    o.attributes.size_bucket = instruct::SizeBucket(o);
    o.attributes.grid_cell = Hyphenated(instruct::CellName(instruct::CellOf(o.hbb, image.width, image.height)));
    o.attributes.orientation = Orientation(o);
    if (!bgr.empty()) o.attributes.colour = DominantColour(bgr, o);
    ++out.counts[o.class_key];
  }
  out.objects = static_cast<int64_t>(record->objects.size());
  out.density = Density(out.objects, config);
  out.scene = record->scene ? SceneName(record->scene->label) : "";
  out.gsd_bucket = GsdBucket(image.gsd, config.gsd_edges);
  return out;
}

}  // namespace mgrs::bench
