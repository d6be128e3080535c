// Proxy activation by file, for air-gapped sites (as VAMT does it): `licet proxy export` gathers
// the installation IDs of one or many installation roots into a request file; the vendor's
// `licet-server proxy fulfil` answers them all; `licet proxy import` deposits every confirmation
// ID. Formats: docs/formats/phone_activation.md ("Proxy files").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "licet/core/clock.h"
#include "licet/core/status.h"

namespace licet::client {

/// What happened to one installation root.
struct ProxyOutcome {
  std::filesystem::path root;
  Status status = OkStatus();
  std::string detail;  // the IID exported, or what was deposited
};

/// Writes the request file for `roots` (atomically); roots that cannot give an IID are reported and
/// left out. Errors: kIoError writing the file; kNotFound when no root could be exported.
[[nodiscard]] StatusOr<std::vector<ProxyOutcome>> ExportProxyRequest(
    const std::vector<std::filesystem::path>& roots, const std::filesystem::path& out,
    const Clock& clock);

/// Deposits each confirmation ID of the response file into its root, after checking the root's
/// installation ID is still the one exported. Errors: kInvalidArgument (not a response file).
[[nodiscard]] StatusOr<std::vector<ProxyOutcome>> ImportProxyResponse(
    const std::filesystem::path& response, const Clock& clock);

}  // namespace licet::client
