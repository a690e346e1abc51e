// NLTK 3.8's word_tokenize without regular expressions: each re.sub of nltk/tokenize/destructive.py and each
// pattern of nltk/tokenize/punkt.py is a scan with the same leftmost, non-overlapping, backtracking result.
// Text is handled as code points, because Python's patterns see characters, not bytes.
#include "mgrs/metrics/nltk_words.h"

#include "python_unicode.h"
#include "unicode.h"

namespace mgrs::metrics {
namespace {

using internal::PythonIsDigit;
using internal::PythonIsLower;
using internal::PythonIsSpace;
using internal::PythonIsUpper;
using internal::PythonIsWord;
using Text = std::u32string;
using View = std::u32string_view;

constexpr size_t kNone = Text::npos;

bool In(char32_t c, View set) { return set.find(c) != View::npos; }

char32_t At(View t, size_t i) { return i < t.size() ? t[i] : 0; }

// A letter of a (?i) pattern against one character, as Python's re matches it: the letter, its capital, and
// for i also U+0130 and U+0131, for s also U+017F (long s). Checked over every code point for the letters of
// these patterns; other letters would have others (k matches the Kelvin sign).
bool CaseFold(char32_t c, char letter) {
  if (c == static_cast<char32_t>(letter) || c == static_cast<char32_t>(letter - 'a' + 'A')) return true;
  if (letter == 'i') return c == 0x130 || c == 0x131;
  if (letter == 's') return c == 0x17F;
  return false;
}

// The (?i) literal `word` at t[i..]: letters fold, the apostrophe is itself.
bool CaseFoldAt(View t, size_t i, std::string_view word) {
  if (i + word.size() > t.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (word[k] == '\'' ? t[i + k] != U'\'' : !CaseFold(t[i + k], word[k])) return false;
  }
  return true;
}

// \b at position i (Python's Unicode word boundary).
bool WordBoundary(View t, size_t i) {
  const bool before = i > 0 && PythonIsWord(t[i - 1]);
  const bool after = i < t.size() && PythonIsWord(t[i]);
  return before != after;
}

void Pad(Text* out, View piece) {
  *out += U' ';
  *out += piece;
  *out += U' ';
}

// re.sub(r"[set]", r" \g<0> ", t).
void PadEach(Text* t, View set) {
  if (t->find_first_of(set.data(), 0, set.size()) == kNone) return;
  Text out;
  out.reserve(t->size() + 8);
  for (char32_t c : *t) {
    if (In(c, set)) {
      Pad(&out, View(&c, 1));
    } else {
      out += c;
    }
  }
  t->swap(out);
}

// re.sub(literal, replacement, t): non-overlapping, left to right.
void ReplaceLiteral(Text* t, View literal, View replacement) {
  size_t at = t->find(literal);
  if (at == kNone) return;
  Text out;
  out.reserve(t->size() + 8);
  size_t from = 0;
  for (; at != kNone; at = t->find(literal, from)) {
    out.append(*t, from, at - from);
    out += replacement;
    from = at + literal.size();
  }
  out.append(*t, from, kNone);
  t->swap(out);
}

// re.sub(r"c{2,}", r" \g<0> ", t): runs of two or more c, padded.
void PadRuns(Text* t, char32_t c) {
  if (t->find(Text(2, c)) == kNone) return;
  Text out;
  out.reserve(t->size() + 8);
  for (size_t i = 0; i < t->size();) {
    size_t j = i;
    while (j < t->size() && (*t)[j] == c) ++j;
    if (j - i >= 2) {
      Pad(&out, View(*t).substr(i, j - i));
      i = j;
    } else {
      out += (*t)[i++];
    }
  }
  t->swap(out);
}

// STARTING_QUOTES: ([«“‘„]|[`]+) padded; ^" -> ``; `` padded; ([ ([{<])("|'') -> \1 ``;
// (?i)(')(?!re|ve|ll|m|t|s|d|n)(\w)\b -> \1 \2.
void StartingQuotes(Text* t) {
  if (t->find_first_of(U"«“‘„`") != kNone) {
    Text out;
    for (size_t i = 0; i < t->size();) {
      const char32_t c = (*t)[i];
      size_t j = i + 1;
      if (c == U'`') {
        while (j < t->size() && (*t)[j] == U'`') ++j;
      }
      if (c == U'`' || In(c, U"«“‘„")) {
        Pad(&out, View(*t).substr(i, j - i));
      } else {
        out += c;
      }
      i = j;
    }
    t->swap(out);
  }
  if (!t->empty() && (*t)[0] == U'"') t->replace(0, 1, U"``");
  ReplaceLiteral(t, U"``", U" `` ");
  if (t->find_first_of(U"\"'") != kNone) {
    Text out;
    for (size_t i = 0; i < t->size();) {
      const char32_t c = (*t)[i];
      size_t quote = 0;  // length of the ("|'') group after c
      if (In(c, U" ([{<")) {
        if (At(*t, i + 1) == U'"') {
          quote = 1;
        } else if (At(*t, i + 1) == U'\'' && At(*t, i + 2) == U'\'') {
          quote = 2;
        }
      }
      if (quote) {
        out += c;
        out += U" `` ";
        i += 1 + quote;
      } else {
        out += c;
        ++i;
      }
    }
    t->swap(out);
  }
  if (t->find(U'\'') != kNone) {
    // With \b after the one word character, the lookahead's two-letter branches (re, ve, ll) cannot match,
    // so only m, t, s, d and n exclude.
    Text out;
    for (size_t i = 0; i < t->size();) {
      const char32_t next = At(*t, i + 1);
      if ((*t)[i] == U'\'' && i + 1 < t->size() && PythonIsWord(next) && !CaseFold(next, 'm') && !CaseFold(next, 't') &&
          !CaseFold(next, 's') && !CaseFold(next, 'd') && !CaseFold(next, 'n') && WordBoundary(*t, i + 2)) {
        out += U"' ";
        out += next;
        i += 2;
      } else {
        out += (*t)[i++];
      }
    }
    t->swap(out);
  }
}

// ([^\.])(\.)([closers]*)\s*$ -> "\1 \2" + gap + "\3 ": the final period before closing brackets or quotes
// and trailing whitespace. Only one position can match: the period must sit just before the longest tail of
// the form closers* whitespace*.
void FinalPeriod(Text* t, View closers, View gap) {
  size_t start = t->size();
  while (start > 0 && PythonIsSpace((*t)[start - 1])) --start;
  while (start > 0 && In((*t)[start - 1], closers)) --start;
  if (start < 2 || (*t)[start - 1] != U'.' || (*t)[start - 2] == U'.') return;
  // \3 is the longest run of closers after the period; what follows it is whitespace (dropped).
  size_t end = start;
  while (end < t->size() && In((*t)[end], closers)) ++end;
  Text out(*t, 0, start - 1);
  out += U" .";
  out += gap;
  out.append(*t, start, end - start);
  out += U' ';
  t->swap(out);
}

// PUNCTUATION, in order.
void Punctuation(Text* t) {
  FinalPeriod(t, U"])}>\"'»”’ ", U" ");
  if (t->find_first_of(U":,") != kNone) {
    Text out;  // ([:,])([^\d]) -> " \1 \2", two characters at a time
    for (size_t i = 0; i < t->size();) {
      const char32_t c = (*t)[i];
      if ((c == U':' || c == U',') && i + 1 < t->size() && !PythonIsDigit((*t)[i + 1])) {
        out += U' ';
        out += c;
        out += U' ';
        out += (*t)[i + 1];
        i += 2;
      } else {
        out += c;
        ++i;
      }
    }
    t->swap(out);
    // ([:,])$ -> " \1 ": $ is the end or just before a final newline.
    const size_t n = t->size();
    size_t at = kNone;
    if (n >= 2 && (*t)[n - 1] == U'\n' && In((*t)[n - 2], U":,")) {
      at = n - 2;
    } else if (n >= 1 && In((*t)[n - 1], U":,")) {
      at = n - 1;
    }
    if (at != kNone) t->replace(at, 1, Text{U' ', (*t)[at], U' '});
  }
  PadRuns(t, U'.');
  PadEach(t, U";@#$%&");
  FinalPeriod(t, U"])}>\"'", U"");
  PadEach(t, U"?!");
  if (t->find(U"' ") != kNone) {
    Text out;  // ([^'])' -> "\1 ' "
    for (size_t i = 0; i < t->size();) {
      if ((*t)[i] != U'\'' && At(*t, i + 1) == U'\'' && At(*t, i + 2) == U' ') {
        out += (*t)[i];
        out += U" ' ";
        i += 3;
      } else {
        out += (*t)[i++];
      }
    }
    t->swap(out);
  }
  PadEach(t, U"*");
}

// ENDING_QUOTES, on the text with a space added at both ends.
void EndingQuotes(Text* t) {
  PadEach(t, U"»”’");
  ReplaceLiteral(t, U"''", U" '' ");
  ReplaceLiteral(t, U"\"", U" '' ");
  if (t->find(U'\'') == kNone) return;
  // ([^' ])('[sS]|'[mM]|'[dD]|') -> "\1 \2 "
  Text out;
  for (size_t i = 0; i < t->size();) {
    const char32_t c = (*t)[i];
    size_t clitic = 0;
    if (c != U'\'' && c != U' ' && At(*t, i + 1) == U'\'') {
      if (In(At(*t, i + 2), U"sSmMdD") && At(*t, i + 3) == U' ') {
        clitic = 2;
      } else if (At(*t, i + 2) == U' ') {
        clitic = 1;
      }
    }
    if (clitic) {
      out += c;
      Pad(&out, View(*t).substr(i + 1, clitic));
      i += clitic + 2;
    } else {
      out += c;
      ++i;
    }
  }
  t->swap(out);
  // ([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) -> "\1 \2 "
  out.clear();
  static constexpr std::u32string_view kClitics[] = {U"'ll", U"'LL", U"'re", U"'RE", U"'ve", U"'VE", U"n't", U"N'T"};
  for (size_t i = 0; i < t->size();) {
    const char32_t c = (*t)[i];
    bool matched = false;
    if (c != U'\'' && c != U' ' && At(*t, i + 4) == U' ') {
      for (View clitic : kClitics) matched = matched || t->compare(i + 1, 3, clitic) == 0;
    }
    if (matched) {
      out += c;
      Pad(&out, View(*t).substr(i + 1, 3));
      i += 5;
    } else {
      out += c;
      ++i;
    }
  }
  t->swap(out);
}

// One CONTRACTIONS2 / CONTRACTIONS3 rule: (?i)<lead>(first)(second)<end> -> " \1 \2 ", where lead is \b
// (CONTRACTIONS2) or a space (CONTRACTIONS3) and end is \b, or (?=\s) for wanna.
struct Contraction {
  std::string_view first, second;
  bool space_before;
  bool space_after;
};

void SplitContraction(Text* t, const Contraction& rule) {
  const size_t lead = rule.space_before ? 1 : 0;
  const size_t length = lead + rule.first.size() + rule.second.size();
  Text out;
  size_t copied = 0;  // t[0, copied) is in out; out is built only once a match is found
  for (size_t i = 0; i + length <= t->size(); ++i) {
    const size_t w = i + lead;
    const size_t end = i + length;
    if (!CaseFoldAt(*t, w, rule.first.substr(0, 1))) continue;  // cheap filter
    bool match = (rule.space_before ? (*t)[i] == U' ' : WordBoundary(*t, i)) && CaseFoldAt(*t, w, rule.first) &&
                 CaseFoldAt(*t, w + rule.first.size(), rule.second);
    if (match) match = rule.space_after ? (end < t->size() && PythonIsSpace((*t)[end])) : WordBoundary(*t, end);
    if (!match) continue;
    out.append(*t, copied, i - copied);
    out += U' ';
    out.append(*t, w, rule.first.size());
    out += U' ';
    out.append(*t, w + rule.first.size(), rule.second.size());
    out += U' ';
    copied = end;
    i = end - 1;
  }
  if (copied == 0) return;
  out.append(*t, copied, kNone);
  t->swap(out);
}

void Contractions(Text* t) {
  static constexpr Contraction kRules[] = {
      {"can", "not", false, false}, {"d", "'ye", false, false},  {"gim", "me", false, false},
      {"gon", "na", false, false},  {"got", "ta", false, false}, {"lem", "me", false, false},
      {"more", "'n", false, false}, {"wan", "na", false, true},  {"'t", "is", true, false},
      {"'t", "was", true, false},
  };
  for (const Contraction& rule : kRules) SplitContraction(t, rule);
}

std::vector<std::string> SplitOnWhitespace(View t) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < t.size()) {
    while (i < t.size() && PythonIsSpace(t[i])) ++i;
    size_t j = i;
    while (j < t.size() && !PythonIsSpace(t[j])) ++j;
    if (j > i) tokens.push_back(internal::ToUtf8(t.substr(i, j - i)));
    i = j;
  }
  return tokens;
}

