// Our brainpoolP160r1 arithmetic against OpenSSL's, which it replaces for verification: the same
// s·G + e·P for random and edge-case scalars and points, the same verdict on encodings.
#include "internal/brainpool_p160.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <memory>
#include <random>
#include <vector>

namespace licet::core_internal::brainpool_p160 {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct OpenSslCurve {
  std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group{
      EC_GROUP_new_by_curve_name(NID_brainpoolP160r1), &EC_GROUP_free};
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx{BN_CTX_new(), &BN_CTX_free};

  using Bn = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
  using Point = std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)>;

  Bn Number(const Bytes& big_endian) const {
    return Bn(BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), nullptr), &BN_free);
  }
  Bytes Order() const {
    Bytes out(20);
    BN_bn2binpad(EC_GROUP_get0_order(group.get()), out.data(), 20);
    return out;
  }
  // k·G in compressed form.
  Compressed Multiple(const Bytes& k) const {
    Point p(EC_POINT_new(group.get()), &EC_POINT_free);
    EXPECT_EQ(EC_POINT_mul(group.get(), p.get(), Number(k).get(), nullptr, nullptr, ctx.get()), 1);
    Compressed out{};
    EXPECT_EQ(EC_POINT_point2oct(group.get(), p.get(), POINT_CONVERSION_COMPRESSED, out.data(),
                                 out.size(), ctx.get()),
              out.size());
    return out;
  }
  bool IsPoint(const Compressed& c) const {
    Point p(EC_POINT_new(group.get()), &EC_POINT_free);
    return EC_POINT_oct2point(group.get(), p.get(), c.data(), c.size(), ctx.get()) == 1;
  }
  // s·G + e·P, or nullopt for the point at infinity.
  std::optional<Compressed> Combine(const Bytes& s, const Bytes& e, const Compressed& pub) const {
    Point p(EC_POINT_new(group.get()), &EC_POINT_free);
    Point r(EC_POINT_new(group.get()), &EC_POINT_free);
    EXPECT_EQ(EC_POINT_oct2point(group.get(), p.get(), pub.data(), pub.size(), ctx.get()), 1);
    EXPECT_EQ(
        EC_POINT_mul(group.get(), r.get(), Number(s).get(), p.get(), Number(e).get(), ctx.get()),
        1);
    if (EC_POINT_is_at_infinity(group.get(), r.get()) == 1) return std::nullopt;
    Compressed out{};
    EC_POINT_point2oct(group.get(), r.get(), POINT_CONVERSION_COMPRESSED, out.data(), out.size(),
                       ctx.get());
    return out;
  }
};

// Ours, for a 20-byte s and a 10-byte e.
std::optional<Compressed> Combine(const Bytes& s, const Bytes& e, const Compressed& pub) {
  return CombineWithGenerator(std::span<const std::uint8_t, 20>(s.data(), 20),
                              std::span<const std::uint8_t, 10>(e.data(), 10), pub);
}

