// Referring expressions, captions and questions about a scene, built from its model only.
#include "mgrs/demo/describe.h"

#include <algorithm>
#include <map>

namespace mgrs::demo {
namespace {

// "a" or "an" before `word`.
std::string Article(const std::string& word) { return word.find_first_of("aeiou") == 0 ? "an " : "a "; }

std::string Counted(int n, ObjectKind kind) {
  if (n == 1) return Article(Noun(kind)) + Noun(kind);
  return NumberWord(n) + " " + Plural(kind);
}

// "two white planes and a red plane": the kind's objects grouped by colour, largest group first.
std::string ColourBreakdown(const Scene& scene, ObjectKind kind) {
  std::map<int, int> by_colour;
  for (const SceneObject& o : scene.objects) {
    if (o.kind == kind) ++by_colour[o.colour];
  }
  std::vector<std::pair<int, int>> groups;  // (count, colour)
  for (const auto& [colour, count] : by_colour) groups.emplace_back(count, colour);
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) out += i + 1 == groups.size() ? " and " : ", ";
    const int n = groups[i].first;
    const std::string colour = Palette()[static_cast<size_t>(groups[i].second)].name;
    out += (n == 1 ? Article(colour) : NumberWord(n) + " ") + colour + " " + (n == 1 ? Noun(kind) : Plural(kind));
  }
  return out;
}

// The kinds a scene class shows, in the order captions mention them.
std::vector<ObjectKind> KindsOf(SceneKind kind) {
  switch (kind) {
    case SceneKind::kAirport: return {ObjectKind::kPlane};
    case SceneKind::kHarbor: return {ObjectKind::kShip};
    case SceneKind::kParkingLot: return {ObjectKind::kCar, ObjectKind::kTruck};
    case SceneKind::kStorageTanks: return {ObjectKind::kTank};
    case SceneKind::kResidential: return {ObjectKind::kCar};
    default: return {};
  }
}

// What the ground of every scene of the class shows, as noun phrases and as a clause.
std::string Ground(SceneKind kind) {
  switch (kind) {
    case SceneKind::kAirport: return "next to a runway and a terminal";
    case SceneKind::kHarbor: return "on the water near the piers";
    case SceneKind::kParkingLot: return "in a parking lot with marked bays";
    case SceneKind::kStorageTanks: return "in bunded cells linked by pipes";
    case SceneKind::kResidential: return "on the roads between the houses";
    case SceneKind::kFarmland: return "divided by dirt tracks";
    case SceneKind::kForest: return "crossed by a dirt path";
  }
  return "";
}

std::vector<std::string> EmptySceneCaptions(SceneKind kind) {
  if (kind == SceneKind::kFarmland) {
    return {"farmland divided by dirt tracks into rectangular fields", "several fields with crops planted in rows",
            "an aerial view of farmland with fields of different colors", "rectangular fields separated by dirt tracks",
            "there are no vehicles in this farmland"};
  }
  if (kind == SceneKind::kForest) {
    return {"a dense forest crossed by a dirt path", "many green trees growing close together",
            "an aerial view of a forest with a path through it", "a dirt path winds through the dense trees",
            "there are no buildings in this forest"};
  }
  return {"a residential area with houses along the roads", "many houses with gable roofs and some trees",
          "roads cross a residential area with houses and lawns", "an aerial view of houses, lawns and trees",
          "there are no cars on the roads of this residential area"};
}

}  // namespace

std::string NumberWord(int n) {
  static const char* const words[] = {"no",    "one",   "two",  "three", "four",   "five",  "six",
                                      "seven", "eight", "nine", "ten",   "eleven", "twelve"};
  return n >= 0 && n <= 12 ? words[n] : std::to_string(n);
}

bool Matches(const Expression& e, const SceneObject& o, int width, int height) {
  if (o.kind != e.kind) return false;
  if (e.size && o.size != *e.size) return false;
  if (e.colour && o.colour != *e.colour) return false;
  if (e.cell && !(CellOf(o, width, height) == *e.cell)) return false;
  return true;
}

std::optional<Expression> Refer(const Scene& scene, size_t index) {
  const SceneObject& o = scene.objects[index];
  const Cell cell = CellOf(o, scene.width, scene.height);
  const std::string colour = Palette()[static_cast<size_t>(o.colour)].name;
  const std::string noun = Noun(o.kind), size = SizeWord(o.size), where = CellPhrase(cell);
  std::vector<Expression> candidates = {
      Expression{o.kind, o.size, o.colour, std::nullopt, "the " + size + " " + colour + " " + noun},
      Expression{o.kind, std::nullopt, o.colour, cell, "the " + colour + " " + noun + " " + where},
      Expression{o.kind, o.size, o.colour, cell, "the " + size + " " + colour + " " + noun + " " + where},
  };
  for (Expression& e : candidates) {
    int matches = 0;
    for (const SceneObject& other : scene.objects) matches += Matches(e, other, scene.width, scene.height) ? 1 : 0;
    if (matches == 1) return std::move(e);
  }
  return std::nullopt;
}