std::vector<std::string> TreebankTokenize(View text) {
  Text t(text);
  StartingQuotes(&t);
  Punctuation(&t);
  PadEach(&t, U"][(){}<>");
  ReplaceLiteral(&t, U"--", U" -- ");
  t.insert(t.begin(), U' ');
  t += U' ';
  EndingQuotes(&t);
  Contractions(&t);
  return SplitOnWhitespace(t);
}

// ---- Punkt (nltk/tokenize/punkt.py) with empty PunktParameters ----
//
// word_tokenize runs Punkt first, and removing the spaces from an answer (as EarthDial does) does not stop it
// from splitting. In NLTK 3.8 a candidate break is a . ? or ! followed either by whitespace and a token or by
// one of )";}]*:@'({[!? (period_context_re), so "yes.(maybe)" is a candidate; in a text without whitespace
// the context of the last candidate is everything before it, and any token in it other than the last that
// ends a sentence ("yes." is not an abbreviation) makes the split: ["yes.", "(maybe)"], whose words are
// yes . ( maybe ) where NLTKWordTokenizer alone gives yes. ( maybe ). Tabs, newlines and other whitespace
// that replace(" ", "") keeps split too. Splits that end in closing quotes or brackets at the end of the
// text are undone by the boundary realignment, which is why "(yes.)" stays one sentence.

