#include "licet/core/product_key.h"

#include <gtest/gtest.h>

#include <set>

#include "licet/core/key_minter.h"

namespace licet {
namespace {

KeyMacSecret SecretFrom(char fill) {
  KeyMacSecret s;
  s.bytes.fill(static_cast<std::uint8_t>(fill));
  return s;
}

TEST(ProductKeyTest, GenerateThenParseRoundTrips) {
  const KeyMacSecret secret = SecretFrom('s');
  for (const auto& [group, serial] : {std::pair<std::uint32_t, std::uint32_t>{0, 0},
                                      {2203, 42},
                                      {kMaxKeyGroup, kMaxKeySerial},
                                      {1, 123456789}}) {
    const ProductKey key = ProductKey::Generate(group, serial, secret);
    ASSERT_EQ(key.text().size(), 29u);
    const StatusOr<ProductKey> parsed = ProductKey::Parse(key.text());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->group(), group);
    EXPECT_EQ(parsed->serial(), serial);
    EXPECT_EQ(parsed->version(), kProductKeyVersion);
    EXPECT_EQ(parsed->partial(), key.text().substr(24));
    EXPECT_TRUE(parsed->VerifyMac(secret));
  }
}

// Keys issued by earlier versions must keep their meaning: these were made before the minter
// took over generation (2026-11-26), with the secret 's' * 32.
TEST(ProductKeyTest, KnownKeysAreStable) {
  struct Known {
    std::uint32_t group, serial;
    std::string_view text;
  };
  constexpr Known kKnown[] = {{0, 0, "GFGB8-6XDVM-TJQ62-8R63Y-PJDR3"},
                              {2203, 42, "TYMYT-VCH97-X73D8-8469D-V3CD4"},
                              {kMaxKeyGroup, kMaxKeySerial, "H7XMY-TYMP3-8CYJR-JJJYD-J868D"},
                              {1, 123456789, "Q3HMD-46744-PMHK3-JXTJB-Q44YX"},
                              {2203, 1000000, "JBRCR-JYP88-269YF-GGMF4-374V2"}};
  const KeyMacSecret secret = SecretFrom('s');
  for (const Known& k : kKnown) {
    EXPECT_EQ(ProductKey::Generate(k.group, k.serial, secret).text(), k.text);
    EXPECT_EQ(KeyMinter(k.group, secret).Mint(k.serial).text_view(), k.text);
  }
}

TEST(ProductKeyTest, MintedKeysDecodeToTheirSerialAndVerify) {
  const KeyMacSecret secret = SecretFrom('m');
  const KeyMinter minter(2203, secret);
  std::set<std::string> seen;
  for (std::uint32_t serial = 1; serial <= 2000; ++serial) {
    const MintedKey minted = minter.Mint(serial);
    EXPECT_EQ(minted.serial, serial);
    const StatusOr<ProductKey> parsed = ProductKey::Parse(minted.text_view());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->group(), 2203u);
    EXPECT_EQ(parsed->serial(), serial);
    EXPECT_TRUE(parsed->VerifyMac(secret));
    EXPECT_FALSE(parsed->VerifyMac(SecretFrom('n')));
    seen.insert(std::string(minted.text_view()));
  }
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(ProductKeyTest, UsesOnlyTheAlphabet) {
  const ProductKey key = ProductKey::Generate(7, 7, SecretFrom('a'));
  for (char c : key.text()) {
    EXPECT_TRUE(c == '-' || kProductKeyAlphabet.find(c) != std::string_view::npos) << c;
  }
}

TEST(ProductKeyTest, MacFailsWithAnotherSecret) {
  const ProductKey key = ProductKey::Generate(2203, 1, SecretFrom('a'));
  EXPECT_TRUE(key.VerifyMac(SecretFrom('a')));
  EXPECT_FALSE(key.VerifyMac(SecretFrom('b')));
}

TEST(ProductKeyTest, ConsecutiveSerialsLookUnrelated) {
  const KeyMacSecret secret = SecretFrom('x');
  std::set<std::string> first_groups;
  for (std::uint32_t serial = 0; serial < 20; ++serial) {
    first_groups.insert(ProductKey::Generate(2203, serial, secret).text().substr(0, 5));
  }
  EXPECT_GT(first_groups.size(), 15u);
}

TEST(ProductKeyTest, ForgivingInputIsNormalised) {
  const ProductKey key = ProductKey::Generate(2201, 99, SecretFrom('k'));
  std::string compact;
  for (char c : key.text()) {
    if (c != '-') compact.push_back(c);
  }
  std::string lower;
  for (char c : key.text())
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string typographic = key.text();
  std::string em_dashed;
  for (char c : key.text()) em_dashed += c == '-' ? std::string("\u2014") : std::string(1, c);
  std::string spaced;
  for (char c : key.text()) spaced += c == '-' ? std::string(" ") : std::string(1, c);
  for (const std::string& typed :
       {compact, lower, em_dashed, spaced, "  " + key.text() + "\n", "--" + key.text(),
        key.text().substr(0, 5) + "--" + key.text().substr(6)}) {
    const StatusOr<ProductKey> parsed = ProductKey::Parse(typed);
    ASSERT_TRUE(parsed.ok()) << typed << ": " << parsed.status();
    EXPECT_EQ(parsed->text(), key.text());
  }
}

TEST(ProductKeyTest, WrongLengthIsInvalidProductKey) {
  const StatusOr<ProductKey> short_key = ProductKey::Parse("BCDFG-HJKMP-QRTVW-XY234-6789");
  EXPECT_EQ(short_key.status().code(), ErrorCode::kInvalidProductKey);
  EXPECT_NE(short_key.status().message().find("24 letters and digits"), std::string_view::npos);
  EXPECT_EQ(ProductKey::Parse("BCDFG-HJKMP-QRTVW-XY234-6789BB").status().code(),
            ErrorCode::kInvalidProductKey);
  EXPECT_EQ(ProductKey::Parse("").status().code(), ErrorCode::kInvalidProductKey);
}

TEST(ProductKeyTest, CharacterOutsideAlphabetIsNamedWithItsPosition) {
  // The seed article's placeholder key.
  const StatusOr<ProductKey> parsed = ProductKey::Parse("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidProductKey);
  EXPECT_NE(parsed.status().message().find("character 1 'A'"), std::string_view::npos)
      << parsed.status();
}

TEST(ProductKeyTest, StrayCharacterIsInvalidProductKey) {
  const StatusOr<ProductKey> parsed = ProductKey::Parse("BCDFG_HJKMP-QRTVW-XY234-6789B");
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidProductKey);
  EXPECT_NE(parsed.status().message().find("'_'"), std::string_view::npos);
  EXPECT_EQ(ProductKey::Parse(std::string("BCDFG\0HJKMP", 11)).status().code(),
            ErrorCode::kInvalidProductKey);
}

TEST(ProductKeyTest, OutOfRangeValueIsInvalidProductKey) {
  const StatusOr<ProductKey> parsed = ProductKey::Parse("99999-99999-99999-99999-99999");
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidProductKey);
  EXPECT_NE(parsed.status().message().find("out of range"), std::string_view::npos);
}

