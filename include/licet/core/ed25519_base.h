// [r]B on Ed25519 for secret scalars r, many at a time: the half of a signature that does not need
// the message (R = [r]B), which licet-server makes ahead of time for its license tokens
// (licet/core/precomputed_nonce_signer.h).
//
// Constant time, as libsodium's fixed-base multiplication: ref10's signed radix-16 digits over
// tables of j·256^i·B (j = 1..8), every entry of a table read for each digit and the right one
// kept by masks, no branch or index on a secret. What it adds to libsodium's is the batch: the
// points leave projective coordinates through one field inversion for all of them (Montgomery's
// trick) instead of one each. Checked against libsodium's
// crypto_scalarmult_ed25519_base_noclamp (ed25519_base_test.cc); bench/RESULTS.md has its speed.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace licet {

/// out[i] = the encoding (RFC 8032) of [scalars[i]]B, for 32-byte little-endian scalars below
/// 2^255 (any value below the group order L qualifies). A zero scalar gives the neutral point's
/// encoding (1, then zeros). `out` must be as long as `scalars`; at most kEd25519BaseBatchMax.
void Ed25519BaseMultiples(std::span<const std::array<std::uint8_t, 32>> scalars,
                          std::span<std::array<std::uint8_t, 32>> out);

inline constexpr std::size_t kEd25519BaseBatchMax = 64;

}  // namespace licet
