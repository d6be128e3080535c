#include "licet/core/phone_activation.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

namespace licet::phone {
namespace {

const InstallationIdFields kIid{
    .key_group = 2201, .key_serial = 123456789, .hardware_hash = 0xabcdef, .key_proof = 0x54321};

std::string Digits(std::string_view grouped) {
  std::string out;
  for (const char c : grouped)
    if (c != '-') out += c;
  return out;
}

TEST(Damm, CatchesEverySingleDigitErrorAndAdjacentSwap) {
  const std::string base = "0112345";
  const int check = DammCheckDigit(base);
  for (std::size_t i = 0; i < base.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == base[i]) continue;
      std::string typo = base;
      typo[i] = d;
      EXPECT_NE(DammCheckDigit(typo), check) << typo;
    }
    if (i + 1 < base.size() && base[i] != base[i + 1]) {
      std::string swapped = base;
      std::swap(swapped[i], swapped[i + 1]);
      EXPECT_NE(DammCheckDigit(swapped), check) << swapped;
    }
  }
}

TEST(InstallationId, RoundTripsAtTheFieldLimitsInSixGroupsOfSix) {
  for (const InstallationIdFields& f :
       {kIid,
        InstallationIdFields{.key_group = 0xfffff,
        .key_serial = 0x3fffffff,
        .hardware_hash = 0xffffff,
        .key_proof = 0xfffff},
        InstallationIdFields{
            .key_group = 0, .key_serial = 0, .hardware_hash = 0, .key_proof = 0, .version = 1}}) {
    const std::string text = FormatInstallationId(f);
    EXPECT_EQ(text.size(), 6u * 6u + 5u) << text;
    StatusOr<InstallationIdFields> back = ParseInstallationId(text);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, f);
    // Spaces, or no separators at all, are accepted too.
    EXPECT_TRUE(ParseInstallationId(Digits(text)).ok());
  }
}

TEST(InstallationId, TheKeyProofNeedsTheWholeKeyAndTheMachine) {
  const std::string key = "C47P6-RB696-DTMX3-BB8BX-M9XR9";
  const std::uint32_t proof = KeyProof(key, 0xabcdef);
  EXPECT_LE(proof, 0xfffffu);
  EXPECT_EQ(KeyProof(key, 0xabcdef), proof) << "deterministic: the same IID for the same machine";
  EXPECT_NE(KeyProof(key, 0xabcdee), proof) << "another machine";
  EXPECT_NE(KeyProof("C47P6-RB696-DTMX3-BB8BX-M9XR8", 0xabcdef), proof) << "another MAC";
  // Spread over all 20 bits: 1000 machines give (almost) 1000 different proofs.
  std::set<std::uint32_t> proofs;
  for (std::uint32_t hw = 0; hw < 1000; ++hw) proofs.insert(KeyProof(key, hw));
  EXPECT_GT(proofs.size(), 990u);
  EXPECT_EQ(kIid.version, 2u) << "new IIDs are version 2";
}

TEST(InstallationId, ATypoInAnyGroupIsCaughtAndNamed) {
  const std::string text = FormatInstallationId(kIid);
  for (int group = 1; group <= kIidGroups; ++group) {
    std::string typo = text;
    const std::size_t at = static_cast<std::size_t>((group - 1) * 7 + 2);
    typo[at] = typo[at] == '9' ? '0' : static_cast<char>(typo[at] + 1);
    const Status s = ParseInstallationId(typo).status();
    EXPECT_EQ(s.code(), ErrorCode::kCidInvalidCheckDigits) << typo;
    EXPECT_NE(s.message().find(fmt::format("group {}", group)), std::string_view::npos)
        << s.message();
  }
  // Two whole groups swapped: each group's check digit covers its position.
  std::string swapped = text;
  std::swap_ranges(swapped.begin(), swapped.begin() + 6, swapped.begin() + 7);
  EXPECT_EQ(ParseInstallationId(swapped).status().code(), ErrorCode::kCidInvalidCheckDigits);
  EXPECT_EQ(ParseInstallationId("12345").status().code(), ErrorCode::kCidIidInvalidData);
  EXPECT_EQ(ParseInstallationId(text + "1").status().code(), ErrorCode::kCidIidInvalidData);
  EXPECT_EQ(ParseInstallationId("x" + text.substr(1)).status().code(),
            ErrorCode::kCidIidInvalidData);
}

TEST(ConfirmationId, SignedByTheVendorVerifiesForItsIidOnly) {
  StatusOr<PhoneKey> key = PhoneKey::Derive("test seed");
  ASSERT_TRUE(key.ok()) << key.status().message();
  StatusOr<std::string> cid = SignConfirmationId(kIid, "windows-server-2022", *key);
  ASSERT_TRUE(cid.ok()) << cid.status().message();
  EXPECT_EQ(cid->size(), 15u * 6u + 14u) << *cid;
  StatusOr<std::vector<std::uint8_t>> parsed = ParseConfirmationId(*cid);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(VerifyConfirmationId(*parsed, kIid, "windows-server-2022", key->public_key).ok());
  // Deterministic: the same IID always gets the same CID.
  EXPECT_EQ(*SignConfirmationId(kIid, "windows-server-2022", *key), *cid);
  // Another IID, another product, another vendor key: refused.
  InstallationIdFields other = kIid;
  other.hardware_hash ^= 1;
  EXPECT_EQ(VerifyConfirmationId(*parsed, other, "windows-server-2022", key->public_key).code(),
            ErrorCode::kCidIidMismatch);
  EXPECT_EQ(VerifyConfirmationId(*parsed, kIid, "acme-studio", key->public_key).code(),
            ErrorCode::kCidIidMismatch);
  StatusOr<PhoneKey> impostor = PhoneKey::Generate();
  ASSERT_TRUE(impostor.ok());
  EXPECT_EQ(VerifyConfirmationId(*parsed, kIid, "windows-server-2022", impostor->public_key).code(),
            ErrorCode::kCidIidMismatch);
}