// Every single-character typo of ten keys: the checksum (and the version field) must catch all but
// a tiny fraction. The keys are fixed, so the count is deterministic.
TEST(ProductKeyTest, ChecksumCatchesSingleCharacterTypos) {
  int typos = 0, caught = 0;
  for (std::uint32_t serial = 0; serial < 10; ++serial) {
    const std::string text = ProductKey::Generate(2203, serial, SecretFrom('t')).text();
    for (size_t pos = 0; pos < text.size(); ++pos) {
      if (text[pos] == '-') continue;
      for (char c : kProductKeyAlphabet) {
        if (c == text[pos]) continue;
        std::string typo = text;
        typo[pos] = c;
        ++typos;
        if (!ProductKey::Parse(typo).ok()) ++caught;
      }
    }
  }
  EXPECT_EQ(typos, 10 * 25 * 23);
  EXPECT_GE(caught, typos - typos / 200) << "caught " << caught << " of " << typos;
}

TEST(ProductKeyTest, SwappedNeighboursAreCaught) {
  const std::string text = ProductKey::Generate(2201, 5, SecretFrom('w')).text();
  int swaps = 0, caught = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '-' || text[i + 1] == '-' || text[i] == text[i + 1]) continue;
    std::string swapped = text;
    std::swap(swapped[i], swapped[i + 1]);
    ++swaps;
    if (!ProductKey::Parse(swapped).ok()) ++caught;
  }
  EXPECT_EQ(caught, swaps);
}

TEST(ProductKeyTest, NormalizeKeepsLettersOutsideAlphabetForLiteralKeys) {
  const StatusOr<std::string> n = NormalizeKeyText("vdybn-27wpp-v4hqt-9vmd4-vmk7h");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, "VDYBN27WPPV4HQT9VMD4VMK7H");
  EXPECT_EQ(FormatKeyGroups(*n), "VDYBN-27WPP-V4HQT-9VMD4-VMK7H");
}

TEST(ProductKeyTest, SecretParsing) {
  EXPECT_TRUE(ParseKeyMacSecret(std::string(64, 'a')).ok());
  EXPECT_EQ(ParseKeyMacSecret("abc").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseKeyMacSecret(std::string(64, 'z')).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace licet
