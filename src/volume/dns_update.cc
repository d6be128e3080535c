#include "dns_update.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "licet/core/quote.h"

namespace licet::volume {
namespace {

constexpr std::uint16_t kTypeSoa = 6;
constexpr std::uint16_t kTypeSrv = 33;
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kOpcodeUpdate = 5;

void PutU16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

void PutU32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  PutU16(out, static_cast<std::uint16_t>(v >> 16));
  PutU16(out, static_cast<std::uint16_t>(v & 0xffff));
}

// Uncompressed wire name; the caller validated the labels.
void PutName(std::vector<std::uint8_t>& out, std::string_view name) {
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    out.push_back(static_cast<std::uint8_t>(dot - start));
    out.insert(out.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
               name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
}

std::string_view StripDot(std::string_view s) {
  return !s.empty() && s.back() == '.' ? s.substr(0, s.size() - 1) : s;
}

Status ValidateName(std::string_view what, std::string_view name) {
  const auto bad = [&](std::string_view why) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} '{}' is not a DNS name: {}", what, name, why));
  };
  name = StripDot(name);
  if (name.empty()) return bad("it is empty");
  if (name.size() > 253) return bad("it is longer than 253 characters");
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63) return bad("each label has 1 to 63 characters");
    for (const char c : label) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_')
        return bad(fmt::format("{} is not allowed", QuoteInput(std::string_view(&c, 1))));
    }
    start = dot + 1;
  }
  return OkStatus();
}

std::string_view RcodeName(int rcode) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
      "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  return rcode >= 0 && rcode < static_cast<int>(kNames.size())
             ? kNames[static_cast<std::size_t>(rcode)]
             : "unknown";
}

}  // namespace

std::string SrvRecord::owner() const {
  return fmt::format("{}.{}", StripDot(service), StripDot(domain));
}

std::string SrvRecord::fqdn_target() const {
  const std::string_view t = StripDot(target);
  const std::string_view d = StripDot(domain);
  if (t.find('.') != std::string_view::npos || target.ends_with('.')) return std::string(t);
  return fmt::format("{}.{}", t, d);
}

Status ValidateSrvRecord(const SrvRecord& r) {
  LICET_RETURN_IF_ERROR(ValidateName("the service", r.service));
  LICET_RETURN_IF_ERROR(ValidateName("the domain", r.domain));
  LICET_RETURN_IF_ERROR(ValidateName("the host name", r.fqdn_target()));
  if (r.port == 0) return Status(ErrorCode::kInvalidArgument, "the SRV port must not be 0");
  return OkStatus();
}

std::string ZoneFileLine(const SrvRecord& r) {
  return fmt::format("{}. {} IN SRV {} {} {} {}.", r.owner(), r.ttl, r.priority, r.weight, r.port,
                     r.fqdn_target());
}

std::vector<std::uint8_t> BuildSrvUpdate(const SrvRecord& r, std::uint16_t id) {
  std::vector<std::uint8_t> m;
  PutU16(m, id);
  PutU16(m, static_cast<std::uint16_t>(kOpcodeUpdate << 11));
  PutU16(m, 1);  // zone
  PutU16(m, 0);  // prerequisites
  PutU16(m, 1);  // updates
  PutU16(m, 0);  // additional
  PutName(m, StripDot(r.domain));
  PutU16(m, kTypeSoa);
  PutU16(m, kClassIn);
  PutName(m, r.owner());
  PutU16(m, kTypeSrv);
  PutU16(m, kClassIn);
  PutU32(m, r.ttl);
  std::vector<std::uint8_t> rdata;
  PutU16(rdata, r.priority);
  PutU16(rdata, r.weight);
  PutU16(rdata, r.port);
  PutName(rdata, r.fqdn_target());
  PutU16(m, static_cast<std::uint16_t>(rdata.size()));
  m.insert(m.end(), rdata.begin(), rdata.end());
  return m;
}

Status PublishSrvRecord(const SrvRecord& r, const std::string& server,
                        std::chrono::milliseconds timeout) {
  LICET_RETURN_IF_ERROR(ValidateSrvRecord(r));
  std::string ip = server;
  int port = 53;
  if (const std::size_t colon = server.rfind(':');
      colon != std::string::npos && server.find(':') == colon) {
    ip = server.substr(0, colon);
    port = std::atoi(server.c_str() + colon + 1);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (port <= 0 || port > 65535 || inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not a DNS server address (IPv4[:PORT])", QuoteInput(server)));
  }
  const std::uint16_t id = static_cast<std::uint16_t>(randombytes_uniform(65536));
  const std::vector<std::uint8_t> message = BuildSrvUpdate(r, id);
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status(ErrorCode::kIoError, fmt::format("socket: {}", std::strerror(errno)));
  const auto unreachable = [&](std::string_view why) {
    ::close(fd);
    return Status(ErrorCode::kDnsUpdateFailed,
                  fmt::format("the DNS server {} did not answer the update of {}: {}", server,
                              r.owner(), why));
  };
  if (::sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&addr),
               sizeof addr) < 0)
    return unreachable(std::strerror(errno));
  std::array<std::uint8_t, 512> answer{};
  pollfd p{fd, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return unreachable("no answer in time");
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return unreachable("no answer in time");
    const ssize_t n = ::recv(fd, answer.data(), answer.size(), 0);
    if (n < 0) return unreachable(std::strerror(errno));  // ICMP port unreachable lands here
    // Ignore stray datagrams: only an answer to our ID counts.
    if (n < 12 || ((answer[0] << 8) | answer[1]) != id || (answer[2] & 0x80) == 0) continue;
    break;
  }
  ::close(fd);
  const int rcode = answer[3] & 0x0f;
  if (rcode != 0) {
    return Status(ErrorCode::kDnsUpdateFailed,
                  fmt::format("the DNS server {} refused the update of {}: {} (rcode {})", server,
                              r.owner(), RcodeName(rcode), rcode));
  }
  return OkStatus();
}

}  // namespace licet::volume