// A malformed phone key in the catalog is named as such, whatever the CID it is checked with.
TEST(ConfirmationId, AMalformedPublicKeyIsBlamedBeforeTheCid) {
  StatusOr<PhoneKey> key = PhoneKey::Derive("test seed");
  ASSERT_TRUE(key.ok());
  StatusOr<std::vector<std::uint8_t>> cid =
      ParseConfirmationId(*SignConfirmationId(kIid, "windows-server-2022", *key));
  ASSERT_TRUE(cid.ok());
  std::array<std::uint8_t, 21> malformed = key->public_key;
  malformed[0] = 0x04;  // not a compressed point
  std::vector<std::uint8_t> response_too_large = *cid;
  std::fill(response_too_large.begin() + 10, response_too_large.end(), 0xff);  // s >= n
  for (const std::vector<std::uint8_t>& c : {*cid, response_too_large}) {
    EXPECT_EQ(VerifyConfirmationId(c, kIid, "windows-server-2022", malformed).code(),
              ErrorCode::kCidIidInvalidData);
  }
  EXPECT_EQ(
      VerifyConfirmationId(response_too_large, kIid, "windows-server-2022", key->public_key).code(),
      ErrorCode::kCidIidMismatch);
}

TEST(ConfirmationId, RandomDigitsWithValidCheckDigitsNeverVerify) {
  StatusOr<PhoneKey> key = PhoneKey::Derive("test seed");
  ASSERT_TRUE(key.ok());
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::string text;
    for (int g = 1; g <= kCidGroups; ++g) {
      std::string data;
      // The first group starts with 000: below 10^72 < 2^240, so every trial reaches the
      // signature check instead of the range check.
      for (int d = 0; d < 5; ++d)
        data += g == 1 && d < 3 ? '0' : static_cast<char>('0' + rng() % 10);
      text += data;
      text += static_cast<char>('0' + DammCheckDigit(fmt::format("{:02}{}", g, data)));
    }
    StatusOr<std::vector<std::uint8_t>> parsed = ParseConfirmationId(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(VerifyConfirmationId(*parsed, kIid, "windows-server-2022", key->public_key).code(),
              ErrorCode::kCidIidMismatch);
  }
}

// 75 data digits with their check digits, in groups (as ParseConfirmationId reads them).
std::string WithCheckDigits(const std::string& digits) {
  std::string text;
  for (int g = 1; g <= kCidGroups; ++g) {
    const std::string data = digits.substr(static_cast<std::size_t>(g - 1) * 5, 5);
    text += data;
    text += static_cast<char>('0' + DammCheckDigit(fmt::format("{:02}{}", g, data)));
  }
  return text;
}

// The number is a 240-bit signature: 2^240 - 1 reads back as thirty bytes of 0xff, 2^240 is out
// of range.
TEST(ConfirmationId, TheNumberIsCheckedAgainstItsRange) {
  const StatusOr<std::vector<std::uint8_t>> largest = ParseConfirmationId(WithCheckDigits(
      "001766847064778384329583297500742918515827483896875618958121606201292619775"));
  ASSERT_TRUE(largest.ok()) << largest.status().message();
  EXPECT_EQ(*largest, std::vector<std::uint8_t>(30, 0xff));
  const StatusOr<std::vector<std::uint8_t>> one = ParseConfirmationId(WithCheckDigits(
      "000000000000000000000000000000000000000000000000000000000000000000000000001"));
  ASSERT_TRUE(one.ok());
  std::vector<std::uint8_t> expected(30, 0);
  expected.back() = 1;
  EXPECT_EQ(*one, expected);
  const Status past =
      ParseConfirmationId(
          WithCheckDigits(
              "001766847064778384329583297500742918515827483896875618958121606201292619776"))
          .status();
  EXPECT_EQ(past.code(), ErrorCode::kCidIidInvalidData) << past.message();
  EXPECT_NE(past.message().find("out of range"), std::string_view::npos) << past.message();
}

TEST(ConfirmationId, ATypoIsNamedByGroupBeforeAnySignatureCheck) {
  StatusOr<PhoneKey> key = PhoneKey::Derive("test seed");
  ASSERT_TRUE(key.ok());
  const std::string cid = *SignConfirmationId(kIid, "windows-server-2022", *key);
  std::string typo = cid;
  typo[7 * 9 + 1] = typo[7 * 9 + 1] == '5' ? '6' : '5';  // group 10
  const Status s = ParseConfirmationId(typo).status();
  EXPECT_EQ(s.code(), ErrorCode::kCidInvalidCheckDigits);
  EXPECT_NE(s.message().find("group 10"), std::string_view::npos) << s.message();
  EXPECT_TRUE(CheckGroup(cid.substr(0, 6), 1).ok());
  EXPECT_EQ(CheckGroup(cid.substr(0, 6), 2).code(), ErrorCode::kCidInvalidCheckDigits);
}

TEST(PhoneKey, DerivationIsStableAndKeysDiffer) {
  EXPECT_EQ(PhoneKey::Derive("a")->public_key, PhoneKey::Derive("a")->public_key);
  EXPECT_NE(PhoneKey::Derive("a")->public_key, PhoneKey::Derive("b")->public_key);
  std::set<std::array<std::uint8_t, 21>> seen;
  for (int i = 0; i < 5; ++i) seen.insert(PhoneKey::Generate()->public_key);
  EXPECT_EQ(seen.size(), 5u);
}

}  // namespace
}  // namespace licet::phone
