#include "host_commands.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "dns_update.h"
#include "event_log.h"
#include "host_data.h"
#include "licet/core/atomic_file.h"
#include "licet/core/file_lock.h"
#include "licet/core/license_state.h"
#include "licet/core/quote.h"
#include "volume_server.h"
#include "volume_service.h"

namespace licet::volume {
namespace {

using nlohmann::json;

int Fail(const Status& s) {
  std::cerr << fmt::format("Error: {} ({})\n{}\nFix: {}\n", FormatCode(s.code()), s.info().symbol,
                           s.message(), s.remedy());
  return ExitStatusFor(s.info().category);
}

Seconds CmidWindow(const Catalog& c) { return std::chrono::days(c.policy().cmid_cache_days); }

VolumeServer* g_server = nullptr;

// Blocks SIGINT and SIGTERM in this thread and every thread it starts afterwards (call it before
// the server's threads exist, or the kernel may deliver the signal to one of them and kill the
// process without the last journal sync); StopOnSignals() then waits for them.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

void StopOnSignals(sigset_t set) {
  std::thread([set] {
    int sig = 0;
    sigwait(&set, &sig);
    if (g_server != nullptr) g_server->Stop();
  }).detach();
}

StatusOr<std::pair<std::string, std::uint16_t>> SplitListen(const std::string& listen) {
  const std::size_t colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      std::size_t used = 0;
      port = std::stoi(listen.substr(colon + 1), &used);
      if (used != listen.size() - colon - 1) port = -1;
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--listen '{}' is not HOST:PORT", listen),
                  "licet-volume serve --data DIR --listen 0.0.0.0:1688");
  }
  return std::make_pair(listen.substr(0, colon), static_cast<std::uint16_t>(port));
}

}  // namespace

int RunActivate(const std::string& data, const std::string& host_key, const std::string& server,
                const std::string& ca_file) {
  StatusOr<HostData> host = LoadHostData(data);
  if (!host.ok()) return Fail(host.status());
  if (Status s = ActivateHostKey(*host, host_key, server, ca_file); !s.ok()) {
    // A server out of reach: the client's own remedy names slmgr and slui, which do not apply to
    // a host; say how to retry from here.
    const bool unreachable =
        s.code() == ErrorCode::kServerUnreachable || s.code() == ErrorCode::kNameNotResolved;
    return Fail(Status(s.code(), fmt::format("the host key was not activated: {}", s.message()),
                       unreachable ? fmt::format("Check that licet-server answers at {}, then: "
                                                 "licet-volume activate --data {} --host-key "
                                                 "CSVLK --server {}",
                                                 server, data, server)
                                   : std::string(s.remedy())));
  }
  const HostCertificateClaims& c = *host->certificate_claims;
  std::cout << fmt::format(
      "Volume host activated by {}: it may activate {} GVLK SKU(s) of {} up to version {}, until "
      "{}.\nStart it: licet-volume serve --data {} --listen 0.0.0.0:{}\n",
      server, c.skus.size(), c.product_id, c.max_version, FormatHuman(c.expires_at), data,
      host->catalog.volume().port);
  return 0;
}

int RunInit(const InitArgs& a) {
  if (Status s = InitHostData({.data = a.data, .catalog = a.catalog, .trust_keys = a.trust_keys});
      !s.ok()) {
    return Fail(s);
  }
  std::cout << fmt::format("Initialised volume host data in {}\n", a.data);
  if (a.host_key.empty() || a.server.empty()) {
    std::cout << fmt::format(
        "The host is not activated yet (clients get 0xC004F041): licet-volume activate --data {} "
        "--host-key CSVLK --server URL\n",
        a.data);
    return 0;
  }
  return RunActivate(a.data, a.host_key, a.server, a.ca_file);
}

int RunServe(const std::string& data, const std::string& listen, int threads) {
  StatusOr<std::pair<std::string, std::uint16_t>> address = SplitListen(listen);
  if (!address.ok()) return Fail(address.status());
  StatusOr<HostData> host = LoadHostData(data);
  if (!host.ok()) return Fail(host.status());
  // One serve per data directory: two would interleave the journal.
  StatusOr<FileLock> lock =
      FileLock::Acquire(host->dir / "serve.lock", LockMode::kExclusive, std::chrono::seconds(0));
  if (!lock.ok()) {
    return Fail(Status(ErrorCode::kStoreLocked,
                       fmt::format("another licet-volume serve already uses {}", data),
                       "Stop it first, or give this one its own --data directory."));
  }
  const Seconds window = CmidWindow(host->catalog);
  StatusOr<std::unique_ptr<ClientTable>> table =
      ClientTable::Open(host->journal_path(), HostNow(host->settings), window);
  if (!table.ok()) return Fail(table.status());
  const bool activated = host->activated();
  const std::string product = host->catalog.product().name;
  const sigset_t stop_signals = BlockStopSignals();
  VolumeService service(std::move(*host), std::move(*table));
  StatusOr<std::unique_ptr<VolumeServer>> server = VolumeServer::Start(
      {.host = address->first, .port = address->second, .threads = threads}, service);
  if (!server.ok()) return Fail(server.status());
  service.SetListenAddress(fmt::format("{}:{}", address->first, (*server)->port()));
  g_server = server->get();
  StopOnSignals(stop_signals);
  std::cout << fmt::format("licet-volume: {} volume host listening on {}:{} (count {}{})\n",
                           product, address->first, (*server)->port(), service.Stats().count,
                           activated ? "" : "; NOT ACTIVATED: clients get 0xC004F041")
            << std::flush;
  (*server)->Wait();
  server->reset();  // joins the I/O threads and runs the last Tick
  g_server = nullptr;
  return 0;
}

