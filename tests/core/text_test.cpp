// UTF-8 validation and small text helpers.
#include "mgrs/core/text.h"

#include <gtest/gtest.h>

#include "mgrs/core/records.h"

namespace mgrs {
namespace {

TEST(TextTest, FindsTheFirstInvalidUtf8Byte) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9B\xB0"));
  EXPECT_EQ(FindInvalidUtf8("ab\xC3"), 2u);            // truncated sequence
  EXPECT_EQ(FindInvalidUtf8("a\xC0\xAF"), 1u);         // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);      // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("x\x80"), 1u);             // stray continuation byte
}

TEST(TextTest, Utf8SafePrefixNeverCutsASequence) {
  const std::string text = "a\xE2\x82\xAC";  // "a€"
  EXPECT_EQ(Utf8SafePrefix(text, 3), 1u);
  EXPECT_EQ(Utf8SafePrefix(text, 4), 4u);
}

TEST(TextTest, ClassKeysAreNormalised) {
  EXPECT_EQ(NormaliseClassKey("Storage Tank"), "storage-tank");
  EXPECT_EQ(NormaliseClassKey("storage_tank"), "storage-tank");
  EXPECT_EQ(NormaliseClassKey("Expressway-Service-area"), "expressway-service-area");
  EXPECT_EQ(NormaliseClassKey("  A220 "), "a220");
}

}  // namespace
}  // namespace mgrs
