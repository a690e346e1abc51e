// Class names, positions, sizes and unique referring expressions.
#include "mgrs/instruct/describe.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

namespace mgrs::instruct {
namespace {

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool IsVowel(char c) { return std::string("aeiou").find(c) != std::string::npos; }

// What distinguishes an object from its neighbours, from coarse to fine.
struct Traits {
  std::string class_key, size, colour;
  GridCell cell;
};

std::string Describe(const Traits& t, int detail) {
  std::string out = "the ";
  if (detail >= 1) out += t.size + " ";
  if (detail >= 2) out += t.colour + " ";
  return out + ClassName(t.class_key) + " " + PositionPhrase(t.cell);
}

}  // namespace

std::string ClassName(const std::string& class_key) {
  std::string name = class_key;
  std::replace(name.begin(), name.end(), '-', ' ');
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

std::string Plural(const std::string& name) {
  if (name.empty()) return name;
  for (const char* tail : {"s", "x", "z", "ch", "sh"}) {
    if (EndsWith(name, tail)) return name + "es";
  }
  if (name.size() >= 2 && name.back() == 'y' && !IsVowel(name[name.size() - 2])) {
    return name.substr(0, name.size() - 1) + "ies";
  }
  return name + "s";
}

std::string WithArticle(const std::string& name) { return (!name.empty() && IsVowel(name[0]) ? "an " : "a ") + name; }

GridCell CellOf(const Box& box, int width, int height) {
  const auto third = [](double centre, int extent) {
    if (extent <= 0) return 1;
    return std::clamp(static_cast<int>(std::floor(centre / extent * 3.0)), 0, 2);
  };
  return GridCell{third((box.y1 + box.y2) / 2, height), third((box.x1 + box.x2) / 2, width)};
}

std::string CellName(GridCell cell) {
  static const char* const names[3][3] = {
      {"top left", "top", "top right"}, {"left", "center", "right"}, {"bottom left", "bottom", "bottom right"}};
  return names[cell.row][cell.column];
}

std::string PositionPhrase(GridCell cell) {
  static const char* const phrases[3][3] = {{"at the top left", "at the top", "at the top right"},
                                            {"on the left", "in the center", "on the right"},
                                            {"at the bottom left", "at the bottom", "at the bottom right"}};
  return phrases[cell.row][cell.column];
}

std::string SizeBucket(const Object& object) {
  if (!object.attributes.size_bucket.empty()) return object.attributes.size_bucket;
  const double side = std::sqrt(std::max(0.0, object.hbb.width()) * std::max(0.0, object.hbb.height()));
  return side < 32 ? "small" : side < 96 ? "medium" : "large";
}

std::vector<std::optional<std::string>> UniqueExpressions(const std::vector<const Object*>& objects, int width,
                                                          int height) {
  std::vector<Traits> traits;
  traits.reserve(objects.size());
  for (const Object* o : objects) {
    traits.push_back(Traits{o->class_key, SizeBucket(*o), o->attributes.colour, CellOf(o->hbb, width, height)});
  }
  // How many objects share each description, per level of detail.
  std::unordered_map<std::string, int> shared[3];
  std::vector<std::array<std::string, 3>> keys(objects.size());
  for (size_t k = 0; k < objects.size(); ++k) {
    const Traits& t = traits[k];
    keys[k][0] = t.class_key + '|' + char('0' + t.cell.row) + char('0' + t.cell.column);
    keys[k][1] = keys[k][0] + '|' + t.size;
    keys[k][2] = keys[k][1] + '|' + t.colour;
    for (int detail = 0; detail < 3; ++detail) ++shared[detail][keys[k][detail]];
  }
  std::vector<std::optional<std::string>> out(objects.size());
  for (size_t k = 0; k < objects.size(); ++k) {
    const int finest = traits[k].colour.empty() ? 1 : 2;
    for (int detail = 0; detail <= finest && !out[k]; ++detail) {
      if (shared[detail][keys[k][detail]] == 1) out[k] = Describe(traits[k], detail);
    }
  }
  return out;
}

}  // namespace mgrs::instruct
