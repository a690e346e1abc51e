// The scene model's fixed tables (palette, names) and geometry.
#include "mgrs/demo/scene.h"

#include <algorithm>
#include <cmath>

namespace mgrs::demo {

SceneKind SceneKindAt(int index) { return static_cast<SceneKind>(index); }

const std::vector<NamedColour>& Palette() {
  // BGR, as OpenCV draws.
  static const std::vector<NamedColour> palette = {
      {"white", 236, 238, 240}, {"gray", 132, 132, 128},  {"black", 34, 34, 38},  {"red", 40, 38, 196},
      {"blue", 188, 92, 36},    {"yellow", 40, 206, 232}, {"green", 52, 140, 46}, {"orange", 24, 128, 238},
  };
  return palette;
}

const std::vector<int>& ColoursOf(ObjectKind kind) {
  static const std::vector<int> planes = {0, 1, 3, 4};
  static const std::vector<int> ships = {0, 1, 2, 3, 4, 7};
  static const std::vector<int> cars = {0, 1, 2, 3, 4, 5};
  static const std::vector<int> trucks = {0, 1, 3, 4, 6, 7};
  static const std::vector<int> tanks = {0, 1};
  switch (kind) {
    case ObjectKind::kPlane: return planes;
    case ObjectKind::kShip: return ships;
    case ObjectKind::kCar: return cars;
    case ObjectKind::kTruck: return trucks;
    case ObjectKind::kTank: return tanks;
  }
  return cars;
}

Quad SceneObject::Corners() const {
  const double a = heading * M_PI / 180.0;
  const double c = std::cos(a), s = std::sin(a);
  const double hl = length / 2, hw = width / 2;
  // Local (along, across) -> image: along the heading (c, s), across to the right of it (-s, c).
  auto at = [&](double u, double v) { return Point{cx + u * c - v * s, cy + u * s + v * c}; };
  return Quad{at(-hl, -hw), at(hl, -hw), at(hl, hw), at(-hl, hw)};
}

Box SceneObject::Bounds() const { return BoundingBox(Corners()); }

int Scene::Count(ObjectKind object_kind) const {
  return static_cast<int>(
      std::count_if(objects.begin(), objects.end(), [&](const SceneObject& o) { return o.kind == object_kind; }));
}

Cell CellOf(const SceneObject& object, int width, int height) {
  auto third = [](double v, int extent) { return std::clamp(static_cast<int>(std::floor(3 * v / extent)), 0, 2); };
  return Cell{third(object.cy, height), third(object.cx, width)};
}

std::string SceneFolderName(SceneKind kind) {
  static const char* const names[] = {"airport",     "harbor",   "parking_lot", "storage_tanks",
                                      "residential", "farmland", "forest"};
  return names[static_cast<int>(kind)];
}

std::string SceneTitle(SceneKind kind) {
  static const char* const names[] = {"airport",          "harbor",   "parking lot", "storage tank farm",
                                      "residential area", "farmland", "forest"};
  return names[static_cast<int>(kind)];
}

bool IsUrban(SceneKind kind) { return kind != SceneKind::kFarmland && kind != SceneKind::kForest; }

std::string Noun(ObjectKind kind) {
  static const char* const names[] = {"plane", "ship", "car", "truck", "storage tank"};
  return names[static_cast<int>(kind)];
}

std::string Plural(ObjectKind kind) { return Noun(kind) + "s"; }

std::string DotaClass(ObjectKind kind) {
  static const char* const names[] = {"plane", "ship", "small-vehicle", "large-vehicle", "storage-tank"};
  return names[static_cast<int>(kind)];
}

std::string DiorClass(ObjectKind kind) {
  static const char* const names[] = {"airplane", "ship", "vehicle", "vehicle", "storagetank"};
  return names[static_cast<int>(kind)];
}

std::string SizeWord(SizeClass size) { return size == SizeClass::kSmall ? "small" : "large"; }

std::string CellPhrase(const Cell& cell) {
  static const char* const phrases[3][3] = {{"at the top left", "at the top", "at the top right"},
                                            {"on the left", "in the middle", "on the right"},
                                            {"at the bottom left", "at the bottom", "at the bottom right"}};
  return phrases[cell.row][cell.column];
}

}  // namespace mgrs::demo
