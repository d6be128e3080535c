// brainpoolP160r1 (RFC 5639, section 3.1) for verification: field elements in Montgomery form on
// three 64-bit limbs (R = 2^192), points in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is the
// point at infinity), and s·G + e·P by Shamir's trick (one doubling per bit, one addition of G, P
// or G+P). Variable-time on purpose: only public values come here (brainpool_p160.h).
#include "internal/brainpool_p160.h"

#include <algorithm>

namespace licet::core_internal::brainpool_p160 {
namespace {

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang, not ISO C++

using Limbs = std::array<std::uint64_t, 3>;  // least significant first

// The curve's domain parameters (RFC 5639): y² = x³ + ax + b over GF(p), G of prime order n.
constexpr Limbs kP = {0x95B3D8139515620Full, 0x737059DC60DFC7ADull, 0xE95E4A5Full};
constexpr Limbs kN = {0xD45029409E60FC09ull, 0x737059DC60DF5991ull, 0xE95E4A5Full};
constexpr Limbs kA = {0xDA745D97E8F7C300ull, 0xA280EB74E2BE61BAull, 0x340E7BE2ull};
constexpr Limbs kB = {0xBDEC95C8D8675E58ull, 0x95423412134FAA2Dull, 0x1E589A85ull};
constexpr Limbs kGx = {0x31EB5AF7BDBCDBC3ull, 0xEA3F6A4F62938C46ull, 0xBED5AF16ull};
constexpr Limbs kGy = {0x669C976316DA6321ull, 0x7A1A8EC338F94741ull, 0x1667CB47ull};

constexpr bool Less(const Limbs& x, const Limbs& y) {
  for (std::size_t i = 3; i-- > 0;)
    if (x[i] != y[i]) return x[i] < y[i];
  return false;
}

constexpr bool IsZero(const Limbs& x) { return (x[0] | x[1] | x[2]) == 0; }

// x - y, with the borrow out.
constexpr std::uint64_t SubWithBorrow(Limbs& out, const Limbs& x, const Limbs& y) {
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const Uint128 d = Uint128{x[i]} - y[i] - borrow;
    out[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) & 1;
  }
  return borrow;
}

// x + y mod p, for x, y < p (p < 2^160, so the sum never leaves three limbs).
constexpr Limbs AddModP(const Limbs& x, const Limbs& y) {
  Limbs sum{};
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const Uint128 s = Uint128{x[i]} + y[i] + carry;
    sum[i] = static_cast<std::uint64_t>(s);
    carry = static_cast<std::uint64_t>(s >> 64);
  }
  if (!Less(sum, kP)) SubWithBorrow(sum, sum, kP);
  return sum;
}

constexpr Limbs SubModP(const Limbs& x, const Limbs& y) {
  Limbs d{};
  if (SubWithBorrow(d, x, y) != 0) {
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const Uint128 s = Uint128{d[i]} + kP[i] + carry;
      d[i] = static_cast<std::uint64_t>(s);
      carry = static_cast<std::uint64_t>(s >> 64);
    }
  }
  return d;
}

// -p⁻¹ mod 2^64 by Newton's iteration (each step doubles the correct low bits).
constexpr std::uint64_t NegInverseOfP() {
  std::uint64_t inv = 1;
  for (int i = 0; i < 6; ++i) inv *= 2 - kP[0] * inv;
  return ~inv + 1;
}
constexpr std::uint64_t kPInv = NegInverseOfP();

// 2^k mod p, by doubling.
constexpr Limbs PowerOfTwoModP(int k) {
  Limbs x = {1, 0, 0};
  for (int i = 0; i < k; ++i) x = AddModP(x, x);
  return x;
}
constexpr Limbs kOne = PowerOfTwoModP(192);  // 1 in Montgomery form: R mod p
constexpr Limbs kR2 = PowerOfTwoModP(384);   // R² mod p, to enter Montgomery form

// x·y·R⁻¹ mod p (Montgomery's multiplication, coarsely integrated operand scanning).
constexpr Limbs MontMul(const Limbs& x, const Limbs& y) {
  std::uint64_t t[5] = {};
  for (std::size_t i = 0; i < 3; ++i) {
    Uint128 c = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      c += Uint128{x[j]} * y[i] + t[j];
      t[j] = static_cast<std::uint64_t>(c);
      c >>= 64;
    }
    c += t[3];
    t[3] = static_cast<std::uint64_t>(c);
    t[4] = static_cast<std::uint64_t>(c >> 64);
    const std::uint64_t m = t[0] * kPInv;
    c = (Uint128{m} * kP[0] + t[0]) >> 64;
    for (std::size_t j = 1; j < 3; ++j) {
      c += Uint128{m} * kP[j] + t[j];
      t[j - 1] = static_cast<std::uint64_t>(c);
      c >>= 64;
    }
    c += t[3];
    t[2] = static_cast<std::uint64_t>(c);
    t[3] = t[4] + static_cast<std::uint64_t>(c >> 64);
  }
  Limbs r = {t[0], t[1], t[2]};
  if (t[3] != 0 || !Less(r, kP)) SubWithBorrow(r, r, kP);
  return r;
}

