// What each `licet-volume` subcommand does; volume_main.cc wires them to the command line. Each
// returns the process exit status (0 success, 1 failure, 2 usage) after printing its result, or
// the error with its code and the command that fixes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace licet::volume {

struct InitArgs {
  std::string data, catalog, host_key, server, ca_file;
  std::vector<std::string> trust_keys;
};
int RunInit(const InitArgs& a);
int RunActivate(const std::string& data, const std::string& host_key, const std::string& server,
                const std::string& ca_file);
int RunServe(const std::string& data, const std::string& listen, int threads);
int RunStatus(const std::string& data, bool json);

struct DnsRecordArgs {
  std::string data, domain, host, publish;
  std::uint16_t port = 0;  // 0: the catalog's
  std::uint16_t priority = 0, weight = 0;
  std::uint32_t ttl = 3600;
};
int RunDnsRecord(const DnsRecordArgs& a);

/// /sai (activation interval) and /sri (renewal interval), in minutes (15 to 43200).
int RunSetInterval(const std::string& data, bool renewal, std::uint32_t minutes);
/// /cdns and /sdns: whether `dns-record --publish` may publish.
int RunSetDnsPublishing(const std::string& data, bool enabled);
/// Lab catalogs only: move the host's clock ("advance 7d", "reset").
int RunLabClock(const std::string& data, const std::string& action, const std::string& amount);

}  // namespace licet::volume
