// Class names, positions, sizes and unique referring expressions.
#include "mgrs/instruct/describe.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <unordered_map>

namespace mgrs::instruct {
namespace {

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool IsVowel(char c) { return std::string("aeiou").find(c) != std::string::npos; }

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

std::vector<int> DistinguishingDetail(const std::vector<const Object*>& objects, int width, int height) {
  // Each object's description at each detail as one number: interned words and the cell, packed.
  std::unordered_map<std::string_view, uint64_t> words;
  const auto intern = [&](std::string_view word) { return words.emplace(word, words.size()).first->second; };
  std::vector<std::array<uint64_t, 3>> keys(objects.size());
  std::unordered_map<uint64_t, int> shared[3];
  std::vector<std::string> sizes(objects.size());
  for (size_t k = 0; k < objects.size(); ++k) {
    const Object& o = *objects[k];
    const GridCell cell = CellOf(o.hbb, width, height);
    sizes[k] = SizeBucket(o);
    keys[k][0] = intern(o.class_key) * 9 + static_cast<uint64_t>(cell.row * 3 + cell.column);
    keys[k][1] = keys[k][0] << 20 | intern(sizes[k]);
    keys[k][2] = keys[k][1] << 20 | intern(o.attributes.colour);
    for (int detail = 0; detail < 3; ++detail) ++shared[detail][keys[k][detail]];
  }
  std::vector<int> out(objects.size(), -1);
  for (size_t k = 0; k < objects.size(); ++k) {
    const int finest = objects[k]->attributes.colour.empty() ? 1 : 2;
    for (int detail = 0; detail <= finest && out[k] < 0; ++detail) {
      if (shared[detail][keys[k][detail]] == 1) out[k] = detail;
    }
  }
  return out;
}

std::string ReferringExpression(const Object& object, int detail, int width, int height) {
  std::string out = "the ";
  if (detail >= 1) out += SizeBucket(object) + " ";
  if (detail >= 2) out += object.attributes.colour + " ";
  return out + ClassName(object.class_key) + " " + PositionPhrase(CellOf(object.hbb, width, height));
}

}  // namespace mgrs::instruct
