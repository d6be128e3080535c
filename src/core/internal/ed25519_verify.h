// Ed25519 signature verification (RFC 8032), Licet's own: the check an application runs on its
// license token in every fresh process. libsodium's verification lives in one 39-KB object with
// its signing, scalar and ristretto code and a 30-KB table only signing reads, all of which a fresh
// process's first check would fault in with it (bench/RESULTS.md, "Application SDK"); this one is a
// few KB. It accepts exactly what libsodium 1.0.18's crypto_sign_verify_detached accepts:
//  - s (the signature's second half) below the group order L;
//  - R (its first half) and the public key not one of the seven encodings of small-order points
//    libsodium refuses, and the public key a canonical encoding (its y below p);
//  - then [s]B == R + [SHA-512(R || A || M)]A, compared as encodings.
// Variable time, which is fine for public keys, public messages and signatures. Signing stays
// with libsodium. Checked against libsodium on random and edge-case inputs by
// ed25519_verify_test.cc and fuzz/ed25519_verify_fuzzer.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace licet::core_internal {

/// True when `signature` (64 bytes) is `public_key`'s (32 bytes) Ed25519 signature of `message`.
[[nodiscard]] bool Ed25519Verify(std::span<const std::uint8_t, 64> signature,
                                 std::span<const std::uint8_t> message,
                                 std::span<const std::uint8_t, 32> public_key);

}  // namespace licet::core_internal
