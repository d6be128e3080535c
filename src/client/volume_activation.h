// slmgr /ato for a GVLK: find volume hosts (the pinned /skms host, else the cached host and the DNS
// SRV records of the catalog's service, in RFC 2782 order), ask each in turn until one answers
// with a verified reply: a grant (verified up to the vendor key: host certificate, host
// signature, nonce, CMID, hardware, SKU) is stored; a signed denial (count, clock, product) ends
// the attempt. Hosts that cannot be reached, answer garbage, fail verification or are not
// activated are skipped, each with its reason in an event 12288.
// Events: 12288 for every request sent (and each host's failure), 12289 for the reply processed.
#pragma once

#include <cstdint>
#include <string>

#include "installation.h"

namespace licet::client {

struct VolumeActivationResult {
  std::string host;  // "name:port" that granted
  std::uint32_t count = 0;
  TimePoint expires_at{};
  TimePoint renew_after{};
  bool duplicate_cmid = false;
};

/// Errors: kProductKeyNotInstalled, kRestartRequired, kDnsNameDoesNotExist (0x8007232B, no SRV
/// record and no pinned or cached host), kVolumeCountTooLow (0xC004F038 with the host's count),
/// kInvalidTimestamp (0xC004F06C), kVolumeHostIdMismatch (0xC004F042), kVolumeHostNotActivated
/// (0xC004F041), kVolumeHostUnavailable (0xC004F074: every host failed; events 12288 say why).
[[nodiscard]] StatusOr<VolumeActivationResult> ActivateVolume(Installation& inst);

/// Checks a stored volume token against this installation (chain to the vendor key, CMID, hardware,
/// SKU, product). Errors: kTokenInvalid saying why.
[[nodiscard]] Status CheckVolumeToken(const Installation& inst, const std::string& token);

/// True when a volume activation is due: not activated (or an expired or non-volume activation)
/// and the retry interval has passed, or the renewal time has come.
[[nodiscard]] bool VolumeRenewalDue(const Installation& inst);

/// When VolumeRenewalDue becomes true (now, if it is already).
[[nodiscard]] TimePoint NextVolumeAttempt(const Installation& inst);

}  // namespace licet::client
