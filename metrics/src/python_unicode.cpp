// Lookups in the tables that metrics/src/python_unicode_data.py reads out of Python.
#include "python_unicode.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace mgrs::metrics::internal {
namespace {

constexpr std::array<uint8_t, 128> AsciiMasks() {
  std::array<uint8_t, 128> masks{};
  size_t k = 0;
  for (uint32_t c = 0; c < 128; ++c) {
    while (k + 1 < std::size(kPythonCharBreaks) && kPythonCharBreaks[k + 1].first <= c) ++k;
    masks[c] = kPythonCharBreaks[k].mask;
  }
  return masks;
}
constexpr std::array<uint8_t, 128> kAsciiMasks = AsciiMasks();

char32_t LowerOne(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  const auto* end = std::end(kPythonLowerRuns);
  const auto* it = std::upper_bound(std::begin(kPythonLowerRuns), end, static_cast<uint32_t>(c),
                                    [](uint32_t value, const PythonLowerRun& run) { return value < run.first; });
  if (it == std::begin(kPythonLowerRuns)) return c;
  const PythonLowerRun& run = *(it - 1);
  if (c > run.last) return c;
  if (run.step > 1 && (c - run.first) % run.step != 0) return c;
  return static_cast<char32_t>(static_cast<int64_t>(c) + run.delta);
}

// CPython's handle_capital_sigma: a capital sigma preceded by a cased letter (case-ignorable characters
// skipped) and not followed by one lowers to the final sigma.
char32_t LowerSigma(std::u32string_view text, size_t i) {
  size_t j = i;
  char32_t c = 0;
  bool found = false;
  while (j > 0) {
    c = text[--j];
    if (!(PythonCharMask(c) & kPyCaseIgnorable)) {
      found = true;
      break;
    }
  }
  bool final_sigma = found && (PythonCharMask(c) & kPyCased);
  if (final_sigma && i + 1 < text.size()) {
    size_t k = i + 1;
    while (k < text.size() && (PythonCharMask(text[k]) & kPyCaseIgnorable)) ++k;
    final_sigma = k == text.size() || !(PythonCharMask(text[k]) & kPyCased);
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

}  // namespace

uint8_t PythonCharMask(char32_t c) {
  if (c < 0x80) return kAsciiMasks[c];
  const auto* it =
      std::upper_bound(std::begin(kPythonCharBreaks), std::end(kPythonCharBreaks), static_cast<uint32_t>(c),
                       [](uint32_t value, const PythonCharBreak& b) { return value < b.first; });
  return (it - 1)->mask;
}

std::u32string PythonLower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == 0x130) {
      out += U'i';
      out += char32_t{0x307};
    } else if (c == 0x3A3) {
      out += LowerSigma(text, i);
    } else {
      out += LowerOne(c);
    }
  }
  return out;
}

std::u32string_view PythonStrip(std::u32string_view text) {
  while (!text.empty() && PythonIsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && PythonIsSpace(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace mgrs::metrics::internal
