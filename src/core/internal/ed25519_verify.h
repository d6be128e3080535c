// Ed25519 signature verification (RFC 8032), Licet's own: the check an application runs on its
// license token in every fresh process. libsodium's verification lives in one 39-KB object with
// its signing, scalar and ristretto code and a 30-KB table only signing reads, all of which a fresh
// process's first check would fault in with it (bench/RESULTS.md, "Application SDK"); this one is a
// few KB. It accepts exactly what libsodium 1.0.18's crypto_sign_verify_detached accepts:
//  - s (the signature's second half) below the group order L;
//  - R (its first half) and the public key not one of the seven encodings of small-order points
//    libsodium refuses, and the public key a canonical encoding (its y below p);
//  - then [s]B == R + [SHA-512(R || A || M)]A, compared as encodings.
// That last check is made in an equivalent form with scalars of half the size, which needs half
// the doublings (internal/ed25519_lattice.h), and with the points' x coordinates from a hint when
// one is given and right (Ed25519Hint below). Variable time, which is fine for public keys, public
// messages and signatures. Signing stays with libsodium. Checked against libsodium on random and
// edge-case inputs (mixed-order keys and R among them) by ed25519_verify_test.cc and
// fuzz/ed25519_verify_fuzzer.cc.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace licet::core_internal {

/// The x coordinates of the public key's point and of the signature's R (32 little-endian bytes
/// each), kept beside a signature that will be verified again: with them a verification skips the
/// two square roots that decode those points, a sixth of its work. Checked, never trusted: an x is
/// used only when it is below p, has the encoding's sign and lies on the curve with the encoding's
/// y, which makes it the decoded point's; otherwise the point is decoded as without a hint. A hint
/// never changes a verification's result.
using Ed25519Hint = std::array<std::uint8_t, 64>;

/// True when `signature` (64 bytes) is `public_key`'s (32 bytes) Ed25519 signature of `message`.
[[nodiscard]] bool Ed25519Verify(std::span<const std::uint8_t, 64> signature,
                                 std::span<const std::uint8_t> message,
                                 std::span<const std::uint8_t, 32> public_key,
                                 const Ed25519Hint* hint = nullptr);

/// The hint for `signature` with `public_key`; nullopt when the key or R does not decode.
[[nodiscard]] std::optional<Ed25519Hint> Ed25519HintFor(
    std::span<const std::uint8_t, 64> signature, std::span<const std::uint8_t, 32> public_key);

}  // namespace licet::core_internal
