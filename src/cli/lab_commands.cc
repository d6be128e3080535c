// licet lab clock advance|show|reset, licet lab key — lab catalogs only.
#include <fmt/format.h>

#include "catalog_locator.h"
#include "commands.h"
#include "installation.h"
#include "lab.h"
#include "licet/core/catalog_signature.h"

namespace licet::cli {
namespace {

using client::Access;
using client::Installation;

void RegisterClock(CLI::App& lab, CliContext& ctx, int* exit_status) {
  CLI::App* clock = lab.add_subcommand(
      "clock", "The lab clock: move the installation's time (lab catalogs only)");
  clock->require_subcommand(1);
  auto by = std::make_shared<std::string>();
  CLI::App* advance =
      clock->add_subcommand("advance", "Move the clock forward, e.g. 181d, 12h, 90m, 2w");
  advance->add_option("duration", *by, "How far: a number and s, m, h, d or w")->required();
  const auto run = [&ctx, exit_status](const std::function<Status(Installation&)>& fn) {
    StatusOr<Installation> inst =
        Installation::Open(client::DefaultRoot(ctx.root_flag), Access::kReadWrite, *ctx.clock);
    Status s = inst.ok() ? fn(*inst) : inst.status();
    if (!s.ok()) {
      *exit_status = ReportFailure(ctx, s);
      return;
    }
    const TimePoint now = inst->Now();
    if (ctx.json) {
      *exit_status = PrintJson(ctx, {{"now", FormatIso8601(now)},
                                     {"offset_seconds", inst->record().lab_clock_offset_seconds}});
      return;
    }
    *ctx.out << fmt::format("Lab clock: {} (machine clock +{})\n", FormatHuman(now),
                            FormatDurationHuman(Seconds(inst->record().lab_clock_offset_seconds)));
    *exit_status = 0;
  };
  advance->callback([run, by] {
    run([&](Installation& inst) -> Status {
      LICET_ASSIGN_OR_RETURN(const Seconds d, ParseDuration(*by));
      return client::AdvanceLabClock(inst, d);
    });
  });
  clock->add_subcommand("show", "Show the lab clock")->callback([run] {
    run([](Installation&) { return OkStatus(); });
  });
  clock->add_subcommand("reset", "Back to the machine clock (and reset the trusted-time mark)")
      ->callback([run] { run([](Installation& inst) { return client::ResetLabClock(inst); }); });
}

void RegisterKey(CLI::App& lab, CliContext& ctx, int* exit_status) {
  struct Args {
    std::string catalog, edition, channel;
    std::optional<std::uint32_t> serial;
    int count = 1;
  };
  auto a = std::make_shared<Args>();
  CLI::App* key = lab.add_subcommand("key", "Mint real keys with a lab catalog's published secret");
  key->add_option("--edition", a->edition, "Edition, e.g. ServerStandard")->required();
  key->add_option("--channel", a->channel,
                  "Retail, OEM:DM, OEM:NONSLP, Volume:MAK, Volume:GVLK, Volume:CSVLK")
      ->required();
  key->add_option("--catalog", a->catalog, "Catalog name or path (default: the installation's)");
  key->add_option("--serial", a->serial, "Serial number (default: random)");
  key->add_option("--count", a->count, "How many keys (consecutive serials)")
      ->check(CLI::Range(1, 100000));
  key->callback([&ctx, exit_status, a] {
    const auto fail = [&](const Status& s) { *exit_status = ReportFailure(ctx, s); };
    const std::optional<Channel> channel = ParseChannel(a->channel);
    if (!channel)
      return fail(
          UsageError(fmt::format("'{}' is not a channel", a->channel), "licet lab key --help"));
    std::optional<Catalog> catalog;
    if (a->catalog.empty()) {
      StatusOr<Installation> inst =
          Installation::Open(client::DefaultRoot(ctx.root_flag), Access::kReadOnly, *ctx.clock);
      if (!inst.ok()) return fail(inst.status());
      catalog = inst->catalog();
    } else {
      StatusOr<client::CatalogSource> src = client::LocateCatalog(a->catalog);
      if (!src.ok()) return fail(src.status());
      StatusOr<Catalog> c =
          LoadSignedCatalog(src->text, src->path.string(), client::LoadTrustedKeys());
      if (!c.ok()) return fail(c.status());
      catalog = std::move(c).value();
    }
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < a->count; ++i) {
      const std::optional<std::uint32_t> serial =
          a->serial ? std::optional<std::uint32_t>(*a->serial + static_cast<std::uint32_t>(i))
                    : std::nullopt;
      StatusOr<ProductKey> k = client::MintLabKey(*catalog, a->edition, *channel, serial);
      if (!k.ok()) return fail(k.status());
      if (ctx.json) {
        list.push_back({{"key", k->text()}, {"group", k->group()}, {"serial", k->serial()}});
      } else {
        *ctx.out << k->text() << "\n";
      }
    }
    if (ctx.json) PrintJson(ctx, {{"keys", list}});
    *exit_status = 0;
  });
}

}  // namespace

void RegisterLabCommands(CLI::App& app, CliContext& ctx, int* exit_status) {
  CLI::App* lab = app.add_subcommand("lab", "Lab-only tools (catalogs with lab = true)");
  lab->require_subcommand(1);
  RegisterClock(*lab, ctx, exit_status);
  RegisterKey(*lab, ctx, exit_status);
}

}  // namespace licet::cli
