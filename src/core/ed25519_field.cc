// Arithmetic modulo 2^255 - 19 (internal/ed25519_field.h).
#include "internal/ed25519_field.h"

namespace licet::core_internal::ed25519 {
namespace {

// z^(2^250 - 1), the bulk of the square root's exponent.
Fe Pow2_250_1(const Fe& z) {
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
  return Mul(SquareTimes(z2_200_0, 50), z2_50_0);
}

}  // namespace

Fe Mul(const Fe& a, const Fe& b) { return MulInline(a, b); }
Fe Square(const Fe& a) { return SquareInline(a); }

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

Fe Pow22523(const Fe& z) {  // z^((p - 5) / 8) = z^(2^252 - 3)
  return Mul(SquareTimes(Pow2_250_1(z), 2), z);
}

}  // namespace licet::core_internal::ed25519
