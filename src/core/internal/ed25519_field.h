// Arithmetic modulo p = 2^255 - 19 for Licet's Ed25519 verification (internal/ed25519_verify.h):
// field elements in five 51-bit limbs, as the ref10 code that libsodium carries keeps them.
// Nothing here is secret, so nothing needs to run in constant time.
#pragma once

#include <array>
#include <cstdint>

namespace licet::core_internal::ed25519 {

using U64 = std::uint64_t;
__extension__ typedef unsigned __int128 U128;  // GCC/Clang, not ISO C++
inline constexpr U64 kMask51 = (U64{1} << 51) - 1;

/// A field element: v[0] + v[1]·2^51 + ... + v[4]·2^204, limbs kept below ~2^51 by Carry.
struct Fe {
  U64 v[5];
};

/// Each limb's carry into the next, and the top one's into the first as 19 (2^255 = 19).
inline Fe Carry(Fe a) {
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

// Add and Sub are inlined: a verification runs them about 700 times, and a call cost as much as
// their work.
[[gnu::always_inline]] inline Fe Add(const Fe& a, const Fe& b) {
  Fe r;
  for (int i = 0; i < 5; ++i) r.v[i] = a.v[i] + b.v[i];
  return Carry(r);
}

// a - b as a + 4p - b, so that no limb goes below zero.
[[gnu::always_inline]] inline Fe Sub(const Fe& a, const Fe& b) {
  Fe r;
  r.v[0] = a.v[0] + 0x1FFFFFFFFFFFB4 - b.v[0];
  for (int i = 1; i < 5; ++i) r.v[i] = a.v[i] + 0x1FFFFFFFFFFFFC - b.v[i];
  return Carry(r);
}

inline Fe Neg(const Fe& a) { return Sub(Fe{}, a); }

/// a·b, and a·a with the symmetric products computed once (15 multiplications instead of 25).
Fe Mul(const Fe& a, const Fe& b);
Fe Square(const Fe& a);

[[gnu::always_inline]] inline U128 Product(U64 x, U64 y) { return static_cast<U128>(x) * y; }

// The five 128-bit column sums of a product, carried back into limbs.
[[gnu::always_inline]] inline Fe CarryProduct(U128 r0, U128 r1, U128 r2, U128 r3, U128 r4) {
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

/// Mul and Square, inlined where they are called: for code that makes hundreds of them in a row
/// (licet/core/ed25519_base.h, where calls cost a twentieth of the instructions: bench/RESULTS.md).
/// Mul and Square stay calls, which keeps a first license check's code small.
// Column k sums a_i b_j over i + j = k, and 19 a_i b_j over i + j = k + 5 (2^255 = 19).
[[gnu::always_inline]] inline Fe MulInline(const Fe& a, const Fe& b) {
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

[[gnu::always_inline]] inline Fe SquareInline(const Fe& a) {
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
/// a^(2^times).
Fe SquareTimes(Fe a, int times);
/// z^((p - 5) / 8), the square root's exponent.
Fe Pow22523(const Fe& z);

/// 32 little-endian bytes as four 64-bit words, least significant first, and back.
std::array<U64, 4> LoadWords(const std::uint8_t* s);
std::array<std::uint8_t, 32> StoreWords(const U64 (&w)[4]);
/// The canonical 32-byte encoding (the value reduced below p), little-endian.
std::array<std::uint8_t, 32> ToBytes(const Fe& a);
/// The low 255 bits of `s` (bit 255 is a point encoding's sign of x, read by the caller).
Fe FromBytes(const std::uint8_t* s);
bool IsZero(const Fe& a);
/// Whether the canonical value is odd (x's "sign" in a point encoding).
bool IsNegative(const Fe& a);

}  // namespace licet::core_internal::ed25519
