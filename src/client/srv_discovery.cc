#include "srv_discovery.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sodium.h>
#include <sys/select.h>

#include <algorithm>
#include <mutex>

#include "licet/core/quote.h"

namespace licet::client {
namespace {

constexpr int kTimeoutMs = 2000;
constexpr int kTries = 2;

struct SrvAnswer {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<SrvTarget> targets;
};

void OnSrv(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* answer = static_cast<SrvAnswer*>(arg);
  answer->done = true;
  answer->status = status;
  if (status != ARES_SUCCESS) return;
  ares_srv_reply* reply = nullptr;
  answer->status = ares_parse_srv_reply(abuf, alen, &reply);
  for (ares_srv_reply* r = reply; r != nullptr; r = r->next) {
    answer->targets.push_back(
        SrvTarget{.host = r->host, .port = r->port, .priority = r->priority, .weight = r->weight});
  }
  if (reply != nullptr) ares_free_data(reply);
}

struct HostAnswer {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<std::string> addresses;
};

void OnHost(void* arg, int status, int /*timeouts*/, hostent* host) {
  auto* answer = static_cast<HostAnswer*>(arg);
  answer->done = true;
  answer->status = status;
  if (status != ARES_SUCCESS || host == nullptr) return;
  for (char** a = host->h_addr_list; *a != nullptr; ++a) {
    char text[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(host->h_addrtype, *a, text, sizeof text) != nullptr)
      answer->addresses.emplace_back(text);
  }
}

}  // namespace

struct DnsResolver::Impl {
  ares_channel channel = nullptr;
  std::string server;

  ~Impl() {
    if (channel != nullptr) ares_destroy(channel);
  }

  // Runs the channel until `done` (c-ares' classic select loop; its own timeouts end it).
  void Wait(const bool& done) const {
    while (!done) {
      fd_set read_fds;
      fd_set write_fds;
      FD_ZERO(&read_fds);
      FD_ZERO(&write_fds);
      const int nfds = ares_fds(channel, &read_fds, &write_fds);
      if (nfds == 0) break;
      timeval tv{};
      timeval* t = ares_timeout(channel, nullptr, &tv);
      select(nfds, &read_fds, &write_fds, nullptr, t);
      ares_process(channel, &read_fds, &write_fds);
    }
  }
};

std::uint32_t RandomUniform(std::uint32_t bound) { return randombytes_uniform(bound); }

std::vector<SrvTarget> OrderSrvTargets(std::vector<SrvTarget> targets,
                                       const UniformRandom& uniform) {
  std::stable_sort(targets.begin(), targets.end(),
                   [](const SrvTarget& a, const SrvTarget& b) { return a.priority < b.priority; });
  std::vector<SrvTarget> ordered;
  ordered.reserve(targets.size());
  auto group = targets.begin();
  while (group != targets.end()) {
    const auto end = std::find_if(
        group, targets.end(), [&](const SrvTarget& t) { return t.priority != group->priority; });
    std::vector<SrvTarget> left(group, end);
    // RFC 2782: zero-weight entries first, then a running sum and a uniform pick in [0, sum].
    std::stable_partition(left.begin(), left.end(),
                          [](const SrvTarget& t) { return t.weight == 0; });
    while (!left.empty()) {
      std::uint32_t sum = 0;
      for (const SrvTarget& t : left) sum += t.weight;
      const std::uint32_t pick = uniform(sum + 1);
      std::size_t chosen = 0;
      std::uint32_t running = 0;
      for (std::size_t i = 0; i < left.size(); ++i) {
        running += left[i].weight;
        if (running >= pick) {
          chosen = i;
          break;
        }
      }
      ordered.push_back(left[chosen]);
      left.erase(left.begin() + static_cast<std::ptrdiff_t>(chosen));
    }
    group = end;
  }
  return ordered;
}

DnsResolver::DnsResolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DnsResolver::DnsResolver(DnsResolver&&) noexcept = default;
DnsResolver& DnsResolver::operator=(DnsResolver&&) noexcept = default;
DnsResolver::~DnsResolver() = default;

StatusOr<DnsResolver> DnsResolver::Create(const std::string& server) {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  auto impl = std::make_unique<Impl>();
  impl->server = server;
  ares_options options{};
  options.timeout = kTimeoutMs;
  options.tries = kTries;
  if (ares_init_options(&impl->channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) !=
      ARES_SUCCESS) {
    return Status(ErrorCode::kInternal, "the DNS resolver (c-ares) could not start");
  }
  if (!server.empty() &&
      ares_set_servers_ports_csv(impl->channel, server.c_str()) != ARES_SUCCESS) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not a DNS server address (IP[:PORT])", QuoteInput(server)),
                  "licet config set dns-server 127.0.0.1:53");
  }
  return DnsResolver(std::move(impl));
}

StatusOr<std::vector<SrvTarget>> DnsResolver::LookupSrv(const std::string& service,
                                                        const std::string& domain) {
  SrvAnswer answer;
  const std::string name = domain.empty() ? service : fmt::format("{}.{}", service, domain);
  if (domain.empty()) {
    ares_search(impl_->channel, name.c_str(), ns_c_in, ns_t_srv, OnSrv, &answer);
  } else {
    ares_query(impl_->channel, name.c_str(), ns_c_in, ns_t_srv, OnSrv, &answer);
  }
  impl_->Wait(answer.done);
  const std::string where =
      domain.empty() ? fmt::format("{} in the machine's DNS search domains", service) : name;
  const std::string via =
      impl_->server.empty() ? "" : fmt::format(" (DNS server {})", impl_->server);
  if (answer.status == ARES_ETIMEOUT || answer.status == ARES_ECONNREFUSED ||
      answer.status == ARES_ESERVFAIL) {
    return Status(ErrorCode::kDnsNameDoesNotExist,
                  fmt::format("the DNS server did not answer the SRV lookup of {}{}: {}", where,
                              via, ares_strerror(answer.status)),
                  "Check the DNS server (licet config get dns-server), or pin a host: licet slmgr "
                  "/skms HOST[:PORT]");
  }
  if (answer.status != ARES_SUCCESS || answer.targets.empty()) {
    return Status(
        ErrorCode::kDnsNameDoesNotExist,
        fmt::format("no SRV record {}{}: {}", where, via,
                    answer.status == ARES_SUCCESS ? "empty answer" : ares_strerror(answer.status)));
  }
  return std::move(answer.targets);
}

StatusOr<std::vector<std::string>> DnsResolver::ResolveHost(const std::string& host) {
  HostAnswer answer;
  ares_gethostbyname(impl_->channel, host.c_str(), AF_INET, OnHost, &answer);
  impl_->Wait(answer.done);
  if (answer.status != ARES_SUCCESS || answer.addresses.empty()) {
    return Status(
        ErrorCode::kNameNotResolved,
        fmt::format("the volume host name '{}' could not be resolved: {}", host,
                    answer.status == ARES_SUCCESS ? "no address" : ares_strerror(answer.status)));
  }
  return std::move(answer.addresses);
}

}  // namespace licet::client