bool IsAsciiSpace(char32_t c) { return c == U' ' || (c >= U'\t' && c <= U'\r'); }  // string.whitespace

bool IsSentEnd(char32_t c) { return c == U'.' || c == U'?' || c == U'!'; }

// _re_non_word_chars: (?:[)\";}\]\*:@\'\({\[!?])
bool IsNonWord(char32_t c) { return In(c, U")\";}]*:@'({[!?"); }

// _re_multi_char_punct at t[i]: (?:\-{2,}|\.{2,}|(?:\.\s){2,}\.); the length matched, or 0.
size_t MultiCharAt(View t, size_t i) {
  for (char32_t c : {U'-', U'.'}) {
    if (At(t, i) == c && At(t, i + 1) == c) {
      size_t j = i;
      while (j < t.size() && t[j] == c) ++j;
      return j - i;
    }
  }
  size_t pairs = 0;
  while (At(t, i + 2 * pairs) == U'.' && i + 2 * pairs + 1 < t.size() && PythonIsSpace(t[i + 2 * pairs + 1])) {
    ++pairs;
  }
  if (At(t, i + 2 * pairs) != U'.') {  // backtrack: the last pair's period closes the match instead
    if (pairs == 0) return 0;
    --pairs;
  }
  return pairs >= 2 ? 2 * pairs + 1 : 0;
}

