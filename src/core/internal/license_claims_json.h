// License claims <-> JSON, shared by license tokens (license_token.cc) and the volume grants that
// carry the same claims plus the host's facts (volume_protocol.cc). Core-internal.
#pragma once

#include <string_view>

#include "licet/core/json_writer.h"
#include "licet/core/license_token.h"
#include "licet/core/status.h"

namespace licet::core_internal {

/// The members of the claims object a license token signs, written into the object `w` has open.
void WriteLicenseClaims(JsonWriter& w, const LicenseClaims& claims);

/// Decodes the claims of a verified token's payload; extra members are ignored.
/// Errors: kTokenInvalid naming the missing or mistyped claim.
[[nodiscard]] StatusOr<LicenseClaims> LicenseClaimsFromJson(std::string_view payload);

}  // namespace licet::core_internal