Bytes Random(std::mt19937_64& rng, std::size_t size) {
  Bytes out(size);
  for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

// A 20-byte number below the order, drawn uniformly enough for a test.
Bytes RandomScalar(std::mt19937_64& rng) {
  for (;;) {
    Bytes k = Random(rng, 20);
    if (BelowOrder(std::span<const std::uint8_t, 20>(k.data(), 20))) return k;
  }
}

Bytes Small(std::uint8_t v, std::size_t size = 20) {
  Bytes out(size);
  out.back() = v;
  return out;
}

// n - d, big-endian.
Bytes OrderMinus(const Bytes& order, std::uint8_t d) {
  Bytes out = order;
  int borrow = d;
  for (auto b = out.rbegin(); b != out.rend() && borrow != 0; ++b) {
    const int v = *b - borrow;
    *b = static_cast<std::uint8_t>(v);
    borrow = v < 0 ? 1 : 0;
  }
  return out;
}

TEST(BrainpoolP160, SumsOfMultiplesMatchOpenSsl) {
  const OpenSslCurve ossl;
  std::mt19937_64 rng(20261127);
  for (int i = 0; i < 300; ++i) {
    const Compressed pub = ossl.Multiple(RandomScalar(rng));
    const Bytes s = RandomScalar(rng);
    const Bytes e = Random(rng, 10);  // the CID's 80-bit challenge
    const std::optional<Compressed> ours = Combine(s, e, pub);
    ASSERT_TRUE(ours.has_value()) << i;
    EXPECT_EQ(*ours, *ossl.Combine(s, e, pub)) << i;
  }
}

TEST(BrainpoolP160, EdgeCasesMatchOpenSsl) {
  const OpenSslCurve ossl;
  const Bytes n = ossl.Order();
  const Compressed g = ossl.Multiple(Small(1));
  Compressed minus_g = g;
  minus_g[0] ^= 1;  // the other y
  const Compressed two_g = ossl.Multiple(Small(2));
  Bytes low_ones(20, 0);  // 2^80 - 1, big-endian
  std::fill(low_ones.begin() + 10, low_ones.end(), 0xff);
  Bytes two_to_80(20, 0);
  two_to_80[9] = 1;
  struct Case {
    Bytes s, e;
    Compressed pub;
  };
  const std::vector<Case> cases = {
      {Small(1), Small(1, 10), g},          // G + G: the table's G+P is a doubling
      {Small(2), Small(1, 10), minus_g},    // G + P is the point at infinity in the table
      {Small(1), Small(1, 10), minus_g},    // the sum is the point at infinity
      {Small(0), Small(0, 10), g},          // 0·G + 0·P
      {Small(0), Small(7, 10), two_g},      // s = 0
      {Small(5), Small(0, 10), two_g},      // e = 0
      {OrderMinus(n, 1), Small(1, 10), g},  // (n - 1)G + G = infinity
      {OrderMinus(n, 1), Small(2, 10), g},  // (n - 1)G + 2G = G
      {OrderMinus(n, 1), Bytes(10, 0xff), two_g},
      {Small(3), Small(3, 10), minus_g},  // 3G - 3G = infinity
      // Signed digits that carry past the 80 bits of a half: s = 2^80 - 1, 2^80, 2^160 - ...
      {low_ones, Bytes(10, 0xff), two_g},
      {two_to_80, Small(1, 10), g},
      {OrderMinus(n, 2), Bytes(10, 0xff), minus_g},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    EXPECT_EQ(Combine(c.s, c.e, c.pub), ossl.Combine(c.s, c.e, c.pub)) << i;
  }
  EXPECT_FALSE(Combine(Small(1), Small(1, 10), minus_g).has_value());
  EXPECT_EQ(Combine(OrderMinus(n, 1), Small(2, 10), g), g);
}

TEST(BrainpoolP160, PointEncodingsAreJudgedAsOpenSslJudgesThem) {
  const OpenSslCurve ossl;
  std::mt19937_64 rng(7);
  int on_curve = 0;
  int off_curve = 0;
  for (int i = 0; i < 200; ++i) {
    Compressed c{};
    const Bytes x = Random(rng, 20);
    std::copy(x.begin(), x.end(), c.begin() + 1);
    c[0] = static_cast<std::uint8_t>(2 + (i & 1));
    const bool ours = IsCurvePoint(c);
    EXPECT_EQ(ours, ossl.IsPoint(c)) << i;
    (ours ? on_curve : off_curve) += 1;
    if (!ours) {
      EXPECT_FALSE(Combine(Small(1), Small(1, 10), c).has_value());
    }
  }
  EXPECT_GT(on_curve, 50);  // about half of all x have a point, and both halves were exercised
  EXPECT_GT(off_curve, 50);
  Compressed g = ossl.Multiple(Small(1));
  for (const int prefix : {0x00, 0x01, 0x04, 0x06, 0x07, 0xff}) {
    Compressed bad = g;
    bad[0] = static_cast<std::uint8_t>(prefix);
    EXPECT_FALSE(IsCurvePoint(bad)) << prefix;
  }
  Compressed x_is_p{};  // x must be a field element: x = p is refused, not read as 0
  const Bytes p = {0xE9, 0x5E, 0x4A, 0x5F, 0x73, 0x70, 0x59, 0xDC, 0x60, 0xDF,
                   0xC7, 0xAD, 0x95, 0xB3, 0xD8, 0x13, 0x95, 0x15, 0x62, 0x0F};
  std::copy(p.begin(), p.end(), x_is_p.begin() + 1);
  x_is_p[0] = 0x02;
  EXPECT_FALSE(IsCurvePoint(x_is_p));
  EXPECT_EQ(IsCurvePoint(x_is_p), ossl.IsPoint(x_is_p));
}

TEST(BrainpoolP160, BelowOrderAtItsEdges) {
  const OpenSslCurve ossl;
  const Bytes n = ossl.Order();
  auto below = [](const Bytes& k) {
    return BelowOrder(std::span<const std::uint8_t, 20>(k.data(), 20));
  };
  EXPECT_TRUE(below(Small(0)));
  EXPECT_TRUE(below(OrderMinus(n, 1)));
  EXPECT_FALSE(below(n));
  EXPECT_FALSE(below(Bytes(20, 0xff)));
}

}  // namespace
}  // namespace licet::core_internal::brainpool_p160
