// Base64 decoding (encoding.h) against libsodium's strict decoder, which it replaced on the
// license check's path: the same texts must be accepted, with the same bytes. Encoding against
// libsodium's encoder, which it replaced on the token signer's path: the same text for any bytes.
#include "licet/core/encoding.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <random>
#include <string>
#include <vector>

#include "internal/sodium_base64.h"

namespace licet {
namespace {

using core_internal::SodiumBase64Decode;

std::optional<std::string> OurDecode(std::string_view text, Base64Alphabet alphabet) {
  std::string out = "left over";
  if (!DecodeBase64Into(text, alphabet, out)) return std::nullopt;
  return out;
}

struct Variant {
  Base64Alphabet alphabet;
  int sodium;
};
constexpr Variant kVariants[] = {
    {Base64Alphabet::kStandardPadded, sodium_base64_VARIANT_ORIGINAL},
    {Base64Alphabet::kUrlSafeUnpadded, sodium_base64_VARIANT_URLSAFE_NO_PADDING},
};

TEST(Base64Test, RoundTripsEveryLengthInBothAlphabets) {
  std::mt19937 rng(7);
  for (const Variant v : kVariants) {
    for (std::size_t n = 0; n < 70; ++n) {
      std::string bytes(n, '\0');
      for (char& b : bytes) b = static_cast<char>(rng() & 0xFF);
      const std::string text = EncodeBase64(bytes, v.alphabet);
      EXPECT_EQ(OurDecode(text, v.alphabet), bytes) << text;
    }
  }
}

TEST(Base64Test, EncodesAsLibsodiumDoes) {
  std::mt19937 rng(11);
  std::string every_byte;  // each 6-bit value in each of the four positions of a group
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  for (const Variant v : kVariants) {
    for (std::size_t n = 0; n < 300; ++n) {
      std::string bytes(n, '\0');
      for (char& b : bytes) b = static_cast<char>(rng() & 0xFF);
      for (const std::string& input : {bytes, every_byte.substr(n % 256), every_byte}) {
        std::string expected(
            sodium_base64_ENCODED_LEN(input.size(), static_cast<unsigned>(v.sodium)), '\0');
        sodium_bin2base64(expected.data(), expected.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                          v.sodium);
        expected.pop_back();  // the terminating NUL
        EXPECT_EQ(EncodeBase64(input, v.alphabet), expected) << n;
      }
    }
  }
}

TEST(Base64Test, RefusesWhatLibsodiumRefuses) {
  const char* refused[] = {"A",  "AAAAA", "QR==",     "QUJ=", "QUK=",  "Q===",   "====",  "QQ=",
                           "QQ", "Q=Q=",  "QQ==QQ==", "QQ= ", " QQ==", "QU\nJD", "QUJD=", "QUJ*"};
  for (const char* text : refused) {
    EXPECT_EQ(SodiumBase64Decode(text, sodium_base64_VARIANT_ORIGINAL), std::nullopt) << text;
    EXPECT_EQ(OurDecode(text, Base64Alphabet::kStandardPadded), std::nullopt) << text;
  }
  // Stricter than libsodium 1.0.18, which reads every byte over 0x7F as '/'.
  for (const Variant v : kVariants) {
    for (int high = 0x80; high <= 0xFF; ++high) {
      const std::string text = {'Q', 'U', 'J', static_cast<char>(high)};
      EXPECT_EQ(OurDecode(text, v.alphabet), std::nullopt) << high;
    }
  }
  EXPECT_EQ(OurDecode("QQ==", Base64Alphabet::kStandardPadded), "A");
  EXPECT_EQ(OurDecode("QQ", Base64Alphabet::kUrlSafeUnpadded), "A");
  EXPECT_EQ(OurDecode("QQ==", Base64Alphabet::kUrlSafeUnpadded), std::nullopt);
  EXPECT_EQ(OurDecode("-_8", Base64Alphabet::kUrlSafeUnpadded), "\xFB\xFF");
  EXPECT_EQ(OurDecode("+/8=", Base64Alphabet::kStandardPadded), "\xFB\xFF");
  EXPECT_EQ(OurDecode("+/8", Base64Alphabet::kUrlSafeUnpadded), std::nullopt);
  EXPECT_EQ(OurDecode("-_8=", Base64Alphabet::kStandardPadded), std::nullopt);
  EXPECT_EQ(OurDecode("", Base64Alphabet::kStandardPadded), "");
  EXPECT_EQ(OurDecode("", Base64Alphabet::kUrlSafeUnpadded), "");
}

// Random texts over an alphabet mixing both variants' characters, '=' and a few others, most of
// them malformed: the two decoders agree on every one.
TEST(Base64Test, AgreesWithLibsodiumOnRandomTexts) {
  const std::string chars = "AQgw+/-_=8z9 .\n";
  std::mt19937 rng(11);
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text(rng() % 13, 'A');
    for (char& c : text) {
      // Mostly letters, so that a fair share of texts is valid.
      c = rng() % 4 == 0 ? chars[rng() % chars.size()] : static_cast<char>('A' + rng() % 26);
    }
    for (const Variant v : kVariants) {
      const std::optional<std::string> theirs = SodiumBase64Decode(text, v.sodium);
      ASSERT_EQ(OurDecode(text, v.alphabet), theirs) << '"' << text << '"';
      accepted += theirs.has_value();
    }
  }
  EXPECT_GT(accepted, 20000) << "too few valid texts to compare";
}

}  // namespace
}  // namespace licet
