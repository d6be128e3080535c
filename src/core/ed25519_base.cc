// [r]B for secret scalars, in constant time, many at a time (licet/core/ed25519_base.h). Field
// arithmetic from internal/ed25519_field.h, whose multiplications, squarings, additions and
// encoding are straight-line code; the point formulas are ref10's (Hisil, Wong, Carter and Dawson
// 2008), as in ed25519_verify.cc, whose variable-time code and first-check layout stay apart.
#include "licet/core/ed25519_base.h"

#include <sodium.h>

#include <cstring>

#include "internal/ed25519_field.h"
#include "licet/core/check.h"

namespace licet {
namespace {

using namespace core_internal::ed25519;  // NOLINT(google-build-using-namespace): Fe and its ops

constexpr Fe kOne{{1, 0, 0, 0, 0}};
// 2d mod p, d = -121665/121666.
constexpr Fe kD2{
    {0x69b9426b2f159, 0x35050762add7a, 0x3cf44c0038052, 0x6738cc7407977, 0x2406d9dc56dff}};
// The base point B: x (even) and y = 4/5, little-endian.
constexpr std::uint8_t kBaseX[32] = {
    0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9, 0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c, 0x69,
    0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0, 0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21};
constexpr std::uint8_t kBaseY[32] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

// Extended (X:Y:Z:T with XY = ZT), projective (X:Y:Z), completed (a sum or double before its last
// multiplications), and affine "Niels" form (y + x, y - x, 2dxy), ready for a mixed addition.
struct P3 {
  Fe x, y, z, t;
};
struct P2 {
  Fe x, y, z;
};
struct Completed {
  Fe x, y, z, t;
};
struct Niels {
  Fe y_plus_x, y_minus_x, xy2d;
};

constexpr P3 kNeutral{{}, kOne, kOne, {}};
constexpr Niels kNeutralNiels{kOne, kOne, {}};

[[gnu::always_inline]] inline P3 ToP3(const Completed& c) {
  return {MulInline(c.x, c.t), MulInline(c.y, c.z), MulInline(c.z, c.t), MulInline(c.x, c.y)};
}
P2 ToP2(const Completed& c) {
  return {MulInline(c.x, c.t), MulInline(c.y, c.z), MulInline(c.z, c.t)};
}

// a + b and a + 4p - b without carrying the limbs (Add and Sub carry theirs): the sums feed only
// multiplications, which take limbs up to 2^54 (MulInline's last carry, 19·(r4 >> 51), stays
// below 2^64 while the two factors' limb bounds multiply to at most 2^108). For a and b below
// 2^52 (Mul's outputs, or sums of two), a + b stays below 2^53 and a + 4p - b below 2^53.6, and
// no limb of a + 4p - b goes negative (4p's limbs are 2^53 - 76 and 2^53 - 4).
[[gnu::always_inline]] inline Fe AddUncarried(const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 5; ++i) r.v[i] = a.v[i] + b.v[i];
  return r;
}
[[gnu::always_inline]] inline Fe SubUncarried(const Fe& a, const Fe& b) {
  Fe r;
  r.v[0] = a.v[0] + 0x1FFFFFFFFFFFB4 - b.v[0];
  for (int i = 1; i < 5; ++i) r.v[i] = a.v[i] + 0x1FFFFFFFFFFFFC - b.v[i];
  return r;
}

// p + q for an affine q: 7 multiplications with the conversion to P3. p's coordinates are Mul's
// outputs (below 2^52), and so are q's (Select's negation carries), so no sum needs its carries:
// the largest product, (a + 4p - b)·(d + 4p - c) in ToP3, has factors below 2^53.4 and 2^53.6.
[[gnu::always_inline]] inline Completed AddNiels(const P3& p, const Niels& q) {
  const Fe a = MulInline(AddUncarried(p.y, p.x), q.y_plus_x);
  const Fe b = MulInline(SubUncarried(p.y, p.x), q.y_minus_x);
  const Fe c = MulInline(q.xy2d, p.t);
  const Fe d = AddUncarried(p.z, p.z);
  return {SubUncarried(a, b), AddUncarried(a, b), AddUncarried(d, c), SubUncarried(d, c)};
}

Completed Double(const P2& p) {
  const Fe xx = SquareInline(p.x);
  const Fe yy = SquareInline(p.y);
  const Fe zz = SquareInline(p.z);
  const Fe sum_sq = SquareInline(Add(p.x, p.y));
  const Fe y = Add(yy, xx);
  const Fe z = Sub(yy, xx);
  return {Sub(sum_sq, y), y, z, Sub(Add(zz, zz), z)};
}

// z^(p - 2) = z^-1: (z^(2^252 - 3))^8 · z^3 = z^(2^255 - 21).
Fe Invert(const Fe& z) {
  return MulInline(SquareTimes(Pow22523(z), 3), MulInline(SquareInline(z), z));
}

// out[i] = 1/z[i] for nonzero z[i], with one inversion (Montgomery's trick): the running products
// z[0]·...·z[i] are inverted once and unwound.
void InvertAll(const Fe* z, Fe* out, std::size_t n) {
  out[0] = z[0];
  for (std::size_t i = 1; i < n; ++i) out[i] = MulInline(out[i - 1], z[i]);
  Fe inverse = Invert(out[n - 1]);  // 1/(z[0]·...·z[n-1])
  for (std::size_t i = n - 1; i > 0; --i) {
    out[i] = MulInline(inverse, out[i - 1]);  // 1/z[i]
    inverse = MulInline(inverse, z[i]);       // 1/(z[0]·...·z[i-1])
  }
  out[0] = inverse;
}

// p with Z = 1, given 1/Z.
P3 Affine(const P3& p, const Fe& z_inverse) {
  const Fe x = MulInline(p.x, z_inverse);
  const Fe y = MulInline(p.y, z_inverse);
  return {x, y, kOne, MulInline(x, y)};
}

Niels ToNiels(const P3& p) {  // p with Z = 1
  return {Add(p.y, p.x), Sub(p.y, p.x), MulInline(p.t, kD2)};
}

// A table entry's three coordinates as 16 words (15 limbs, then a zero) in 16-byte lines, for
// Select's two-word steps.
struct alignas(16) NielsRow {
  U64 words[16];
};
static_assert(sizeof(Niels) == 15 * sizeof(U64), "Niels is its 15 limbs, nothing else");

// table[i][j] = (j + 1)·256^i·B, i < 32, j < 8. Public data, built once (a few milliseconds) on
// first use: each position's multiples are summed in projective coordinates and made affine
// together (InvertAll).
using BaseTable = std::array<std::array<NielsRow, 8>, 32>;

NielsRow ToRow(const Niels& n) {
  NielsRow row{};
  std::memcpy(row.words, &n, sizeof n);
  return row;
}

const BaseTable& Table() {
  static const BaseTable* const table = [] {
    auto* t = new BaseTable;  // never freed: read until the process ends
    const Fe x = FromBytes(kBaseX);
    const Fe y = FromBytes(kBaseY);
    P3 base{x, y, kOne, MulInline(x, y)};  // 256^i·B, affine
    for (std::size_t i = 0; i < 32; ++i) {
      const Niels base_niels = ToNiels(base);
      std::array<P3, 8> multiples;
      multiples[0] = base;
      for (std::size_t j = 1; j < 8; ++j)
        multiples[j] = ToP3(AddNiels(multiples[j - 1], base_niels));
      std::array<Fe, 8> zs;
      std::array<Fe, 8> z_inverses;
      for (std::size_t j = 0; j < 8; ++j) zs[j] = multiples[j].z;
      InvertAll(zs.data(), z_inverses.data(), zs.size());
      for (std::size_t j = 0; j < 8; ++j)
        (*t)[i][j] = ToRow(ToNiels(Affine(multiples[j], z_inverses[j])));
      P2 p{base.x, base.y, base.z};
      for (int d = 0; d < 7; ++d) p = ToP2(Double(p));
      const P3 next = ToP3(Double(p));  // [256]base
      base = Affine(next, Invert(next.z));
    }
    return t;
  }();
  return *table;
}

// All-ones when a == b, else zero, without a branch (a, b < 2^63).
U64 EqualMask(U64 a, U64 b) { return U64{0} - (((a ^ b) - 1) >> 63); }

void MoveIf(Fe& to, const Fe& from, U64 mask) {
  for (int k = 0; k < 5; ++k) to.v[k] ^= (to.v[k] ^ from.v[k]) & mask;
}

// Two words, for SSE2's 16-byte registers (GCC's and Clang's vector extension).
typedef U64 Words2 __attribute__((vector_size(16)));

// [digit]·(256^i·B) for a digit in [-8, 8], reading all eight entries of the position's table.
[[gnu::always_inline]] inline Niels Select(const std::array<NielsRow, 8>& rows, std::int8_t digit) {
  const U64 negative = static_cast<std::uint8_t>(digit) >> 7;  // 1 when digit < 0
  const U64 magnitude =
      static_cast<std::uint8_t>(digit - ((-static_cast<int>(negative) & digit) * 2));
  Words2 chosen[8];
  std::memcpy(chosen, ToRow(kNeutralNiels).words, sizeof chosen);
  for (U64 j = 0; j < 8; ++j) {
    const U64 m = EqualMask(magnitude, j + 1);
    const Words2 mask = {m, m};
    for (std::size_t k = 0; k < 8; ++k) {
      Words2 entry;
      std::memcpy(&entry, rows[j].words + 2 * k, sizeof entry);
      chosen[k] ^= (chosen[k] ^ entry) & mask;
    }
  }
  Niels n;
  std::memcpy(&n, chosen, sizeof n);
  // -(x, y) = (-x, y): y + x and y - x trade places, 2dxy changes sign.
  const Niels minus{n.y_minus_x, n.y_plus_x, Neg(n.xy2d)};
  const U64 mask = U64{0} - negative;
  MoveIf(n.y_plus_x, minus.y_plus_x, mask);
  MoveIf(n.y_minus_x, minus.y_minus_x, mask);
  MoveIf(n.xy2d, minus.xy2d, mask);
  return n;
}

// [r]B in projective coordinates (ref10's ge_scalarmult_base): r = sum of e[i]·16^i with e[i] in
// [-8, 8]; the odd positions' terms are summed, multiplied by 16, and the even ones added.
P3 MultiplyBase(const std::array<std::uint8_t, 32>& r) {
  std::int8_t e[64];
  for (std::size_t i = 0; i < 32; ++i) {
    e[2 * i] = static_cast<std::int8_t>(r[i] & 15);
    e[2 * i + 1] = static_cast<std::int8_t>(r[i] >> 4);
  }
  std::int8_t carry = 0;
  for (std::size_t i = 0; i < 63; ++i) {
    e[i] = static_cast<std::int8_t>(e[i] + carry);
    carry = static_cast<std::int8_t>((e[i] + 8) >> 4);
    e[i] = static_cast<std::int8_t>(e[i] - carry * 16);
  }
  e[63] = static_cast<std::int8_t>(e[63] + carry);  // below 8 for r < 2^255

  const BaseTable& table = Table();
  P3 h = kNeutral;
  for (std::size_t i = 1; i < 64; i += 2) h = ToP3(AddNiels(h, Select(table[i / 2], e[i])));
  P2 p{h.x, h.y, h.z};
  for (int d = 0; d < 3; ++d) p = ToP2(Double(p));
  h = ToP3(Double(p));
  for (std::size_t i = 0; i < 64; i += 2) h = ToP3(AddNiels(h, Select(table[i / 2], e[i])));
  sodium_memzero(e, sizeof e);
  return h;
}

}  // namespace

