// How the HTTP API answers: a JSON document, or a Status rendered as
// {"error": {"code", "symbol", "message", "remedy"}} with the HTTP status its category maps to.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "http_server.h"
#include "licet/core/status.h"

namespace licet::server {

[[nodiscard]] HttpResponse JsonResponse(int status, const nlohmann::json& body);
[[nodiscard]] HttpResponse ErrorResponse(const Status& status);

/// A request target's path (before '?') and query (after it; empty when there is none).
[[nodiscard]] std::string_view PathOf(std::string_view target);
[[nodiscard]] std::string_view QueryOf(std::string_view target);

}  // namespace licet::server
