// Licet's Ed25519 verification (internal/ed25519_verify.h) against RFC 8032's test vectors and
// against libsodium's crypto_sign_verify_detached, which it must agree with on every input:
// valid signatures of random messages, each with single bits flipped, and the edge cases a
// verifier gets wrong (s at and above the group order, small-order R and keys, non-canonical and
// undecodable keys).
#include "internal/ed25519_verify.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <random>
#include <string>
#include <vector>

namespace licet::core_internal {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes FromHex(const std::string& hex) {
  if (hex.empty()) return {};
  Bytes out(hex.size() / 2);
  EXPECT_EQ(
      sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, nullptr, nullptr), 0);
  return out;
}

bool Licet(const Bytes& sig, const Bytes& msg, const Bytes& pk) {
  return Ed25519Verify(std::span<const std::uint8_t, 64>(sig.data(), 64), msg,
                       std::span<const std::uint8_t, 32>(pk.data(), 32));
}

bool Sodium(const Bytes& sig, const Bytes& msg, const Bytes& pk) {
  return crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), pk.data()) == 0;
}

// Both verifiers on one input; returns what they said (when they agree).
bool Agreed(const Bytes& sig, const Bytes& msg, const Bytes& pk) {
  const bool ours = Licet(sig, msg, pk);
  EXPECT_EQ(ours, Sodium(sig, msg, pk)) << "signature " << testing::PrintToString(sig);
  return ours;
}

struct Signed {
  Bytes pk = Bytes(32);
  Bytes sig = Bytes(64);
  Bytes msg;
};

Signed SignRandom(std::mt19937_64& rng) {
  Signed s;
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
  for (auto& b : seed) b = static_cast<std::uint8_t>(rng());
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_seed_keypair(s.pk.data(), sk.data(), seed.data());
  s.msg.resize(rng() % 300);
  for (auto& b : s.msg) b = static_cast<std::uint8_t>(rng());
  crypto_sign_detached(s.sig.data(), nullptr, s.msg.data(), s.msg.size(), sk.data());
  return s;
}

// RFC 8032 section 7.1, tests 1, 2, 3 and "SHA(abc)".
TEST(Ed25519VerifyTest, Rfc8032Vectors) {
  struct Vector {
    const char* pk;
    const char* msg;
    const char* sig;
  };
  const Vector vectors[] = {
      {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf"
       "9b4"
       "6bd25bf5f0595bbe24655141438e7a100b"},
      {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f"
       "11d"
       "8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984"
       "dc6"
       "594a7c15e9716ed28dc027beceea1ec40a"},
      {"ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3f"
       "ee"
       "bbd454d4423643ce80e2a9ac94fa54ca49f",
       "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c6643"
       "1e0"
       "303dca179c138ac17ad9bef1177331a704"},
  };
  for (const Vector& v : vectors) {
    const Bytes pk = FromHex(v.pk);
    const Bytes msg = FromHex(v.msg);
    Bytes sig = FromHex(v.sig);
    EXPECT_TRUE(Agreed(sig, msg, pk)) << v.pk;
    sig[10] ^= 1;
    EXPECT_FALSE(Agreed(sig, msg, pk)) << v.pk;
  }
}

TEST(Ed25519VerifyTest, AgreesWithLibsodiumOnRandomSignaturesAndEveryKindOfFlippedBit) {
  std::mt19937_64 rng(20261127);
  int accepted = 0;
  for (int i = 0; i < 300; ++i) {
    Signed s = SignRandom(rng);
    if (Agreed(s.sig, s.msg, s.pk)) ++accepted;
    // One flipped bit in R, in s, in the key and in the message: refused by both.
    Bytes sig = s.sig;
    sig[rng() % 32] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    EXPECT_FALSE(Agreed(sig, s.msg, s.pk));
    sig = s.sig;
    sig[32 + rng() % 32] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    EXPECT_FALSE(Agreed(sig, s.msg, s.pk));
    Bytes pk = s.pk;
    pk[rng() % 32] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    EXPECT_FALSE(Agreed(s.sig, s.msg, pk));
    if (!s.msg.empty()) {
      Bytes msg = s.msg;
      msg[rng() % msg.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      EXPECT_FALSE(Agreed(s.sig, msg, s.pk));
    }
  }
  EXPECT_EQ(accepted, 300);
}

TEST(Ed25519VerifyTest, AgreesWithLibsodiumOnRandomBytes) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Bytes sig(64);
    Bytes pk(32);
    Bytes msg(rng() % 64);
    for (auto* v : {&sig, &pk, &msg}) {
      for (auto& b : *v) b = static_cast<std::uint8_t>(rng());
    }
    if (i % 2 == 0) sig[63] &= 0x0f;  // s below 2^252: past the order check, to the arithmetic
    EXPECT_FALSE(Agreed(sig, msg, pk));
  }
}

// s = L + s' signs the same as s' mathematically; both verifiers must refuse it (malleability),
// and accept s' itself.
TEST(Ed25519VerifyTest, RefusesScalarsAtOrAboveTheGroupOrder) {
  std::mt19937_64 rng(11);
  const Bytes order = FromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  for (int i = 0; i < 50; ++i) {
    Signed s = SignRandom(rng);
    ASSERT_TRUE(Agreed(s.sig, s.msg, s.pk));
    Bytes sig = s.sig;
    unsigned carry = 0;
    for (std::size_t j = 0; j < 32; ++j) {
      const unsigned sum = sig[32 + j] + order[j] + carry;
      sig[32 + j] = static_cast<std::uint8_t>(sum);
      carry = sum >> 8;
    }
    ASSERT_EQ(carry, 0u);  // s + L < 2^254
    EXPECT_FALSE(Agreed(sig, s.msg, s.pk));
  }
  Bytes sig(64, 0);
  std::copy(order.begin(), order.end(), sig.begin() + 32);  // s = L exactly
  sig[0] = 0x58;  // R = some valid point encoding's first byte; refused before it matters
  EXPECT_FALSE(Agreed(sig, Bytes{},
                      FromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af0"
                              "21a68f707511a")));
}

// Small-order R and public keys, with and without the sign bit, non-canonical keys (y >= p) and
// keys whose y has no x.
TEST(Ed25519VerifyTest, AgreesWithLibsodiumOnSmallOrderAndNonCanonicalEncodings) {
  std::vector<Bytes> encodings = {
      FromHex("0000000000000000000000000000000000000000000000000000000000000000"),
      FromHex("0100000000000000000000000000000000000000000000000000000000000000"),
      FromHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
      FromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
      FromHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      FromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      FromHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      FromHex("efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      FromHex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      FromHex("0200000000000000000000000000000000000000000000000000000000000000"),
  };
  for (std::size_t i = 0, n = encodings.size(); i < n; ++i) {
    Bytes with_sign = encodings[i];
    with_sign[31] ^= 0x80;
    encodings.push_back(with_sign);
  }
  std::mt19937_64 rng(3);
  const Signed s = SignRandom(rng);
  for (const Bytes& e : encodings) {
    EXPECT_FALSE(Agreed(s.sig, s.msg, e));  // as the public key
    Bytes sig = s.sig;
    std::copy(e.begin(), e.end(), sig.begin());
    EXPECT_FALSE(Agreed(sig, s.msg, s.pk));  // as R
  }
}

}  // namespace
}  // namespace licet::core_internal