constexpr Limbs Square(const Limbs& x) { return MontMul(x, x); }
constexpr Limbs ToMontgomery(const Limbs& x) { return MontMul(x, kR2); }
constexpr Limbs FromMontgomery(const Limbs& x) { return MontMul(x, Limbs{1, 0, 0}); }

// x^k for a plain exponent k (square and multiply from the top bit).
constexpr Limbs Power(const Limbs& x, const Limbs& k) {
  Limbs r = kOne;
  for (std::size_t bit = 192; bit-- > 0;) {
    r = Square(r);
    if ((k[bit / 64] >> (bit % 64)) & 1) r = MontMul(r, x);
  }
  return r;
}

// p - 2: x^(p-2) = x⁻¹ (Fermat).
constexpr Limbs InverseExponent() {
  Limbs e{};
  SubWithBorrow(e, kP, Limbs{2, 0, 0});
  return e;
}
// (p + 1) / 4: since p ≡ 3 (mod 4), x^((p+1)/4) is a square root of x when x has one.
constexpr Limbs SqrtExponent() {
  Limbs e = kP;  // p = 4k + 3, so (p + 1) / 4 = k + 1 = (p >> 2) + 1
  for (std::size_t i = 0; i < 3; ++i) e[i] = (e[i] >> 2) | (i < 2 ? e[i + 1] << 62 : 0);
  e[0] += 1;
  return e;
}
constexpr Limbs kInverseExponent = InverseExponent();
constexpr Limbs kSqrtExponent = SqrtExponent();

// The curve's constants in Montgomery form.
constexpr Limbs kAm = ToMontgomery(kA);
constexpr Limbs kBm = ToMontgomery(kB);
constexpr Limbs kGxm = ToMontgomery(kGx);
constexpr Limbs kGym = ToMontgomery(kGy);

// x³ + ax + b, the right-hand side of the curve's equation, for x in Montgomery form.
constexpr Limbs CurveRightHandSide(const Limbs& x) {
  return AddModP(AddModP(MontMul(Square(x), x), MontMul(kAm, x)), kBm);
}

// The arithmetic checked by the compiler on the parameters: G is on the curve, and Montgomery form
// goes and comes back.
static_assert(Square(kGym) == CurveRightHandSide(kGxm));
static_assert(FromMontgomery(kGxm) == kGx);
static_assert(MontMul(kOne, kOne) == kOne);

constexpr Limbs Inverse(const Limbs& x) { return Power(x, kInverseExponent); }
constexpr Limbs SquareRootCandidate(const Limbs& x) { return Power(x, kSqrtExponent); }

static_assert(MontMul(Inverse(kGxm), kGxm) == kOne);
static_assert(Square(SquareRootCandidate(Square(kGym))) == Square(kGym));

struct Jacobian {
  Limbs x, y, z;  // Montgomery form; z == 0: the point at infinity
};

Jacobian Double(const Jacobian& p) {
  if (IsZero(p.z)) return p;
  const Limbs xx = Square(p.x);
  const Limbs yy = Square(p.y);
  const Limbs yyyy = Square(yy);
  const Limbs zz = Square(p.z);
  // S = 2((X + YY)² - XX - YYYY) = 4·X·YY; M = 3·XX + a·ZZ²
  Limbs s = SubModP(SubModP(Square(AddModP(p.x, yy)), xx), yyyy);
  s = AddModP(s, s);
  const Limbs m = AddModP(AddModP(AddModP(xx, xx), xx), MontMul(kAm, Square(zz)));
  Jacobian r;
  r.x = SubModP(Square(m), AddModP(s, s));
  Limbs yyyy8 = AddModP(yyyy, yyyy);
  yyyy8 = AddModP(yyyy8, yyyy8);
  yyyy8 = AddModP(yyyy8, yyyy8);
  r.y = SubModP(MontMul(m, SubModP(s, r.x)), yyyy8);
  r.z = SubModP(SubModP(Square(AddModP(p.y, p.z)), yy), zz);  // 2·Y·Z
  return r;
}

