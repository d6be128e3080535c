// The seal of store.json: a keyed BLAKE2b-256 over the file's bytes (with the seal itself written
// as 64 zeros), keyed by the installation's CMID and pinned vendor key. It makes an edit with a
// text editor or a script visible (LICET_E_STORE_TAMPERED); it is not a secret, so it cannot stop
// someone who reads this code. What no one can forge are the vendor-signed license tokens.
// Format: docs/formats/store.md.
#pragma once

#include <string>
#include <string_view>

namespace licet::client {

/// The placeholder SerializeRecord writes where the seal goes.
inline constexpr std::string_view kSealPlaceholder =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// Replaces the placeholder in `text` (the one after "seal": ) with the seal.
void SealStoreText(std::string& text, std::string_view cmid, std::string_view vendor_public_key);

/// True when `text` carries `seal` (64 hex digits, as parsed) and it matches the bytes.
[[nodiscard]] bool StoreSealMatches(std::string_view text, std::string_view seal,
                                    std::string_view cmid, std::string_view vendor_public_key);

/// The seal of a record kept beside store.json (observed.json's boot hardware): the same keyed
/// BLAKE2b over `data`, keyed for `purpose` (e.g. "licet/boot-hardware/v1") so that one seal can
/// never stand for another. 64 hex digits.
[[nodiscard]] std::string SideSeal(std::string_view purpose, std::string_view data,
                                   std::string_view cmid, std::string_view vendor_public_key);

}  // namespace licet::client
