// Parsers for the box formats of published remote-sensing VLMs, and average precision.
#include "mgrs/metrics/boxes.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace mgrs::metrics {
namespace {

// Reads a number (optional sign, digits, optional fraction and exponent) at s[*i]; skips leading spaces.
bool ReadNumber(std::string_view s, size_t* i, double* out) {
  size_t k = *i;
  while (k < s.size() && s[k] == ' ') ++k;
  const size_t start = k;
  if (k < s.size() && (s[k] == '-' || s[k] == '+')) ++k;
  const size_t digits = k;
  while (k < s.size() && (std::isdigit(static_cast<unsigned char>(s[k])) || s[k] == '.')) ++k;
  if (k == digits) {
    // "nan" / "inf" are read so that the box is rejected as not finite rather than as missing.
    for (std::string_view word : {"nan", "NaN", "inf", "Infinity"}) {
      if (s.substr(k, word.size()) == word) {
        *out = std::nan("");
        *i = k + word.size();
        return true;
      }
    }
    return false;
  }
  if (k < s.size() && (s[k] == 'e' || s[k] == 'E')) {
    size_t e = k + 1;
    if (e < s.size() && (s[e] == '-' || s[e] == '+')) ++e;
    if (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) {
      k = e;
      while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
    }
  }
  const std::string text(s.substr(start, k - start));
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return false;
  *i = k;
  return true;
}

bool Expect(std::string_view s, size_t* i, char c) {
  size_t k = *i;
  while (k < s.size() && s[k] == ' ') ++k;
  if (k < s.size() && s[k] == c) {
    *i = k + 1;
    return true;
  }
  return false;
}

bool Finite(const AnswerBox& b) {
  return std::isfinite(b.x1) && std::isfinite(b.y1) && std::isfinite(b.x2) && std::isfinite(b.y2) &&
         (!b.angle || std::isfinite(*b.angle));
}

// {<x1><y1><x2><y2>} or {<x1><y1><x2><y2>|<angle>}
std::vector<AnswerBox> ParseGeoChat(std::string_view s) {
  std::vector<AnswerBox> boxes;
  size_t i = 0;
  while ((i = s.find('{', i)) != std::string_view::npos) {
    size_t k = i + 1;
    double v[5];
    int n = 0;
    bool ok = true;
    for (; n < 4 && ok; ++n) ok = Expect(s, &k, '<') && ReadNumber(s, &k, &v[n]) && Expect(s, &k, '>');
    if (ok) {
      AnswerBox b{v[0], v[1], v[2], v[3], std::nullopt};
      size_t m = k;
      if (Expect(s, &m, '|') && Expect(s, &m, '<') && ReadNumber(s, &m, &v[4]) && Expect(s, &m, '>')) {
        b.angle = v[4];
        k = m;
      }
      if (Expect(s, &k, '}')) {
        if (Finite(b)) boxes.push_back(b);
        i = k;
        continue;
      }
    }
    ++i;
  }
  return boxes;
}

// (x1,y1),(x2,y2), usually inside <box>...</box>. Qwen-VL's own regex, \((.*?)\),\((.*?)\), does not need
// the tags, so neither does this.
std::vector<AnswerBox> ParseQwen(std::string_view s) {
  std::vector<AnswerBox> boxes;
  size_t i = 0;
  while ((i = s.find('(', i)) != std::string_view::npos) {
    size_t k = i + 1;
    double v[4];
    const bool ok = ReadNumber(s, &k, &v[0]) && Expect(s, &k, ',') && ReadNumber(s, &k, &v[1]) && Expect(s, &k, ')') &&
                    Expect(s, &k, ',') && Expect(s, &k, '(') && ReadNumber(s, &k, &v[2]) && Expect(s, &k, ',') &&
                    ReadNumber(s, &k, &v[3]) && Expect(s, &k, ')');
    if (ok) {
      const AnswerBox b{v[0], v[1], v[2], v[3], std::nullopt};
      if (Finite(b)) boxes.push_back(b);
      i = k;
      continue;
    }
    ++i;
  }
  return boxes;
}

// MiniGPT-v2's eval_ref.py: "<unk>" and spaces removed, then re.match(r'\{<\d{1,3}><\d{1,3}><\d{1,3}><\d{1,3}>\}')
// at the start of the answer; one box.
std::vector<AnswerBox> ParseMiniGptStrict(std::string_view answer) {
  std::string s;
  for (size_t i = 0; i < answer.size(); ++i) {
    if (answer.substr(i, 5) == "<unk>") {
      i += 4;
    } else if (answer[i] != ' ') {
      s.push_back(answer[i]);
    }
  }
  size_t k = 0;
  if (s.empty() || s[0] != '{') return {};
  ++k;
  double v[4];
  for (double& value : v) {
    if (k >= s.size() || s[k] != '<') return {};
    ++k;
    size_t digits = 0;
    value = 0;
    while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])) && digits < 4) {
      value = value * 10 + (s[k++] - '0');
      ++digits;
    }
    if (digits == 0 || digits > 3 || k >= s.size() || s[k] != '>') return {};
    ++k;
  }
  if (k >= s.size() || s[k] != '}') return {};
  return {AnswerBox{v[0], v[1], v[2], v[3], std::nullopt}};
}

