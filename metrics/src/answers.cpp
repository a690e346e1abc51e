// Short-answer normalisations of the remote-sensing benchmarks' evaluation scripts.
#include "mgrs/metrics/answers.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

#include "mgrs/metrics/nltk_words.h"
#include "python_unicode.h"
#include "unicode.h"

namespace mgrs::metrics {
namespace {

// Python's str.lower(), as the scripts call it.
std::string PyLower(std::string_view text) { return internal::ToUtf8(internal::PythonLower(internal::ToUtf32(text))); }

bool IsPySpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view PyStrip(std::string_view s) {
  while (!s.empty() && IsPySpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsPySpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> PySplit(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsPySpace(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !IsPySpace(s[j])) ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  std::string out;
  size_t i = 0;
  while (true) {
    const size_t at = s.find(from, i);
    if (at == std::string::npos) break;
    out.append(s, i, at - i);
    out.append(to);
    i = at + from.size();
  }
  out.append(s, i, std::string::npos);
  return out;
}

const std::unordered_map<std::string, std::string>& Contractions() {
  static const auto* map = new std::unordered_map<std::string, std::string>{{"aint", "ain't"},
                                                                            {"arent", "aren't"},
                                                                            {"cant", "can't"},
                                                                            {"couldve", "could've"},
                                                                            {"couldnt", "couldn't"},
                                                                            {"couldn'tve", "couldn't've"},
                                                                            {"couldnt've", "couldn't've"},
                                                                            {"didnt", "didn't"},
                                                                            {"doesnt", "doesn't"},
                                                                            {"dont", "don't"},
                                                                            {"hadnt", "hadn't"},
                                                                            {"hadnt've", "hadn't've"},
                                                                            {"hadn'tve", "hadn't've"},
                                                                            {"hasnt", "hasn't"},
                                                                            {"havent", "haven't"},
                                                                            {"hed", "he'd"},
                                                                            {"hed've", "he'd've"},
                                                                            {"he'dve", "he'd've"},
                                                                            {"hes", "he's"},
                                                                            {"howd", "how'd"},
                                                                            {"howll", "how'll"},
                                                                            {"hows", "how's"},
                                                                            {"Id've", "I'd've"},
                                                                            {"I'dve", "I'd've"},
                                                                            {"Im", "I'm"},
                                                                            {"Ive", "I've"},
                                                                            {"isnt", "isn't"},
                                                                            {"itd", "it'd"},
                                                                            {"itd've", "it'd've"},
                                                                            {"it'dve", "it'd've"},
                                                                            {"itll", "it'll"},
                                                                            {"let's", "let's"},
                                                                            {"maam", "ma'am"},
                                                                            {"mightnt", "mightn't"},
                                                                            {"mightnt've", "mightn't've"},
                                                                            {"mightn'tve", "mightn't've"},
                                                                            {"mightve", "might've"},
                                                                            {"mustnt", "mustn't"},
                                                                            {"mustve", "must've"},
                                                                            {"neednt", "needn't"},
                                                                            {"notve", "not've"},
                                                                            {"oclock", "o'clock"},
                                                                            {"oughtnt", "oughtn't"},
                                                                            {"ow's'at", "'ow's'at"},
                                                                            {"'ows'at", "'ow's'at"},
                                                                            {"'ow'sat", "'ow's'at"},
                                                                            {"shant", "shan't"},
                                                                            {"shed've", "she'd've"},
                                                                            {"she'dve", "she'd've"},
                                                                            {"she's", "she's"},
                                                                            {"shouldve", "should've"},
                                                                            {"shouldnt", "shouldn't"},
                                                                            {"shouldnt've", "shouldn't've"},
                                                                            {"shouldn'tve", "shouldn't've"},
                                                                            {"somebody'd", "somebodyd"},
                                                                            {"somebodyd've", "somebody'd've"},
                                                                            {"somebody'dve", "somebody'd've"},
                                                                            {"somebodyll", "somebody'll"},
                                                                            {"somebodys", "somebody's"},
                                                                            {"someoned", "someone'd"},
                                                                            {"someoned've", "someone'd've"},
                                                                            {"someone'dve", "someone'd've"},
                                                                            {"someonell", "someone'll"},
                                                                            {"someones", "someone's"},
                                                                            {"somethingd", "something'd"},
                                                                            {"somethingd've", "something'd've"},
                                                                            {"something'dve", "something'd've"},
                                                                            {"somethingll", "something'll"},
                                                                            {"thats", "that's"},
                                                                            {"thered", "there'd"},
                                                                            {"thered've", "there'd've"},
                                                                            {"there'dve", "there'd've"},
                                                                            {"therere", "there're"},
                                                                            {"theres", "there's"},
                                                                            {"theyd", "they'd"},
                                                                            {"theyd've", "they'd've"},
                                                                            {"they'dve", "they'd've"},
                                                                            {"theyll", "they'll"},
                                                                            {"theyre", "they're"},
                                                                            {"theyve", "they've"},
                                                                            {"twas", "'twas"},
                                                                            {"wasnt", "wasn't"},
                                                                            {"wed've", "we'd've"},
                                                                            {"we'dve", "we'd've"},
                                                                            {"weve", "we've"},
                                                                            {"werent", "weren't"},
                                                                            {"whatll", "what'll"},
                                                                            {"whatre", "what're"},
                                                                            {"whats", "what's"},
                                                                            {"whatve", "what've"},
                                                                            {"whens", "when's"},
                                                                            {"whered", "where'd"},
                                                                            {"wheres", "where's"},
                                                                            {"whereve", "where've"},
                                                                            {"whod", "who'd"},
                                                                            {"whod've", "who'd've"},
                                                                            {"who'dve", "who'd've"},
                                                                            {"wholl", "who'll"},
                                                                            {"whos", "who's"},
                                                                            {"whove", "who've"},
                                                                            {"whyll", "why'll"},
                                                                            {"whyre", "why're"},
                                                                            {"whys", "why's"},
                                                                            {"wont", "won't"},
                                                                            {"wouldve", "would've"},
                                                                            {"wouldnt", "wouldn't"},
                                                                            {"wouldnt've", "wouldn't've"},
                                                                            {"wouldn'tve", "wouldn't've"},
                                                                            {"yall", "y'all"},
                                                                            {"yall'll", "y'all'll"},
                                                                            {"y'allll", "y'all'll"},
                                                                            {"yall'd've", "y'all'd've"},
                                                                            {"y'alld've", "y'all'd've"},
                                                                            {"y'all'dve", "y'all'd've"},
                                                                            {"youd", "you'd"},
                                                                            {"youd've", "you'd've"},
                                                                            {"you'dve", "you'd've"},
                                                                            {"youll", "you'll"},
                                                                            {"youre", "you're"},
                                                                            {"youve", "you've"}};
  return *map;
}

bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string EvalAiNormalize(std::string_view answer) {
  // word_tokenize
  std::string item = PyLower(answer);
  item = ReplaceAll(ReplaceAll(ReplaceAll(item, ",", ""), "?", ""), "'s", " 's");
  item = std::string(PyStrip(item));
  for (char& c : item) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  item = std::string(PyStrip(item));
  // process_punctuation: the test looks at the text before any replacement. COMMA_STRIP can never match here,
  // because word_tokenize already removed every comma.
  const std::string in_text = item;
  std::string out = item;
  for (std::string_view p :
       {";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!"}) {
    const bool touches_space = in_text.find(std::string(p) + " ") != std::string::npos ||
                               in_text.find(" " + std::string(p)) != std::string::npos;
    out = ReplaceAll(out, p, touches_space ? "" : " ");
  }
  // PERIOD_STRIP: (?!<=\d)(\.)(?!\d) removes a dot not followed by a digit, at most 32 times.
  {
    std::string stripped;
    int removed = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      const bool digit_next = i + 1 < out.size() && std::isdigit(static_cast<unsigned char>(out[i + 1]));
      if (out[i] == '.' && !digit_next && removed < 32) {
        ++removed;
        continue;
      }
      stripped.push_back(out[i]);
    }
    out.swap(stripped);
  }
  // process_digit_article
  static const std::unordered_map<std::string, std::string> numbers = {
      {"none", "0"}, {"zero", "0"}, {"one", "1"},   {"two", "2"},   {"three", "3"}, {"four", "4"},
      {"five", "5"}, {"six", "6"},  {"seven", "7"}, {"eight", "8"}, {"nine", "9"},  {"ten", "10"}};
  std::vector<std::string> words;
  for (std::string& w : PySplit(PyLower(out))) {
    if (const auto it = numbers.find(w); it != numbers.end()) w = it->second;
    if (w != "a" && w != "an" && w != "the") words.push_back(std::move(w));
  }
  std::string result;
  for (size_t i = 0; i < words.size(); ++i) {
    const auto it = Contractions().find(words[i]);
    if (i) result.push_back(' ');
    result += it == Contractions().end() ? words[i] : it->second;
  }
  return result;
}

Result<VqaMode> ParseVqaMode(const std::string& name) {
  if (name == "exact") return VqaMode::kExact;
  if (name == "vqa") return VqaMode::kVqa;
  if (name == "lhrsbot") return VqaMode::kLhrsBot;
  if (name == "contains") return VqaMode::kContains;
  if (name == "token_recall") return VqaMode::kTokenRecall;
  return InvalidArgument("--vqa-mode: expected exact, vqa, lhrsbot, contains or token_recall, got '" + name + "'");
}

const char* VqaModeName(VqaMode mode) {
  switch (mode) {
    case VqaMode::kExact: return "exact";
    case VqaMode::kVqa: return "vqa";
    case VqaMode::kLhrsBot: return "lhrsbot";
    case VqaMode::kContains: return "contains";
    case VqaMode::kTokenRecall: return "token_recall";
  }
  return "?";
}

namespace {
// EarthDial's evaluate_f1 before word_tokenize: text.strip().lower().replace(" ", ""), then .strip().lower()
// again (str methods, so Unicode whitespace and the full lower-case mapping).
std::string EarthDialForm(std::string_view text) {
  const std::u32string code_points = internal::ToUtf32(text);
  std::u32string form = internal::PythonLower(internal::PythonStrip(code_points));
  form.erase(std::remove(form.begin(), form.end(), U' '), form.end());
  return internal::ToUtf8(internal::PythonLower(internal::PythonStrip(form)));
}
}  // namespace

double TokenRecall(const std::string& prediction, const std::string& truth) {
  const std::vector<std::string> ref = NltkWordTokenize(EarthDialForm(truth));
  const std::vector<std::string> cand = NltkWordTokenize(EarthDialForm(prediction));
  const std::set<std::string> ref_set(ref.begin(), ref.end()), cand_set(cand.begin(), cand.end());
  size_t common = 0;
  for (const std::string& t : ref_set) common += cand_set.count(t);
  if (common == 0) return 0.0;  // also an empty reference
  // EarthDial divides by len(ref_tokens), the token list, not the set.
  return static_cast<double>(common) / static_cast<double>(ref.size());
}

double VqaAnswerScore(const std::string& prediction, const std::string& truth, VqaMode mode) {
  switch (mode) {
    case VqaMode::kExact: return PyLower(PyStrip(prediction)) == PyLower(PyStrip(truth)) ? 1.0 : 0.0;
    case VqaMode::kVqa: return EvalAiNormalize(prediction) == EvalAiNormalize(truth) ? 1.0 : 0.0;
    case VqaMode::kLhrsBot: {
      const std::string p = EvalAiNormalize(prediction);
      return (p == truth || truth.find(p) != std::string::npos) ? 1.0 : 0.0;
    }
    case VqaMode::kContains: return PyLower(prediction).find(PyLower(truth)) != std::string::npos ? 1.0 : 0.0;
    case VqaMode::kTokenRecall: return TokenRecall(prediction, truth);
  }
  return 0.0;
}

Result<ClassificationMode> ParseClassificationMode(const std::string& name) {
  if (name == "exact") return ClassificationMode::kExact;
  if (name == "lowercase") return ClassificationMode::kLowercase;
  if (name == "nospace") return ClassificationMode::kNoSpace;
  if (name == "contains") return ClassificationMode::kContains;
  if (name == "token_recall") return ClassificationMode::kTokenRecall;
  if (name == "lcs") return ClassificationMode::kLcs;
  return InvalidArgument(
      "--classification-mode: expected exact, lowercase, nospace, contains, token_recall or lcs, "
      "got '" +
      name + "'");
}

const char* ClassificationModeName(ClassificationMode mode) {
  switch (mode) {
    case ClassificationMode::kExact: return "exact";
    case ClassificationMode::kLowercase: return "lowercase";
    case ClassificationMode::kNoSpace: return "nospace";
    case ClassificationMode::kContains: return "contains";
    case ClassificationMode::kTokenRecall: return "token_recall";
    case ClassificationMode::kLcs: return "lcs";
  }
  return "?";
}

std::string NormaliseClassName(std::string_view text) {
  std::string spaced;
  for (char c : PyLower(text)) {
    if (c == '_' || c == '-' || IsPySpace(c)) {
      spaced.push_back(' ');
    } else if (IsAsciiAlnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      spaced.push_back(c);
    }
  }
  std::string out;
  for (const std::string& w : PySplit(spaced)) out += (out.empty() ? "" : " ") + w;
  return out;
}

size_t LongestCommonSubstring(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1, 0);
  size_t best = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    size_t diagonal = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      const size_t up = row[j + 1];
      row[j + 1] = a[i] == b[j] ? diagonal + 1 : 0;
      best = std::max(best, row[j + 1]);
      diagonal = up;
    }
  }
  return best;
}

