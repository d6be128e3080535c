// install, status, events, doctor, restart, backup create|list|restore.
#include <arpa/inet.h>
#include <fmt/format.h>

#include "backups.h"
#include "commands.h"
#include "doctor.h"
#include "installation.h"
#include "license_report.h"
#include "licet/core/quote.h"
#include "online_activation.h"
#include "restart.h"

namespace licet::cli {
namespace {

using client::Access;
using client::Installation;

// Opens the installation of ctx.root_flag or reports why not; returns nullopt after reporting.
std::optional<Installation> OpenOrReport(const CliContext& ctx, Access access, int* exit_status) {
  StatusOr<Installation> inst =
      Installation::Open(client::DefaultRoot(ctx.root_flag), access, *ctx.clock);
  if (inst.ok()) return std::move(inst).value();
  *exit_status = ReportFailure(ctx, inst.status());
  return std::nullopt;
}

void RegisterInstall(CLI::App& app, CliContext& ctx, int* exit_status) {
  auto opts = std::make_shared<client::InstallOptions>();
  auto features = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("install", "Create an installation, as setup from the product's ISO does");
  cmd->add_option("--catalog", opts->catalog,
                  "Bundled catalog name (windows-server-2022, acme-studio) or path")
      ->required();
  cmd->add_option("--edition", opts->edition, "Edition to install, e.g. ServerStandardEval")
      ->required();
  cmd->add_option("--features", *features,
                  "Comma-separated features (roles) to install, e.g. AD-DS,Hyper-V");
  cmd->add_option("--trust-key", opts->trust_keys,
                  "Also trust this vendor public key (base64 or key-file line)");
  cmd->add_flag("--force", opts->force,
                "Replace an existing installation at this root (its state is lost)");
  cmd->callback([&ctx, exit_status, opts, features] {
    opts->root = client::DefaultRoot(ctx.root_flag);
    opts->features.clear();
    for (const std::string& f : CLI::detail::split(*features, ',')) {
      if (!CLI::detail::trim_copy(f).empty()) opts->features.push_back(CLI::detail::trim_copy(f));
    }
    StatusOr<Installation> inst = Installation::Create(*opts, *ctx.clock);
    if (!inst.ok()) {
      *exit_status = ReportFailure(ctx, inst.status());
      return;
    }
    const client::LicenseReport r = client::BuildReport(*inst);
    if (ctx.json) {
      *exit_status =
          PrintJson(ctx, {{"root", opts->root.string()}, {"status", client::ReportJson(r)}});
      return;
    }
    *ctx.out << fmt::format("Installed {} ({}) at {}\n", r.edition_name, r.edition,
                            opts->root.string());
    *ctx.out << fmt::format("License status: {} — {}\n", LicenseStatusLabel(r.state.status),
                            r.state.explanation);
    *exit_status = 0;
  });
}

void RegisterStatus(CLI::App& app, CliContext& ctx, int* exit_status) {
  app.add_subcommand("status", "Show the license status (--json for scripts)")
      ->callback([&ctx, exit_status] {
        std::optional<Installation> inst = OpenOrReport(ctx, Access::kReadOnly, exit_status);
        if (!inst) return;
        const client::LicenseReport r = client::BuildReport(*inst);
        if (ctx.json) {
          *exit_status = PrintJson(ctx, client::ReportJson(r));
        } else {
          *ctx.out << client::FormatStatusSummary(r);
          *exit_status = 0;
        }
      });
}

void RegisterEvents(CLI::App& app, CliContext& ctx, int* exit_status) {
  auto id = std::make_shared<int>(0);
  auto limit = std::make_shared<size_t>(0);
  CLI::App* cmd = app.add_subcommand("events", "Show the installation's event log");
  cmd->add_option("--id", *id, "Only events with this ID (e.g. 100, 8198, 12288)");
  cmd->add_option("--limit", *limit, "Only the last N events");
  cmd->callback([&ctx, exit_status, id, limit] {
    const std::filesystem::path root = client::DefaultRoot(ctx.root_flag);
    if (!std::filesystem::exists(root / "store.json")) {
      *exit_status =
          ReportFailure(ctx, Installation::Open(root, Access::kReadOnly, *ctx.clock).status());
      return;
    }
    StatusOr<std::vector<client::Event>> events = client::ReadEvents(root / "events.jsonl");
    if (!events.ok()) {
      *exit_status = ReportFailure(ctx, events.status());
      return;
    }
    std::vector<client::Event> shown;
    for (const client::Event& e : *events) {
      if (*id == 0 || e.id == *id) shown.push_back(e);
    }
    if (*limit != 0 && shown.size() > *limit)
      shown.erase(shown.begin(), shown.end() - static_cast<long>(*limit));
    if (ctx.json) {
      nlohmann::json list = nlohmann::json::array();
      for (const client::Event& e : shown)
        list.push_back(nlohmann::json::parse(client::EventToJsonLine(e)));
      *exit_status = PrintJson(ctx, {{"events", list}});
      return;
    }
    for (const client::Event& e : shown) {
      *ctx.out << fmt::format("{}  {:>5}  {:<11}  {}{}\n", FormatHuman(e.time), e.id,
                              client::EventLevelName(e.level), e.message,
                              e.code ? fmt::format(" [{}]", FormatCode(*e.code)) : "");
    }
    if (shown.empty()) *ctx.out << "(no events)\n";
    *exit_status = 0;
  });
}

void RegisterDoctor(CLI::App& app, CliContext& ctx, int* exit_status) {
  app.add_subcommand("doctor",
                     "Say what is wrong with this installation and the command that fixes it")
      ->callback([&ctx, exit_status] {
        std::optional<Installation> inst = OpenOrReport(ctx, Access::kReadOnly, exit_status);
        if (!inst) return;
        const std::vector<client::Finding> findings = client::Diagnose(*inst);
        bool problems = false;
        nlohmann::json list = nlohmann::json::array();
        for (const client::Finding& f : findings) {
          problems = problems || f.severity == client::Severity::kWarning ||
                     f.severity == client::Severity::kProblem;
          list.push_back(
              {{"severity", client::SeverityName(f.severity)},
               {"what", f.what},
               {"fix", f.fix.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.fix)}});
          if (!ctx.json) {
            *ctx.out << fmt::format("[{:<7}] {}\n", client::SeverityName(f.severity), f.what);
            if (!f.fix.empty()) *ctx.out << fmt::format("          fix: {}\n", f.fix);
          }
        }
        if (ctx.json) PrintJson(ctx, {{"healthy", !problems}, {"findings", list}});
        *exit_status = problems ? 1 : 0;
      });
}

void RegisterRestart(CLI::App& app, CliContext& ctx, int* exit_status) {
  app.add_subcommand("restart", "Restart the installation: apply a pending edition change or rearm")
      ->callback([&ctx, exit_status] {
        std::optional<Installation> inst = OpenOrReport(ctx, Access::kReadWrite, exit_status);
        if (!inst) return;
        StatusOr<client::RestartResult> r = client::Restart(*inst);
        if (!r.ok()) {
          *exit_status = ReportFailure(ctx, r.status());
          return;
        }
        const client::LicenseReport report = client::BuildReport(*inst);
        if (ctx.json) {
          *exit_status =
              PrintJson(ctx, {{"applied", r->applied}, {"status", client::ReportJson(report)}});
          return;
        }
        *ctx.out << "Restarting...\n";
        for (const std::string& line : r->applied) *ctx.out << "  " << line << "\n";
        if (r->applied.empty()) *ctx.out << "  No pending changes.\n";
        *ctx.out << fmt::format("{} ({}): {} — {}\n", report.edition_name, report.edition,
                                LicenseStatusLabel(report.state.status), report.state.explanation);
        *exit_status = 0;
      });
}

void RegisterBackup(CLI::App& app, CliContext& ctx, int* exit_status) {
  CLI::App* backup = app.add_subcommand("backup", "Create, list or restore snapshots of the store");
  backup->require_subcommand(1);
  backup->add_subcommand("list", "List snapshots")->callback([&ctx, exit_status] {
    std::optional<Installation> inst = OpenOrReport(ctx, Access::kReadOnly, exit_status);
    if (!inst) return;
    const std::vector<client::BackupInfo> all = client::ListBackups(*inst);
    if (ctx.json) {
      nlohmann::json list = nlohmann::json::array();
      for (const client::BackupInfo& b : all) {
        list.push_back({{"id", b.id},
                        {"created", FormatIso8601(b.created)},
                        {"reason", b.reason},
                        {"edition", b.edition},
                        {"partial_product_key", b.partial_key}});
      }
      *exit_status = PrintJson(ctx, {{"backups", list}});
      return;
    }
    for (const client::BackupInfo& b : all) {
      *ctx.out << fmt::format("{:>3}  {}  {:<22} {}\n", b.id, FormatHuman(b.created), b.edition,
                              b.reason);
    }
    if (all.empty()) *ctx.out << "(no backups)\n";
    *exit_status = 0;
  });
  auto reason = std::make_shared<std::string>("made by hand");
  CLI::App* create = backup->add_subcommand("create", "Take a snapshot of the store now");
  create->add_option("--reason", *reason, "Why, shown by backup list");
  create->callback([&ctx, exit_status, reason] {
    std::optional<Installation> inst = OpenOrReport(ctx, Access::kReadWrite, exit_status);
    if (!inst) return;
    StatusOr<std::string> made = client::CreateBackup(*inst, *reason);
    if (!made.ok()) {
      *exit_status = ReportFailure(ctx, made.status());
      return;
    }
    *exit_status = ctx.json ? PrintJson(ctx, {{"backup", *made}})
                            : (*ctx.out << fmt::format("Backup {} created.\n", *made), 0);
  });
  auto id = std::make_shared<std::string>();
  CLI::App* restore = backup->add_subcommand("restore", "Roll the store back to a snapshot");
  restore->add_option("id", *id, "Backup ID from licet backup list")->required();
  restore->callback([&ctx, exit_status, id] {
    std::optional<Installation> inst = OpenOrReport(ctx, Access::kReadWrite, exit_status);
    if (!inst) return;
    StatusOr<client::BackupInfo> b = client::RestoreBackup(*inst, *id);
    if (!b.ok()) {
      *exit_status = ReportFailure(ctx, b.status());
      return;
    }
    if (ctx.json) {
      *exit_status = PrintJson(ctx, {{"restored", b->id}, {"edition", inst->record().edition}});
      return;
    }
    *ctx.out << fmt::format("Restored backup {} ({}). The installation is {} again.\n", b->id,
                            b->reason, inst->record().edition);
    *exit_status = 0;
  });
}

// Settings that `licet config` reads and writes: name, the record field, how to check a new value.
struct Setting {
  const char* name;
  std::string& (*field)(client::InstallRecord& record);
  Status (*check)(const std::string& value);
};

Status CheckUrl(const std::string& url) {
  if (url.empty() || url.starts_with("http://") || url.starts_with("https://")) return OkStatus();
  return UsageError(fmt::format("{} is not an http:// or https:// URL", QuoteInput(url)),
                    "licet config --help");
}

Status CheckCaFile(const std::string& path) {
  if (path.empty() || std::filesystem::exists(path)) return OkStatus();
  return Status(ErrorCode::kNotFound, fmt::format("{} does not exist", path));
}

Status CheckDnsServer(const std::string& server) {
  // IPv4[:PORT]: c-ares takes the same form (ares_set_servers_ports_csv).
  const std::string ip = server.substr(0, server.find(':'));
  in_addr ignored{};
  if (server.empty() || inet_pton(AF_INET, ip.c_str(), &ignored) == 1) return OkStatus();
  return UsageError(fmt::format("{} is not a DNS server address (IPv4[:PORT])", QuoteInput(server)),
                    "licet config set dns-server 192.0.2.53");
}

constexpr Setting kSettings[] = {
    {"activation-url", [](client::InstallRecord& r) -> std::string& { return r.activation_url; },
     CheckUrl},
    {"ca-file", [](client::InstallRecord& r) -> std::string& { return r.ca_file; }, CheckCaFile},
    // The DNS server asked for volume hosts' SRV records; empty: the machine's resolvers.
    {"dns-server", [](client::InstallRecord& r) -> std::string& { return r.volume.dns_server; },
     CheckDnsServer},
};

const Setting* FindSetting(const std::string& name) {
  for (const Setting& s : kSettings) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::string SettingValue(Installation& inst, const Setting& s) {
  return std::string_view(s.name) == "activation-url" ? client::ActivationUrl(inst)
                                                      : s.field(inst.record());
}

void RegisterConfig(CLI::App& app, CliContext& ctx, int* exit_status) {
  CLI::App* config =
      app.add_subcommand("config", "Installation settings: activation-url, ca-file, dns-server");
  config->require_subcommand(1);
  auto value = std::make_shared<std::vector<std::string>>();
  CLI::App* set = config->add_subcommand("set",
                                         "config set activation-url URL | ca-file PEM | dns-server "
                                         "IP[:PORT]  (no value: back to the default)");
  set->add_option("setting", *value, "NAME [VALUE]")->expected(1, 2)->required();
  set->callback([&ctx, exit_status, value] {
    const Setting* setting = FindSetting((*value)[0]);
    const std::string v = value->size() > 1 ? (*value)[1] : "";
    Status s =
        setting == nullptr
            ? UsageError(fmt::format("unknown setting '{}' (activation-url, ca-file, dns-server)",
                                     (*value)[0]),
                         "licet config --help")
            : setting->check(v);
    if (!s.ok()) {
      *exit_status = ReportFailure(ctx, s);
      return;
    }
    std::optional<Installation> inst = OpenOrReport(ctx, Access::kReadWrite, exit_status);
    if (!inst) return;
    setting->field(inst->record()) = v;
    s = inst->Save();
    if (s.ok()) {
      s = inst->Log(client::event_id::kSettingChanged, client::EventLevel::kInformation,
                    fmt::format("{} set to {}", setting->name, v.empty() ? "(default)" : v));
    }
    if (!s.ok()) {
      *exit_status = ReportFailure(ctx, s);
      return;
    }
    *ctx.out << fmt::format("{} = {}\n", setting->name, SettingValue(*inst, *setting));
    *exit_status = 0;
  });
  auto name = std::make_shared<std::string>();
  CLI::App* get = config->add_subcommand("get", "config get activation-url | ca-file | dns-server");
  get->add_option("setting", *name, "NAME")->required();
  get->callback([&ctx, exit_status, name] {
    const Setting* setting = FindSetting(*name);
    if (setting == nullptr) {
      *exit_status = ReportFailure(
          ctx, UsageError(
                   fmt::format("unknown setting '{}' (activation-url, ca-file, dns-server)", *name),
                   "licet config --help"));
      return;
    }
    std::optional<Installation> inst = OpenOrReport(ctx, Access::kReadOnly, exit_status);
    if (!inst) return;
    *ctx.out << SettingValue(*inst, *setting) << "\n";
    *exit_status = 0;
  });
}

}  // namespace

void RegisterStoreCommands(CLI::App& app, CliContext& ctx, int* exit_status) {
  RegisterInstall(app, ctx, exit_status);
  RegisterStatus(app, ctx, exit_status);
  RegisterEvents(app, ctx, exit_status);
  RegisterDoctor(app, ctx, exit_status);
  RegisterRestart(app, ctx, exit_status);
  RegisterBackup(app, ctx, exit_status);
  RegisterConfig(app, ctx, exit_status);
}

}  // namespace licet::cli