// The lookahead that ends a word in _word_tokenize_fmt: \s|$|NonWord|MultiChar|,(?=$|\s|NonWord|MultiChar).
bool WordEndsAt(View line, size_t k) {
  const auto ends = [&](size_t j) {
    return j >= line.size() || PythonIsSpace(line[j]) || IsNonWord(line[j]) || MultiCharAt(line, j) > 0;
  };
  return ends(k) || (line[k] == U',' && ends(k + 1));
}

// PunktLanguageVars.word_tokenize(line): re.findall of _word_tokenize_fmt, as [begin, end) offsets.
void PunktWordsOfLine(View line, size_t offset, std::vector<std::pair<size_t, size_t>>* words) {
  size_t i = 0;
  while (i < line.size()) {
    const char32_t c = line[i];
    size_t end = i;
    if (const size_t multi = MultiCharAt(line, i)) {
      end = i + multi;
    } else if (!PythonIsSpace(c) && !In(c, U"(\"`{[:;&#*@)}]-,")) {  // (?=WordStart)\S+? up to a word end
      end = i + 1;
      while (!WordEndsAt(line, end)) ++end;
    } else if (!PythonIsSpace(c)) {  // \S
      end = i + 1;
    }
    if (end == i) {
      ++i;
    } else {
      words->emplace_back(offset + i, offset + end);
      i = end;
    }
  }
}

// PunktToken's properties that an untrained tokenizer consults.
struct PunktToken {
  View tok;
  bool sentbreak = false;
  bool abbr = false;
  bool ellipsis = false;

