// Licet's fixed-base multiplication (licet/core/ed25519_base.h) against libsodium's
// crypto_scalarmult_ed25519_base_noclamp, which it must agree with for every scalar below 2^255:
// random ones in batches of every size, the digits' extremes at every position (each table entry,
// both signs), the carries of the signed recoding, and the scalars next to the group order.
#include "licet/core/ed25519_base.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <random>
#include <vector>

namespace licet {
namespace {

using Bytes32 = std::array<std::uint8_t, 32>;

// libsodium's answer; the neutral point's encoding for a multiple of L (libsodium refuses those).
Bytes32 Libsodium(const Bytes32& scalar) {
  Bytes32 out{};
  if (crypto_scalarmult_ed25519_base_noclamp(out.data(), scalar.data()) != 0) {
    out = {};
    out[0] = 1;
  }
  return out;
}

Bytes32 Licet(const Bytes32& scalar) {
  std::array<Bytes32, 1> out{};
  Ed25519BaseMultiples(std::span(&scalar, 1), out);
  return out[0];
}

Bytes32 Random(std::mt19937_64& rng) {
  Bytes32 s{};
  for (std::uint8_t& b : s) b = static_cast<std::uint8_t>(rng());
  s[31] &= 0x7f;
  return s;
}

// L - 1 + delta, little-endian, for a small delta.
Bytes32 NearOrder(int delta) {
  Bytes32 s{0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
            0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
            0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  int carry = delta;
  for (std::uint8_t& b : s) {
    const int v = b + carry;
    b = static_cast<std::uint8_t>(v & 0xff);
    carry = v >> 8;  // arithmetic shift: borrows for a negative delta
  }
  return s;
}

TEST(Ed25519Base, AgreesWithLibsodiumOnRandomScalarsInEveryBatchSize) {
  ASSERT_GE(sodium_init(), 0);
  std::mt19937_64 rng(20261128);
  for (std::size_t size = 1; size <= kEd25519BaseBatchMax; size += (size < 8 ? 1 : 13)) {
    std::vector<Bytes32> scalars(size);
    for (Bytes32& s : scalars) s = Random(rng);
    std::vector<Bytes32> out(size);
    Ed25519BaseMultiples(scalars, out);
    for (std::size_t i = 0; i < size; ++i) {
      EXPECT_EQ(out[i], Libsodium(scalars[i])) << "batch of " << size << ", item " << i;
    }
  }
}

TEST(Ed25519Base, EveryTableEntryWithBothSigns) {
  ASSERT_GE(sodium_init(), 0);
  // A nibble j alone at position k is the digit j (j < 8) or j - 16 with a carry (j >= 8), so the
  // nibbles 1..15 at every position read every entry, once positive and once negative.
  for (std::size_t position = 0; position < 63; ++position) {
    std::vector<Bytes32> scalars;
    for (std::uint8_t nibble = 1; nibble < 16; ++nibble) {
      Bytes32 s{};
      s[position / 2] = static_cast<std::uint8_t>(position % 2 == 0 ? nibble : nibble << 4);
      scalars.push_back(s);
    }
    std::vector<Bytes32> out(scalars.size());
    Ed25519BaseMultiples(scalars, out);
    for (std::size_t i = 0; i < scalars.size(); ++i) {
      EXPECT_EQ(out[i], Libsodium(scalars[i])) << "position " << position << ", nibble " << i + 1;
    }
  }
}

TEST(Ed25519Base, EdgeScalars) {
  ASSERT_GE(sodium_init(), 0);
  std::vector<Bytes32> scalars;
  scalars.push_back(Bytes32{});  // zero: the neutral point
  Bytes32 one{};
  one[0] = 1;
  scalars.push_back(one);
  Bytes32 all_ones{};  // 2^255 - 1: a carry through every digit
  all_ones.fill(0xff);
  all_ones[31] = 0x7f;
  scalars.push_back(all_ones);
  Bytes32 eights{};  // every digit 8: the recoding's boundary
  eights.fill(0x88);
  eights[31] = 0x78;
  scalars.push_back(eights);
  for (int delta = -2; delta <= 2; ++delta) scalars.push_back(NearOrder(delta));  // L - 3 .. L + 1
  std::vector<Bytes32> out(scalars.size());
  Ed25519BaseMultiples(scalars, out);
  for (std::size_t i = 0; i < scalars.size(); ++i) {
    EXPECT_EQ(out[i], Libsodium(scalars[i])) << "edge scalar " << i;
    EXPECT_EQ(out[i], Licet(scalars[i])) << "edge scalar " << i << " alone";
  }
  Bytes32 neutral{};
  neutral[0] = 1;
  EXPECT_EQ(out[0], neutral);
  EXPECT_EQ(out[7], neutral);  // L
}

TEST(Ed25519Base, ScalarsOfSignatures) {
  // The signer's use: R of a signature with a chosen r, checked by libsodium's verification.
  ASSERT_GE(sodium_init(), 0);
  std::array<std::uint8_t, 32> pk{};
  std::array<std::uint8_t, 64> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  std::array<std::uint8_t, 64> az{};
  crypto_hash_sha512(az.data(), sk.data(), 32);
  az[0] &= 248;
  az[31] &= 127;
  az[31] |= 64;
  std::mt19937_64 rng(7);
  for (int n = 0; n < 50; ++n) {
    std::array<std::uint8_t, 64> wide{};
    for (std::uint8_t& b : wide) b = static_cast<std::uint8_t>(rng());
    Bytes32 r{};
    crypto_core_ed25519_scalar_reduce(r.data(), wide.data());
    const Bytes32 big_r = Licet(r);
    const std::vector<std::uint8_t> message(static_cast<std::size_t>(n), 0x5a);
    crypto_hash_sha512_state h;
    crypto_hash_sha512_init(&h);
    crypto_hash_sha512_update(&h, big_r.data(), 32);
    crypto_hash_sha512_update(&h, pk.data(), 32);
    crypto_hash_sha512_update(&h, message.data(), message.size());
    std::array<std::uint8_t, 64> hram{};
    crypto_hash_sha512_final(&h, hram.data());
    Bytes32 k{}, a{}, ka{};
    crypto_core_ed25519_scalar_reduce(k.data(), hram.data());
    std::array<std::uint8_t, 64> a_wide{};
    std::copy_n(az.begin(), 32, a_wide.begin());
    crypto_core_ed25519_scalar_reduce(a.data(), a_wide.data());
    crypto_core_ed25519_scalar_mul(ka.data(), k.data(), a.data());
    std::array<std::uint8_t, 64> sig{};
    std::copy(big_r.begin(), big_r.end(), sig.begin());
    crypto_core_ed25519_scalar_add(sig.data() + 32, r.data(), ka.data());
    EXPECT_EQ(crypto_sign_verify_detached(sig.data(), message.data(), message.size(), pk.data()), 0)
        << "signature " << n;
  }
}

}  // namespace
}  // namespace licet
