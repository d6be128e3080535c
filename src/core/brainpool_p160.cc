// brainpoolP160r1 (RFC 5639, section 3.1) for verification: field elements in Montgomery form on
// three 64-bit limbs (R = 2^192), points in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is the
// point at infinity) on the isomorphic twist with a = -3 (brainpoolP160t1), whose doublings are
// cheaper. s·G + e·P by Shamir's trick over 80 bits, s·G as s_low·G + s_high·2^80·G: one doubling
// per bit, each of the three scalars in signed digits (width 5 for G and 2^80·G, whose odd
// multiples up to 15 the compiler tabulates; ±1 for P), and a mixed addition (of an affine point)
// per non-zero digit: about 54 additions instead of 100 with plain bits. Variable-time on purpose:
// only public values come here (brainpool_p160.h).
#include "internal/brainpool_p160.h"

#include <algorithm>
#include <array>

#include "internal/laid_out.h"

namespace licet::core_internal::brainpool_p160 {
namespace {

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang, not ISO C++

// The constants a phone-activated installation's first check reads sit among its code
// (internal/laid_out.h), not in .rodata pages away from it.
#define LICET_BRAINPOOL_CONSTANT LICET_LAID_OUT_CONSTANT("brainpool_p160")

using Limbs = std::array<std::uint64_t, 3>;  // least significant first

// The curve's domain parameters (RFC 5639): y² = x³ + ax + b over GF(p), G of prime order n.
LICET_BRAINPOOL_CONSTANT constexpr Limbs kP = {0x95B3D8139515620Full, 0x737059DC60DFC7ADull,
                                               0xE95E4A5Full};
LICET_BRAINPOOL_CONSTANT constexpr Limbs kN = {0xD45029409E60FC09ull, 0x737059DC60DF5991ull,
                                               0xE95E4A5Full};
LICET_BRAINPOOL_CONSTANT constexpr Limbs kA = {0xDA745D97E8F7C300ull, 0xA280EB74E2BE61BAull,
                                               0x340E7BE2ull};
LICET_BRAINPOOL_CONSTANT constexpr Limbs kB = {0xBDEC95C8D8675E58ull, 0x95423412134FAA2Dull,
                                               0x1E589A85ull};
LICET_BRAINPOOL_CONSTANT constexpr Limbs kGx = {0x31EB5AF7BDBCDBC3ull, 0xEA3F6A4F62938C46ull,
                                                0xBED5AF16ull};
LICET_BRAINPOOL_CONSTANT constexpr Limbs kGy = {0x669C976316DA6321ull, 0x7A1A8EC338F94741ull,
                                                0x1667CB47ull};

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
LICET_BRAINPOOL_CONSTANT constexpr Limbs kOne =
    PowerOfTwoModP(192);  // 1 in Montgomery form: R mod p
LICET_BRAINPOOL_CONSTANT constexpr Limbs kR2 =
    PowerOfTwoModP(384);  // R² mod p, to enter Montgomery form

// x·y·R⁻¹ mod p (Montgomery's multiplication, coarsely integrated operand scanning).
constexpr Limbs MontMul(const Limbs& x, const Limbs& y) {
  std::uint64_t t[5] = {};
#pragma GCC unroll 3
  for (std::size_t i = 0; i < 3; ++i) {
    Uint128 c = 0;
#pragma GCC unroll 3
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
#pragma GCC unroll 2
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

// x^k for a plain exponent k below 2^160 (square and multiply from bit 159).
constexpr Limbs Power(const Limbs& x, const Limbs& k) {
  Limbs r = kOne;
  for (std::size_t bit = 160; bit-- > 0;) {
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
LICET_BRAINPOOL_CONSTANT constexpr Limbs kInverseExponent = InverseExponent();
LICET_BRAINPOOL_CONSTANT constexpr Limbs kSqrtExponent = SqrtExponent();

// The curve's constants in Montgomery form.
LICET_BRAINPOOL_CONSTANT constexpr Limbs kAm = ToMontgomery(kA);
LICET_BRAINPOOL_CONSTANT constexpr Limbs kBm = ToMontgomery(kB);
LICET_BRAINPOOL_CONSTANT constexpr Limbs kGxm = ToMontgomery(kGx);
LICET_BRAINPOOL_CONSTANT constexpr Limbs kGym = ToMontgomery(kGy);

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

struct Affine {
  Limbs x, y;  // Montgomery form
};

struct Jacobian {
  Limbs x, y, z;  // Montgomery form; z == 0: the point at infinity
};

LICET_BRAINPOOL_CONSTANT constexpr Jacobian kInfinity{kOne, kOne, Limbs{}};

// The sums are computed on brainpoolP160t1 (RFC 5639, section 3.1), the same group on the
// isomorphic curve y² = x³ - 3x + b_t, through (x, y) -> (x·Z², y·Z³): with a = -3 a doubling
// takes 3M + 5S instead of 1M + 8S and a multiplication by a. Points come in through ToTwist and
// the result goes back once, in Compress. The compiler checks Z against both curves' a and b.
constexpr Limbs kZ = {0x29BFBAE45E0F5D0Bull, 0xEC9B986BBFE5295Aull, 0x24DBFF5Dull};
constexpr Limbs kBt = {0x7DAA7A0B5C55F380ull, 0xAE535B7B51ED2C4Dull, 0x7A556B6Dull};
LICET_BRAINPOOL_CONSTANT constexpr Limbs kZ2m = Square(ToMontgomery(kZ));
LICET_BRAINPOOL_CONSTANT constexpr Limbs kZ3m = MontMul(kZ2m, ToMontgomery(kZ));
LICET_BRAINPOOL_CONSTANT constexpr Limbs kZ2InverseM = Inverse(kZ2m);
LICET_BRAINPOOL_CONSTANT constexpr Limbs kZ3InverseM = Inverse(kZ3m);
static_assert(MontMul(kAm, Square(kZ2m)) == SubModP(Limbs{}, ToMontgomery(Limbs{3, 0, 0})));
static_assert(MontMul(kBm, MontMul(kZ2m, Square(kZ2m))) == ToMontgomery(kBt));

constexpr Affine ToTwist(const Affine& p) { return {MontMul(p.x, kZ2m), MontMul(p.y, kZ3m)}; }
constexpr Affine FromTwist(const Affine& p) {
  return {MontMul(p.x, kZ2InverseM), MontMul(p.y, kZ3InverseM)};
}

// 2p on the twist ("dbl-2001-b", a = -3: 3M + 5S).
constexpr Jacobian Double(const Jacobian& p) {
  if (IsZero(p.z)) return p;
  const Limbs delta = Square(p.z);
  const Limbs gamma = Square(p.y);
  const Limbs beta = MontMul(p.x, gamma);
  const Limbs difference_times_sum = MontMul(SubModP(p.x, delta), AddModP(p.x, delta));
  const Limbs alpha = AddModP(AddModP(difference_times_sum, difference_times_sum),
                              difference_times_sum);  // 3(X - Z²)(X + Z²)
  Limbs beta4 = AddModP(beta, beta);
  beta4 = AddModP(beta4, beta4);
  Jacobian r;
  r.x = SubModP(Square(alpha), AddModP(beta4, beta4));
  r.z = SubModP(SubModP(Square(AddModP(p.y, p.z)), gamma), delta);  // 2YZ
  Limbs gamma8 = Square(gamma);
  gamma8 = AddModP(gamma8, gamma8);
  gamma8 = AddModP(gamma8, gamma8);
  gamma8 = AddModP(gamma8, gamma8);
  r.y = SubModP(MontMul(alpha, SubModP(beta4, r.x)), gamma8);
  return r;
}

// p + q for an affine q (a "mixed" addition: 8M + 3S, where Jacobian + Jacobian would take 16).
constexpr Jacobian Add(const Jacobian& p, const Affine& q) {
  if (IsZero(p.z)) return Jacobian{q.x, q.y, kOne};
  const Limbs zz = Square(p.z);
  const Limbs u2 = MontMul(q.x, zz);
  const Limbs s2 = MontMul(q.y, MontMul(p.z, zz));
  const Limbs h = SubModP(u2, p.x);
  const Limbs r = SubModP(s2, p.y);
  if (IsZero(h)) return IsZero(r) ? Double(p) : kInfinity;  // p == q, or p == -q
  const Limbs hh = Square(h);
  const Limbs hhh = MontMul(h, hh);
  const Limbs v = MontMul(p.x, hh);
  Jacobian sum;
  sum.x = SubModP(SubModP(Square(r), hhh), AddModP(v, v));
  sum.y = SubModP(MontMul(r, SubModP(v, sum.x)), MontMul(p.y, hhh));
  sum.z = MontMul(p.z, h);
  return sum;
}

// x / 2 mod p, for x < p.
Limbs HalveModP(Limbs x) {
  std::uint64_t top = 0;
  if ((x[0] & 1) != 0) {  // x + p is even, and below 2^161: no carry out of three limbs
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const Uint128 sum = Uint128{x[i]} + kP[i] + carry;
      x[i] = static_cast<std::uint64_t>(sum);
      carry = static_cast<std::uint64_t>(sum >> 64);
    }
    top = carry;
  }
  return {x[0] >> 1 | x[1] << 63, x[1] >> 1 | x[2] << 63, x[2] >> 1 | top << 63};
}

Limbs HalfOf(const Limbs& x) { return {x[0] >> 1 | x[1] << 63, x[1] >> 1 | x[2] << 63, x[2] >> 1}; }

// x⁻¹ in Montgomery form for a non-zero x in Montgomery form, by the binary extended Euclidean
// algorithm: a fifth of Power's multiplications' cost, and variable-time, which public values
// allow. It keeps u = x1·a and v = x2·a (mod p) for a = x's representation zR, so it ends with
// (zR)⁻¹; one multiplication by R³ gives z⁻¹R.
Limbs InverseAtRunTime(const Limbs& a) {
  constexpr Limbs kUnit{1, 0, 0};
  LICET_BRAINPOOL_CONSTANT static constexpr Limbs kR3 = PowerOfTwoModP(576);
  if (IsZero(a)) return a;
  Limbs u = a;
  Limbs v = kP;
  Limbs x1 = kUnit;
  Limbs x2{};
  while (u != kUnit && v != kUnit) {
    while ((u[0] & 1) == 0) {
      u = HalfOf(u);
      x1 = HalveModP(x1);
    }
    while ((v[0] & 1) == 0) {
      v = HalfOf(v);
      x2 = HalveModP(x2);
    }
    if (!Less(u, v)) {
      SubWithBorrow(u, u, v);
      x1 = SubModP(x1, x2);
    } else {
      SubWithBorrow(v, v, u);
      x2 = SubModP(x2, x1);
    }
  }
  return MontMul(u == kUnit ? x1 : x2, kR3);
}

// p in affine coordinates; p must not be the point at infinity.
// p in affine coordinates, given 1/Z.
constexpr Affine AffineWith(const Jacobian& p, const Limbs& z_inv) {
  const Limbs z_inv2 = Square(z_inv);
  return Affine{MontMul(p.x, z_inv2), MontMul(p.y, MontMul(z_inv, z_inv2))};
}

constexpr Affine ToAffine(const Jacobian& p) { return AffineWith(p, Inverse(p.z)); }

// P, 3P, 5P, ..., 15P in affine form (for the compiler: each one costs an inversion).
constexpr std::array<Affine, 8> OddMultiples(const Affine& p) {
  std::array<Affine, 8> out{};
  out[0] = p;
  const Affine twice = ToAffine(Double(Jacobian{p.x, p.y, kOne}));
  Jacobian multiple{p.x, p.y, kOne};
  for (std::size_t i = 1; i < out.size(); ++i) {
    multiple = Add(multiple, twice);
    out[i] = ToAffine(multiple);
  }
  return out;
}

// s·G splits into s_low·G + s_high·G' with G' = 2^80·G, so that s·G + e·P (80-bit e) takes 80
// doublings instead of 160. The odd multiples of G and G', on the twist, computed by the compiler.
LICET_BRAINPOOL_CONSTANT constexpr std::array<Affine, 8> kGMultiples =
    OddMultiples(ToTwist(Affine{kGxm, kGym}));
LICET_BRAINPOOL_CONSTANT constexpr std::array<Affine, 8> kGShiftedMultiples = [] {
  const Affine g = ToTwist(Affine{kGxm, kGym});
  Jacobian p{g.x, g.y, kOne};
  for (int i = 0; i < 80; ++i) p = Double(p);
  return OddMultiples(ToAffine(p));
}();

// At most 81 bits (an 80-bit scalar) as signed digits: k = sum of digits[i]·2^i, each digit 0 or
// odd and below 2^(width - 1) in magnitude, with at least width - 1 zeros after each non-zero one
// (the width-w non-adjacent form). Returns how many digits are used.
int SignedDigits(Uint128 k, int width, std::int8_t* digits) {
  const int half = 1 << (width - 1);
  int n = 0;
  while (k != 0) {
    int digit = 0;
    if ((k & 1) != 0) {
      digit = static_cast<int>(k & static_cast<Uint128>((1 << width) - 1));
      if (digit >= half) digit -= 1 << width;
      if (digit > 0) {
        k -= static_cast<Uint128>(digit);
      } else {
        k += static_cast<Uint128>(-digit);
      }
    }
    digits[n++] = static_cast<std::int8_t>(digit);
    k >>= 1;
  }
  return n;
}

// sum + digit·M for an odd digit (or 0) and M's odd multiples, or with P and -P for ±1.
Jacobian AddDigit(const Jacobian& sum, int digit, const Affine* multiples) {
  if (digit == 0) return sum;
  const Affine& m = multiples[(digit > 0 ? digit : -digit) / 2];
  return digit > 0 ? Add(sum, m) : Add(sum, Affine{m.x, SubModP(Limbs{}, m.y)});
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

// The point with this compressed encoding, or nullopt.
std::optional<Affine> Decompress(const Compressed& c) {
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
  return Affine{mx, y};
}

// The encoding of a point of the twist (not the point at infinity), mapped back to the curve:
// x = X / (Z_j² Z²), y = Y / (Z_j³ Z³).
Compressed Compress(const Jacobian& p) {
  const Affine a = FromTwist(AffineWith(p, InverseAtRunTime(p.z)));
  const Limbs x = FromMontgomery(a.x);
  const Limbs y = FromMontgomery(a.y);
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

std::optional<Compressed> CombineWithGenerator(std::span<const std::uint8_t, 20> s,
                                               std::span<const std::uint8_t, 10> e,
                                               const Compressed& public_key) {
  const std::optional<Affine> on_curve = Decompress(public_key);
  if (!on_curve) return std::nullopt;
  const Affine p = ToTwist(*on_curve);
  const Limbs ks = FromBigEndian(s);
  const Limbs ke = FromBigEndian(e);
  const Uint128 s_low = ks[0] | Uint128{ks[1] & 0xFFFF} << 64;  // bits 0-79
  const Uint128 s_high = ks[1] >> 16 | Uint128{ks[2]} << 48;    // bits 80-159
  std::int8_t low_digits[82] = {};
  std::int8_t high_digits[82] = {};
  std::int8_t e_digits[82] = {};
  const int length =
      std::max({SignedDigits(s_low, 5, low_digits), SignedDigits(s_high, 5, high_digits),
                SignedDigits(ke[0] | Uint128{ke[1]} << 64, 2, e_digits)});
  Jacobian sum = kInfinity;
  for (int bit = length; bit-- > 0;) {
    sum = Double(sum);
    sum = AddDigit(sum, low_digits[bit], kGMultiples.data());
    sum = AddDigit(sum, high_digits[bit], kGShiftedMultiples.data());
    sum = AddDigit(sum, e_digits[bit], &p);
  }
  if (IsZero(sum.z)) return std::nullopt;
  return Compress(sum);
}

}  // namespace licet::core_internal::brainpool_p160