void Ed25519BaseMultiples(std::span<const std::array<std::uint8_t, 32>> scalars,
                          std::span<std::array<std::uint8_t, 32>> out) {
  LICET_CHECK(scalars.size() == out.size() && scalars.size() <= kEd25519BaseBatchMax,
              "Ed25519BaseMultiples: one output per scalar, at most kEd25519BaseBatchMax");
  const std::size_t n = scalars.size();
  if (n == 0) return;
  std::array<P3, kEd25519BaseBatchMax> points;
  std::array<Fe, kEd25519BaseBatchMax> zs;
  std::array<Fe, kEd25519BaseBatchMax> z_inverses;
  for (std::size_t i = 0; i < n; ++i) {
    LICET_CHECK(scalars[i][31] < 0x80, "Ed25519BaseMultiples: a scalar of 2^255 or more");
    points[i] = MultiplyBase(scalars[i]);
    zs[i] = points[i].z;  // never zero: the formulas are complete
  }
  InvertAll(zs.data(), z_inverses.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const Fe x = MulInline(points[i].x, z_inverses[i]);
    out[i] = ToBytes(MulInline(points[i].y, z_inverses[i]));
    out[i][31] = static_cast<std::uint8_t>(out[i][31] | (ToBytes(x)[0] & 1) << 7);  // x's sign
  }
  // The points and their coordinates tell of the secret scalars.
  sodium_memzero(points.data(), sizeof(P3) * n);
  sodium_memzero(zs.data(), sizeof(Fe) * n);
  sodium_memzero(z_inverses.data(), sizeof(Fe) * n);
}

}  // namespace licet