int RunStatus(const std::string& data, bool as_json) {
  StatusOr<HostData> host = LoadHostData(data);
  if (!host.ok()) return Fail(host.status());
  const HostSettings& s = host->settings;
  const TimePoint now = HostNow(s);
  StatusOr<std::uint32_t> count =
      ClientTable::CountJournal(host->journal_path(), now, CmidWindow(host->catalog));
  if (!count.ok()) return Fail(count.status());
  json stats = json::object();
  if (StatusOr<std::string> text = ReadWholeFile(host->stats_path(), 1 << 20); text.ok())
    stats = json::parse(*text, nullptr, false);
  if (!stats.is_object()) stats = json::object();
  const auto stat = [&](const char* key) { return stats.value(key, std::uint64_t{0}); };
  const json by_status = stats.value("by_license_status", json::object());
  const json by_result = stats.value("by_result", json::object());
  const std::uint64_t requests = stat("requests");
  const std::uint64_t failed = requests - std::min(requests, stat("granted"));
  const int threshold = host->catalog.policy().volume_threshold;
  json j = {{"product", host->catalog.product().id},
            {"host_id", s.host_id},
            {"activated", host->activated()},
            {"count", *count},
            {"threshold", threshold},
            {"listen", stats.value("listen", "")},
            {"activation_interval_minutes", s.activation_interval_minutes},
            {"renewal_interval_minutes", s.renewal_interval_minutes},
            {"dns_publishing", s.dns_publishing},
            {"dns_last_result", s.dns_last_result},
            {"requests", requests},
            {"failed_requests", failed},
            {"by_license_status", by_status},
            {"by_result", by_result},
            {"host_time", FormatIso8601(now)}};
  if (host->activated()) {
    const HostCertificateClaims& c = *host->certificate_claims;
    j["certificate"] = {{"issuer", c.issuer_key_id},
                        {"host_key_partial", c.host_key_partial},
                        {"skus", c.skus},
                        {"max_version", c.max_version},
                        {"expires_at", FormatIso8601(c.expires_at)}};
  }
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::string out = fmt::format(
      "Volume activation host (licet-volume) for {} ({})\n"
      "    Host ID: {}\n",
      host->catalog.product().name, host->catalog.product().id, s.host_id);
  if (host->activated()) {
    const HostCertificateClaims& c = *host->certificate_claims;
    out += fmt::format(
        "    Host key: activated (partial key {}; certificate by {}, versions up to {}, {} SKU(s), "
        "valid until {})\n",
        c.host_key_partial, c.issuer_key_id, c.max_version, c.skus.size(),
        FormatHuman(c.expires_at));
  } else {
    out += "    Host key: NOT ACTIVATED (clients get 0xC004F041): licet-volume activate --data " +
           data + " --host-key CSVLK --server URL\n";
  }
  const std::string listen = stats.value("listen", "");
  out += fmt::format(
      "    Current count: {} (threshold {}; distinct machines in the last {} days)\n"
      "    Listening on: {}\n"
      "    DNS publishing: {}{}\n"
      "    Activation interval: {} minutes\n"
      "    Renewal interval: {} minutes\n"
      "    Total requests received: {}{}\n"
      "    Failed requests received: {}\n",
      *count, threshold, host->catalog.policy().cmid_cache_days,
      listen.empty() ? "(not serving since init)" : listen,
      s.dns_publishing ? "enabled" : "disabled",
      s.dns_last_result.empty()
          ? ""
          : fmt::format(" (last publication to {}: {})", s.dns_domain, s.dns_last_result),
      s.activation_interval_minutes, s.renewal_interval_minutes, requests,
      stats.contains("written_at")
          ? fmt::format(" (since serve started; as of {})", stats.value("written_at", ""))
          : "",
      failed);
  for (int v = 0; v <= 6; ++v) {
    const auto status = static_cast<LicenseStatus>(v);
    out += fmt::format("    Requests with License Status {}: {}\n", LicenseStatusLabel(status),
                       by_status.value(std::string(LicenseStatusId(status)), std::uint64_t{0}));
  }
  std::cout << out;
  return 0;
}

