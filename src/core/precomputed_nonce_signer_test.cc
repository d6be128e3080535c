#include "licet/core/precomputed_nonce_signer.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "licet/core/catalog_signature.h"
#include "licet/core/license_token.h"

namespace licet {
namespace {

bool Verifies(const std::array<std::uint8_t, 64>& sig, std::string_view message,
              const std::array<std::uint8_t, 32>& public_key) {
  return crypto_sign_verify_detached(sig.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

std::string RandomMessage(std::size_t size) {
  std::string m(size, '\0');
  randombytes_buf(m.data(), m.size());
  return m;
}

TEST(PrecomputedNonceSignerTest, SignaturesFromThePoolVerifyAsEd25519) {
  const SigningKey key = SigningKey::Generate("test");
  PrecomputedNonceSigner signer(key.secret_key, 64);
  signer.WaitUntilFull();
  for (std::size_t i = 0; i < 200; ++i) {
    const std::string message = RandomMessage(i * 11);
    const std::array<std::uint8_t, 64> sig = signer.Sign(message);
    ASSERT_TRUE(Verifies(sig, message, key.public_key)) << "message of " << message.size();
    std::string altered = message + "x";
    EXPECT_FALSE(Verifies(sig, altered, key.public_key));
    std::array<std::uint8_t, 64> flipped = sig;
    flipped[40] ^= 0x04;  // a bit of S
    EXPECT_FALSE(Verifies(flipped, message, key.public_key));
  }
  EXPECT_GE(signer.precomputed_signatures(), 64u);  // at least the full pool it started with
  EXPECT_EQ(signer.precomputed_signatures() + signer.inline_signatures(), 200u);
}

TEST(PrecomputedNonceSignerTest, AFullPoolSignsEveryOneOfItsPairsThenRefills) {
  const SigningKey key = SigningKey::Generate("test");
  PrecomputedNonceSigner signer(key.secret_key, 16);
  signer.WaitUntilFull();
  for (int i = 0; i < 16; ++i) (void)signer.Sign("m");
  EXPECT_EQ(signer.precomputed_signatures(), 16u);
  EXPECT_EQ(signer.inline_signatures(), 0u);
  signer.WaitUntilFull();  // woken at half, the filler made the pool whole again
  for (int i = 0; i < 16; ++i) (void)signer.Sign("m");
  EXPECT_EQ(signer.precomputed_signatures(), 32u);
  EXPECT_EQ(signer.inline_signatures(), 0u);
}

TEST(PrecomputedNonceSignerTest, TwoSignaturesOfOneMessageUseTwoNonces) {
  const SigningKey key = SigningKey::Generate("test");
  PrecomputedNonceSigner signer(key.secret_key, 8);
  signer.WaitUntilFull();
  const std::array<std::uint8_t, 64> a = signer.Sign("the same message");
  const std::array<std::uint8_t, 64> b = signer.Sign("the same message");
  EXPECT_NE(a, b);
  EXPECT_TRUE(Verifies(a, "the same message", key.public_key));
  EXPECT_TRUE(Verifies(b, "the same message", key.public_key));
}

TEST(PrecomputedNonceSignerTest, WithoutAPoolItSignsAsLibsodiumDoes) {
  const SigningKey key = SigningKey::Generate("test");
  PrecomputedNonceSigner signer(key.secret_key, 0);
  const std::string message = RandomMessage(900);
  std::array<std::uint8_t, 64> expected{};
  crypto_sign_detached(expected.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       key.secret_key.data());
  EXPECT_EQ(signer.Sign(message), expected);
  EXPECT_EQ(signer.inline_signatures(), 1u);
  EXPECT_EQ(signer.precomputed_signatures(), 0u);
}

TEST(PrecomputedNonceSignerTest, ASignatureThatFindsNoPairMakesABatchAndPoolsTheRest) {
  const SigningKey key = SigningKey::Generate("test");
  PrecomputedNonceSigner signer(key.secret_key, 8, /*background=*/false);  // only signatures fill
  constexpr std::size_t kBatch = PrecomputedNonceSigner::kInlineBatch;
  std::set<std::string> points;
  for (std::size_t i = 0; i < 3 * kBatch; ++i) {
    const std::string message = RandomMessage(300);
    const std::array<std::uint8_t, 64> sig = signer.Sign(message);
    ASSERT_TRUE(Verifies(sig, message, key.public_key)) << i;
    points.insert(std::string(sig.begin(), sig.begin() + 32));
    // Every kInlineBatch-th signature found the pool empty and made the pairs of the next ones.
    EXPECT_EQ(signer.inline_signatures(), i / kBatch + 1) << i;
    EXPECT_EQ(signer.precomputed_signatures(), i + 1 - (i / kBatch + 1)) << i;
  }
  EXPECT_EQ(points.size(), 3 * kBatch);  // no nonce used twice
}

std::string MessageOf(std::size_t thread, std::size_t i) {
  return "message " + std::to_string(thread) + "/" + std::to_string(i);
}

TEST(PrecomputedNonceSignerTest, ManyThreadsNeverShareANonce) {
  const SigningKey key = SigningKey::Generate("test");
  PrecomputedNonceSigner signer(key.secret_key, 32);
  constexpr std::size_t kThreads = 8;
  constexpr std::size_t kEach = 300;
  std::vector<std::vector<std::array<std::uint8_t, 64>>> sigs(kThreads);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < kEach; ++i) sigs[t].push_back(signer.Sign(MessageOf(t, i)));
    });
  }
  for (std::thread& t : threads) t.join();
  // R, the nonce's point: a repeat over two messages would reveal the key. (Signatures that find
  // no pair ready make their own, hedged the same way as the pool's.)
  std::set<std::string> points;
  for (std::size_t t = 0; t < kThreads; ++t) {
    for (std::size_t i = 0; i < kEach; ++i) {
      const std::array<std::uint8_t, 64>& sig = sigs[t][i];
      ASSERT_TRUE(Verifies(sig, MessageOf(t, i), key.public_key));
      points.insert(std::string(sig.begin(), sig.begin() + 32));
    }
  }
  EXPECT_EQ(points.size(), kThreads * kEach);
  EXPECT_EQ(signer.precomputed_signatures() + signer.inline_signatures(),
            std::uint64_t{kThreads * kEach});
}

TEST(PrecomputedNonceSignerTest, ItsLicenseTokensVerifyWithTheVendorKey) {
  const SigningKey key = SigningKey::Generate("vendor-2026");
  PrecomputedNonceSigner signer(key.secret_key, 4);
  signer.WaitUntilFull();
  const LicenseClaims claims{.issuer_key_id = key.key_id,
                             .product_id = "p",
                             .cmid = "c",
                             .activation_id = "a",
                             .edition = "ServerStandard",
                             .channel = "Volume:MAK",
                             .hardware_id = "h",
                             .partial_key = "XXXXX",
                             .method = "online",
                             .nonce = "n",
                             .issued_at = TimePoint{},
                             .expires_at = std::nullopt,
                             .renew_after = std::nullopt};
  const std::string token = IssueLicenseToken(claims, key, signer);
  EXPECT_EQ(signer.precomputed_signatures(), 1u);
  StatusOr<LicenseClaims> verified = VerifyLicenseToken(token, key.public_key);
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_EQ(verified->edition, "ServerStandard");
  EXPECT_EQ(verified->nonce, "n");
  const SigningKey other = SigningKey::Generate("other");
  EXPECT_FALSE(VerifyLicenseToken(token, other.public_key).ok());
}

}  // namespace
}  // namespace licet
