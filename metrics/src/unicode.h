// UTF-8 decoding and encoding, and the Unicode lower-case mapping that the tokenizer and METEOR's normaliser
// share. Internal to mgrs::metrics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mgrs::metrics::internal {

// Decodes the code point at text[*pos] and advances *pos. Invalid bytes decode as U+FFFD, one byte each, so
// decoding never stops (inputs are validated as UTF-8 before they reach the metrics).
char32_t DecodeUtf8(std::string_view text, size_t* pos);
void AppendUtf8(char32_t c, std::string* out);
std::u32string ToUtf32(std::string_view text);
std::string ToUtf8(std::u32string_view text);

// Simple (one-to-one) lower-case mapping for Latin (Basic, Latin-1, Extended-A/B, Extended Additional),
// Greek, Cyrillic, Armenian and full-width Latin letters, as Java's Character.toLowerCase maps them. Other
// characters map to themselves.
char32_t LowerCodePoint(char32_t c);

// Java's String.toLowerCase(Locale.ENGLISH) on a whole string: LowerCodePoint per character, plus the two
// context rules of that method: U+0130 becomes "i" + U+0307, and a capital sigma at the end of a word becomes
// the final sigma U+03C2.
std::u32string LowerString(std::u32string_view text);

// Java's String.hashCode over the UTF-16 code units of `text` (h = 31 h + unit, modulo 2^32).
int32_t JavaHash(std::u32string_view text);
int32_t JavaHashUtf8(std::string_view text);

}  // namespace mgrs::metrics::internal