std::vector<std::string> Captions(const Scene& scene, Random& random) {
  const std::vector<ObjectKind> kinds = KindsOf(scene.kind);
  std::vector<ObjectKind> present;
  for (ObjectKind k : kinds) {
    if (scene.Count(k) > 0) present.push_back(k);
  }
  if (present.empty()) return EmptySceneCaptions(scene.kind);
  const std::string title = SceneTitle(scene.kind);
  std::string counts, colours;
  for (size_t i = 0; i < present.size(); ++i) {
    counts += (i ? " and " : "") + Counted(scene.Count(present[i]), present[i]);
    colours += (i ? " as well as " : "") + ColourBreakdown(scene, present[i]);
  }
  const int total = scene.Count(present[0]);
  const bool plural = total > 1 || present.size() > 1;
  std::vector<std::string> out = {
      Article(title) + title + " with " + counts,
      colours + (plural ? " are " : " is ") + Ground(scene.kind),
      "there " + std::string(plural ? "are " : "is ") + counts + " in this " + title,
      "an aerial view of " + counts + " " + Ground(scene.kind),
      counts + (plural ? " are" : " is") + " seen from above in this " + title,
  };
  // Rotate the list so the first caption (the one short references favour) differs between images.
  std::rotate(out.begin(), out.begin() + random.Int(0, 4), out.end());
  return out;
}

std::vector<Question> Questions(const Scene& scene, Random& random) {
  std::vector<Question> out;
  out.push_back({"rural_urban", "Is it a rural or an urban area?", IsUrban(scene.kind) ? "urban" : "rural"});
  auto any_kind = [&] { return static_cast<ObjectKind>(random.Int(0, kObjectKindCount - 1)); };
  // Presence: half the time a kind the scene has (when it has any), else any kind.
  std::vector<ObjectKind> present;
  for (int k = 0; k < kObjectKindCount; ++k) {
    if (scene.Count(static_cast<ObjectKind>(k)) > 0) present.push_back(static_cast<ObjectKind>(k));
  }
  const ObjectKind asked = !present.empty() && random.Chance(0.5)
                               ? present[static_cast<size_t>(random.Int(0, static_cast<int>(present.size()) - 1))]
                               : any_kind();
  out.push_back({"presence", "Is there a " + Noun(asked) + " in the image?", scene.Count(asked) > 0 ? "yes" : "no"});
  const ObjectKind coloured = any_kind();
  const std::vector<int>& colours = ColoursOf(coloured);
  const int colour = colours[static_cast<size_t>(random.Int(0, static_cast<int>(colours.size()) - 1))];
  bool has_colour = false;
  for (const SceneObject& o : scene.objects) has_colour = has_colour || (o.kind == coloured && o.colour == colour);
  out.push_back({"presence",
                 "Is there a " + std::string(Palette()[static_cast<size_t>(colour)].name) + " " + Noun(coloured) + "?",
                 has_colour ? "yes" : "no"});
  // Two counts about different kinds, the first about a kind the scene has (when it has any).
  const ObjectKind first = !present.empty() ? present[0] : any_kind();
  ObjectKind second = any_kind();
  if (second == first) second = static_cast<ObjectKind>((static_cast<int>(first) + 1) % kObjectKindCount);
  for (ObjectKind counted : {first, second}) {
    out.push_back({"count", "How many " + Plural(counted) + " are there?", std::to_string(scene.Count(counted))});
  }
  const ObjectKind a = any_kind();
  ObjectKind b = any_kind();
  if (b == a) b = static_cast<ObjectKind>((static_cast<int>(a) + 1) % kObjectKindCount);
  if (random.Chance(0.5)) {
    out.push_back({"comp", "Are there more " + Plural(a) + " than " + Plural(b) + "?",
                   scene.Count(a) > scene.Count(b) ? "yes" : "no"});
  } else {
    out.push_back({"comp", "Is the number of " + Plural(a) + " equal to the number of " + Plural(b) + "?",
                   scene.Count(a) == scene.Count(b) ? "yes" : "no"});
  }
  return out;
}

}  // namespace mgrs::demo
