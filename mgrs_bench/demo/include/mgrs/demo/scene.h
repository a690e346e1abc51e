// What a rendered demo scene holds: its class, ground sample distance and the objects drawn on it, each with the
// attributes the annotation files and the texts state (kind, palette colour, size class, oriented box, 3x3 cell).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mgrs/core/geometry.h"

namespace mgrs::demo {

enum class SceneKind { kAirport, kHarbor, kParkingLot, kStorageTanks, kResidential, kFarmland, kForest };
enum class ObjectKind { kPlane, kShip, kCar, kTruck, kTank };
enum class SizeClass { kSmall, kLarge };

constexpr int kSceneKindCount = 7;
constexpr int kObjectKindCount = 5;
SceneKind SceneKindAt(int index);  // 0 <= index < kSceneKindCount, in the enum's order

// A named colour: objects are painted in it (shading stays within the name), so "the red car" is true.
struct NamedColour {
  const char* name;
  int b, g, r;
};
// The palette: white, gray, black, red, blue, yellow, green, orange (indices are stable).
const std::vector<NamedColour>& Palette();
// The palette indices objects of a kind are painted in (planes are never green, tanks only white or gray, ...).
const std::vector<int>& ColoursOf(ObjectKind kind);

struct SceneObject {
  ObjectKind kind = ObjectKind::kCar;
  int colour = 0;  // index into Palette()
  SizeClass size = SizeClass::kSmall;
  // Pixel coordinates, 0-based and continuous (pixel (i, j) covers [i, i+1) x [j, j+1)).
  double cx = 0, cy = 0;
  double length = 0, width = 0;  // along and across the heading
  double heading = 0;            // degrees, clockwise from +x in image coordinates (y down)

  // The oriented box's corners, clockwise on screen, starting at the rear left (DOTA's order convention).
  Quad Corners() const;
  // The axis-aligned box around Corners().
  Box Bounds() const;
};

struct Scene {
  SceneKind kind = SceneKind::kAirport;
  int width = 0, height = 0;
  double gsd = 0;  // metres per pixel
  std::vector<SceneObject> objects;

  int Count(ObjectKind object_kind) const;
};

// Where a point lies in the 3x3 grid over the image: row and column 0..2 (top/left = 0).
struct Cell {
  int row = 0, column = 0;
  bool operator==(const Cell& other) const { return row == other.row && column == other.column; }
};
Cell CellOf(const SceneObject& object, int width, int height);

// Names. Scene folders (RESISC45 style): "airport", "harbor", "parking_lot", "storage_tanks", "residential",
// "farmland", "forest". Nouns for texts: "plane", "ship", "car", "truck", "storage tank" (plural adds "s").
std::string SceneFolderName(SceneKind kind);
std::string SceneTitle(SceneKind kind);  // "airport", "harbor", "parking lot", "storage tank farm", ...
bool IsUrban(SceneKind kind);            // RSVQA's rural/urban answer
std::string Noun(ObjectKind kind);
std::string Plural(ObjectKind kind);
std::string DotaClass(ObjectKind kind);  // plane, ship, small-vehicle, large-vehicle, storage-tank
std::string DiorClass(ObjectKind kind);  // airplane, ship, vehicle, vehicle, storagetank
std::string SizeWord(SizeClass size);    // "small", "large"
// "at the top left", "at the top", "at the top right", "on the left", "in the middle", ..., "at the bottom right".
std::string CellPhrase(const Cell& cell);

}  // namespace mgrs::demo