Jacobian Add(const Jacobian& p, const Jacobian& q) {
  if (IsZero(p.z)) return q;
  if (IsZero(q.z)) return p;
  const Limbs pz2 = Square(p.z);
  const Limbs qz2 = Square(q.z);
  const Limbs u1 = MontMul(p.x, qz2);
  const Limbs u2 = MontMul(q.x, pz2);
  const Limbs s1 = MontMul(p.y, MontMul(q.z, qz2));
  const Limbs s2 = MontMul(q.y, MontMul(p.z, pz2));
  const Limbs h = SubModP(u2, u1);
  const Limbs r = SubModP(s2, s1);
  if (IsZero(h)) {
    if (IsZero(r)) return Double(p);       // p == q
    return Jacobian{kOne, kOne, Limbs{}};  // p == -q
  }
  const Limbs hh = Square(h);
  const Limbs hhh = MontMul(h, hh);
  const Limbs v = MontMul(u1, hh);
  Jacobian sum;
  sum.x = SubModP(SubModP(Square(r), hhh), AddModP(v, v));
  sum.y = SubModP(MontMul(r, SubModP(v, sum.x)), MontMul(s1, hhh));
  sum.z = MontMul(MontMul(p.z, q.z), h);
  return sum;
}

Limbs FromBigEndian(std::span<const std::uint8_t> bytes) {
  Limbs x{};
  for (const std::uint8_t b : bytes) {
    x[2] = (x[2] << 8) | (x[1] >> 56);
    x[1] = (x[1] << 8) | (x[0] >> 56);
    x[0] = (x[0] << 8) | b;
  }
  return x;
}

bool Bit(const Limbs& x, std::size_t bit) { return ((x[bit / 64] >> (bit % 64)) & 1) != 0; }

// The point with this compressed encoding, or nullopt.
std::optional<Jacobian> Decompress(const Compressed& c) {
  if (c[0] != 0x02 && c[0] != 0x03) return std::nullopt;
  const Limbs x = FromBigEndian(std::span(c).subspan(1));
  if (!Less(x, kP)) return std::nullopt;
  const Limbs mx = ToMontgomery(x);
  const Limbs rhs = CurveRightHandSide(mx);
  Limbs y = SquareRootCandidate(rhs);
  if (Square(y) != rhs) return std::nullopt;  // x³ + ax + b is not a square: no such point
  const Limbs plain_y = FromMontgomery(y);
  if (static_cast<std::uint8_t>(plain_y[0] & 1) != (c[0] & 1)) {
    if (IsZero(plain_y)) return std::nullopt;
    y = SubModP(Limbs{}, y);
  }
  return Jacobian{mx, y, kOne};
}

Compressed Compress(const Jacobian& p) {
  const Limbs z_inv = Inverse(p.z);
  const Limbs z_inv2 = Square(z_inv);
  const Limbs x = FromMontgomery(MontMul(p.x, z_inv2));
  const Limbs y = FromMontgomery(MontMul(p.y, MontMul(z_inv, z_inv2)));
  Compressed out{};
  out[0] = static_cast<std::uint8_t>(0x02 | (y[0] & 1));
  for (std::size_t i = 0; i < 20; ++i) {
    const std::size_t bit = (19 - i) * 8;
    out[1 + i] = static_cast<std::uint8_t>(x[bit / 64] >> (bit % 64));
  }
  return out;
}

}  // namespace

bool IsCurvePoint(const Compressed& point) { return Decompress(point).has_value(); }

bool BelowOrder(std::span<const std::uint8_t, 20> scalar) {
  return Less(FromBigEndian(scalar), kN);
}

std::optional<Compressed> CombineWithGenerator(std::span<const std::uint8_t> s,
                                               std::span<const std::uint8_t> e,
                                               const Compressed& public_key) {
  if (s.size() > 20 || e.size() > 20) return std::nullopt;
  const std::optional<Jacobian> p = Decompress(public_key);
  if (!p) return std::nullopt;
  const Jacobian g{kGxm, kGym, kOne};
  const Jacobian table[3] = {g, *p, Add(g, *p)};  // indexed by (bit of s) + 2·(bit of e) - 1
  const Limbs ks = FromBigEndian(s);
  const Limbs ke = FromBigEndian(e);
  Jacobian sum{kOne, kOne, Limbs{}};
  for (std::size_t bit = 160; bit-- > 0;) {
    sum = Double(sum);
    const int index = (Bit(ks, bit) ? 1 : 0) + (Bit(ke, bit) ? 2 : 0);
    if (index != 0) sum = Add(sum, table[index - 1]);
  }
  if (IsZero(sum.z)) return std::nullopt;
  return Compress(sum);
}

}  // namespace licet::core_internal::brainpool_p160
