// Position phrases and colour terms in referring expressions (see phrases.h).
#include "mgrs/augment/phrases.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <vector>

namespace mgrs::augment {
namespace {

std::string Lower(const std::string& text) {
  std::string out = text;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// One regex over the lower-cased text. Groups: 1 preposition; 2, 3 a corner's vertical and horizontal words;
// 4 centre word; 5 a row's word; 6 a column's word; 7 a trailing "of the image". Corners are tried first.
const std::regex& PositionPattern() {
  static const std::regex pattern(R"((?:\b(in|at|on) the )?)"
                                  R"((?:\b(top|upper|bottom|lower)[ -](left|right)(?: corner| side| part)?)"
                                  R"(|\b(middle|center|centre|central)(?: part| area)?)"
                                  R"(|\b(top|upper|bottom|lower)(?: side| part| edge)?)"
                                  R"(|\b(left|right)(?: side| part| edge)?))"
                                  R"(( of the (?:image|picture|scene|photo))?)",
                                  std::regex::ECMAScript | std::regex::optimize);
  return pattern;
}

int RowOf(const std::string& word) {
  if (word == "top" || word == "upper") return 0;
  if (word == "bottom" || word == "lower") return 2;
  return -1;
}

}  // namespace

GridCell CellOf(Point centre, int width, int height) {
  auto index = [](double v, int extent) { return std::clamp(static_cast<int>(std::floor(v * 3.0 / extent)), 0, 2); };
  return GridCell{index(centre.y, height), index(centre.x, width)};
}

std::string CellName(GridCell cell) {
  static const char* const kNames[3][3] = {
      {"top-left", "top", "top-right"}, {"left", "center", "right"}, {"bottom-left", "bottom", "bottom-right"}};
  return kNames[cell.row][cell.col];
}

std::optional<PositionPhrase> FindPositionPhrase(const std::string& text) {
  const std::string lower = Lower(text);
  for (std::sregex_iterator it(lower.begin(), lower.end(), PositionPattern()), end; it != end; ++it) {
    const std::smatch& m = *it;
    const size_t begin = static_cast<size_t>(m.position(0)), stop = begin + static_cast<size_t>(m.length(0));
    // Whole words only; "of" after the phrase (and not "of the image") makes it relational.
    if (stop < lower.size() && IsWordChar(lower[stop])) continue;
    if (begin > 0 && IsWordChar(lower[begin - 1])) continue;
    if (!m[7].matched && lower.compare(stop, 3, " of") == 0) continue;
    // A bare "top" or "left" is too often no position ("top view", "the left one of two"): a side position
    // needs a preposition or a "side"/"part"/"edge".
    const bool side = m[5].matched || m[6].matched;
    if (side && !m[1].matched && m.str(0).find(' ') == std::string::npos) continue;
    PositionPhrase phrase;
    phrase.begin = begin;
    phrase.length = stop - begin;
    phrase.preposition = m[1].matched;
    if (m[2].matched) {
      phrase.row = RowOf(m.str(2));
      phrase.col = m.str(3) == "left" ? 0 : 2;
      phrase.upper_lower = m.str(2) == "upper" || m.str(2) == "lower";
      phrase.hyphen = lower[static_cast<size_t>(m.position(2) + m.length(2))] == '-';
    } else if (m[4].matched) {
      phrase.row = phrase.col = 1;
      phrase.centre_word = m.str(4) == "central" ? "middle" : m.str(4);
    } else if (m[5].matched) {
      phrase.row = RowOf(m.str(5));
      phrase.upper_lower = m.str(5) == "upper" || m.str(5) == "lower";
    } else if (m[6].matched) {
      phrase.col = m.str(6) == "left" ? 0 : 2;
    }
    return phrase;
  }
  return std::nullopt;
}

std::string RewritePosition(const std::string& text, const PositionPhrase& phrase, GridCell cell) {
  const std::string vertical =
      cell.row == 0 ? (phrase.upper_lower ? "upper" : "top") : (phrase.upper_lower ? "lower" : "bottom");
  const std::string horizontal = cell.col == 0 ? "left" : "right";
  const std::string centre = phrase.centre_word.empty() ? "middle" : phrase.centre_word;
  const std::string original = Lower(text.substr(phrase.begin, phrase.length));
  const size_t of_at = original.find(" of the ");
  const std::string core = original.substr(0, of_at);
  std::string suffix;  // the original's " corner", " side", ... where it still fits
  for (const char* word : {" corner", " side", " part", " edge", " area"}) {
    if (core.size() > std::string(word).size() && core.rfind(word) == core.size() - std::string(word).size())
      suffix = word;
  }
  const bool corner = cell.row != 1 && cell.col != 1, middle = cell.row == 1 && cell.col == 1;
  const std::string prep = phrase.preposition ? (middle                    ? "in the "
                                                 : cell.col == 1 || corner ? "at the "
                                                                           : "on the ")
                                              : "";
  std::string out;
  if (corner) {
    out = prep + vertical + (phrase.hyphen ? "-" : " ") + horizontal;
    if (suffix == " corner" || suffix == " part") out += suffix;
  } else if (middle) {
    out = prep + centre;
    if (suffix == " part" || suffix == " area") out += suffix;
  } else {
    out = prep + (cell.col == 1 ? vertical : horizontal);
    if (suffix == " side" || suffix == " part" || suffix == " edge") {
      out += suffix;
    } else if (!phrase.preposition) {
      out += cell.col == 1 ? " part" : " side";  // a bare "top" or "left" would not read as a position
    }
  }
  if (of_at != std::string::npos) out += original.substr(of_at);
  if (std::isupper(static_cast<unsigned char>(text[phrase.begin])))
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return text.substr(0, phrase.begin) + out + text.substr(phrase.begin + phrase.length);
}

std::optional<ColourTerm> FindColourTerm(const std::string& text) {
  static const std::vector<std::pair<std::string, std::string>> kTerms = {
      {"white", "white"}, {"gray", "gray"},     {"grey", "gray"},     {"black", "black"},
      {"red", "red"},     {"orange", "orange"}, {"yellow", "yellow"}, {"green", "green"},
      {"blue", "blue"},   {"purple", "purple"}, {"brown", "brown"}};
  const std::string lower = Lower(text);
  std::optional<ColourTerm> best;
  for (const auto& [word, colour] : kTerms) {
    for (size_t at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
      const size_t stop = at + word.size();
      const bool whole = (at == 0 || !IsWordChar(lower[at - 1])) && (stop >= lower.size() || !IsWordChar(lower[stop]));
      if (!whole) continue;
      if (!best || at < best->begin) best = ColourTerm{at, word.size(), colour};
      break;
    }
  }
  return best;
}

std::string RewriteColour(const std::string& text, const ColourTerm& term, const std::string& colour) {
  std::string word = colour;
  if (std::isupper(static_cast<unsigned char>(text[term.begin])))
    word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
  return text.substr(0, term.begin) + word + text.substr(term.begin + term.length);
}

}  // namespace mgrs::augment