  bool PeriodFinal() const { return !tok.empty() && tok.back() == U'.'; }
  bool IsEllipsis() const { return tok.size() >= 2 && tok.find_first_not_of(U'.') == kNone; }  // \.\.+$
  bool IsInitial() const {                                                                     // [^\W\d]\.$
    return tok.size() == 2 && PythonIsWord(tok[0]) && !PythonIsDigit(tok[0]) && tok[1] == U'.';
  }
  // type_no_period == "##number##": the type is "##number##" when the token matches ^-?[\.,]?\d[\d,\.-]*\.?$,
  // and a token that lower-cases to "##number##." has that type_no_period too.
  bool NumberType() const {
    size_t i = 0;
    if (At(tok, i) == U'-') ++i;
    if (In(At(tok, i), U".,") && i + 1 < tok.size() && PythonIsDigit(tok[i + 1])) ++i;
    if (i >= tok.size() || !PythonIsDigit(tok[i])) return NumberWordType();
    for (++i; i < tok.size(); ++i) {
      if (!PythonIsDigit(tok[i]) && !In(tok[i], U",.-")) return NumberWordType();
    }
    return true;
  }
  bool NumberWordType() const {
    static constexpr std::u32string_view kType = U"##number##.";
    if (tok.size() != kType.size()) return false;
    for (size_t i = 0; i < tok.size(); ++i) {
      const char32_t c = (tok[i] >= U'A' && tok[i] <= U'Z') ? tok[i] + 32 : tok[i];
      if (c != kType[i]) return false;
    }
    return true;
  }
};

enum class Ortho { kFalse, kUnknown };

// _ortho_heuristic with no orthographic contexts: never True.
Ortho OrthoHeuristic(const PunktToken& t) {
  if (t.tok.size() == 1 && In(t.tok[0], U";:,.!?")) return Ortho::kFalse;
  if (PythonIsLower(t.tok[0])) return Ortho::kFalse;
  return Ortho::kUnknown;
}

// PunktSentenceTokenizer.text_contains_sentbreak: does a token other than the last end a sentence?
bool ContainsSentBreak(View context) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t line_start = 0;
  while (line_start <= context.size()) {
    size_t line_end = context.find(U'\n', line_start);
    if (line_end == kNone) line_end = context.size();
    const View line = context.substr(line_start, line_end - line_start);
    if (!internal::PythonStrip(line).empty()) PunktWordsOfLine(line, line_start, &spans);
    line_start = line_end + 1;
  }
  std::vector<PunktToken> tokens(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) {  // _first_pass_annotation
    PunktToken& t = tokens[i];
    t.tok = context.substr(spans[i].first, spans[i].second - spans[i].first);
    if (t.tok.size() == 1 && IsSentEnd(t.tok[0])) {
      t.sentbreak = true;
    } else if (t.IsEllipsis()) {
      t.ellipsis = true;
    } else if (t.PeriodFinal() && !(t.tok.size() >= 2 && t.tok.substr(t.tok.size() - 2) == U"..")) {
      t.sentbreak = true;  // no abbreviations
    }
  }
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {  // _second_pass_annotation
    PunktToken& t = tokens[i];
    if (!t.PeriodFinal()) continue;
    // No collocations; abbreviations and ellipses stay as they are, since the orthographic heuristic is never
    // True and there are no sentence starters.
    const bool initial = t.IsInitial();
    if (initial || t.NumberType()) {
      const Ortho next = OrthoHeuristic(tokens[i + 1]);
      if (next == Ortho::kFalse || (initial && PythonIsUpper(tokens[i + 1].tok[0]))) {
        t.sentbreak = false;
        t.abbr = true;
      }
    }
  }
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i].sentbreak) return true;
  }
  return false;
}

struct Span {
  size_t begin, end;
};

// One match of period_context_re: the sentence-end character at `at`, what follows it up to the end of the
// lookahead (after_end), and where the next token starts when whitespace follows (kNone otherwise).
struct PeriodContext {
  size_t at, after_end, next_tok;
};

std::vector<PeriodContext> PeriodContexts(View t) {
  std::vector<PeriodContext> matches;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (!IsSentEnd(t[i])) continue;
    if (IsNonWord(t[i + 1])) {
      matches.push_back({i, i + 2, kNone});
    } else if (PythonIsSpace(t[i + 1])) {
      size_t j = i + 1;
      while (j < t.size() && PythonIsSpace(t[j])) ++j;
      if (j == t.size()) continue;
      size_t k = j;
      while (k < t.size() && !PythonIsSpace(t[k])) ++k;
      matches.push_back({i, k, j});
    }
  }
  return matches;
}

