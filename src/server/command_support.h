// What the licet-server commands share: reporting a failure (text, or JSON under --json) and
// opening the data directory's store.
#pragma once

#include <memory>

#include "licet/core/status.h"
#include "server_store.h"
#include "vendor_data.h"

namespace licet::server {

/// Prints the failure (code, symbol, message, fix) on standard error; returns the exit status.
int Fail(const Status& s);
/// Fail, or with `json` the failure as client::ErrorJson on standard output, as `licet` prints it.
int FailAs(bool json, const Status& s);
/// The data directory's SQLite store (licet.db).
[[nodiscard]] StatusOr<std::unique_ptr<ServerStore>> OpenStore(const VendorData& data);

}  // namespace licet::server
