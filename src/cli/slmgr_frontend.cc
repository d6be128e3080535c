// `licet slmgr` (or a symlink named slmgr): the slmgr.vbs options of the seed article.
#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>

#include "command_hint.h"
#include "frontends.h"
#include "installation.h"
#include "key_installation.h"
#include "license_report.h"
#include "licet/core/quote.h"
#include "online_activation.h"
#include "phone_activation_client.h"
#include "restart.h"
#include "volume_activation.h"
#include "windows_args.h"

namespace licet::cli {
namespace {

using client::Access;
using client::Installation;

constexpr std::string_view kSlmgrHelp = R"(Windows Software Licensing Management Tool (Licet)
Usage: slmgr.vbs [--root DIR] [--json] <option>
  (options are case-insensitive and may start with / or -)

Global options:
  /ipk <Product Key>      Install product key (replaces the existing key)
  /ato                    Activate online (the activation URL: licet config get activation-url)
  /dti                    Display the installation ID for phone activation
  /atp <Confirmation ID>  Activate with the confirmation ID the vendor read back
  /dli [All]              Display license information (default: current license)
  /dlv [All]              Display detailed license information
  /xpr                    Expiration date for current license state

Advanced options:
  /cpky                   Clear product key from the registry (keeps the partial key)
  /upk                    Uninstall product key
  /rearm                  Reset the licensing status (takes effect at restart: licet restart)

Volume licensing: Key Management Service (KMS) client options:
  /skms <Name[:Port] | :Port>   Set the volume host name and/or port
  /ckms                   Clear the volume host (back to DNS auto-discovery)
  /skms-domain <FQDN>     Set the DNS domain searched for the volume host's SRV record
  /ckms-domain            Clear that domain (use the machine's DNS search domain)
  /skhc                   Enable volume host caching
  /ckhc                   Disable volume host caching
)";

struct SlmgrCall {
  CliContext& ctx;
  std::filesystem::path root;
  std::vector<std::string> words;
};

// Opens the installation, runs `fn`, prints its text or JSON.
int WithInstallation(
    SlmgrCall& call, Access access,
    const std::function<StatusOr<std::pair<std::string, nlohmann::json>>(Installation&)>& fn) {
  StatusOr<Installation> inst = Installation::Open(call.root, access, *call.ctx.clock);
  if (!inst.ok()) return ReportFailure(call.ctx, inst.status());
  StatusOr<std::pair<std::string, nlohmann::json>> result = fn(*inst);
  if (!result.ok()) return ReportFailure(call.ctx, result.status());
  if (call.ctx.json) return PrintJson(call.ctx, result->second);
  *call.ctx.out << result->first;
  return 0;
}

using Result = StatusOr<std::pair<std::string, nlohmann::json>>;

Result Done(std::string text, nlohmann::json json = {{"result", "ok"}}) {
  return std::make_pair(std::move(text), std::move(json));
}

Result InstallKey(Installation& inst, const std::vector<std::string>& words) {
  if (words.empty()) {
    return UsageError("/ipk needs a product key: slmgr /ipk XXXXX-XXXXX-XXXXX-XXXXX-XXXXX",
                      "licet slmgr /?");
  }
  std::string typed;
  for (const std::string& w : words) typed += w;
  LICET_ASSIGN_OR_RETURN(const ResolvedKey key, client::InstallProductKey(inst, typed));
  std::string text = fmt::format("Installed product key {} successfully.\n", key.text);
  if (const std::string notice = client::AliasNotice(key); !notice.empty())
    text = notice + "\n" + text;
  return Done(text, {{"installed_product_key",
                      {{"partial_product_key", key.partial()},
                       {"channel", ChannelName(key.sku->channel)},
                       {"activation_id", key.sku->activation_id},
                       {"edition", key.sku->primary_edition()}}}});
}

Result SetVolumeHost(Installation& inst, const std::vector<std::string>& words) {
  if (words.size() != 1)
    return UsageError("/skms needs one argument: NAME[:PORT] or :PORT", "licet slmgr /?");
  const std::string& arg = words[0];
  std::string host = arg;
  std::uint16_t port = 0;
  // "[v6::addr]:port", "name:port", ":port", or "name".
  const size_t colon = arg.rfind(':');
  const bool bracketed = !arg.empty() && arg.front() == '[';
  if (colon != std::string::npos && (!bracketed || arg.find(']') < colon)) {
    host = arg.substr(0, colon);
    const std::string p = arg.substr(colon + 1);
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc() || ptr != p.data() + p.size() || value == 0 || value > 65535) {
      return UsageError(fmt::format("{} is not a port (1-65535)", QuoteInput(p)), "licet slmgr /?");
    }
    port = static_cast<std::uint16_t>(value);
  }
  client::VolumeClientSettings& v = inst.record().volume;
  if (!host.empty()) v.host = host;
  if (port != 0) v.port = port;
  LICET_RETURN_IF_ERROR(inst.Save());
  const std::string shown = fmt::format("{}:{}", v.host.empty() ? "(DNS auto-discovery)" : v.host,
                                        v.port != 0 ? v.port : inst.catalog().volume().port);
  LICET_RETURN_IF_ERROR(inst.Log(client::event_id::kSettingChanged,
                                 client::EventLevel::kInformation, "Volume host set to " + shown));
  return Done(fmt::format("Key Management Service machine name set to {} successfully.\n", shown),
              {{"volume_host", v.host}, {"volume_port", v.port}});
}

Result ChangeSetting(Installation& inst, std::string_view what,
                     const std::function<void(client::VolumeClientSettings&)>& change,
                     std::string text) {
  change(inst.record().volume);
  LICET_RETURN_IF_ERROR(inst.Save());
  LICET_RETURN_IF_ERROR(inst.Log(client::event_id::kSettingChanged,
                                 client::EventLevel::kInformation, std::string(what)));
  return Done(std::move(text));
}

// A GVLK: the volume host (pinned, cached or found through DNS SRV) activates it.
Result ActivateByVolumeHost(Installation& inst, const std::string& name) {
  StatusOr<client::VolumeActivationResult> r = client::ActivateVolume(inst);
  if (!r.ok()) {
    const Status& s = r.status();
    (void)inst.Log(
        client::event_id::kActivationFailed, client::EventLevel::kError,
        fmt::format("License Activation (slmgr /ato) failed with the following error: {}",
                    FormatCode(s.code())),
        s.code());
    return s;
  }
  std::string text = fmt::format(
      "Activating {}...\nProduct activated successfully by the volume host {} (count {}).\n"
      "Renewal after {}; the activation expires {} unless renewed.\n",
      name, r->host, r->count, FormatHuman(r->renew_after), FormatHuman(r->expires_at));
  if (r->duplicate_cmid) {
    text += fmt::format(
        "Warning: the host saw this installation's CMID on another machine (a cloned image): "
        "this machine did not raise its count. Run: {}\n",
        client::LicetCommand("slmgr /rearm", inst.root()));
  }
  return Done(text, {{"result", "ok"},
                     {"method", "volume"},
                     {"host", r->host},
                     {"count", r->count},
                     {"renew_after", FormatIso8601(r->renew_after)},
                     {"expires_at", FormatIso8601(r->expires_at)},
                     {"duplicate_cmid", r->duplicate_cmid}});
}

Result Activate(Installation& inst) {
  const std::string name =
      fmt::format("{}, {} edition", inst.catalog().product().name, inst.record().edition);
  if (inst.edition().evaluation && !inst.record().pending) {
    const LicenseState s = inst.State();
    if (s.status == LicenseStatus::kLicensed) {
      return Done(fmt::format("Activating {}...\nProduct activated successfully (time-based "
                              "evaluation, {} left).\n",
                              name, FormatDurationHuman(s.Remaining(inst.Now()))),
                  {{"result", "ok"}, {"method", "timebased"}});
    }
    return Status(
        ErrorCode::kValidityPeriodExpired, "the evaluation period has ended; no key extends it",
        "Convert: licet dism /online /Set-Edition:<edition> /ProductKey:<key> /AcceptEula");
  }
  if (inst.record().key && inst.record().key->channel == Channel::kVolumeGvlk)
    return ActivateByVolumeHost(inst, name);
  StatusOr<client::OnlineActivationResult> r = client::ActivateOnline(inst);
  if (!r.ok()) {
    // Events 8198 (the failure and its code) and 8200 (details), as SPP logs them.
    const Status& s = r.status();
    (void)inst.Log(
        client::event_id::kActivationFailed, client::EventLevel::kError,
        fmt::format("License Activation (slmgr /ato) failed with the following error: {}",
                    FormatCode(s.code())),
        s.code());
    (void)inst.Log(client::event_id::kActivationFailureDetails, client::EventLevel::kError,
                   std::string(s.message()), s.code(), {{"server", client::ActivationUrl(inst)}});
    return s;
  }
  const std::string count = r->limit != 0
                                ? fmt::format(" ({} of {} activations used{})", r->used, r->limit,
                                              r->reused ? "; this machine was already counted" : "")
                                : "";
  return Done(fmt::format("Activating {}...\nProduct activated successfully.{}\n", name, count),
              {{"result", "ok"},
               {"method", "online"},
               {"server", r->server},
               {"used", r->used},
               {"limit", r->limit}});
}

int Dispatch(SlmgrCall& call, const std::string& command) {
  const auto& w = call.words;
  const auto report = [](Installation& inst, bool detailed) -> Result {
    const client::LicenseReport r = client::BuildReport(inst);
    return Done(client::FormatLicenseInfo(r, detailed), client::ReportJson(r));
  };
  if (command == "ato") {
    return WithInstallation(call, Access::kReadWrite, [](Installation& i) { return Activate(i); });
  }
  if (command == "dti") {
    return WithInstallation(call, Access::kReadWrite, [](Installation& i) -> Result {
      LICET_ASSIGN_OR_RETURN(const std::string iid, client::DisplayInstallationId(i));
      return Done(fmt::format("Installation ID: {}\n", iid), {{"installation_id", iid}});
    });
  }
  if (command == "atp") {
    if (w.size() != 1) {
      return ReportFailure(call.ctx, UsageError("/atp needs the confirmation ID (one word: "
                                                "groups joined by dashes, or quoted)",
                                                "licet slmgr /?"));
    }
    return WithInstallation(call, Access::kReadWrite, [&](Installation& i) -> Result {
      LICET_RETURN_IF_ERROR(client::DepositConfirmationId(i, w[0]));
      return Done(
          "Confirmation ID for product deposited successfully.\nProduct activated "
          "successfully.\n",
          {{"result", "ok"}, {"method", "phone"}});
    });
  }
  if (command == "ipk")
    return WithInstallation(call, Access::kReadWrite,
                            [&](Installation& i) { return InstallKey(i, w); });
  if (command == "dli")
    return WithInstallation(call, Access::kReadOnly,
                            [&](Installation& i) { return report(i, false); });
  if (command == "dlv")
    return WithInstallation(call, Access::kReadOnly,
                            [&](Installation& i) { return report(i, true); });
  if (command == "xpr") {
    return WithInstallation(call, Access::kReadOnly, [](Installation& i) -> Result {
      const client::LicenseReport r = client::BuildReport(i);
      return Done(client::FormatExpiration(r), client::ReportJson(r));
    });
  }
  if (command == "upk") {
    return WithInstallation(call, Access::kReadWrite, [](Installation& i) -> Result {
      LICET_RETURN_IF_ERROR(client::UninstallProductKey(i));
      return Done("Uninstalled product key successfully.\n");
    });
  }
  if (command == "cpky") {
    return WithInstallation(call, Access::kReadWrite, [](Installation& i) -> Result {
      LICET_RETURN_IF_ERROR(client::ClearProductKeyFromRegistry(i));
      return Done("Product key from registry cleared successfully.\n");
    });
  }
  if (command == "rearm") {
    return WithInstallation(call, Access::kReadWrite, [](Installation& i) -> Result {
      LICET_RETURN_IF_ERROR(client::StageRearm(i));
      return Done(
          "Command completed successfully.\nPlease restart the system for the changes to take "
          "effect: licet restart\n",
          {{"result", "ok"},
           {"restart_required", true},
           {"rearm_remaining", i.record().rearm_remaining}});
    });
  }
  if (command == "skms")
    return WithInstallation(call, Access::kReadWrite,
                            [&](Installation& i) { return SetVolumeHost(i, w); });
  if (command == "ckms") {
    return WithInstallation(call, Access::kReadWrite, [](Installation& i) {
      return ChangeSetting(
          i, "Volume host cleared",
          [](auto& v) {
            v.host.clear();
            v.port = 0;
          },
          "Key Management Service machine name cleared successfully.\n");
    });
  }
  if (command == "skms-domain") {
    if (w.size() != 1)
      return ReportFailure(call.ctx, UsageError("/skms-domain needs one FQDN", "licet slmgr /?"));
    return WithInstallation(call, Access::kReadWrite, [&](Installation& i) {
      return ChangeSetting(
          i, "Volume host lookup domain set to " + w[0], [&](auto& v) { v.domain = w[0]; },
          fmt::format("Key Management Service lookup domain set to {} successfully.\n", w[0]));
    });
  }
  if (command == "ckms-domain") {
    return WithInstallation(call, Access::kReadWrite, [](Installation& i) {
      return ChangeSetting(
          i, "Volume host lookup domain cleared", [](auto& v) { v.domain.clear(); },
          "Key Management Service lookup domain cleared successfully.\n");
    });
  }
  if (command == "skhc" || command == "ckhc") {
    const bool on = command == "skhc";
    return WithInstallation(call, Access::kReadWrite, [on](Installation& i) {
      return ChangeSetting(
          i, on ? "Volume host caching enabled" : "Volume host caching disabled",
          [on](auto& v) { v.host_caching = on; },
          on ? "KMS host caching is enabled\n" : "KMS host caching is disabled\n");
    });
  }
  return ReportFailure(
      call.ctx, UsageError(fmt::format("slmgr has no option /{}", command), "licet slmgr /?"));
}

}  // namespace

int RunSlmgr(CliContext ctx, const std::vector<std::string>& args) {
  std::variant<WindowsCommandLine, int> begun = BeginFrontEnd(ctx, args, kSlmgrHelp);
  if (const int* exit_status = std::get_if<int>(&begun)) return *exit_status;
  const WindowsCommandLine* cl = &std::get<WindowsCommandLine>(begun);
  if (cl->options.size() > 1) {
    return ReportFailure(ctx,
                         UsageError(fmt::format("slmgr takes one option at a time, not {} and {}",
                                                cl->options[0].original, cl->options[1].original),
                                    "licet slmgr /?"));
  }
  SlmgrCall call{ctx, client::DefaultRoot(ctx.root_flag), cl->words};
  // /dli and /dlv take an optional "All" or activation ID; this store holds one product, so both
  // show it.
  return Dispatch(call, cl->options[0].name);
}

}  // namespace licet::cli
