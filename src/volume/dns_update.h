// The SRV record that lets clients find a volume host (`_vlmcs._tcp.DOMAIN`, the catalog's service
// name), as zone-file text and as an RFC 2136 dynamic update sent over UDP to a DNS server.
//
//   const SrvRecord r{.service = "_vlmcs._tcp", .domain = "corp.example", .target = "kms1",
//                     .port = 1688};
//   fmt::print("{}\n", ZoneFileLine(r));
//   LICET_RETURN_IF_ERROR(PublishSrvRecord(r, "10.0.0.53"));
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "licet/core/status.h"

namespace licet::volume {

struct SrvRecord {
  std::string service = "_vlmcs._tcp";
  std::string domain;  // the zone, e.g. "corp.example"
  std::string target;  // the host's name; relative names are completed with `domain`
  std::uint16_t port = 1688;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint32_t ttl = 3600;

  /// "_vlmcs._tcp.corp.example"
  [[nodiscard]] std::string owner() const;
  /// The target as a fully qualified name without the final dot.
  [[nodiscard]] std::string fqdn_target() const;
};

/// Checks the names (labels of 1-63 letters, digits, '-' or '_', 253 characters in all).
/// Errors: kInvalidArgument naming the bad name.
[[nodiscard]] Status ValidateSrvRecord(const SrvRecord& record);

/// "_vlmcs._tcp.corp.example. 3600 IN SRV 0 0 1688 kms1.corp.example."
[[nodiscard]] std::string ZoneFileLine(const SrvRecord& record);

/// The RFC 2136 UPDATE message adding `record` to its zone (exposed for tests).
[[nodiscard]] std::vector<std::uint8_t> BuildSrvUpdate(const SrvRecord& record, std::uint16_t id);

/// Sends the update to `server` ("IP" or "IP:PORT", port 53 by default) and waits for the answer.
/// Errors: kInvalidArgument (bad address or names), kServerUnreachable (no answer in time),
/// kDnsUpdateFailed (the server answered with an error rcode: REFUSED, NOTIMP, ... named).
[[nodiscard]] Status PublishSrvRecord(const SrvRecord& record, const std::string& server,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(3));

}  // namespace licet::volume
