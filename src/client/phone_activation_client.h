// Phone activation on the installation's side: slmgr /dti shows the installation ID (IID), slmgr
// /atp deposits the confirmation ID (CID) the vendor read back. The CID is verified with the
// catalog's phone_public_key; nothing here can make one. Format: docs/formats/phone_activation.md.
#pragma once

#include <string>
#include <string_view>

#include "installation.h"
#include "licet/core/phone_activation.h"

namespace licet::client {

/// The IID's fields for this installation: its key's group and serial, a hash of its machine, and
/// its phone nonce (made and saved on first use, so the IID stays the same until the key or the
/// installation changes). Errors: kProductKeyNotInstalled, kNotSupported (a GVLK or host key, or a
/// catalog without phone activation), kRestartRequired.
[[nodiscard]] StatusOr<phone::InstallationIdFields> InstallationIdFields(Installation& inst);

/// slmgr /dti: the IID in groups. Remembers which key it was shown for. Errors: as above.
[[nodiscard]] StatusOr<std::string> DisplayInstallationId(Installation& inst);

/// slmgr /atp CID: checks, verifies and stores the activation; logs an event. Errors:
/// kCidInvalidCheckDigits naming the group, kCidIidInvalidData (malformed), kCidKeyMismatch
/// (0xC004F07E: the IID was read for another key), kCidIidMismatch (0xC004F031: made for another
/// IID).
[[nodiscard]] Status DepositConfirmationId(Installation& inst, std::string_view cid);

}  // namespace licet::client
