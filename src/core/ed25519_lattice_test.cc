// ShortenChallenge (internal/ed25519_lattice.h): for random challenges and the edge ones, c and d
// satisfy c == h·d (mod 8L) and d is odd, and for the random ones both are about 2^128 (what makes
// the verification faster). The congruence is checked with plain schoolbook arithmetic, independent
// of the code.
#include "internal/ed25519_lattice.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace licet::core_internal {
namespace {

using Bytes32 = std::array<std::uint8_t, 32>;
using Big = std::vector<std::uint32_t>;  // little-endian 32-bit words

Big FromBytes(const Bytes32& b) {
  Big out(8, 0);
  for (std::size_t i = 0; i < 32; ++i) out[i / 4] |= std::uint32_t{b[i]} << (8 * (i % 4));
  return out;
}

Big Multiply(const Big& a, const Big& b) {
  Big out(a.size() + b.size(), 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::uint64_t carry = 0;
    for (std::size_t j = 0; j < b.size(); ++j) {
      const std::uint64_t t = std::uint64_t{a[i]} * b[j] + out[i + j] + carry;
      out[i + j] = static_cast<std::uint32_t>(t);
      carry = t >> 32;
    }
    out[i + b.size()] = static_cast<std::uint32_t>(carry);
  }
  return out;
}

int Compare(const Big& a, const Big& b) {  // same sizes
  for (std::size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

void SubtractFrom(Big& a, const Big& b) {  // a -= b, b <= a, same sizes
  std::int64_t borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::int64_t d = std::int64_t{a[i]} - b[i] - borrow;
    a[i] = static_cast<std::uint32_t>(d);
    borrow = d < 0 ? 1 : 0;
  }
}

Big ShiftedLeft(const Big& a, int bits) {
  Big out(a.size(), 0);
  for (std::size_t i = 0; i < a.size() * 32; ++i) {
    const std::size_t to = i + static_cast<std::size_t>(bits);
    if (to < out.size() * 32 && ((a[i / 32] >> (i % 32)) & 1) != 0) out[to / 32] |= 1u << (to % 32);
  }
  return out;
}

// a mod m by shifted subtractions (a below 2^512, m below 2^256).
Big Mod(Big a, const Big& m) {
  a.resize(17, 0);
  Big wide_m = m;
  wide_m.resize(a.size(), 0);
  for (int shift = 256; shift >= 0; --shift) {
    const Big s = ShiftedLeft(wide_m, shift);
    if (Compare(a, s) >= 0) SubtractFrom(a, s);
  }
  a.resize(8);
  return a;
}

const Bytes32 kEightL = {0x68, 0x9f, 0xae, 0xe7, 0xd2, 0x18, 0x93, 0xc0, 0xb2, 0xe6, 0xbc,
                         0x17, 0xf5, 0xce, 0xf7, 0xa6, 0,    0,    0,    0,    0,    0,
                         0,    0,    0,    0,    0,    0,    0,    0,    0,    0x80};

// c == h·d (mod 8L), c taken with its sign.
bool Congruent(const Bytes32& h, const HalfSizeScalars& s) {
  const Big m = FromBytes(kEightL);
  const Big hd = Mod(Multiply(FromBytes(h), FromBytes(s.d)), m);
  Big c = Mod(Multiply(FromBytes(s.c_magnitude), Big{1}), m);
  if (s.c_negative && c != Big(8, 0)) {
    Big negated = m;
    SubtractFrom(negated, c);
    c = negated;
  }
  return hd == c;
}

void ExpectGood(const Bytes32& h, int max_bits) {
  const HalfSizeScalars s = ShortenChallenge(h);
  EXPECT_TRUE(Congruent(h, s));
  EXPECT_EQ(s.d[0] & 1, 1);
  EXPECT_LE(BitLength(s.d), max_bits);
  EXPECT_LE(BitLength(s.c_magnitude), max_bits);
}

TEST(Ed25519LatticeTest, RandomChallengesGiveHalfSizeScalars) {
  std::mt19937_64 rng(128);
  for (int i = 0; i < 2000; ++i) {
    Bytes32 h{};
    for (auto& b : h) b = static_cast<std::uint8_t>(rng());
    h[31] &= 0x0f;  // below 2^252 < L, as a reduced challenge
    SCOPED_TRACE(i);
    ExpectGood(h, 140);
  }
}

TEST(Ed25519LatticeTest, EdgeChallenges) {
  Bytes32 h{};
  ExpectGood(h, 1);  // 0: c = 0, d = 1
  h[0] = 1;
  ExpectGood(h, 1);
  h[0] = 2;  // even: the first row's d is 1 and short already
  ExpectGood(h, 2);
  Bytes32 big{};
  const Bytes32 order_minus_one = {0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                   0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                   0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  // L - 1 == -1 (mod L) has only even-d short vectors mod 8L ((-8, 8)): the first form, c = h
  // and d = 1, slower but right. A hash lands on such a challenge with negligible probability.
  big = order_minus_one;
  ExpectGood(big, 253);
  EXPECT_EQ(ShortenChallenge(big).c_magnitude, big);
  Bytes32 power{};  // 2^128 and 2^128 + 1: remainders that stop the algorithm at once
  power[16] = 1;
  ExpectGood(power, 140);
  power[0] = 1;
  ExpectGood(power, 140);
}

}  // namespace
}  // namespace licet::core_internal
