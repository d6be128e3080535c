// libFuzzer target, differential: Licet's Ed25519 verification (internal/ed25519_verify.h, which
// checks every license token an application reads) against libsodium's crypto_sign_verify_detached
// on the same inputs; they must agree on every one. The input is a mode byte, a seed (32 bytes), a
// bit position (2 bytes), a signature (64), a public key (32) and the message (the rest). With
// mode bit 0 set, the signature and key are replaced by libsodium's signature of the message under
// the seed's key pair (so that valid signatures are fuzzed too), and with bit 1 also set, one bit
// of signature || key is then flipped. The result must not change with the signature's verification
// hint, right or (mode bit 2) with a bit flipped.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "internal/ed25519_verify.h"
#include "licet/core/check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool initialized = sodium_init() >= 0;
  LICET_CHECK(initialized, "libsodium starts");
  constexpr std::size_t kHeader = 1 + 32 + 2 + 64 + 32;
  std::array<std::uint8_t, kHeader> in{};
  std::copy_n(data, std::min(size, in.size()), in.begin());
  const std::span<const std::uint8_t> message(data + std::min(size, kHeader),
                                              size - std::min(size, kHeader));
  const std::uint8_t mode = in[0];
  std::array<std::uint8_t, 96> sig_and_key{};  // signature, then public key
  std::copy_n(in.begin() + 35, 96, sig_and_key.begin());
  if ((mode & 1) != 0) {
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> secret{};
    crypto_sign_seed_keypair(sig_and_key.data() + 64, secret.data(), in.data() + 1);
    crypto_sign_detached(sig_and_key.data(), nullptr, message.data(), message.size(),
                         secret.data());
    if ((mode & 2) != 0) {
      const unsigned bit = (in[33] | unsigned{in[34]} << 8) % (96 * 8);
      sig_and_key[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    }
  }
  const bool ours = licet::core_internal::Ed25519Verify(
      std::span<const std::uint8_t, 64>(sig_and_key.data(), 64), message,
      std::span<const std::uint8_t, 32>(sig_and_key.data() + 64, 32));
  const bool reference = crypto_sign_verify_detached(sig_and_key.data(), message.data(),
                                                     message.size(), sig_and_key.data() + 64) == 0;
  LICET_CHECK(ours == reference, "Licet's Ed25519 verification agrees with libsodium's");
  // A verification hint never changes the result: the right one, or (mode bit 2) one with a bit
  // flipped.
  std::optional<licet::core_internal::Ed25519Hint> hint = licet::core_internal::Ed25519HintFor(
      std::span<const std::uint8_t, 64>(sig_and_key.data(), 64),
      std::span<const std::uint8_t, 32>(sig_and_key.data() + 64, 32));
  if (hint) {
    if ((mode & 4) != 0) {
      const unsigned bit = (in[34] | unsigned{in[33]} << 8) % (64 * 8);
      (*hint)[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    }
    const bool hinted = licet::core_internal::Ed25519Verify(
        std::span<const std::uint8_t, 64>(sig_and_key.data(), 64), message,
        std::span<const std::uint8_t, 32>(sig_and_key.data() + 64, 32), &*hint);
    LICET_CHECK(hinted == reference, "a verification hint changes nothing");
  }
  return 0;
}
