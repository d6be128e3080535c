// Halving the scalars of an Ed25519 verification (internal/ed25519_verify.h). A verification
// checks [s]B == R + [h]A with s and h about 2^253, which costs ~253 point doublings. With two
// integers c and d of about 2^128 such that c == h·d (mod 8L) and d odd, the check multiplied by d,
//   [d·s mod L]B - [c]A - [d]R == 0,
// needs only ~128 doublings once d·s mod L is split at bit 128 (B and [2^128]B are constants).
// The idea is Thomas Pornin's ("Optimized Lattice Basis Reduction In Dimension 2, and Fast Schnorr
// and EdDSA Signature Verification", IACR ePrint 2020/454); here (c, d) come from the extended
// Euclidean algorithm on (8L, h) stopped half-way, which is simpler and fast enough.
//
// Why 8L and an odd d: the two checks are the same check. Let Q = R + [h]A - [s]B. Every point's
// order divides 8L, so [c]A == [h·d]A for any A, and the second check says [d]Q == 0. Since d is
// odd and below L, it is coprime to 8L, so [d]Q == 0 only when Q == 0. No key or R, of whatever
// order, is judged differently from the first check (which libsodium's verification makes).
#pragma once

#include <array>
#include <cstdint>

namespace licet::core_internal {

/// c == h·d (mod 8L) with d odd, each as 32 little-endian bytes.
struct HalfSizeScalars {
  std::array<std::uint8_t, 32> c_magnitude{};
  bool c_negative = false;           // c is -c_magnitude
  std::array<std::uint8_t, 32> d{};  // odd, below 2^252
};

/// For a challenge h below 2^253 (h = SHA-512(R || A || M) mod L), c and d of about 2^128 each;
/// in the rare cases the reduction finds none short enough, c = h and d = 1, which is the
/// verification's first form.
[[nodiscard]] HalfSizeScalars ShortenChallenge(const std::array<std::uint8_t, 32>& h);

/// Bits needed for a 32-byte little-endian number (0 for zero).
[[nodiscard]] int BitLength(const std::array<std::uint8_t, 32>& n);

}  // namespace licet::core_internal
