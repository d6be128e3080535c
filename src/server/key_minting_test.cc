#include "key_minting.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace licet::server {
namespace {

KeyMinter LabMinter() {
  KeyMacSecret secret;
  secret.bytes.fill(7);
  return KeyMinter(2203, secret);
}

// Large enough that minting and sorting run on several threads where the machine has them.
constexpr std::uint32_t kMany = 50'000;

TEST(KeyMintingTest, MintsEverySerialInOrderAsOneAtATimeWould) {
  const KeyMinter minter = LabMinter();
  const std::vector<MintedKey> keys = MintKeys(minter, 1000, kMany);
  ASSERT_EQ(keys.size(), kMany);
  for (std::uint32_t i = 0; i < kMany; i += 997) {  // spot checks across every slice
    EXPECT_EQ(keys[i].serial, 1000 + i);
    EXPECT_EQ(keys[i].text_view(), minter.Mint(1000 + i).text_view());
  }
  EXPECT_EQ(keys.back().text_view(), minter.Mint(1000 + kMany - 1).text_view());
}

TEST(KeyMintingTest, SortByTextKeepsEveryKeyAndOrdersThem) {
  std::vector<MintedKey> keys = MintKeys(LabMinter(), 1, kMany);
  std::set<std::uint32_t> serials;
  SortByText(keys);
  ASSERT_EQ(keys.size(), kMany);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    serials.insert(keys[i].serial);
    if (i > 0) {
      ASSERT_LT(keys[i - 1].text_view(), keys[i].text_view()) << "at " << i;
    }
  }
  EXPECT_EQ(serials.size(), kMany);
  EXPECT_EQ(*serials.begin(), 1u);
  EXPECT_EQ(*serials.rbegin(), kMany);
}

TEST(KeyMintingTest, SmallBatchesWork) {
  std::vector<MintedKey> keys = MintKeys(LabMinter(), 5, 3);
  SortByText(keys);
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a.text_view() < b.text_view();
  }));
  EXPECT_TRUE(MintKeys(LabMinter(), 5, 0).empty());
}

}  // namespace
}  // namespace licet::server
