// Ed25519 verification (internal/ed25519_verify.h): field elements mod p = 2^255 - 19 in five
// 51-bit limbs, points in the extended coordinates of Hisil, Wong, Carter and Dawson (2008) as
// the ref10 code that libsodium carries names them, and [h](-A) + [s]B by sliding windows over
// both scalars at once. Nothing here is secret, so nothing needs to run in constant time.
#include "internal/ed25519_verify.h"

#include <sodium.h>

#include <array>
#include <cstring>

#include "internal/laid_out.h"

namespace licet::core_internal {
namespace {

using U64 = std::uint64_t;
__extension__ typedef unsigned __int128 U128;  // GCC/Clang, not ISO C++
constexpr U64 kMask51 = (U64{1} << 51) - 1;

// A field element: v[0] + v[1]·2^51 + ... + v[4]·2^204, limbs kept below ~2^51 by Carry.
struct Fe {
  U64 v[5];
};

// The constants a verification reads sit among the code of a first check (internal/laid_out.h).
// Not vectorised either (src/core/CMakeLists.txt), which would add 16-byte constants the link
// pools far away in .rodata.
#define LICET_ED25519_CONSTANT LICET_LAID_OUT_CONSTANT("ed25519")

LICET_ED25519_CONSTANT constexpr Fe kOne{{1, 0, 0, 0, 0}};
// d = -121665/121666, 2d and sqrt(-1), mod p.
LICET_ED25519_CONSTANT constexpr Fe kD{
    {0x34dca135978a3, 0x1a8283b156ebd, 0x5e7a26001c029, 0x739c663a03cbb, 0x52036cee2b6ff}};
LICET_ED25519_CONSTANT constexpr Fe kD2{
    {0x69b9426b2f159, 0x35050762add7a, 0x3cf44c0038052, 0x6738cc7407977, 0x2406d9dc56dff}};
LICET_ED25519_CONSTANT constexpr Fe kSqrtM1{
    {0x61b274a0ea0b0, 0xd5a5fc8f189d, 0x7ef5e9cbd0c60, 0x78595a6804c9e, 0x2b8324804fc1d}};

Fe Carry(Fe a) {
  U64 c = a.v[0] >> 51;
  a.v[0] &= kMask51;
  a.v[1] += c;
  c = a.v[1] >> 51;
  a.v[1] &= kMask51;
  a.v[2] += c;
  c = a.v[2] >> 51;
  a.v[2] &= kMask51;
  a.v[3] += c;
  c = a.v[3] >> 51;
  a.v[3] &= kMask51;
  a.v[4] += c;
  c = a.v[4] >> 51;
  a.v[4] &= kMask51;
  a.v[0] += 19 * c;  // 2^255 = 19 (mod p)
  return a;
}

Fe Add(const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 5; ++i) r.v[i] = a.v[i] + b.v[i];
  return Carry(r);
}

// a - b as a + 4p - b, so that no limb goes below zero.
Fe Sub(const Fe& a, const Fe& b) {
  Fe r;
  r.v[0] = a.v[0] + 0x1FFFFFFFFFFFB4 - b.v[0];
  for (int i = 1; i < 5; ++i) r.v[i] = a.v[i] + 0x1FFFFFFFFFFFFC - b.v[i];
  return Carry(r);
}

Fe Neg(const Fe& a) { return Sub(Fe{}, a); }

U128 Product(U64 x, U64 y) { return static_cast<U128>(x) * y; }

// The five 128-bit column sums of a product, carried back into limbs.
Fe CarryProduct(U128 r0, U128 r1, U128 r2, U128 r3, U128 r4) {
  Fe r;
  r1 += static_cast<U64>(r0 >> 51);
  r.v[0] = static_cast<U64>(r0) & kMask51;
  r2 += static_cast<U64>(r1 >> 51);
  r.v[1] = static_cast<U64>(r1) & kMask51;
  r3 += static_cast<U64>(r2 >> 51);
  r.v[2] = static_cast<U64>(r2) & kMask51;
  r4 += static_cast<U64>(r3 >> 51);
  r.v[3] = static_cast<U64>(r3) & kMask51;
  r.v[4] = static_cast<U64>(r4) & kMask51;
  r.v[0] += 19 * static_cast<U64>(r4 >> 51);
  r.v[1] += r.v[0] >> 51;
  r.v[0] &= kMask51;
  return r;
}

// Column k sums a_i b_j over i + j = k, and 19 a_i b_j over i + j = k + 5 (2^255 = 19).
Fe Mul(const Fe& a, const Fe& b) {
  const U64* x = a.v;
  const U64* y = b.v;
  const U64 y1 = 19 * y[1];
  const U64 y2 = 19 * y[2];
  const U64 y3 = 19 * y[3];
  const U64 y4 = 19 * y[4];
  return CarryProduct(Product(x[0], y[0]) + Product(x[1], y4) + Product(x[2], y3) +
                          Product(x[3], y2) + Product(x[4], y1),
                      Product(x[0], y[1]) + Product(x[1], y[0]) + Product(x[2], y4) +
                          Product(x[3], y3) + Product(x[4], y2),
                      Product(x[0], y[2]) + Product(x[1], y[1]) + Product(x[2], y[0]) +
                          Product(x[3], y4) + Product(x[4], y3),
                      Product(x[0], y[3]) + Product(x[1], y[2]) + Product(x[2], y[1]) +
                          Product(x[3], y[0]) + Product(x[4], y4),
                      Product(x[0], y[4]) + Product(x[1], y[3]) + Product(x[2], y[2]) +
                          Product(x[3], y[1]) + Product(x[4], y[0]));
}

// Mul(a, a) with the symmetric products computed once: 15 multiplications instead of 25.
Fe Square(const Fe& a) {
  const U64* x = a.v;
  const U64 x0_2 = 2 * x[0];
  const U64 x1_2 = 2 * x[1];
  const U64 x3_19 = 19 * x[3];
  const U64 x4_19 = 19 * x[4];
  return CarryProduct(Product(x[0], x[0]) + Product(x1_2, x4_19) + Product(2 * x[2], x3_19),
                      Product(x0_2, x[1]) + Product(2 * x[2], x4_19) + Product(x[3], x3_19),
                      Product(x0_2, x[2]) + Product(x[1], x[1]) + Product(2 * x[3], x4_19),
                      Product(x0_2, x[3]) + Product(x1_2, x[2]) + Product(x[4], x4_19),
                      Product(x0_2, x[4]) + Product(x1_2, x[3]) + Product(x[2], x[2]));
}

Fe SquareTimes(Fe a, int times) {
  for (int i = 0; i < times; ++i) a = Square(a);
  return a;
}

// 32 little-endian bytes as four 64-bit words, least significant first, and back.
std::array<U64, 4> LoadWords(const std::uint8_t* s) {
  std::array<U64, 4> w{};
  for (std::size_t i = 0; i < 32; ++i) w[i / 8] |= U64{s[i]} << (8 * (i % 8));
  return w;
}

std::array<std::uint8_t, 32> StoreWords(const U64 (&w)[4]) {
  std::array<std::uint8_t, 32> out;
  for (std::size_t i = 0; i < 32; ++i)
    out[i] = static_cast<std::uint8_t>(w[i / 8] >> (8 * (i % 8)));
  return out;
}

// The canonical 32-byte encoding (the value reduced below p), little-endian.
std::array<std::uint8_t, 32> ToBytes(const Fe& a) {
  Fe t = Carry(Carry(a));  // below 2^255 + small, properly carried
  // Add 19: the value reaches 2^255 exactly when it was p or more; then drop bit 255.
  t.v[0] += 19;
  t = Carry(t);
  // t now holds value + 19 mod 2^255 (with 19 folded back in when it wrapped); take the 19 away
  // again by adding 2^255 - 19 and dropping bit 255.
  t.v[0] += 0x8000000000000 - 19;
  for (int i = 1; i < 5; ++i) t.v[i] += 0x8000000000000 - 1;
  for (int i = 0; i < 4; ++i) {
    t.v[i + 1] += t.v[i] >> 51;
    t.v[i] &= kMask51;
  }
  t.v[4] &= kMask51;
  const U64 words[4] = {t.v[0] | t.v[1] << 51, t.v[1] >> 13 | t.v[2] << 38,
                        t.v[2] >> 26 | t.v[3] << 25, t.v[3] >> 39 | t.v[4] << 12};
  return StoreWords(words);
}

// The low 255 bits of `s` (bit 255 is a point encoding's sign of x, read by the caller).
Fe FromBytes(const std::uint8_t* s) {
  const std::array<U64, 4> w = LoadWords(s);
  return Fe{{w[0] & kMask51, (w[0] >> 51 | w[1] << 13) & kMask51,
             (w[1] >> 38 | w[2] << 26) & kMask51, (w[2] >> 25 | w[3] << 39) & kMask51,
             (w[3] >> 12) & kMask51}};
}

bool IsZero(const Fe& a) {
  const std::array<std::uint8_t, 32> b = ToBytes(a);
  std::uint8_t any = 0;
  for (const std::uint8_t byte : b) any |= byte;
  return any == 0;
}

bool IsNegative(const Fe& a) { return (ToBytes(a)[0] & 1) != 0; }

// z^(2^250 - 1) and z^11, shared by the inversion and the square root's exponent.
struct PowerChain {
  Fe z11;
  Fe z2_250_0;
};

PowerChain Chain(const Fe& z) {
  const Fe z2 = Square(z);
  const Fe z9 = Mul(SquareTimes(z2, 2), z);
  const Fe z11 = Mul(z9, z2);
  const Fe z2_5_0 = Mul(Square(z11), z9);  // z^(2^5 - 1)
  const Fe z2_10_0 = Mul(SquareTimes(z2_5_0, 5), z2_5_0);
  const Fe z2_20_0 = Mul(SquareTimes(z2_10_0, 10), z2_10_0);
  const Fe z2_40_0 = Mul(SquareTimes(z2_20_0, 20), z2_20_0);
  const Fe z2_50_0 = Mul(SquareTimes(z2_40_0, 10), z2_10_0);
  const Fe z2_100_0 = Mul(SquareTimes(z2_50_0, 50), z2_50_0);
  const Fe z2_200_0 = Mul(SquareTimes(z2_100_0, 100), z2_100_0);
  return {z11, Mul(SquareTimes(z2_200_0, 50), z2_50_0)};
}

Fe Invert(const Fe& z) {  // z^(p - 2) = z^(2^255 - 21)
  const PowerChain c = Chain(z);
  return Mul(SquareTimes(c.z2_250_0, 5), c.z11);
}

Fe Pow22523(const Fe& z) {  // z^((p - 5) / 8) = z^(2^252 - 3)
  return Mul(SquareTimes(Chain(z).z2_250_0, 2), z);
}

// Points: projective (X:Y:Z), extended (X:Y:Z:T with XY = ZT), completed (the sum or double
// before its last multiplications) and cached (Y+X, Y-X, Z, 2dT: ready to be added).
struct P2 {
  Fe x, y, z;
};
struct P3 {
  Fe x, y, z, t;
};
struct Completed {
  Fe x, y, z, t;
};
struct Cached {
  Fe y_plus_x, y_minus_x, z, t2d;
};

// B, 3B, 5B, ..., 15B for the base point B (y = 4/5, x even), affine: (y + x, y - x, 1, 2dxy).
LICET_ED25519_CONSTANT constexpr Cached kBaseOddMultiples[8] = {
    {{{0x493c6f58c3b85, 0xdf7181c325f7, 0xf50b0b3e4cb7, 0x5329385a44c32, 0x7cf9d3a33d4b}},
     {{0x3905d740913e, 0xba2817d673a2, 0x23e2827f4e67c, 0x133d2e0c21a34, 0x44fd2f9298f81}},
     kOne,
     {{0x11205877aaa68, 0x479955893d579, 0x50d66309b67a0, 0x2d42d0dbee5ee, 0x6f117b689f0c6}}},
    {{{0x5b0a84cee9730, 0x61d10c97155e4, 0x4059cc8096a10, 0x47a608da8014f, 0x7a164e1b9a80f}},
     {{0x11fe8a4fcd265, 0x7bcb8374faacc, 0x52f5af4ef4d4f, 0x5314098f98d10, 0x2ab91587555bd}},
     kOne,
     {{0x6933f0dd0d889, 0x44386bb4c4295, 0x3cb6d3162508c, 0x26368b872a2c6, 0x5a2826af12b9b}}},
    {{{0x2bc4408a5bb33, 0x78ebdda05442, 0x2ffb112354123, 0x375ee8df5862d, 0x2945ccf146e20}},
     {{0x182c3a447d6ba, 0x22964e536eff2, 0x192821f540053, 0x2f9f19e788e5c, 0x154a7e73eb1b5}},
     kOne,
     {{0x3dbf1812a8285, 0xfa17ba3f9797, 0x6f69cb49c3820, 0x34d5a0db3858d, 0x43aabe696b3bb}}},
    {{{0x25cd0944ea3bf, 0x75673b81a4d63, 0x150b925d1c0d4, 0x13f38d9294114, 0x461bea69283c9}},
     {{0x72c9aaa3221b1, 0x267774474f74d, 0x64b0e9b28085, 0x3f04ef53b27c9, 0x1d6edd5d2e531}},
     kOne,
     {{0x36dc801b8b3a2, 0xe0a7d4935e30, 0x1deb7cecc0d7d, 0x53a94e20dd2c, 0x7a9fbb1c6a0f9}}},
    {{{0x6678aa6a8632f, 0x5ea3788d8b365, 0x21bd6d6994279, 0x7ace75919e4e3, 0x34b9ed338add7}},
     {{0x6217e039d8064, 0x6dea408337e6d, 0x57ac112628206, 0x647cb65e30473, 0x49c05a51fadc9}},
     kOne,
     {{0x4e8bf9045af1b, 0x514e33a45e0d6, 0x7533c5b8bfe0f, 0x583557b7e14c9, 0x73c172021b008}}},
    {{{0x700848a802ade, 0x1e04605c4e5f7, 0x5c0d01b9767fb, 0x7d7889f42388b, 0x4275aae2546d8}},
     {{0x75b0249864348, 0x52ee11070262b, 0x237ae54fb5acd, 0x3bfd1d03aaab5, 0x18ab598029d5c}},
     kOne,
     {{0x32cc5fd6089e9, 0x426505c949b05, 0x46a18880c7ad2, 0x4a4221888ccda, 0x3dc65522b53df}}},
    {{{0xc222a2007f6d, 0x356b79bdb77ee, 0x41ee81efe12ce, 0x120a9bd07097d, 0x234fd7eec346f}},
     {{0x7013b327fbf93, 0x1336eeded6a0d, 0x2b565a2bbf3af, 0x253ce89591955, 0x267882d17602}},
     kOne,
     {{0xa119732ea378, 0x63bf1ba8e2a6c, 0x69f94cc90df9a, 0x431d1779bfc48, 0x497ba6fdaa097}}},
    {{{0x6cc0313cfeaa0, 0x1a313848da499, 0x7cb534219230a, 0x39596dedefd60, 0x61e22917f12de}},
     {{0x3cd86468ccf0b, 0x48553221ac081, 0x6c9464b4e0a6e, 0x75fba84180403, 0x43b5cd4218d05}},
     kOne,
     {{0x2762f9bd0b516, 0x1c6e7fbddcbb3, 0x75909c3ace2bd, 0x42101972d3ec9, 0x511d61210ae4d}}}};

Cached ToCached(const P3& p) { return {Add(p.y, p.x), Sub(p.y, p.x), p.z, Mul(p.t, kD2)}; }
P3 ToP3(const Completed& c) { return {Mul(c.x, c.t), Mul(c.y, c.z), Mul(c.z, c.t), Mul(c.x, c.y)}; }
P2 ToP2(const Completed& c) { return {Mul(c.x, c.t), Mul(c.y, c.z), Mul(c.z, c.t)}; }

// p + q, or p - q when `subtract`.
Completed AddCached(const P3& p, const Cached& q, bool subtract) {
  const Fe a = Mul(Add(p.y, p.x), subtract ? q.y_minus_x : q.y_plus_x);
  const Fe b = Mul(Sub(p.y, p.x), subtract ? q.y_plus_x : q.y_minus_x);
  const Fe c = Mul(q.t2d, p.t);
  const Fe zz = Mul(p.z, q.z);
  const Fe d = Add(zz, zz);
  return {Sub(a, b), Add(a, b), subtract ? Sub(d, c) : Add(d, c), subtract ? Add(d, c) : Sub(d, c)};
}

Completed Double(const P2& p) {
  const Fe xx = Square(p.x);
  const Fe yy = Square(p.y);
  const Fe zz = Square(p.z);
  const Fe zz2 = Add(zz, zz);
  const Fe sum_sq = Square(Add(p.x, p.y));
  const Fe y = Add(yy, xx);
  const Fe z = Sub(yy, xx);
  return {Sub(sum_sq, y), y, z, Sub(zz2, z)};
}

// -A from its encoding; false when no point has it. Not inlined, like the functions below that
// a verification calls once: their frames come and go before DoubleScalarMult's.
[[gnu::noinline]] bool DecodeNegated(const std::uint8_t* s, P3& out) {
  const Fe y = FromBytes(s);
  const Fe yy = Square(y);
  const Fe u = Sub(yy, kOne);           // y^2 - 1
  const Fe v = Add(Mul(yy, kD), kOne);  // d y^2 + 1
  const Fe v3 = Mul(Square(v), v);
  Fe x = Mul(Mul(Square(v3), v), u);  // u v^7
  x = Mul(Mul(Pow22523(x), v3), u);   // u v^3 (u v^7)^((p - 5) / 8)
  const Fe vxx = Mul(Square(x), v);
  if (!IsZero(Sub(vxx, u))) {
    if (!IsZero(Add(vxx, u))) return false;
    x = Mul(x, kSqrtM1);
  }
  if (IsNegative(x) == ((s[31] >> 7) != 0)) x = Neg(x);
  out = {x, y, kOne, Mul(x, y)};
  return true;
}

[[gnu::noinline]] std::array<std::uint8_t, 32> Encode(const P2& p) {
  const Fe z_inverse = Invert(p.z);
  std::array<std::uint8_t, 32> out = ToBytes(Mul(p.y, z_inverse));
  out[31] ^= static_cast<std::uint8_t>(IsNegative(Mul(p.x, z_inverse)) ? 0x80 : 0);
  return out;
}

// The scalar `a` (256 bits) as signed odd digits in [-15, 15] with runs of zeros between them.
void Slide(std::int8_t* r, const std::uint8_t* a) {
  for (int i = 0; i < 256; ++i) r[i] = static_cast<std::int8_t>(1 & (a[i >> 3] >> (i & 7)));
  for (int i = 0; i < 256; ++i) {
    if (r[i] == 0) continue;
    for (int b = 1; b <= 6 && i + b < 256; ++b) {
      if (r[i + b] == 0) continue;
      const int shifted = r[i + b] * (1 << b);
      if (r[i] + shifted <= 15) {
        r[i] = static_cast<std::int8_t>(r[i] + shifted);
        r[i + b] = 0;
      } else if (r[i] - shifted >= -15) {
        r[i] = static_cast<std::int8_t>(r[i] - shifted);
        for (int k = i + b; k < 256; ++k) {
          if (r[k] == 0) {
            r[k] = 1;
            break;
          }
          r[k] = 0;
        }
      } else {
        break;
      }
    }
  }
}

// P, 3P, 5P, ..., 15P, ready to be added.
[[gnu::noinline]] void OddMultiples(const P3& p, Cached* out) {
  out[0] = ToCached(p);
  const P3 twice = ToP3(Double(P2{p.x, p.y, p.z}));
  for (int i = 1; i < 8; ++i) out[i] = ToCached(ToP3(AddCached(twice, out[i - 1], false)));
}

// t + [digit]M, for an odd digit in [-15, 15] (0: t) and M's odd multiples.
Completed AddDigit(const Completed& t, int digit, const Cached* multiples) {
  if (digit > 0) return AddCached(ToP3(t), multiples[digit / 2], false);
  if (digit < 0) return AddCached(ToP3(t), multiples[-digit / 2], true);
  return t;
}

// [a]P + [b]B, given P's odd multiples. Not inlined: its digits are then the deepest frame of a
// verification, not added to its caller's, which stays under the hash and the final inversion,
// and the multiples are made before, so that making them does not run under the digits either.
// A first check's stack must fit the pages a fresh process has already touched (each new one is
// a page fault: bench/RESULTS.md, "Application SDK").
[[gnu::noinline]] P2 DoubleScalarMult(const std::uint8_t* a, const Cached* p_multiples,
                                      const std::uint8_t* b) {
  std::int8_t a_digits[256];
  std::int8_t b_digits[256];
  Slide(a_digits, a);
  Slide(b_digits, b);
  P2 r{Fe{}, kOne, kOne};
  int i = 255;
  while (i >= 0 && a_digits[i] == 0 && b_digits[i] == 0) --i;
  for (; i >= 0; --i) {
    const Completed t =
        AddDigit(AddDigit(Double(r), a_digits[i], p_multiples), b_digits[i], kBaseOddMultiples);
    r = ToP2(t);
  }
  return r;
}

// The group order L = 2^252 + c, least significant word first.
LICET_ED25519_CONSTANT constexpr U64 kOrderLimbs[4] = {0x5812631a5cf5d3ed, 0x14def9dea2f79cd6, 0,
                                                       0x1000000000000000};

bool ScalarIsCanonical(const std::uint8_t* s) {  // s < L
  const std::array<U64, 4> w = LoadWords(s);
  for (std::size_t i = 4; i-- > 0;) {
    if (w[i] != kOrderLimbs[i]) return w[i] < kOrderLimbs[i];
  }
  return false;
}

// The 512-bit little-endian `h` mod L, a byte at a time from the top: r = (256 r + byte) mod L.
// With r < L, x = 256 r + byte < 2^261; x = q 2^252 + low, so x = low - q c (mod L), which lies
// between -2^134 and 2^252 < L: one addition of L makes it right when it is negative.
std::array<std::uint8_t, 32> ReduceModOrder(const std::uint8_t* h) {
  U64 r[4] = {0, 0, 0, 0};
  for (int byte = 63; byte >= 0; --byte) {
    U64 x[5] = {r[0] << 8 | h[byte], r[1] << 8 | r[0] >> 56, r[2] << 8 | r[1] >> 56,
                r[3] << 8 | r[2] >> 56, r[3] >> 56};
    const U64 q = x[3] >> 60 | x[4] << 4;
    x[3] &= (U64{1} << 60) - 1;
    const U128 qc0 = static_cast<U128>(q) * kOrderLimbs[0];
    const U128 qc1 = static_cast<U128>(q) * kOrderLimbs[1] + static_cast<U64>(qc0 >> 64);
    const U64 qc[4] = {static_cast<U64>(qc0), static_cast<U64>(qc1), static_cast<U64>(qc1 >> 64),
                       0};
    U64 borrow = 0;
    for (int i = 0; i < 4; ++i) {
      const U128 diff = static_cast<U128>(x[i]) - qc[i] - borrow;
      r[i] = static_cast<U64>(diff);
      borrow = static_cast<U64>(diff >> 64) & 1;
    }
    if (borrow != 0) {
      U64 carry = 0;
      for (int i = 0; i < 4; ++i) {
        const U128 sum = static_cast<U128>(r[i]) + kOrderLimbs[i] + carry;
        r[i] = static_cast<U64>(sum);
        carry = static_cast<U64>(sum >> 64);
      }
    }
  }
  return StoreWords(r);
}

// The encodings libsodium refuses for R and for the public key, bit 255 aside: 0 (order 4), 1
// (order 1), the two y of the points of order 8, p - 1 (order 2), and p and p + 1 (non-canonical
// 0 and 1).
LICET_ED25519_CONSTANT constexpr std::uint8_t kSmallOrder[7][32] = {
    {0},
    {1},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
     0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
     0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
     0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
     0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}};

