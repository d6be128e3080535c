// Bulk key issuance for `licet-server keys generate`: minting on every core, and the order in
// which a store takes the keys fastest.
//
//   std::vector<MintedKey> keys = MintKeys(KeyMinter(group, secret), first_serial, 1'000'000);
//   SortByText(keys);  // B-tree inserts in key order touch each page once
#pragma once

#include <cstdint>
#include <vector>

#include "licet/core/key_minter.h"

namespace licet::server {

/// Keys for serials first, first + 1, …, first + count - 1, in serial order, minted on every core
/// for large counts. Precondition: first + count - 1 <= kMaxKeySerial.
[[nodiscard]] std::vector<MintedKey> MintKeys(const KeyMinter& minter, std::uint32_t first,
                                              std::uint32_t count);

/// Sorts keys by their text, on every core for large batches.
void SortByText(std::vector<MintedKey>& keys);

}  // namespace licet::server
