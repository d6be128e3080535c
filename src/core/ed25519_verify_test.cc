// Licet's Ed25519 verification (internal/ed25519_verify.h) against RFC 8032's test vectors and
// against libsodium's crypto_sign_verify_detached, which it must agree with on every input:
// valid signatures of random messages, each with single bits flipped, and the edge cases a
// verifier gets wrong (s at and above the group order, small-order R and keys, non-canonical and
// undecodable keys). A verification hint (the points' x coordinates) never changes a result,
// whether right, wrong or another signature's.
#include "internal/ed25519_verify.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <optional>
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

bool LicetHinted(const Bytes& sig, const Bytes& msg, const Bytes& pk, const Ed25519Hint& hint) {
  return Ed25519Verify(std::span<const std::uint8_t, 64>(sig.data(), 64), msg,
                       std::span<const std::uint8_t, 32>(pk.data(), 32), &hint);
}

std::optional<Ed25519Hint> HintFor(const Bytes& sig, const Bytes& pk) {
  return Ed25519HintFor(std::span<const std::uint8_t, 64>(sig.data(), 64),
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

// The hint of each valid signature verifies it, and its own hint is refused with every kind of
// flipped bit, as without one.
TEST(Ed25519VerifyTest, HintedVerificationAgreesWithLibsodium) {
  std::mt19937_64 rng(20261128);
  for (int i = 0; i < 200; ++i) {
    const Signed s = SignRandom(rng);
    const std::optional<Ed25519Hint> hint = HintFor(s.sig, s.pk);
    ASSERT_TRUE(hint.has_value());
    EXPECT_TRUE(LicetHinted(s.sig, s.msg, s.pk, *hint));
    Bytes sig = s.sig;
    sig[rng() % 64] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    EXPECT_EQ(LicetHinted(sig, s.msg, s.pk, *hint), Sodium(sig, s.msg, s.pk));
    Bytes pk = s.pk;
    pk[rng() % 32] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    EXPECT_EQ(LicetHinted(s.sig, s.msg, pk, *hint), Sodium(s.sig, s.msg, pk));
    if (!s.msg.empty()) {
      Bytes msg = s.msg;
      msg[rng() % msg.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      EXPECT_FALSE(LicetHinted(s.sig, msg, s.pk, *hint));
    }
  }
}

// Wrong hints: random bytes, a flipped bit, x's negation (p - x), x + p (not canonical), another
// signature's; a valid signature still verifies and an altered one is still refused.
TEST(Ed25519VerifyTest, WrongHintsChangeNothing) {
  std::mt19937_64 rng(5);
  const Bytes p = FromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  const auto negated = [&](const std::uint8_t* x) {  // p - x, for 0 < x < p
    std::array<std::uint8_t, 32> out{};
    int borrow = 0;
    for (std::size_t j = 0; j < 32; ++j) {
      const int d = p[j] - x[j] - borrow;
      out[j] = static_cast<std::uint8_t>(d);
      borrow = d < 0 ? 1 : 0;
    }
    return out;
  };
  const auto plus_p = [&](const std::uint8_t* x) {  // x + p: at or above 2^255 for x >= 19
    std::array<std::uint8_t, 32> out{};
    unsigned carry = 0;
    for (std::size_t j = 0; j < 32; ++j) {
      const unsigned sum = p[j] + x[j] + carry;
      out[j] = static_cast<std::uint8_t>(sum);
      carry = sum >> 8;
    }
    return out;
  };
  const Signed other = SignRandom(rng);
  const Ed25519Hint other_hint = *HintFor(other.sig, other.pk);
  for (int i = 0; i < 100; ++i) {
    const Signed s = SignRandom(rng);
    const Ed25519Hint right = *HintFor(s.sig, s.pk);
    std::vector<Ed25519Hint> wrong(6, right);
    for (auto& b : wrong[0]) b = static_cast<std::uint8_t>(rng());
    wrong[1][rng() % 64] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    const auto neg_a = negated(right.data());
    std::copy(neg_a.begin(), neg_a.end(), wrong[2].begin());
    const auto neg_r = negated(right.data() + 32);
    std::copy(neg_r.begin(), neg_r.end(), wrong[3].begin() + 32);
    const auto big_r = plus_p(right.data() + 32);
    std::copy(big_r.begin(), big_r.end(), wrong[4].begin() + 32);
    wrong[5] = other_hint;
    Bytes altered = s.sig;
    altered[32 + rng() % 32] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    for (const Ed25519Hint& hint : wrong) {
      EXPECT_TRUE(LicetHinted(s.sig, s.msg, s.pk, hint));
      EXPECT_FALSE(LicetHinted(altered, s.msg, s.pk, hint));
    }
  }
}

// A hint cannot make an undecodable or small-order R or key pass: the hint of a real signature
// given with such encodings in its place.
TEST(Ed25519VerifyTest, HintsDoNotRescueBadEncodings) {
  std::mt19937_64 rng(9);
  const Signed s = SignRandom(rng);
  const Ed25519Hint hint = *HintFor(s.sig, s.pk);
  for (const char* hex : {"0200000000000000000000000000000000000000000000000000000000000000",
                          "0100000000000000000000000000000000000000000000000000000000000080",
                          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"}) {
    const Bytes e = FromHex(hex);
    Bytes sig = s.sig;
    std::copy(e.begin(), e.end(), sig.begin());
    EXPECT_FALSE(LicetHinted(sig, s.msg, s.pk, hint)) << hex;
    EXPECT_FALSE(LicetHinted(s.sig, s.msg, e, hint)) << hex;
    EXPECT_FALSE(HintFor(sig, s.pk).has_value() &&
                 LicetHinted(sig, s.msg, s.pk, *HintFor(sig, s.pk)));
  }
}

// Keys and R with a small-order part (A' = A + T, R = [r]B + [k]T for T of order 8), which a
// verification that multiplies the check by some d could judge differently: signatures made valid
// for the cofactorless check ((h + k)·T == 0) and the same ones with a k that makes them invalid.
// libsodium accepts exactly the first; so must Licet (internal/ed25519_lattice.h: mod 8L, d odd).
TEST(Ed25519VerifyTest, AgreesWithLibsodiumOnMixedOrderKeysAndR) {
  const Bytes torsion = FromHex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
  std::vector<Bytes> multiples = {FromHex(
      "0100000000000000000000000000000000000000000000000000000000000000")};  // [k]T, k = 0..7
  for (int k = 1; k < 8; ++k) {
    Bytes next(32);
    ASSERT_EQ(crypto_core_ed25519_add(next.data(), multiples.back().data(), torsion.data()), 0);
    multiples.push_back(next);
  }
  std::mt19937_64 rng(8);
  int valid = 0;
  int invalid = 0;
  for (int attempt = 0; attempt < 400 && (valid < 20 || invalid < 20); ++attempt) {
    Bytes a(32);  // the secret scalar, A = [a]B, A' = A + T
    crypto_core_ed25519_scalar_random(a.data());
    Bytes pk(32);
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(pk.data(), a.data()), 0);
    ASSERT_EQ(crypto_core_ed25519_add(pk.data(), pk.data(), torsion.data()), 0);
    Bytes r(32);
    crypto_core_ed25519_scalar_random(r.data());
    Bytes r_point(32);
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(r_point.data(), r.data()), 0);
    Bytes msg(static_cast<std::size_t>(rng() % 100));
    for (auto& b : msg) b = static_cast<std::uint8_t>(rng());
    const int k = static_cast<int>(rng() % 8);
    Bytes sig(64);
    if (k == 0) continue;  // R = [r]B + 0: no small-order part
    ASSERT_EQ(crypto_core_ed25519_add(sig.data(), r_point.data(),
                                      multiples[static_cast<std::size_t>(k)].data()),
              0);
    // h = SHA-512(R || A' || M) mod L; s = r + h·a (mod L), so [s]B = R + [h]A' - (h + k)·T.
    crypto_hash_sha512_state state;
    crypto_hash_sha512_init(&state);
    crypto_hash_sha512_update(&state, sig.data(), 32);
    crypto_hash_sha512_update(&state, pk.data(), 32);
    crypto_hash_sha512_update(&state, msg.data(), msg.size());
    std::uint8_t digest[64];
    crypto_hash_sha512_final(&state, digest);
    Bytes h(32);
    crypto_core_ed25519_scalar_reduce(h.data(), digest);
    Bytes ha(32);
    crypto_core_ed25519_scalar_mul(ha.data(), h.data(), a.data());
    crypto_core_ed25519_scalar_add(sig.data() + 32, r.data(), ha.data());
    const bool should_hold = (h[0] + k) % 8 == 0;
    EXPECT_EQ(Agreed(sig, msg, pk), should_hold) << "k " << k;
    (should_hold ? valid : invalid) += 1;
  }
  EXPECT_GE(valid, 20);
  EXPECT_GE(invalid, 20);
}

}  // namespace
}  // namespace licet::core_internal
