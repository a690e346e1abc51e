// Small text utilities shared by readers: UTF-8 validation, trimming, splitting.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mgrs {

// Byte offset of the first invalid UTF-8 sequence in `text`, or npos when it is valid. Overlong forms,
// surrogates and code points above U+10FFFF are invalid.
size_t FindInvalidUtf8(std::string_view text);
inline bool IsValidUtf8(std::string_view text) { return FindInvalidUtf8(text) == std::string_view::npos; }

// The longest prefix of `text` of at most `max_bytes` bytes that does not cut a UTF-8 sequence.
size_t Utf8SafePrefix(std::string_view text, size_t max_bytes);

std::string_view TrimAscii(std::string_view text);
std::string ToLowerAscii(std::string_view text);
std::vector<std::string_view> SplitOnWhitespace(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);

}  // namespace mgrs
