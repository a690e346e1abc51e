// Position phrases and colour terms: what is found, what is not (relational wording), and the rewrites.
#include <gtest/gtest.h>

#include "mgrs/augment/phrases.h"

namespace mgrs::augment {
namespace {

struct Case {
  const char* text;
  int row, col;
  const char* phrase;
};

TEST(PositionPhraseTest, FindsTheGridCellsAndSynonyms) {
  const Case cases[] = {
      {"the plane at the top left", 0, 0, "at the top left"},
      {"The ship in the upper right corner", 0, 2, "in the upper right corner"},
      {"a bottom-left storage tank", 2, 0, "bottom-left"},
      {"the car in the lower right of the image", 2, 2, "in the lower right of the image"},
      {"the vehicle in the middle", 1, 1, "in the middle"},
      {"the tank in the centre of the picture", 1, 1, "in the centre of the picture"},
      {"the ship on the left", -1, 0, "on the left"},
      {"the harbor at the bottom", 2, -1, "at the bottom"},
      {"the bridge on the right side", -1, 2, "on the right side"},
      {"the upper part vehicle", 0, -1, "upper part"},
  };
  for (const Case& c : cases) {
    const auto found = FindPositionPhrase(c.text);
    ASSERT_TRUE(found) << c.text;
    EXPECT_EQ(found->row, c.row) << c.text;
    EXPECT_EQ(found->col, c.col) << c.text;
    EXPECT_EQ(std::string(c.text).substr(found->begin, found->length), c.phrase) << c.text;
  }
}

TEST(PositionPhraseTest, RelationalAndNonPositionWordsAreNotPhrases) {
  for (const char* text : {"the car to the left of the road", "the ship on the left of the bridge",
                           "a top view of a tank", "the left vehicle", "the leftover truck", "a storage tank"}) {
    EXPECT_FALSE(FindPositionPhrase(text)) << text;
  }
}

TEST(PositionPhraseTest, RewritesKeepTheStyle) {
  auto rewrite = [](const std::string& text, GridCell cell) {
    return RewritePosition(text, *FindPositionPhrase(text), cell);
  };
  EXPECT_EQ(rewrite("the plane at the top left", {2, 2}), "the plane at the bottom right");
  EXPECT_EQ(rewrite("the ship in the upper right corner", {2, 0}), "the ship at the lower left corner");
  EXPECT_EQ(rewrite("a bottom-left tank", {0, 2}), "a top-right tank");
  EXPECT_EQ(rewrite("the vehicle in the middle", {0, 1}), "the vehicle at the top");
  EXPECT_EQ(rewrite("the vehicle on the left", {1, 1}), "the vehicle in the middle");
  EXPECT_EQ(rewrite("the tank in the centre of the image", {1, 2}), "the tank on the right of the image");
  EXPECT_EQ(rewrite("At the bottom is a ship", {1, 0}), "On the left is a ship");
}

TEST(PositionPhraseTest, MatchesAndCells) {
  EXPECT_TRUE(FindPositionPhrase("on the left")->Matches(GridCell{2, 0}));
  EXPECT_FALSE(FindPositionPhrase("on the left")->Matches(GridCell{2, 1}));
  EXPECT_TRUE(FindPositionPhrase("at the top right")->Matches(GridCell{0, 2}));
  EXPECT_EQ(CellOf(Point{0, 0}, 800, 800), (GridCell{0, 0}));
  EXPECT_EQ(CellOf(Point{266.6, 533.4}, 800, 800), (GridCell{2, 0}));
  EXPECT_EQ(CellOf(Point{800, 400}, 800, 800), (GridCell{1, 2}));
  EXPECT_EQ(CellName(GridCell{1, 1}), "center");
  EXPECT_EQ(CellName(GridCell{2, 0}), "bottom-left");
}

TEST(ColourTermTest, FindsAndRewritesWholeWords) {
  const auto term = FindColourTerm("the Grey vehicle next to a red roof");
  ASSERT_TRUE(term);
  EXPECT_EQ(term->colour, "gray");
  EXPECT_EQ(RewriteColour("the Grey vehicle next to a red roof", *term, "blue"), "the Blue vehicle next to a red roof");
  EXPECT_FALSE(FindColourTerm("the reddish bluegreen tank"));
  EXPECT_FALSE(FindColourTerm("a storage tank"));
}

}  // namespace
}  // namespace mgrs::augment