// _slices_from_text, with _match_potential_end_contexts' choice of contexts (the word before a candidate
// runs back to the last ASCII whitespace, or to the previous candidate's word when there is none; a
// candidate whose word the next one overlaps is dropped).
std::vector<Span> SentenceSlices(View t) {
  std::vector<Span> slices;
  size_t last_break = 0;
  const auto consider = [&](const PeriodContext& m, Span word) {
    if (ContainsSentBreak(t.substr(word.begin, m.after_end - word.begin))) {
      slices.push_back({last_break, m.at + 1});
      last_break = m.next_tok != kNone ? m.next_tok : m.at + 1;
    }
  };
  Span previous{0, 0};
  const PeriodContext* previous_match = nullptr;
  const std::vector<PeriodContext> matches = PeriodContexts(t);
  for (const PeriodContext& m : matches) {
    size_t space = 0;  // _get_last_whitespace_index: 0 when none (and when it is the first character)
    for (size_t i = m.at; i > previous.end; --i) {
      if (IsAsciiSpace(t[i - 1])) {
        space = i - 1 - previous.end;
        break;
      }
    }
    const Span word{space ? previous.end + space + 1 : previous.begin, m.at};
    if (previous_match && previous.end <= word.begin) consider(*previous_match, previous);
    previous_match = &m;
    previous = word;
  }
  if (previous_match) consider(*previous_match, previous);
  size_t end = t.size();
  while (end > 0 && PythonIsSpace(t[end - 1])) --end;
  slices.push_back({last_break, end});
  return slices;
}

// re_boundary_realignment.match(s): ["\')\]}]+?(?:\s+|(?=--)|$) with MULTILINE; the match length or kNone.
size_t BoundaryRealignment(View s) {
  for (size_t r = 1; r <= s.size() && In(s[r - 1], U"\"')]}"); ++r) {
    if (r < s.size() && PythonIsSpace(s[r])) {
      size_t w = r;
      while (w < s.size() && PythonIsSpace(s[w])) ++w;
      return w;
    }
    if (At(s, r) == U'-' && At(s, r + 1) == U'-') return r;
    if (r == s.size() || s[r] == U'\n') return r;
  }
  return kNone;
}

// Python's text[begin:end] for 0 <= begin, end <= len(text).
View Slice(View t, size_t begin, size_t end) { return begin < end ? t.substr(begin, end - begin) : View(); }

std::vector<View> Sentences(View t) {
  const std::vector<Span> slices = SentenceSlices(t);
  std::vector<View> sentences;
  size_t realign = 0;
  for (size_t i = 0; i < slices.size(); ++i) {  // _realign_boundaries
    const Span first{slices[i].begin + realign, slices[i].end};
    if (i + 1 == slices.size()) {
      if (!Slice(t, first.begin, first.end).empty()) sentences.push_back(Slice(t, first.begin, first.end));
      continue;
    }
    const Span second = slices[i + 1];
    const View next = Slice(t, second.begin, second.end);
    const size_t m = BoundaryRealignment(next);
    if (m != kNone) {
      size_t kept = m;
      while (kept > 0 && PythonIsSpace(next[kept - 1])) --kept;
      sentences.push_back(Slice(t, first.begin, second.begin + kept));
      realign = m;
    } else {
      realign = 0;
      if (!Slice(t, first.begin, first.end).empty()) sentences.push_back(Slice(t, first.begin, first.end));
    }
  }
  return sentences;
}

}  // namespace

std::vector<std::string> NltkTreebankTokenize(std::string_view text) {
  return TreebankTokenize(internal::ToUtf32(text));
}

std::vector<std::string> PunktSentences(std::string_view text) {
  const Text t = internal::ToUtf32(text);
  std::vector<std::string> out;
  for (View s : Sentences(t)) out.push_back(internal::ToUtf8(s));
  return out;
}

std::vector<std::string> NltkWordTokenize(std::string_view text) {
  const Text t = internal::ToUtf32(text);
  std::vector<std::string> tokens;
  for (View s : Sentences(t)) {
    std::vector<std::string> words = TreebankTokenize(s);
    tokens.insert(tokens.end(), std::make_move_iterator(words.begin()), std::make_move_iterator(words.end()));
  }
  return tokens;
}

}  // namespace mgrs::metrics
