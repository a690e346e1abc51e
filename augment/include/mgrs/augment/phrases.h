// The words attribute editing reads and rewrites in referring expressions: position phrases on the 3x3 grid
// ("top left", "upper right", "in the middle", "on the left", "at the bottom", ...) and colour terms.
#pragma once

#include <optional>
#include <string>

#include "mgrs/core/geometry.h"

namespace mgrs::augment {

// A cell of the 3x3 grid: row 0 top .. 2 bottom, column 0 left .. 2 right.
struct GridCell {
  int row = 1, col = 1;
  bool operator==(const GridCell& o) const { return row == o.row && col == o.col; }
};

// The cell holding `centre` in a width x height image (cells are [k W / 3, (k + 1) W / 3)).
GridCell CellOf(Point centre, int width, int height);
// "top-left" ... "bottom-right", "center" for the middle (ObjectAttributes::grid_cell).
std::string CellName(GridCell cell);

// A position phrase found in a text. row or col is -1 where the phrase names only a column ("on the left") or
// only a row ("at the top").
struct PositionPhrase {
  size_t begin = 0, length = 0;  // byte span in the text, preposition and "corner"/"side"/"of the image" included
  int row = -1, col = -1;
  bool preposition = false;  // "at the top left" (true) or "the top left plane" (false)
  bool upper_lower = false;  // spelt "upper"/"lower" rather than "top"/"bottom"
  std::string centre_word;   // "middle", "center" or "centre": the spelling to keep
  bool hyphen = false;       // "top-left"
  // Does the phrase describe `cell`?
  bool Matches(GridCell cell) const {
    return (row < 0 || row == cell.row) && (col < 0 || col == cell.col) && (row >= 0 || col >= 0);
  }
};

// The first absolute position phrase (case-insensitive, whole words). Relational uses ("to the left of the
// road", "left of") are not position phrases; "... of the image/picture/scene/photo" is.
std::optional<PositionPhrase> FindPositionPhrase(const std::string& text);
// The text with `phrase` replaced by the phrase for `cell`, in the original's style (preposition, upper/lower,
// centre spelling, hyphen, capital at a sentence start).
std::string RewritePosition(const std::string& text, const PositionPhrase& phrase, GridCell cell);

// A colour word of the namer's palette (colour.h) or a synonym ("grey" for gray).
struct ColourTerm {
  size_t begin = 0, length = 0;
  std::string colour;  // the palette name
};
std::optional<ColourTerm> FindColourTerm(const std::string& text);
// The text with the term replaced by `colour` (capitalised when the term was).
std::string RewriteColour(const std::string& text, const ColourTerm& term, const std::string& colour);

}  // namespace mgrs::augment
