// File: key_minter.h
// Makes many product keys of one key group fast: the vendor's HMAC key is absorbed once, and each
// key is written into a fixed-size buffer with no allocation. `ProductKey::Generate` is one mint;
// `licet-server keys generate` mints a million on every core.
//
//   const licet::KeyMinter minter(2203, secret);
//   const licet::MintedKey key = minter.Mint(42);  // key.text_view() == "TYMYT-VCH97-…"
//
// Thread-safe: Mint is const and keeps no state between calls.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "licet/core/product_key.h"

namespace licet {

/// Characters of a dashed key: 25 symbols in 5 groups and 4 dashes.
inline constexpr int kDashedKeyLength = kProductKeyLength + 4;

/// One key as minted: its dashed text and its serial.
struct MintedKey {
  std::array<char, kDashedKeyLength> text{};
  std::uint32_t serial = 0;

  [[nodiscard]] std::string_view text_view() const { return {text.data(), text.size()}; }
};

class KeyMinter {
 public:
  /// Precondition (checked): group <= kMaxKeyGroup.
  KeyMinter(std::uint32_t group, const KeyMacSecret& secret);
  ~KeyMinter();  // wipes the keyed state
  KeyMinter(const KeyMinter&) = delete;
  KeyMinter& operator=(const KeyMinter&) = delete;

  /// The key for `serial`, the same as ProductKey::Generate(group, serial, secret).text().
  /// Precondition (checked): serial <= kMaxKeySerial.
  [[nodiscard]] MintedKey Mint(std::uint32_t serial) const;

 private:
  std::uint32_t group_;
  crypto_auth_hmacsha256_state keyed_;  // the HMAC's pads absorbed; copied for each key
};

}  // namespace licet
