// slmgr /ato for keys the vendor's server activates (Retail, OEM, MAK): send the request to the
// activation URL, verify the returned token against the catalog's vendor key, check that it answers
// this request (nonce, CMID, hardware, SKU), and store it. Every failure logs events 8198 and 8200.
#pragma once

#include <string>

#include "installation.h"

namespace licet::client {

struct OnlineActivationResult {
  std::string server;
  std::uint32_t used = 0;
  std::uint32_t limit = 0;
  bool reused = false;
};

/// The machine binding sent to the server and kept in the token ("hw2.…", hardware_binding.h): six
/// hashed components, the machine ID scoped to the store's path (so lab "machines" on one host —
/// several roots — are distinct).
[[nodiscard]] std::string HardwareId(const Installation& inst);

/// What every activation path (online, volume, phone) needs first: no conversion pending and a
/// product key in the store. Errors: kRestartRequired, kProductKeyNotInstalled (also when /cpky
/// cleared the key), each with the command that fixes it.
[[nodiscard]] Status CheckReadyToActivate(const Installation& inst);

/// The URL used: `licet config set activation-url`, else the catalog's.
[[nodiscard]] std::string ActivationUrl(const Installation& inst);

/// Errors: kProductKeyNotInstalled, kRestartRequired (conversion pending), kNotSupported (GVLK:
/// volume activation), the server's own codes (0xC004C003, 0xC004C020, 0xC004F069, ...),
/// kNameNotResolved / kServerUnreachable / kServerProtocol, kTokenInvalid (a token that fails any
/// check).
[[nodiscard]] StatusOr<OnlineActivationResult> ActivateOnline(Installation& inst);

/// Checks a stored or received token against this installation. Errors: kTokenInvalid saying why.
[[nodiscard]] Status CheckTokenForInstallation(const Installation& inst, const std::string& token,
                                               const std::string& expected_nonce);

}  // namespace licet::client
