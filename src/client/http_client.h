// A minimal blocking HTTP/1.1 client for the activation server: one POST of a JSON body, with
// connect and read timeouts and a bounded response. Plain http:// only for now.
#pragma once

#include <chrono>
#include <string>

#include "licet/core/status.h"

namespace licet::client {

struct HttpReply {
  int status = 0;
  std::string body;
};

/// POSTs `json_body` to `url` ("http[s]://host[:port]/path"). For https, the server's certificate
/// must chain to the system's CAs or to `ca_file` (PEM) and name the host. Errors: kInvalidArgument
/// (bad URL), kNameNotResolved (0x80072EE7, host unknown), kServerUnreachable (refused, timed out —
/// the message names the host and port), kServerProtocol (not HTTP, or a response over 1 MiB).
[[nodiscard]] StatusOr<HttpReply> PostJson(const std::string& url, const std::string& json_body,
                                           std::chrono::seconds timeout = std::chrono::seconds(15),
                                           const std::string& ca_file = "");

/// Turns a licet-server error answer ({"error": {"code", "message", "remedy"}}) into its Status;
/// anything else is kServerProtocol naming `url` and the HTTP status.
[[nodiscard]] Status ServerErrorStatus(const HttpReply& reply, const std::string& url);

}  // namespace licet::client
