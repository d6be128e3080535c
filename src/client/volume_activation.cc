#include "volume_activation.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "command_hint.h"
#include "licet/core/encoding.h"
#include "licet/core/volume_protocol.h"
#include "online_activation.h"
#include "srv_discovery.h"

namespace licet::client {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(3);
constexpr auto kReplyTimeout = std::chrono::seconds(10);
constexpr int kRequestEvent = 12288;
constexpr int kReplyEvent = 12289;

using Deadline = std::chrono::steady_clock::time_point;

// A connected socket, closed on destruction.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_;
};

int MillisLeft(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

// Waits for `events` on `fd`; "" when ready, else why not.
std::string WaitFor(int fd, short events, Deadline deadline) {
  pollfd p{fd, events, 0};
  while (true) {
    const int r = ::poll(&p, 1, MillisLeft(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return std::strerror(errno);
    if (r == 0) return "timed out";
    return "";
  }
}

// Sends one request frame to address:port and returns the reply frame's payload.
StatusOr<std::string> Exchange(const std::string& address, std::uint16_t port,
                               const std::string& frame) {
  const auto fail = [&](std::string_view why) {
    return Status(ErrorCode::kVolumeHostNotEnabled, fmt::format("{}:{}: {}", address, port, why));
  };
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) return fail("not an IPv4 address");
  Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (s.fd() < 0) return fail(std::strerror(errno));
  const Deadline connect_deadline = std::chrono::steady_clock::now() + kConnectTimeout;
  if (::connect(s.fd(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    if (errno != EINPROGRESS) return fail(fmt::format("connect: {}", std::strerror(errno)));
    if (std::string why = WaitFor(s.fd(), POLLOUT, connect_deadline); !why.empty())
      return fail("connect: " + why);
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return fail(fmt::format("connect: {}", std::strerror(err)));
  }
  const Deadline deadline = std::chrono::steady_clock::now() + kReplyTimeout;
  std::size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t n = ::send(s.fd(), frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (std::string why = WaitFor(s.fd(), POLLOUT, deadline); !why.empty())
        return fail("send: " + why);
      continue;
    }
    if (n < 0) return fail(fmt::format("send: {}", std::strerror(errno)));
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  std::size_t want = volume::kFrameHeaderSize;
  while (in.size() < want) {
    if (std::string why = WaitFor(s.fd(), POLLIN, deadline); !why.empty())
      return fail("no reply: " + why);
    char buf[8192];
    const ssize_t n = ::recv(s.fd(), buf, std::min(sizeof buf, want - in.size()), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return fail(fmt::format("recv: {}", std::strerror(errno)));
    if (n == 0) return fail("the host closed the connection before replying");
    in.append(buf, static_cast<std::size_t>(n));
    if (in.size() == volume::kFrameHeaderSize && want == volume::kFrameHeaderSize) {
      StatusOr<volume::FrameHeader> h = volume::DecodeFrameHeader(in, volume::FrameKind::kReply);
      if (!h.ok()) return h.status();
      want += h->payload_size;
    }
  }
  return in.substr(volume::kFrameHeaderSize);
}

// The host name as the protocol takes it: [A-Za-z0-9._-], at most 63 characters.
std::string MachineName() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  std::string n;
  for (const char c : std::string_view(name)) {
    if (n.size() == 63) break;
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
    n.push_back(ok ? c : '-');
  }
  return n.empty() ? "unknown" : n;
}

Status VolumeTokenRefused(std::string_view host, std::string_view why) {
  return Status(ErrorCode::kTokenInvalid,
                fmt::format("the reply of the volume host {} was refused: {}", host, why));
}

// Checks a verified grant answers this installation (and, for a fresh reply, this request).
Status CheckGrant(const Installation& inst, const LicenseClaims& c, const std::string& nonce) {
  const InstallRecord& r = inst.record();
  if (c.product_id != inst.catalog().product().id)
    return Status(ErrorCode::kTokenInvalid, "it is for another product");
  if (c.cmid != r.cmid)
    return Status(ErrorCode::kTokenInvalid, "it was issued to another installation (CMID)");
  if (c.hardware_id != HardwareId(inst))
    return Status(ErrorCode::kTokenInvalid, "it is bound to another machine");
  if (!r.key || c.activation_id != r.key->activation_id)
    return Status(ErrorCode::kTokenInvalid, "it is for another SKU");
  if (c.method != "volume" || !c.expires_at || !c.renew_after)
    return Status(ErrorCode::kTokenInvalid, "it is not a volume activation");
  if (!nonce.empty() && c.nonce != nonce)
    return Status(ErrorCode::kTokenInvalid,
                  "it does not answer this request (nonce): a replayed reply");
  return OkStatus();
}

struct Candidate {
  std::string host;
  std::uint16_t port = 0;
  [[nodiscard]] std::string name() const { return fmt::format("{}:{}", host, port); }
};

std::optional<Candidate> ParseHostPort(const std::string& text, std::uint16_t default_port) {
  if (text.empty()) return std::nullopt;
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return Candidate{text, default_port};
  const int port = std::atoi(text.c_str() + colon + 1);
  if (port <= 0 || port > 65535) return std::nullopt;
  return Candidate{text.substr(0, colon), static_cast<std::uint16_t>(port)};
}

// The hosts to try, in order; or the DNS error when there is none.
StatusOr<std::vector<Candidate>> Candidates(const Installation& inst, DnsResolver& dns) {
  const VolumeClientSettings& v = inst.record().volume;
  const std::uint16_t default_port = inst.catalog().volume().port;
  if (!v.host.empty()) return std::vector<Candidate>{{v.host, v.port != 0 ? v.port : default_port}};
  std::vector<Candidate> out;
  if (v.host_caching) {
    if (std::optional<Candidate> cached = ParseHostPort(v.cached_host, default_port))
      out.push_back(*cached);
  }
  StatusOr<std::vector<SrvTarget>> srv =
      dns.LookupSrv(inst.catalog().volume().srv_service, v.domain);
  if (!srv.ok()) {
    if (out.empty()) return srv.status();
    return out;  // the cached host still deserves a try
  }
  for (const SrvTarget& t : OrderSrvTargets(*srv, RandomUniform)) {
    Candidate c{t.host, t.port};
    if (std::none_of(out.begin(), out.end(),
                     [&](const Candidate& o) { return o.name() == c.name(); }))
      out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

Status CheckVolumeToken(const Installation& inst, const std::string& token) {
  StatusOr<volume::VerifiedReply> v =
      volume::VerifyVolumeToken(token, inst.catalog().vendor().public_key);
  if (!v.ok()) return v.status();
  if (Status s = CheckGrant(inst, *v->grant, ""); !s.ok())
    return Status(ErrorCode::kTokenInvalid,
                  fmt::format("the volume license token is not valid here: {}", s.message()));
  return OkStatus();
}

bool VolumeRenewalDue(const Installation& inst) { return NextVolumeAttempt(inst) <= inst.Now(); }

TimePoint NextVolumeAttempt(const Installation& inst) {
  const InstallRecord& r = inst.record();
  const TimePoint now = inst.Now();
  if (r.activation && r.activation->method == "volume" && r.activation->renew_after &&
      r.activation->expires_at && *r.activation->expires_at > now) {
    // Activated: renew at renew_after; after a failed renewal, retry at the activation interval.
    TimePoint next = *r.activation->renew_after;
    if (r.volume.last_attempt_at && *r.volume.last_attempt_at >= next) {
      const int retry = r.volume.retry_minutes != 0 ? static_cast<int>(r.volume.retry_minutes)
                                                    : inst.catalog().policy().volume_retry_minutes;
      next = *r.volume.last_attempt_at + std::chrono::minutes(retry);
    }
    return next;
  }
  if (!r.volume.last_attempt_at) return now;
  const int retry = r.volume.retry_minutes != 0 ? static_cast<int>(r.volume.retry_minutes)
                                                : inst.catalog().policy().volume_retry_minutes;
  return *r.volume.last_attempt_at + std::chrono::minutes(retry);
}

StatusOr<VolumeActivationResult> ActivateVolume(Installation& inst) {
  LICET_RETURN_IF_ERROR(CheckReadyToActivate(inst));
  InstallRecord& r = inst.record();
  LICET_ASSIGN_OR_RETURN(DnsResolver dns, DnsResolver::Create(r.volume.dns_server));
  r.volume.last_attempt_at = inst.Now();
  StatusOr<std::vector<Candidate>> candidates = Candidates(inst, dns);
  if (!candidates.ok()) {
    r.volume.last_result = FormatCode(candidates.status().code());
    LICET_RETURN_IF_ERROR(inst.Save());
    return candidates.status();
  }
  std::uint8_t nonce_bytes[16];
  randombytes_buf(nonce_bytes, sizeof nonce_bytes);
  const std::string nonce = HexEncode(nonce_bytes);
  const volume::VolumeRequest request{
      .product_id = inst.catalog().product().id,
      .product_version = inst.catalog().product().version,
      .activation_id = r.key->activation_id,
      .edition = r.edition,
      .cmid = r.cmid,
      .hardware_id = HardwareId(inst),
      .machine_name = MachineName(),
      .license_status = std::string(LicenseStatusId(inst.State().status)),
      .client_time = inst.Now(),
      .nonce = nonce};
  const std::string frame =
      volume::EncodeFrame(volume::FrameKind::kRequest, volume::SerializeVolumeRequest(request));
  std::vector<std::string> failures;
  std::optional<Status> verdict;  // a host's own unsigned error (not activated), if no host grants
  for (const Candidate& c : *candidates) {
    const auto failed = [&](const Status& s) {
      failures.push_back(fmt::format("{}: {} {}", c.name(), FormatCode(s.code()), s.message()));
      (void)inst.Log(kRequestEvent, EventLevel::kWarning,
                     fmt::format("The volume activation request to {} failed: {} {}", c.name(),
                                 FormatCode(s.code()), s.message()),
                     s.code(), {{"host", c.name()}});
    };
    StatusOr<std::vector<std::string>> addresses = dns.ResolveHost(c.host);
    if (!addresses.ok()) {
      failed(addresses.status());
      continue;
    }
    StatusOr<std::string> payload = Exchange(addresses->front(), c.port, frame);
    if (!payload.ok()) {
      failed(payload.status());
      continue;
    }
    (void)inst.Log(kRequestEvent, EventLevel::kInformation,
                   fmt::format("A volume activation request was sent to {} and answered", c.name()),
                   std::nullopt, {{"host", c.name()}});
    StatusOr<volume::VerifiedReply> reply =
        volume::ParseReply(*payload, inst.catalog().vendor().public_key);
    if (!reply.ok()) {
      failed(reply.status());
      if (reply.status().code() != ErrorCode::kServerProtocol &&
          reply.status().code() != ErrorCode::kTokenInvalid && !verdict) {
        verdict = reply.status();  // the host's own (unsigned) error, e.g. 0xC004F041
      }
      continue;
    }
    if (reply->denial) {
      const volume::VolumeDenial& d = *reply->denial;
      if (d.nonce != nonce || d.cmid != r.cmid) {
        failed(VolumeTokenRefused(c.name(), "its denial answers another request (nonce)"));
        continue;
      }
      if (d.retry_minutes != 0) r.volume.retry_minutes = d.retry_minutes;
      if (d.duplicate_cmid) r.volume.duplicate_cmid_host = c.name();
      const std::string detail = fmt::format("{} (volume host {})", d.message, c.name());
      (void)inst.Log(kReplyEvent, EventLevel::kWarning,
                     fmt::format("The volume host {} refused the activation: {} {}", c.name(),
                                 FormatCode(d.result), detail),
                     d.result, {{"host", c.name()}, {"count", std::to_string(d.count)}});
      // A host that answered with a signed verdict has spoken: its count, its clock and its
      // certificate are what they are, and asking the next host would only inflate counts.
      r.volume.last_result = FormatCode(d.result);
      LICET_RETURN_IF_ERROR(inst.Save());
      return Status(d.result, detail);
    }
    const LicenseClaims& claims = *reply->grant;
    if (Status s = CheckGrant(inst, claims, nonce); !s.ok()) {
      failed(VolumeTokenRefused(c.name(), s.message()));
      continue;
    }
    r.activation = ActivationRecord{.method = "volume",
                                    .activated_at = inst.Now(),
                                    .expires_at = claims.expires_at,
                                    .renew_after = claims.renew_after,
                                    .token = reply->token,
                                    .host = c.name(),
                                    .hardware = HardwareId(inst)};
    r.volume.last_result = FormatCode(ErrorCode::kOk);
    if (reply->grant_facts.retry_minutes != 0)
      r.volume.retry_minutes = reply->grant_facts.retry_minutes;
    r.volume.duplicate_cmid_host = reply->grant_facts.duplicate_cmid ? c.name() : "";
    if (r.volume.host_caching && r.volume.host.empty()) r.volume.cached_host = c.name();
    (void)inst.Log(
        kReplyEvent, EventLevel::kInformation,
        fmt::format("The volume host {} activated this installation (count {}); "
                    "renewal after {}, expiry {}",
                    c.name(), reply->grant_facts.count, FormatIso8601(*claims.renew_after),
                    FormatIso8601(*claims.expires_at)),
        ErrorCode::kOk, {{"host", c.name()}, {"count", std::to_string(reply->grant_facts.count)}});
    LICET_RETURN_IF_ERROR(inst.Save());
    return VolumeActivationResult{.host = c.name(),
                                  .count = reply->grant_facts.count,
                                  .expires_at = *claims.expires_at,
                                  .renew_after = *claims.renew_after,
                                  .duplicate_cmid = reply->grant_facts.duplicate_cmid};
  }
  const Status result =
      verdict ? *verdict
              : Status(ErrorCode::kVolumeHostUnavailable,
                       fmt::format("no volume host could activate this installation: {}",
                                   fmt::join(failures, "; ")));
  r.volume.last_result = FormatCode(result.code());
  LICET_RETURN_IF_ERROR(inst.Save());
  return result;
}

}  // namespace licet::client
