// Finding volume hosts in DNS with c-ares: the SRV lookup of `_vlmcs._tcp` (the catalog's service)
// in a domain or the machine's search domains, the RFC 2782 order of the answers (priority, then
// weighted random), and the addresses of a host name (hosts file first, then DNS).
//
//   LICET_ASSIGN_OR_RETURN(DnsResolver dns, DnsResolver::Create(""));  // the system's resolvers
//   LICET_ASSIGN_OR_RETURN(auto targets, dns.LookupSrv("_vlmcs._tcp", "corp.example"));
//   for (const SrvTarget& t : OrderSrvTargets(targets, RandomUniform)) ...
//
// Thread-compatible: one DnsResolver per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "licet/core/status.h"

namespace licet::client {

struct SrvTarget {
  std::string host;
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

/// A uniform random integer in [0, bound).
using UniformRandom = std::function<std::uint32_t(std::uint32_t bound)>;
/// libsodium's randombytes_uniform.
[[nodiscard]] std::uint32_t RandomUniform(std::uint32_t bound);

/// RFC 2782: ascending priority; within one priority, repeatedly pick a target with probability
/// proportional to its weight (weight-0 targets have a small chance, and come first among
/// themselves in the RFC's scheme).
[[nodiscard]] std::vector<SrvTarget> OrderSrvTargets(std::vector<SrvTarget> targets,
                                                     const UniformRandom& uniform);

class DnsResolver {
 public:
  /// `server`: "IP[:PORT]" to ask instead of the system's resolvers (licet config set dns-server),
  /// or empty. Errors: kInvalidArgument (bad server address), kInternal (c-ares failed to start).
  [[nodiscard]] static StatusOr<DnsResolver> Create(const std::string& server);
  DnsResolver(DnsResolver&&) noexcept;
  DnsResolver& operator=(DnsResolver&&) noexcept;
  ~DnsResolver();

  /// SRV records of `service`.`domain`, or of `service` in the machine's search domains when
  /// `domain` is empty. Errors: kDnsNameDoesNotExist (0x8007232B) when there is none or the DNS
  /// server does not answer (the message says which, and what was asked).
  [[nodiscard]] StatusOr<std::vector<SrvTarget>> LookupSrv(const std::string& service,
                                                           const std::string& domain);
  /// The IPv4 addresses of `host` (an IP literal is returned as is). Errors: kNameNotResolved.
  [[nodiscard]] StatusOr<std::vector<std::string>> ResolveHost(const std::string& host);

 private:
  struct Impl;
  explicit DnsResolver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace licet::client
