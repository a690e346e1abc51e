// Texts about a rendered scene that are true by construction: referring expressions (unique for their object),
// captions (five per image) and RSVQA-style questions with their answers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mgrs/demo/random.h"
#include "mgrs/demo/scene.h"

namespace mgrs::demo {

// A referring expression and the attributes it states; an object matches when it has every stated attribute.
struct Expression {
  ObjectKind kind = ObjectKind::kCar;
  std::optional<SizeClass> size;
  std::optional<int> colour;  // palette index
  std::optional<Cell> cell;
  std::string text;  // "the large white plane at the top left"
};

bool Matches(const Expression& expression, const SceneObject& object, int width, int height);

// The first of {size + colour, colour + cell, size + colour + cell} that matches only objects[index] in the
// scene; nullopt when even the last matches another object too (two alike objects in one ninth of the image).
std::optional<Expression> Refer(const Scene& scene, size_t index);

// Five captions, each a true statement about the scene: its class, the count of each object kind present
// ("three planes"), their colours ("two white planes and a red plane"), and the ground every scene of the class
// has (runway, water and piers, marked bays, bunds, roads and houses, fields, tree crowns and a path).
std::vector<std::string> Captions(const Scene& scene, Random& random);

// RSVQA question types: "presence", "comp", "count", "rural_urban" (the JSON spellings).
struct Question {
  std::string type;
  std::string question;
  std::string answer;  // "yes"/"no", an integer, "rural"/"urban"
};

// Six questions: one rural/urban, two presence (one about a colour), two counts, one comparison. Every object
// kind may be asked about, also absent ones (answer "no" or "0").
std::vector<Question> Questions(const Scene& scene, Random& random);

// "no", "one", ..., "twelve", then digits.
std::string NumberWord(int n);

}  // namespace mgrs::demo
