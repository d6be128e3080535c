#include "licet/core/quote.h"

#include <gtest/gtest.h>

#include <string>

namespace licet {
namespace {

TEST(QuoteInputTest, ShortInputIsQuotedAsItIs) {
  EXPECT_EQ(QuoteInput("AAAAA-BBBBB"), "'AAAAA-BBBBB'");
  EXPECT_EQ(QuoteInput(""), "''");
}

TEST(QuoteInputTest, LongInputIsCutAndItsLengthSaid) {
  const std::string key(3000, 'A');
  EXPECT_EQ(QuoteInput(key, 8), "'AAAAAAAA…' (3000 bytes)");
  EXPECT_LT(QuoteInput(key).size(), 80u);
}

TEST(QuoteInputTest, ControlBytesAreEscaped) {
  EXPECT_EQ(QuoteInput("a\x1b[2Jb\n\x7f"), "'a\\x1b[2Jb\\x0a\\x7f'");
}

TEST(QuoteInputTest, NoCharacterIsCutInTwo) {
  // "é" is two bytes: a cut after its first byte backs up before it.
  EXPECT_EQ(QuoteInput("abé", 3), "'ab…' (4 bytes)");
  EXPECT_EQ(QuoteInput("abé", 4), "'abé'");
}

}  // namespace
}  // namespace licet
