// Meteor 1.5's -norm normaliser (research/metrics.md section 4.3, steps N1-N11) and the lower-casing after it.
#include <string>

#include "meteor_tables.h"
#include "unicode.h"

namespace mgrs::metrics {
namespace {

// A run of two or more dots while N4-N9 run: one character above the Unicode range that remembers the length.
constexpr char32_t kDotRunBase = 0x110000;

bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsLetter(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
         (c >= 0xF8 && c <= 0x17E) || (c >= 0x400 && c <= 0x527) || (c >= 0xA640 && c <= 0xA66E) ||
         (c >= 0xA67E && c <= 0xA697) || (c >= 0x1D00 && c <= 0x1D7F);
}
bool IsAlnum(char32_t c) { return IsLetter(c) || IsDigit(c); }
bool IsAsciiSpace(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r'; }
// Where N9 splits tokens: ASCII spaces except U+000B.
bool IsTokenSeparator(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsWideSpace(char32_t c) {
  return c == 0x20 || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

// One left-to-right pass of "X c Y -> X + replacement + Y"; Y is consumed, so it is never the next match's X.
template <typename XClass, typename YClass>
std::u32string TriplePass(const std::u32string& s, char32_t c, XClass x_class, YClass y_class,
                          std::u32string_view replacement) {
  std::u32string out;
  out.reserve(s.size() + 16);
  size_t i = 0;
  while (i < s.size()) {
    if (i + 2 < s.size() && s[i + 1] == c && x_class(s[i]) && y_class(s[i + 2])) {
      out.push_back(s[i]);
      out.append(replacement);
      out.push_back(s[i + 2]);
      i += 3;
    } else {
      out.push_back(s[i]);
      ++i;
    }
  }
  return out;
}

std::u32string SplitSentenceFinalDots(const std::u32string& s, const MeteorData::Tables& tables) {
  std::vector<std::u32string_view> tokens;
  const std::u32string_view view(s);
  size_t i = 0;
  while (i < view.size()) {
    while (i < view.size() && IsTokenSeparator(view[i])) ++i;
    size_t j = i;
    while (j < view.size() && !IsTokenSeparator(view[j])) ++j;
    if (j > i) tokens.push_back(view.substr(i, j - i));
    i = j;
  }
  std::u32string out;
  out.reserve(s.size() + 8);
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (k > 0) out.push_back(' ');
    const std::u32string_view t = tokens[k];
    if (t.size() <= 1 || t.back() != '.') {
      out.append(t);
      continue;
    }
    const std::u32string_view p = t.substr(0, t.size() - 1);
    bool has_dot = false, has_letter = false;
    for (char32_t c : p) {
      has_dot |= c == '.';
      has_letter |= IsLetter(c);
    }
    const bool has_next = k + 1 < tokens.size();
    const char32_t next_first = has_next ? tokens[k + 1][0] : 0;
    if (has_dot && has_letter) {
      for (char32_t c : t) {
        if (c != '.') out.push_back(c);
      }
    } else if (tables.prefixes_any.count(std::u32string(p)) || (has_next && next_first >= 'a' && next_first <= 'z')) {
      out.append(t);
    } else if (tables.prefixes_numeric.count(std::u32string(p)) && has_next && IsDigit(next_first)) {
      out.append(t);
    } else {
      out.append(p);
      out.append(U" .");
    }
  }
  return out;
}

}  // namespace

std::u32string MeteorNormalizeUtf32(std::u32string_view input, const MeteorData::Tables& tables) {
  // N1, N2: pad the line, isolate symbols.
  std::u32string s;
  s.reserve(input.size() * 2 + 2);
  s.push_back(' ');
  for (char32_t c : input) {
    if (IsAlnum(c) || IsAsciiSpace(c) || c == '.' || c == '\'' || c == '`' || c == ',' || c == '-' || c == 0x2018 ||
        c == 0x2019) {
      s.push_back(c);
    } else {
      s.push_back(' ');
      s.push_back(c);
      s.push_back(' ');
    }
  }
  s.push_back(' ');
  // N3: runs of dots become placeholders.
  {
    std::u32string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
      if (s[i] != '.') {
        out.push_back(s[i++]);
        continue;
      }
      size_t j = i;
      while (j < s.size() && s[j] == '.') ++j;
      if (j - i >= 2) {
        out.push_back(' ');
        out.push_back(kDotRunBase + static_cast<char32_t>(j - i));
        out.push_back(' ');
      } else {
        out.push_back('.');
      }
      i = j;
    }
    s.swap(out);
  }
  // N4: commas, three passes.
  const auto digit = [](char32_t c) { return IsDigit(c); };
  const auto not_digit = [](char32_t c) { return !IsDigit(c); };
  s = TriplePass(s, ',', not_digit, not_digit, U" , ");
  s = TriplePass(s, ',', digit, not_digit, U" , ");
  s = TriplePass(s, ',', not_digit, digit, U" , ");
  // N5: quotes.
  for (char32_t& c : s) {
    if (c == '`' || c == 0x2018 || c == 0x2019) c = '\'';
  }
  {
    std::u32string out;
    out.reserve(s.size() + 8);
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == 0x201C || s[i] == 0x201D) {
        out.append(U" \" ");
      } else if (s[i] == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        out.append(U" \" ");
        ++i;
      } else {
        out.push_back(s[i]);
      }
    }
    s.swap(out);
  }
  // N6: dashes.
  {
    std::u32string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      const char32_t c = s[i] == 0x2013 ? U'-' : s[i];
      const char32_t next = i + 1 < s.size() ? (s[i + 1] == 0x2013 ? U'-' : s[i + 1]) : 0;
      out.push_back(c);
      if (c == '-' && next == '-') ++i;
    }
    s.swap(out);
  }
  // N7: dashes inside words.
  s = TriplePass(
      s, '-', [](char32_t c) { return IsAlnum(c) || c == '.'; }, [](char32_t c) { return IsAlnum(c); }, U" ");
  // N8: apostrophes, five passes.
  const auto letter = [](char32_t c) { return IsLetter(c); };
  const auto not_letter = [](char32_t c) { return !IsLetter(c); };
  s = TriplePass(s, '\'', not_letter, not_letter, U" ' ");
  s = TriplePass(
      s, '\'', [](char32_t c) { return !IsLetter(c) && !IsDigit(c); }, letter, U" ' ");
  s = TriplePass(s, '\'', letter, not_letter, U" ' ");
  s = TriplePass(s, '\'', letter, letter, U" '");
  s = TriplePass(
      s, '\'', digit, [](char32_t c) { return c == 's'; }, U" '");
  // N9: sentence-final dots.
  s = SplitSentenceFinalDots(s, tables);
  // N10: placeholders back to dots; N11: wide spaces collapsed, ends trimmed.
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c > kDotRunBase) {
      out.append(c - kDotRunBase, U'.');
    } else if (IsWideSpace(c)) {
      out.push_back(' ');
      while (i + 1 < s.size() && IsWideSpace(s[i + 1])) ++i;
    } else {
      out.push_back(c);
    }
  }
  size_t begin = 0, end = out.size();
  while (begin < end && out[begin] <= 0x20) ++begin;
  while (end > begin && out[end - 1] <= 0x20) --end;
  return internal::LowerString(std::u32string_view(out).substr(begin, end - begin));
}

std::string MeteorNormalize(std::string_view text, const MeteorData& data) {
  return internal::ToUtf8(MeteorNormalizeUtf32(internal::ToUtf32(text), data.tables()));
}

}  // namespace mgrs::metrics
