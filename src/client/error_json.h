// A failure as the command-line tools print it under --json (`licet`, `licet-server`):
// {"error": {"code", "symbol", "category", "message", "remedy"}}.
#pragma once

#include <nlohmann/json.hpp>

#include "licet/core/status.h"

namespace licet::client {

[[nodiscard]] nlohmann::json ErrorJson(const Status& status);

}  // namespace licet::client
