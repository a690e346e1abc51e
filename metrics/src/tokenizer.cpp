// PTB-lite tokenizer reproducing CoreNLP 3.4.1's PTBTokenizer -lowerCase on captions, plus coco's filter.
#include "mgrs/metrics/tokenizer.h"

#include <array>
#include <cstring>

#include "unicode.h"

namespace mgrs::metrics {
namespace {

using internal::AppendUtf8;
using internal::DecodeUtf8;
using internal::LowerCodePoint;

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// Letters for the clitic and acronym rules: ASCII letters and any non-ASCII byte (UTF-8 letters of other scripts).
bool IsWordByte(char c) { return IsAsciiLetter(c) || static_cast<unsigned char>(c) >= 0x80; }
char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool EqualsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (LowerAscii(word[i]) != lower[i]) return false;
  }
  return true;
}
bool EndsWithLower(std::string_view word, std::string_view lower_suffix) {
  return word.size() >= lower_suffix.size() &&
         EqualsLower(word.substr(word.size() - lower_suffix.size()), lower_suffix);
}

// Abbreviations that keep their final dot (CoreNLP's PTBLexer ABBREV classes, the ones that occur in captions).
constexpr std::array<std::string_view, 44> kAbbreviations = {
    "mr",  "mrs", "ms",  "dr",  "prof", "st",   "jr",  "sr",  "gen",  "gov", "rep",  "sen", "rev", "hon",  "capt",
    "col", "lt",  "sgt", "mt",  "ave",  "blvd", "rd",  "etc", "vs",   "co",  "corp", "inc", "ltd", "bros", "dept",
    "jan", "feb", "mar", "apr", "jun",  "jul",  "aug", "sep", "sept", "oct", "nov",  "dec", "fig", "esp"};

bool IsAbbreviation(std::string_view core) {
  for (std::string_view a : kAbbreviations) {
    if (EqualsLower(core, a)) return true;
  }
  return false;
}

// "u.s", "e.g", "a.m", "U.S.A": single letters joined by dots (the final dot already removed).
bool IsAcronym(std::string_view core) {
  if (core.size() < 3) return false;
  for (size_t i = 0; i < core.size(); ++i) {
    if (i % 2 == 0 ? !IsAsciiLetter(core[i]) : core[i] != '.') return false;
  }
  return core.size() % 2 == 1;
}

bool IsClitic(std::string_view word) {
  for (std::string_view c : {"'s", "'re", "'ve", "'ll", "'d", "'m", "n't", "'n'", "'n"}) {
    if (EqualsLower(word, c)) return true;
  }
  return false;
}

// Characters that CoreNLP rewrites before its lexer sees a word: dashes, ellipsis, curly quotes, fractions.
// Returns false when `text` is plain ASCII (nothing to rewrite).
bool RewriteSpecialCharacters(std::string_view text, std::string* out) {
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return false;
  out->clear();
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    const char32_t c = DecodeUtf8(text, &pos);
    switch (c) {
      case 0x2012:
      case 0x2013:
      case 0x2014:
      case 0x2015: out->append(" -- "); break;
      case 0x2026: out->append(" ... "); break;
      case 0x201C:
      case 0x201E:
      case 0x00AB: out->append(" `` "); break;
      case 0x201D:
      case 0x00BB: out->append(" '' "); break;
      case 0x2018:
      case 0x201A: out->push_back('`'); break;
      case 0x2019: out->push_back('\''); break;
      case 0x00BD: out->append(" 1/2 "); break;
      case 0x00BC: out->append(" 1/4 "); break;
      case 0x00BE: out->append(" 3/4 "); break;
      case 0x2153: out->append(" 1/3 "); break;
      case 0x2154: out->append(" 2/3 "); break;
      case 0x00A3: out->append(" # "); break;  // normalizeCurrency: pound sign -> #
      case 0x00A2: out->append(" cents "); break;
      case 0x00A0:
      case 0x1680:
      case 0x202F:
      case 0x205F:
      case 0x3000: out->push_back(' '); break;
      default:
        if (c >= 0x2000 && c <= 0x200A) {
          out->push_back(' ');
        } else {
          out->append(text.substr(start, pos - start));
        }
    }
  }
  return true;
}

class Tokenizer {
 public:
  // With `coco_filter`, the tokens coco-caption drops are not written.
  Tokenizer(std::string* out, bool coco_filter) : out_(out), any_(!out->empty()), coco_filter_(coco_filter) {}