bool HasSmallOrder(const std::uint8_t* s) {
  for (const auto& bad : kSmallOrder) {
    if (std::memcmp(s, bad, 31) == 0 && (s[31] & 0x7f) == bad[31]) return true;
  }
  return false;
}

// y below p, bit 255 aside: not 2^255 - 19 ... 2^255 - 1.
bool PointIsCanonical(const std::uint8_t* s) {
  if ((s[31] & 0x7f) != 0x7f || s[0] < 0xed) return true;
  for (int i = 1; i < 31; ++i) {
    if (s[i] != 0xff) return true;
  }
  return false;
}

// h = SHA-512(R || A || M) mod L. Not inlined, so that the hash's 300 bytes of state are not
// part of the frame the multiplication runs under.
[[gnu::noinline]] std::array<std::uint8_t, 32> Challenge(const std::uint8_t* r,
                                                         const std::uint8_t* a,
                                                         std::span<const std::uint8_t> message) {
  crypto_hash_sha512_state hash;
  crypto_hash_sha512_init(&hash);
  crypto_hash_sha512_update(&hash, r, 32);
  crypto_hash_sha512_update(&hash, a, 32);
  crypto_hash_sha512_update(&hash, message.data(), message.size());
  std::uint8_t digest[64];
  crypto_hash_sha512_final(&hash, digest);
  return ReduceModOrder(digest);
}

}  // namespace

bool Ed25519Verify(std::span<const std::uint8_t, 64> signature,
                   std::span<const std::uint8_t> message,
                   std::span<const std::uint8_t, 32> public_key) {
  const std::uint8_t* r = signature.data();
  const std::uint8_t* s = signature.data() + 32;
  const std::uint8_t* a = public_key.data();
  if (!ScalarIsCanonical(s) || HasSmallOrder(r)) return false;
  if (!PointIsCanonical(a) || HasSmallOrder(a)) return false;
  P3 minus_a;
  if (!DecodeNegated(a, minus_a)) return false;
  const std::array<std::uint8_t, 32> h = Challenge(r, a, message);
  // R' = [s]B - [h]A; the signature holds when R' encodes as R does.
  Cached minus_a_multiples[8];
  OddMultiples(minus_a, minus_a_multiples);
  const std::array<std::uint8_t, 32> r_check =
      Encode(DoubleScalarMult(h.data(), minus_a_multiples, s));
  return std::memcmp(r_check.data(), r, 32) == 0;
}

}  // namespace licet::core_internal