int RunDnsRecord(const DnsRecordArgs& a) {
  StatusOr<HostData> host = LoadHostData(a.data);
  if (!host.ok()) return Fail(host.status());
  std::string target = a.host;
  if (target.empty()) {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    target = name;
  }
  const SrvRecord record{.service = host->catalog.volume().srv_service,
                         .domain = a.domain,
                         .target = target,
                         .port = a.port != 0 ? a.port : host->catalog.volume().port,
                         .priority = a.priority,
                         .weight = a.weight,
                         .ttl = a.ttl};
  if (Status s = ValidateSrvRecord(record); !s.ok()) return Fail(s);
  if (a.publish.empty()) {
    std::cout << ZoneFileLine(record) << "\n";
    return 0;
  }
  HostSettings& s = host->settings;
  if (!s.dns_publishing) {
    return Fail(Status(ErrorCode::kDnsUpdateFailed, "DNS publishing is disabled on this host",
                       fmt::format("licet-volume dns-publishing enable --data {}", a.data)));
  }
  const Status published = PublishSrvRecord(record, a.publish);
  s.dns_domain = a.domain;
  s.dns_last_attempt = HostNow(s);
  s.dns_last_result = published.ok() ? "ok" : std::string(published.message());
  (void)SaveHostSettings(host->dir, s);
  if (!published.ok()) {
    // Event 12293, as the KMS host logs a failed SRV publication.
    (void)client::AppendEvent(
        host->events_path(),
        client::Event{.time = HostNow(s),
                      .id = 12293,
                      .level = client::EventLevel::kError,
                      .message = fmt::format("Publishing the volume host's SRV record {} in DNS "
                                             "failed: {}",
                                             record.owner(), published.message()),
                      .code = published.code(),
                      .data = {{"server", a.publish}, {"record", ZoneFileLine(record)}}});
    return Fail(published);
  }
  std::cout << fmt::format("Published {}\n  to {}\n", ZoneFileLine(record), a.publish);
  return 0;
}

int RunSetInterval(const std::string& data, bool renewal, std::uint32_t minutes) {
  StatusOr<HostSettings> s = LoadHostSettings(data);
  if (!s.ok()) return Fail(s.status());
  if (minutes < 15 || minutes > 43200) {
    return Fail(Status(ErrorCode::kInvalidArgument,
                       fmt::format("{} minutes is out of range (15 to 43200)", minutes)));
  }
  (renewal ? s->renewal_interval_minutes : s->activation_interval_minutes) = minutes;
  if (Status w = SaveHostSettings(data, *s); !w.ok()) return Fail(w);
  std::cout << fmt::format(
      "{} interval set to {} minutes (clients take it at their next request)\n",
      renewal ? "Renewal" : "Activation", minutes);
  return 0;
}

int RunSetDnsPublishing(const std::string& data, bool enabled) {
  StatusOr<HostSettings> s = LoadHostSettings(data);
  if (!s.ok()) return Fail(s.status());
  s->dns_publishing = enabled;
  if (Status w = SaveHostSettings(data, *s); !w.ok()) return Fail(w);
  std::cout << (enabled ? "DNS publishing enabled\n" : "DNS publishing disabled\n");
  return 0;
}

int RunLabClock(const std::string& data, const std::string& action, const std::string& amount) {
  StatusOr<HostData> host = LoadHostData(data);
  if (!host.ok()) return Fail(host.status());
  if (!host->catalog.product().lab) {
    return Fail(Status(ErrorCode::kNotLabCatalog,
                       fmt::format("{} is not a lab catalog: its host's clock cannot be moved",
                                   host->catalog.product().id)));
  }
  HostSettings& s = host->settings;
  if (action == "reset") {
    s.lab_clock_offset_seconds = 0;
  } else if (action == "advance") {
    StatusOr<Seconds> d = ParseDuration(amount);
    if (!d.ok()) return Fail(d.status());
    s.lab_clock_offset_seconds += d->count();
  } else {
    return Fail(Status(ErrorCode::kInvalidArgument,
                       fmt::format("{}: use advance DURATION or reset", QuoteInput(action))));
  }
  if (Status w = SaveHostSettings(data, s); !w.ok()) return Fail(w);
  std::cout << fmt::format("Host lab clock: {} (offset {})\n", FormatHuman(HostNow(s)),
                           FormatDurationHuman(Seconds(s.lab_clock_offset_seconds)));
  return 0;
}

}  // namespace licet::volume