int LcsClass(const std::string& prediction, const std::vector<std::string>& classes) {
  if (classes.empty()) return -1;
  const std::string p(PyStrip(prediction));
  std::vector<std::string> names;
  for (const std::string& c : classes) names.push_back(ReplaceAll(PyLower(c), "_", " "));
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == p) return static_cast<int>(i);
  }
  int best = 0;
  size_t best_size = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const size_t size = LongestCommonSubstring(p, names[i]);
    if (size > best_size) {
      best_size = size;
      best = static_cast<int>(i);
    }
  }
  return best;
}

std::optional<int64_t> FirstInteger(std::string_view answer) {
  static const std::unordered_map<std::string, int64_t> units = {
      {"none", 0},       {"zero", 0},      {"one", 1},       {"two", 2},       {"three", 3},    {"four", 4},
      {"five", 5},       {"six", 6},       {"seven", 7},     {"eight", 8},     {"nine", 9},     {"ten", 10},
      {"eleven", 11},    {"twelve", 12},   {"thirteen", 13}, {"fourteen", 14}, {"fifteen", 15}, {"sixteen", 16},
      {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19}};
  static const std::unordered_map<std::string, int64_t> tens = {{"twenty", 20}, {"thirty", 30}, {"forty", 40},
                                                                {"fifty", 50},  {"sixty", 60},  {"seventy", 70},
                                                                {"eighty", 80}, {"ninety", 90}};
  const std::string text = PyLower(answer);
  size_t i = 0;
  while (i < text.size()) {
    if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      int64_t value = 0;
      while (i < text.size()) {
        if (std::isdigit(static_cast<unsigned char>(text[i]))) {
          if (value > (int64_t{1} << 50)) return std::nullopt;  // absurdly long digit runs are not counts
          value = value * 10 + (text[i] - '0');
          ++i;
        } else if (text[i] == ',' && i + 3 < text.size() + 0 && i + 1 < text.size() &&
                   std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
          ++i;  // thousands separator: "1,024"
        } else {
          break;
        }
      }
      return value;
    }
    if (std::isalpha(static_cast<unsigned char>(text[i]))) {
      size_t j = i;
      while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) ++j;
      const std::string word = text.substr(i, j - i);
      if (const auto t = tens.find(word); t != tens.end()) {
        // "twenty-one" / "twenty one"
        size_t k = j;
        if (k < text.size() && (text[k] == '-' || text[k] == ' ')) ++k;
        size_t l = k;
        while (l < text.size() && std::isalpha(static_cast<unsigned char>(text[l]))) ++l;
        const auto u = units.find(text.substr(k, l - k));
        if (l > k && u != units.end() && u->second >= 1 && u->second <= 9) return t->second + u->second;
        return t->second;
      }
      if (const auto u = units.find(word); u != units.end()) return u->second;
      i = j;
      continue;
    }
    ++i;
  }
  return std::nullopt;
}

}  // namespace mgrs::metrics