// [a, b, c, d] or [a, b, c, d, angle]; `with_angle` requires the fifth number (EarthDial's inner lists).
std::vector<AnswerBox> ParseLists(std::string_view s, bool with_angle) {
  std::vector<AnswerBox> boxes;
  size_t i = 0;
  while ((i = s.find('[', i)) != std::string_view::npos) {
    size_t k = i + 1;
    std::vector<double> v;
    double x;
    while (ReadNumber(s, &k, &x)) {
      v.push_back(x);
      if (!Expect(s, &k, ',')) break;
    }
    if (Expect(s, &k, ']') && (with_angle ? v.size() == 5 : (v.size() == 4))) {
      AnswerBox b{v[0], v[1], v[2], v[3], std::nullopt};
      if (v.size() == 5) b.angle = v[4];
      if (Finite(b)) boxes.push_back(b);
      i = k;
      continue;
    }
    ++i;
  }
  return boxes;
}

// VRSBench: re.findall(r'\d+', answer)[:4]; no signs, "0.5" is two numbers.
std::vector<AnswerBox> ParseFirstFourInts(std::string_view s) {
  std::vector<double> v;
  size_t i = 0;
  while (i < s.size() && v.size() < 4) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      size_t j = i;
      double value = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) value = value * 10 + (s[j++] - '0');
      v.push_back(value);
      i = j;
    } else {
      ++i;
    }
  }
  if (v.size() < 4) return {};
  return {AnswerBox{v[0], v[1], v[2], v[3], std::nullopt}};
}

}  // namespace

Result<BoxSyntax> ParseBoxSyntax(const std::string& name) {
  if (name == "auto") return BoxSyntax::kAuto;
  if (name == "geochat") return BoxSyntax::kGeoChat;
  if (name == "qwen") return BoxSyntax::kQwen;
  if (name == "earthdial") return BoxSyntax::kEarthDial;
  if (name == "list") return BoxSyntax::kList;
  if (name == "ints") return BoxSyntax::kFirstFourInts;
  if (name == "minigpt") return BoxSyntax::kMiniGpt;
  return InvalidArgument("--box-format: expected auto, geochat, minigpt, qwen, earthdial, list or ints, got '" + name +
                         "'");
}

const char* BoxSyntaxName(BoxSyntax syntax) {
  switch (syntax) {
    case BoxSyntax::kGeoChat: return "geochat";
    case BoxSyntax::kQwen: return "qwen";
    case BoxSyntax::kEarthDial: return "earthdial";
    case BoxSyntax::kList: return "list";
    case BoxSyntax::kFirstFourInts: return "ints";
    case BoxSyntax::kMiniGpt: return "minigpt";
    default: return "auto";
  }
}

