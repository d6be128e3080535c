#include "volume_service.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>

#include "event_log.h"
#include "licet/core/atomic_file.h"
#include "licet/core/volume_protocol.h"
#include "nlohmann/json.hpp"

namespace licet::volume {
namespace {

constexpr std::uintmax_t kEventLogRotateBytes = 64u << 20;
constexpr int kHostRequestEvent = 12290;

std::int64_t Minutes(Seconds s) {
  return std::chrono::duration_cast<std::chrono::minutes>(s).count();
}

}  // namespace

struct VolumeService::Outcome {
  std::string license_status = "unknown";
  ErrorCode result = ErrorCode::kOk;
  std::string cmid;
  std::string machine;
  std::uint32_t count = 0;
  bool counted = false;  // the request reached the count
};

VolumeService::VolumeService(HostData host, std::unique_ptr<ClientTable> table)
    : host_(std::move(host)),
      footer_(VolumeFooter(host_.host_key, host_.certificate)),
      signer_(host_.host_key.secret_key),
      table_(std::move(table)),
      lab_offset_seconds_(host_.settings.lab_clock_offset_seconds),
      retry_minutes_(host_.settings.activation_interval_minutes),
      renewal_minutes_(host_.settings.renewal_interval_minutes) {
  events_fd_ = ::open(host_.events_path().c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

TimePoint VolumeService::Now() const {
  return SystemClock().Now() + Seconds(lab_offset_seconds_.load(std::memory_order_relaxed));
}

std::string VolumeService::Decide(std::string_view payload, Outcome& out) {
  StatusOr<VolumeRequest> parsed = ParseVolumeRequest(payload);
  if (!parsed.ok()) {
    out.result = parsed.status().code();
    return ErrorPayload(parsed.status());
  }
  const VolumeRequest& r = *parsed;
  out.license_status = r.license_status;
  out.cmid = r.cmid;
  out.machine = r.machine_name;
  const TimePoint now = Now();
  const auto refuse = [&](const Status& s) {
    out.result = s.code();
    return ErrorPayload(s);
  };
  if (!host_.activated()) {
    return refuse(Status(ErrorCode::kVolumeHostNotActivated,
                         "this volume host's host key is not activated",
                         fmt::format("On the host: licet-volume activate --data {} --host-key "
                                     "CSVLK --server URL",
                                     host_.dir.string())));
  }
  const HostCertificateClaims& cert = *host_.certificate_claims;
  if (cert.expires_at <= now) {
    return refuse(Status(
        ErrorCode::kVolumeHostNotActivated,
        fmt::format("this volume host's certificate expired on {}", FormatIso8601(cert.expires_at)),
        "On the host: licet-volume activate --host-key CSVLK --server URL"));
  }
  const Policy& policy = host_.catalog.policy();
  const std::uint32_t retry = retry_minutes_.load(std::memory_order_relaxed);
  VolumeDenial denial{.result = ErrorCode::kOk,
                      .message = {},
                      .count = 0,
                      .threshold = static_cast<std::uint32_t>(policy.volume_threshold),
                      .cmid = r.cmid,
                      .nonce = r.nonce,
                      .host_time = now,
                      .retry_minutes = retry,
                      .duplicate_cmid = false};
  const auto deny = [&](ErrorCode code, std::string message) {
    denial.result = code;
    denial.message = std::move(message);
    out.result = code;
    return DenialPayload(IssueDenial(denial, signer_, footer_));
  };
  const Sku* sku = host_.catalog.FindSkuByActivationId(r.activation_id);
  const bool certified =
      std::find(cert.skus.begin(), cert.skus.end(), r.activation_id) != cert.skus.end();
  if (r.product_id != cert.product_id || sku == nullptr || !certified ||
      !sku->Licenses(r.edition)) {
    return deny(ErrorCode::kVolumeHostIdMismatch,
                fmt::format("this host's certificate does not cover {} {} (SKU {})", r.product_id,
                            r.edition, r.activation_id));
  }
  if (r.product_version > cert.max_version) {
    return deny(ErrorCode::kVolumeHostIdMismatch,
                fmt::format("this host may serve versions up to {}, not {}", cert.max_version,
                            r.product_version));
  }
  const Seconds skew = r.client_time > now ? r.client_time - now : now - r.client_time;
  if (Minutes(skew) > policy.clock_skew_tolerance_minutes) {
    return deny(ErrorCode::kInvalidTimestamp,
                fmt::format("the client's clock ({}) and the host's ({}) are {} apart (at most "
                            "{} minutes allowed)",
                            FormatIso8601(r.client_time), FormatIso8601(now),
                            FormatDurationHuman(skew), policy.clock_skew_tolerance_minutes));
  }
  // ParseVolumeRequest checked the CMID is a UUID.
  const Sighting seen = table_->Record(*ParseCmid(r.cmid), HardwareFingerprint(r.hardware_id), now);
  out.counted = true;
  out.count = seen.count;
  denial.count = seen.count;
  denial.duplicate_cmid = seen.duplicate;
  if (seen.count < denial.threshold) {
    return deny(ErrorCode::kVolumeCountTooLow,
                fmt::format("the host's count is {}; {} {} needs {}", seen.count,
                            host_.catalog.product().name, r.edition, denial.threshold));
  }
  const std::uint32_t renewal = renewal_minutes_.load(std::memory_order_relaxed);
  const LicenseClaims claims{.issuer_key_id = host_.host_key.key_id,
                             .product_id = r.product_id,
                             .cmid = r.cmid,
                             .activation_id = r.activation_id,
                             .edition = r.edition,
                             .channel = std::string(ChannelName(sku->channel)),
                             .hardware_id = r.hardware_id,
                             .partial_key = {},
                             .method = "volume",
                             .nonce = r.nonce,
                             .issued_at = now,
                             .expires_at = now + std::chrono::days(policy.volume_validity_days),
                             .renew_after = now + std::chrono::minutes(renewal)};
  const GrantFacts facts{.count = seen.count,
                         .renewal_minutes = renewal,
                         .retry_minutes = retry,
                         .host_time = now,
                         .duplicate_cmid = seen.duplicate};
  return GrantPayload(IssueGrant(claims, facts, signer_, footer_));
}

void VolumeService::Note(const Outcome& out) {
  const std::string code = FormatCode(out.result);
  // The same line EventToJsonLine writes, formatted directly: this runs once per request, and the
  // protocol restricts the machine name and status to characters that need no escaping.
  const std::string line = fmt::format(
      "{{\"code\":\"{}\",\"data\":{{\"cmid\":\"{}\"}},\"id\":{},\"level\":\"{}\",\"message\":"
      "\"Volume activation request from {} ({}): {}, count {}\",\"time\":\"{}\"}}\n",
      code, out.cmid, kHostRequestEvent,
      client::EventLevelName(out.result == ErrorCode::kOk ? client::EventLevel::kInformation
                                                          : client::EventLevel::kWarning),
      out.machine.empty() ? "?" : out.machine, out.license_status, code, out.count,
      FormatIso8601(Now()));
  std::lock_guard lock(mu_);
  ++stats_.requests;
  if (out.result == ErrorCode::kOk) ++stats_.granted;
  ++stats_.by_license_status[out.license_status];
  ++stats_.by_result[code];
  stats_dirty_ = true;
  pending_events_ += line;
}

std::string VolumeService::Handle(std::string_view payload) {
  Outcome outcome;
  std::string reply = Decide(payload, outcome);
  Note(outcome);
  return reply;
}

Status VolumeService::Flush() { return table_->Flush(); }

Status VolumeService::WriteEvents() {
  std::lock_guard lock(mu_);
  std::size_t done = 0;
  while (events_fd_ >= 0 && done < pending_events_.size()) {
    const ssize_t n =
        ::write(events_fd_, pending_events_.data() + done, pending_events_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", host_.events_path(), errno);
    }
    done += static_cast<std::size_t>(n);
  }
  pending_events_.clear();
  return OkStatus();
}

void VolumeService::Tick() {
  (void)Flush();
  (void)WriteEvents();
  (void)table_->Sync();
  if (events_fd_ >= 0) ::fdatasync(events_fd_);
  std::error_code ec;
  if (std::filesystem::file_size(host_.events_path(), ec) > kEventLogRotateBytes) {
    std::filesystem::rename(host_.events_path(), host_.dir / "events.1.jsonl", ec);
    int fd = ::open(host_.events_path().c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      std::lock_guard lock(mu_);
      std::swap(fd, events_fd_);
      if (fd >= 0) ::close(fd);
    }
  }
  if (StatusOr<HostSettings> s = LoadHostSettings(host_.dir); s.ok()) {
    if (host_.catalog.product().lab) lab_offset_seconds_ = s->lab_clock_offset_seconds;
    retry_minutes_ = s->activation_interval_minutes;
    renewal_minutes_ = s->renewal_interval_minutes;
  }
  const HostStats stats = Stats();
  std::string listen;
  {
    std::lock_guard lock(mu_);
    if (!stats_dirty_) return;
    stats_dirty_ = false;
    listen = listen_;
  }
  const nlohmann::json j = {{"written_at", FormatIso8601(Now())},
                            {"listen", listen},
                            {"requests", stats.requests},
                            {"granted", stats.granted},
                            {"count", stats.count},
                            {"by_license_status", stats.by_license_status},
                            {"by_result", stats.by_result}};
  (void)WriteFileAtomically(host_.stats_path(), j.dump(2) + "\n");
}

void VolumeService::SetListenAddress(std::string address) {
  std::lock_guard lock(mu_);
  listen_ = std::move(address);
  stats_dirty_ = true;
}

HostStats VolumeService::Stats() {
  const std::uint32_t count = table_->Count(Now());
  std::lock_guard lock(mu_);
  HostStats s = stats_;
  s.count = count;
  return s;
}

}  // namespace licet::volume