  void Line(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && IsAsciiSpace(text[i])) ++i;
      size_t j = i;
      while (j < text.size() && !IsAsciiSpace(text[j])) ++j;
      if (j > i) {
        size_t k = j;
        while (k < text.size() && IsAsciiSpace(text[k])) ++k;
        Chunk(text.substr(i, j - i), k == text.size());
      }
      i = j;
    }
  }

 private:
  void Emit(std::string_view token) {
    // Punctuation has no letters, so lower-casing cannot change whether it is one of coco's strings; the
    // bracket tokens are lower-cased and therefore never filtered.
    if (coco_filter_ && token.size() != 5 && IsCocoPunctuation(token)) return;
    if (any_) out_->push_back(' ');
    any_ = true;
    bool ascii = true;
    for (char c : token) ascii &= static_cast<unsigned char>(c) < 0x80;
    if (ascii) {
      for (char c : token) out_->push_back(LowerAscii(c));
      return;
    }
    size_t pos = 0;
    while (pos < token.size()) AppendUtf8(LowerCodePoint(DecodeUtf8(token, &pos)), out_);
  }

  void EmitDoubleQuote(bool opening) { Emit(opening ? "``" : "''"); }

  // One whitespace-separated word: peel punctuation off both ends, split clitics, split what is inside.
  void Chunk(std::string_view w, bool last_in_line) {
    // Leading punctuation.
    while (!w.empty()) {
      const char c = w[0];
      if (w.size() >= 2 && w[0] == '`' && w[1] == '`') {
        Emit("``");
        w.remove_prefix(2);
      } else if (w.size() >= 2 && w[0] == '\'' && w[1] == '\'') {
        Emit("``");
        w.remove_prefix(2);
      } else if (c == '"') {
        EmitDoubleQuote(w.size() > 1 || !open_quote_);
        if (w.size() == 1) open_quote_ = !open_quote_;
        w.remove_prefix(1);
      } else if (c == '`') {
        Emit("`");
        w.remove_prefix(1);
      } else if (c == '\'') {
        if (w.size() == 1) {
          Emit("'");
          w.remove_prefix(1);
        } else if (IsClitic(w) || IsDigit(w[1])) {
          break;
        } else {
          Emit("`");
          w.remove_prefix(1);
        }
      } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}') {
        Emit(BracketToken(c));
        w.remove_prefix(1);
      } else if (c == '$' || c == '#' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '%' ||
                 (c == '&' && w.size() > 1 && !IsWordByte(w[1]))) {
        Emit(w.substr(0, 1));
        w.remove_prefix(1);
      } else if (w.size() >= 3 && w.compare(0, 3, "...") == 0) {
        Emit("...");
        w.remove_prefix(3);
      } else if (w.size() >= 2 && w.compare(0, 2, "--") == 0) {
        Emit("--");
        w.remove_prefix(2);
      } else if (c == '.' && (w.size() == 1 || !IsDigit(w[1]))) {
        Emit(".");
        w.remove_prefix(1);
      } else {
        break;
      }
    }
    // Trailing punctuation, collected right to left.
    std::array<std::string_view, 16> back;
    size_t n_back = 0;
    bool kept_final_dot = false;
    while (!w.empty() && n_back < back.size()) {
      const char c = w.back();
      std::string_view token;
      size_t cut = 1;
      if (c == '"') {
        token = "''";
      } else if (w.size() >= 2 && c == '\'' && w[w.size() - 2] == '\'') {
        token = "''";
        cut = 2;
      } else if (c == '\'') {
        if (IsClitic(w) || EndsWithLower(w, "'n'")) break;
        token = "'";
      } else if (c == ')' || c == ']' || c == '}' || c == '(' || c == '[' || c == '{') {
        token = BracketToken(c);
      } else if (c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '%') {
        token = w.substr(w.size() - 1);
      } else if (w.size() >= 3 && w.compare(w.size() - 3, 3, "...") == 0) {
        token = "...";
        cut = 3;
      } else if (w.size() >= 2 && w.compare(w.size() - 2, 2, "--") == 0) {
        token = "--";
        cut = 2;
      } else if (c == '.') {
        const std::string_view core = w.substr(0, w.size() - 1);
        if (core.empty()) {
          token = ".";
        } else if (IsAbbreviation(core) || IsAcronym(core) || (core.size() == 1 && core[0] >= 'A' && core[0] <= 'Z')) {
          kept_final_dot = n_back == 0;
          break;
        } else {
          token = ".";
        }
      } else {
        break;
      }
      back[n_back++] = token;
      w.remove_suffix(cut);
    }
    Middle(w);
    for (size_t k = n_back; k > 0; --k) Emit(back[k - 1]);
    // PTBTokenizer ends a text that stops on an abbreviation with an extra sentence-final "." ("etc. .").
    if (kept_final_dot && last_in_line) Emit(".");
  }

  // A word without surrounding punctuation: assimilations, clitics, then separators inside it.
  void Middle(std::string_view w) {
    if (w.empty()) return;
    // Separators inside a word split it; each side is handled as a word of its own.
    for (size_t i = 0; i < w.size(); ++i) {
      const char c = w[i];
      size_t len = 0;
      if (c == '"' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == ';') {
        len = 1;
      } else if (c == ',' && !(i > 0 && i + 1 < w.size() && IsDigit(w[i - 1]) && IsDigit(w[i + 1]))) {
        len = 1;
      } else if (c == '-' && i + 1 < w.size() && w[i + 1] == '-') {
        len = 2;
      }
      if (len == 0 || i == 0) continue;
      Chunk(w.substr(0, i), false);
      Chunk(w.substr(i), false);
      return;
    }
    for (auto [word, left] : {std::pair<std::string_view, size_t>{"cannot", 3},
                              {"gonna", 3},
                              {"gotta", 3},
                              {"wanna", 3},
                              {"gimme", 3},
                              {"lemme", 3}}) {
      if (EqualsLower(w, word)) {
        Emit(w.substr(0, left));
        Emit(w.substr(left));
        return;
      }
    }
    // rock'n'roll -> rock 'n' roll
    if (const size_t n = w.find("'n'"); n != std::string_view::npos && n > 0 && n + 3 < w.size()) {
      Middle(w.substr(0, n));
      Emit(w.substr(n, 3));
      Middle(w.substr(n + 3));
      return;
    }
    std::array<std::string_view, 4> clitics;
    size_t n_clitics = 0;
    while (n_clitics < clitics.size()) {
      size_t cut = 0;
      if (w.size() > 3 && EndsWithLower(w, "n't")) {
        cut = 3;
      } else if (w.size() > 3 && (EndsWithLower(w, "'re") || EndsWithLower(w, "'ve") || EndsWithLower(w, "'ll"))) {
        cut = 3;
      } else if (w.size() > 2 && (EndsWithLower(w, "'s") || EndsWithLower(w, "'d") || EndsWithLower(w, "'m"))) {
        cut = 2;
      }
      if (cut == 0) break;
      clitics[n_clitics++] = w.substr(w.size() - cut);
      w.remove_suffix(cut);
    }
    if (!w.empty()) Emit(w);
    for (size_t k = n_clitics; k > 0; --k) Emit(clitics[k - 1]);
  }

  static std::string_view BracketToken(char c) {
    switch (c) {
      case '(': return "-LRB-";
      case ')': return "-RRB-";
      case '[': return "-LSB-";
      case ']': return "-RSB-";
      case '{': return "-LCB-";
      default: return "-RCB-";
    }
  }

  std::string* out_;
  bool any_;
  bool coco_filter_;
  bool open_quote_ = false;  // a lone " closes when one is open
};

}  // namespace

void PtbTokenize(std::string_view text, std::string* out) {
  std::string rewritten;
  if (RewriteSpecialCharacters(text, &rewritten)) text = rewritten;
  Tokenizer(out, false).Line(text);
}

bool IsCocoPunctuation(std::string_view t) {
  switch (t.size()) {
    case 1:
      return t[0] == '\'' || t[0] == '`' || t[0] == '.' || t[0] == '?' || t[0] == '!' || t[0] == ',' || t[0] == ':' ||
             t[0] == '-' || t[0] == ';';
    case 2: return t == "''" || t == "``" || t == "--";
    case 3: return t == "...";
    case 5: return t == "-LRB-" || t == "-RRB-" || t == "-LCB-" || t == "-RCB-";
    default: return false;
  }
}

void CocoTokenize(std::string_view text, std::string* out) {
  std::string rewritten;
  if (RewriteSpecialCharacters(text, &rewritten)) text = rewritten;
  Tokenizer(out, true).Line(text);
}

std::string CocoTokenize(std::string_view text) {
  std::string out;
  CocoTokenize(text, &out);
  return out;
}

}  // namespace mgrs::metrics
