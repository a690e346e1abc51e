// Python 3's character classes (re's \s, \w, \d; str.isupper / islower) and str.lower() / str.strip(), for ports
// of Python evaluation code that must agree with it character for character. Internal to mgrs::metrics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "python_unicode_data.h"

namespace mgrs::metrics::internal {

// The PythonCharBit mask of one code point (python_unicode_data.h; Python 3.11, Unicode 14.0).
uint8_t PythonCharMask(char32_t c);

inline bool PythonIsSpace(char32_t c) { return (PythonCharMask(c) & kPySpace) != 0; }
inline bool PythonIsWord(char32_t c) { return (PythonCharMask(c) & kPyWord) != 0; }
inline bool PythonIsDigit(char32_t c) { return (PythonCharMask(c) & kPyDigit) != 0; }
inline bool PythonIsUpper(char32_t c) { return (PythonCharMask(c) & kPyUpper) != 0; }
inline bool PythonIsLower(char32_t c) { return (PythonCharMask(c) & kPyLower) != 0; }

// str.lower(): the full mapping (U+0130 becomes "i" U+0307) and the final-sigma rule.
std::u32string PythonLower(std::u32string_view text);
// str.strip() with no argument: removes leading and trailing str.isspace() characters.
std::u32string_view PythonStrip(std::u32string_view text);

}  // namespace mgrs::metrics::internal
