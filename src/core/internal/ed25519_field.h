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