ParsedAnswer ParseAnswerBoxes(std::string_view answer, BoxSyntax syntax) {
  ParsedAnswer out;
  const auto attempt = [&](BoxSyntax s) {
    switch (s) {
      case BoxSyntax::kGeoChat: out.boxes = ParseGeoChat(answer); break;
      case BoxSyntax::kQwen: out.boxes = ParseQwen(answer); break;
      case BoxSyntax::kEarthDial: out.boxes = ParseLists(answer, true); break;
      case BoxSyntax::kList: out.boxes = ParseLists(answer, false); break;
      case BoxSyntax::kFirstFourInts: out.boxes = ParseFirstFourInts(answer); break;
      case BoxSyntax::kMiniGpt: out.boxes = ParseMiniGptStrict(answer); break;
      case BoxSyntax::kAuto: break;
    }
    if (!out.boxes.empty()) out.syntax = s;
    return !out.boxes.empty();
  };
  if (syntax != BoxSyntax::kAuto) {
    attempt(syntax);
    return out;
  }
  if (answer.find("<box>") != std::string_view::npos && attempt(BoxSyntax::kQwen)) return out;
  if (answer.find("{<") != std::string_view::npos && attempt(BoxSyntax::kGeoChat)) return out;
  if (answer.find("[[") != std::string_view::npos && attempt(BoxSyntax::kEarthDial)) return out;
  attempt(BoxSyntax::kList);
  return out;
}

Result<CoordScale> ParseCoordScale(const std::string& name) {
  if (name == "auto") return CoordScale::kAuto;
  if (name == "100") return CoordScale::k100;
  if (name == "999") return CoordScale::k999;
  if (name == "1000") return CoordScale::k1000;
  if (name == "1") return CoordScale::kUnit;
  if (name == "pixel") return CoordScale::kPixel;
  return InvalidArgument("--coord-scale: expected auto, 100, 999, 1000, 1 or pixel, got '" + name + "'");
}

const char* CoordScaleName(CoordScale scale) {
  switch (scale) {
    case CoordScale::k100: return "100";
    case CoordScale::k999: return "999";
    case CoordScale::k1000: return "1000";
    case CoordScale::kUnit: return "1";
    case CoordScale::kPixel: return "pixel";
    default: return "auto";
  }
}

double ScaleExtent(CoordScale scale, BoxSyntax syntax, const AnswerBox& box) {
  switch (scale) {
    case CoordScale::k100: return 100;
    case CoordScale::k999: return 999;
    case CoordScale::k1000: return 1000;
    case CoordScale::kUnit: return 1;
    case CoordScale::kPixel: return 0;
    case CoordScale::kAuto: break;
  }
  switch (syntax) {
    case BoxSyntax::kQwen: return 1000;
    case BoxSyntax::kList: {
      const double m = std::max({std::fabs(box.x1), std::fabs(box.y1), std::fabs(box.x2), std::fabs(box.y2)});
      return m <= 1.0 ? 1 : 0;
    }
    default: return 100;
  }
}

double AveragePrecision(const std::vector<bool>& hits, size_t ground_truths) {
  if (ground_truths == 0 || hits.empty()) return 0.0;
  std::vector<double> precision(hits.size()), recall(hits.size());
  size_t tp = 0;
  for (size_t i = 0; i < hits.size(); ++i) {
    tp += hits[i];
    precision[i] = static_cast<double>(tp) / static_cast<double>(i + 1);
    recall[i] = static_cast<double>(tp) / static_cast<double>(ground_truths);
  }
  // Precision envelope from the right, then the area under the recall steps.
  for (size_t i = hits.size() - 1; i > 0; --i) precision[i - 1] = std::max(precision[i - 1], precision[i]);
  double ap = 0, previous_recall = 0;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (recall[i] > previous_recall) {
      ap += (recall[i] - previous_recall) * precision[i];
      previous_recall = recall[i];
    }
  }
  return ap;
}

}  // namespace mgrs::metrics
