// The arithmetic that verifying a confirmation ID needs on the curve brainpoolP160r1 (RFC 5639):
// s·G + e·P for public scalars and a public point, and the points' compressed encoding. Our own
// code, so that a phone-activated installation's first license check does not load OpenSSL's
// libcrypto (its start-up alone costs ~3 ms, ten first checks: bench/RESULTS.md). Signing, which
// handles the vendor's secret scalar, stays with OpenSSL's constant-time code in
// phone_activation.cc.
//
// Variable-time: every input here is public (the CID, the catalog's public key).
//
//   std::optional<Compressed> r = CombineWithGenerator(s, e, public_key);
//   if (!r) { /* P is not a point of the curve (IsCurvePoint), or s·G + e·P is the point at
//   infinity */ }
//
// Cross-checked against OpenSSL's EC_POINT_mul in src/core/brainpool_p160_test.cc.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace licet::core_internal::brainpool_p160 {

/// A point in SEC 1 compressed form: 0x02 or 0x03 (the parity of y), then x in 20 bytes,
/// big-endian.
using Compressed = std::array<std::uint8_t, 21>;

/// True when `point` is a compressed point of the curve.
[[nodiscard]] bool IsCurvePoint(const Compressed& point);

/// True when the 20-byte big-endian number is below the group order n.
[[nodiscard]] bool BelowOrder(std::span<const std::uint8_t, 20> scalar);

/// s·G + e·P in compressed form, for big-endian scalars: s of 160 bits, e of 80 (a confirmation
/// ID's response and challenge). nullopt when
/// `public_key` is not a compressed point of the curve (a bad prefix, x ≥ p, or no y for x) or
/// when the sum is the point at infinity (which has no compressed form).
[[nodiscard]] std::optional<Compressed> CombineWithGenerator(std::span<const std::uint8_t, 20> s,
                                                             std::span<const std::uint8_t, 10> e,
                                                             const Compressed& public_key);

}  // namespace licet::core_internal::brainpool_p160
