// Ed25519 verification (internal/ed25519_verify.h): field elements from internal/ed25519_field.h,
// points in the extended coordinates of Hisil, Wong, Carter and Dawson (2008) as the ref10 code
// that libsodium carries names them, and the check [s]B == R + [h]A made with scalars of half the
// size (internal/ed25519_lattice.h), by sliding windows over all four at once. Nothing here is
// secret, so nothing needs to run in constant time.
#include "internal/ed25519_verify.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "internal/ed25519_field.h"
#include "internal/ed25519_lattice.h"
#include "internal/laid_out.h"

namespace licet::core_internal {
namespace ed25519 {
namespace {

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

// The same for [2^128]B, the point that the upper half of d·s mod L multiplies.
LICET_ED25519_CONSTANT constexpr Cached kBase128OddMultiples[8] = {
    {{{0x304bfacad8ea2, 0x502917d108b07, 0x43176ca6dd0f, 0x5d5158f2c1d84, 0x2b5449e58eb3b}},
     {{0x27562eb3dbe47, 0x291d7b4170be7, 0x5d1ca67dfa8e1, 0x2a88061f298a2, 0x1304e9e71627d}},
     kOne,
     {{0x14d26adc9cfe, 0x7f1691ba16f13, 0x5e71828f06eac, 0x349ed07f0fffc, 0x4468de2d7c2dd}}},
    {{{0x264bf710ecdf6, 0x708c58527896b, 0x42ceae6c53394, 0x4381b21e82b6a, 0x6af93724185b4}},
     {{0x6cfab8de73e68, 0x3e6efced4bd21, 0x56609500dbe, 0x71b7824ad85df, 0x577629c4a7f41}},
     kOne,
     {{0x24509c6a888, 0x2696ab12e6644, 0xcca27f4b80d8, 0xc7c1f11b119e, 0x701f25bb0caec}}},
    {{{0x69bd55db1beee, 0x6e14e47f731bd, 0x1a35e47270eac, 0x66f225478df8e, 0x366d44191cfd3}},
     {{0x2d48ffb5720ad, 0x57b7f21a1df77, 0x5550effba0645, 0x5ec6a4098a931, 0x221104eb3f337}},
     kOne,
     {{0x41743f2bc8c14, 0x796b0ad8773c7, 0x29fee5cbb689b, 0x122665c178734, 0x4167a4e6bc593}}},
    {{{0xe28949770eb8, 0x5559e88147b72, 0x35e1e6e63ef30, 0x35b109aa7ff6f, 0x1f6a3e54f2690}},
     {{0x76cd05b9c619b, 0x69654b0901695, 0x7a53710b77f27, 0x79a1ea7d28175, 0x8fc3a4c677d5}},
     kOne,
     {{0x4c199d30734ea, 0x6c622cb9acc14, 0x5660a55030216, 0x68f1199f11fb, 0x4f2fad0116b90}}},
    {{{0x27ef70e37c8cb, 0x2372e3f4f28f8, 0x42f4cdb25caa8, 0x39b3ed4963c3, 0x3bc6a10aa583b}},
     {{0x3c5db45dc2c78, 0x500dc0f475f9, 0x4744178b59aad, 0x5001529064ca0, 0x3fd86de2aebd0}},
     kOne,
     {{0x43d82f773aecb, 0x4c3f518d2a046, 0x699683330c311, 0x2162de70b6f90, 0x5326ccb694083}}},
    {{{0x7f192a0d2da41, 0x68ddb03add844, 0x71ec237d96975, 0x19cd86a727660, 0x4d4ec054daefe}},
     {{0x21df92dcc5416, 0x4fc27d07b53ea, 0x758b12ec6b5c, 0x47ead8a3049e9, 0x336d296b4cdca}},
     kOne,
     {{0x6fc516536cb46, 0x46b1a1f65989a, 0x45ef0a45dbdc8, 0x65c72795e27c1, 0x15e397726486f}}},
    {{{0x53e4ea7c67900, 0x2635ba772b229, 0x1383eaeb47e06, 0x79562356c8dfe, 0x22751f67f4f51}},
     {{0x2b749181b45c7, 0x306207459d2c9, 0x485013397893c, 0x788153ad3db19, 0x306cf6d5c4b1b}},
     kOne,
     {{0x366fa22060ed4, 0x5682d7c4b1586, 0x54937b9980b67, 0x617ec016868e7, 0x71bd6e5254388}}},
    {{{0x32923fa62600, 0x324b28ff0708f, 0x5200f517d969e, 0x6ee59a06905bf, 0x63585a3c041f3}},
     {{0x8e93d9457638, 0x75d2d13b014f, 0x7b9040f62eecd, 0x6dd3420e9a011, 0xff6d3f433920}},
     kOne,
     {{0x34ee871911c90, 0x319a82e7e09e4, 0x41abcfc6b71e8, 0x4c6c2668f8731, 0x311875e37124b}}}};

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

// -P from its encoding `s` and P's x as a hint gives it (internal/ed25519_verify.h), when that x
// is P's: below p, with the encoding's sign, and on the curve with the encoding's y, -x^2 + y^2 =
// 1 + d x^2 y^2. For a y, only x and -x satisfy the equation, and the sign tells them apart; a y
// with no x has none, and x = 0 never has the sign bit. False when the hint is not P's x.
[[gnu::noinline]] bool DecodeNegatedWithHint(const std::uint8_t* s, const std::uint8_t* hint_x,
                                             P3& out) {
  const Fe x = FromBytes(hint_x);
  if ((hint_x[31] & 0x80) != 0 || std::memcmp(ToBytes(x).data(), hint_x, 32) != 0) return false;
  if ((hint_x[0] & 1) != (s[31] >> 7)) return false;
  const Fe y = FromBytes(s);
  const Fe xx = Square(x);
  const Fe yy = Square(y);
  if (!IsZero(Sub(Sub(yy, xx), Add(kOne, Mul(kD, Mul(xx, yy)))))) return false;
  const Fe minus_x = Neg(x);
  out = {minus_x, y, kOne, Mul(minus_x, y)};
  return true;
}

// -P from its encoding, with P's x from `hint_x` when it is right (nullptr: none).
bool DecodeNegated(const std::uint8_t* s, const std::uint8_t* hint_x, P3& out) {
  return (hint_x != nullptr && DecodeNegatedWithHint(s, hint_x, out)) || DecodeNegated(s, out);
}

// The scalar `a` (32 bytes) as `length` signed odd digits in [-15, 15] with runs of zeros between
// them: a = sum of r[i]·2^i. A value below 2^(length - 1) always fits.
void Slide(std::int8_t* r, int length, const std::uint8_t* a) {
  for (int i = 0; i < length; ++i) {
    r[i] = static_cast<std::int8_t>(i < 256 ? 1 & (a[i >> 3] >> (i & 7)) : 0);
  }
  for (int i = 0; i < length; ++i) {
    if (r[i] == 0) continue;
    for (int b = 1; b <= 6 && i + b < length; ++b) {
      if (r[i + b] == 0) continue;
      const int shifted = r[i + b] * (1 << b);
      if (r[i] + shifted <= 15) {
        r[i] = static_cast<std::int8_t>(r[i] + shifted);
        r[i + b] = 0;
      } else if (r[i] - shifted >= -15) {
        r[i] = static_cast<std::int8_t>(r[i] - shifted);
        for (int k = i + b; k < length; ++k) {
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

// The 512-bit little-endian `h` mod L, 32 bits at a time from the top: r = (2^32 r + word) mod L.
// With r < L, x = 2^32 r + word < 2^285; x = q 2^252 + low with q < 2^33, so x = low - q c (mod
// L), which lies between -2^158 and 2^252 < L: one addition of L makes it right when it is
// negative.
std::array<std::uint8_t, 32> ReduceModOrder(const std::uint8_t* h) {
  U64 r[4] = {0, 0, 0, 0};
  for (int word = 15; word >= 0; --word) {
    U64 w = 0;
    for (int i = 3; i >= 0; --i) w = w << 8 | h[4 * word + i];
    U64 x[5] = {r[0] << 32 | w, r[1] << 32 | r[0] >> 32, r[2] << 32 | r[1] >> 32,
                r[3] << 32 | r[2] >> 32, r[3] >> 32};
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

// a·b mod L for a and b below 2^256: the 512-bit product, then ReduceModOrder.
std::array<std::uint8_t, 32> MulModOrder(const std::array<std::uint8_t, 32>& a,
                                         const std::uint8_t* b) {
  const std::array<U64, 4> x = LoadWords(a.data());
  const std::array<U64, 4> y = LoadWords(b);
  U64 product[8] = {};
  for (std::size_t i = 0; i < 4; ++i) {
    U64 carry = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const U128 t = static_cast<U128>(x[i]) * y[j] + product[i + j] + carry;
      product[i + j] = static_cast<U64>(t);
      carry = static_cast<U64>(t >> 64);
    }
    product[i + 4] = carry;
  }
  std::uint8_t bytes[64];
  for (std::size_t i = 0; i < 64; ++i)
    bytes[i] = static_cast<std::uint8_t>(product[i / 8] >> (8 * (i % 8)));
  return ReduceModOrder(bytes);
}

// One scalar of a sum: its digits (Slide) and the odd multiples of its point, negated or not.
struct Term {
  const std::int8_t* digits;
  int length;
  const Cached* multiples;
  bool negated;
};

// Whether [d·s mod L]B + [c](-A) + [d](-R) is the neutral element (internal/ed25519_lattice.h),
// given -A's and -R's odd multiples: one doubling a bit for about 128 bits, d·s mod L split at bit
// 128 between B and [2^128]B. Not inlined: its digits are then the deepest frame of a
// verification, not added to its caller's, which stays under the hash and the square roots, and
// the multiples are made before, so that making them does not run under the digits either. A
// first check's stack must fit the pages a fresh process has already touched (each new one is a
// page fault: bench/RESULTS.md, "Application SDK").
[[gnu::noinline]] bool SumIsNeutral(const std::uint8_t* s, const HalfSizeScalars& scalars,
                                    const Cached* minus_a_multiples,
                                    const Cached* minus_r_multiples) {
  const std::array<std::uint8_t, 32> e = MulModOrder(scalars.d, s);
  std::array<std::uint8_t, 32> e_high{};  // e >> 128
  std::memcpy(e_high.data(), e.data() + 16, 16);
  std::array<std::uint8_t, 32> e_low{};
  std::memcpy(e_low.data(), e.data(), 16);
  std::int8_t e_low_digits[130];
  std::int8_t e_high_digits[130];
  std::int8_t c_digits[256];
  std::int8_t d_digits[134];
  Slide(e_low_digits, 130, e_low.data());
  Slide(e_high_digits, 130, e_high.data());
  Slide(c_digits, 256, scalars.c_magnitude.data());
  Slide(d_digits, 134, scalars.d.data());
  const Term terms[4] = {{e_low_digits, 130, kBaseOddMultiples, false},
                         {e_high_digits, 130, kBase128OddMultiples, false},
                         {c_digits, 256, minus_a_multiples, scalars.c_negative},
                         {d_digits, 134, minus_r_multiples, false}};
  int top = -1;
  for (const Term& term : terms) {
    for (int i = term.length - 1; i > top; --i) {
      if (term.digits[i] != 0) {
        top = i;
        break;
      }
    }
  }
  P2 sum{Fe{}, kOne, kOne};
  for (int i = top; i >= 0; --i) {
    Completed t = Double(sum);
    for (const Term& term : terms) {
      if (i < term.length)
        t = AddDigit(t, term.negated ? -term.digits[i] : term.digits[i], term.multiples);
    }
    sum = ToP2(t);
  }
  return IsZero(sum.x) && IsZero(Sub(sum.y, sum.z));  // (0 : Z : Z)
}

}  // namespace
}  // namespace ed25519

bool Ed25519Verify(std::span<const std::uint8_t, 64> signature,
                   std::span<const std::uint8_t> message,
                   std::span<const std::uint8_t, 32> public_key, const Ed25519Hint* hint) {
  using namespace ed25519;  // NOLINT(build/namespaces): this file's own internals
  const std::uint8_t* r = signature.data();
  const std::uint8_t* s = signature.data() + 32;
  const std::uint8_t* a = public_key.data();
  if (!ScalarIsCanonical(s) || HasSmallOrder(r)) return false;
  if (!PointIsCanonical(a) || HasSmallOrder(a)) return false;
  // R as a point: the first form compares [s]B - [h]A's canonical encoding with R's bytes, which
  // no non-canonical or undecodable R can equal. (x = 0 with the sign bit set, which decodes here
  // as x = 0, is only ever the identity's or the point of order 2's: small-order R, refused above.)
  if (!PointIsCanonical(r)) return false;
  P3 minus_a;
  P3 minus_r;
  if (!DecodeNegated(a, hint ? hint->data() : nullptr, minus_a) ||
      !DecodeNegated(r, hint ? hint->data() + 32 : nullptr, minus_r)) {
    return false;
  }
  const HalfSizeScalars scalars = ShortenChallenge(Challenge(r, a, message));
  Cached minus_a_multiples[8];
  Cached minus_r_multiples[8];
  OddMultiples(minus_a, minus_a_multiples);
  OddMultiples(minus_r, minus_r_multiples);
  return SumIsNeutral(s, scalars, minus_a_multiples, minus_r_multiples);
}

std::optional<Ed25519Hint> Ed25519HintFor(std::span<const std::uint8_t, 64> signature,
                                          std::span<const std::uint8_t, 32> public_key) {
  using namespace ed25519;  // NOLINT(build/namespaces): this file's own internals
  P3 minus_a;
  P3 minus_r;
  if (!PointIsCanonical(public_key.data()) || !PointIsCanonical(signature.data()) ||
      !DecodeNegated(public_key.data(), minus_a) || !DecodeNegated(signature.data(), minus_r)) {
    return std::nullopt;
  }
  Ed25519Hint hint;
  const std::array<std::uint8_t, 32> a_x = ToBytes(Neg(minus_a.x));
  const std::array<std::uint8_t, 32> r_x = ToBytes(Neg(minus_r.x));
  std::copy(a_x.begin(), a_x.end(), hint.begin());
  std::copy(r_x.begin(), r_x.end(), hint.begin() + 32);
  return hint;
}

}  // namespace licet::core_internal
