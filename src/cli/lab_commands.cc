// licet lab clock advance|show|reset, licet lab key, licet lab hardware — lab catalogs only.
#include <fmt/format.h>

#include "catalog_locator.h"
#include "commands.h"
#include "installation.h"
#include "lab.h"
#include "licet/core/catalog_signature.h"
#include "licet/core/quote.h"

namespace licet::cli {
namespace {

using client::Access;
using client::Installation;

// Opens the installation for writing and applies `fn`; on failure reports it, sets the exit status
// and returns nothing.
std::optional<Installation> ApplyToStore(CliContext& ctx, int* exit_status,
                                         const std::function<Status(Installation&)>& fn) {
  StatusOr<Installation> inst =
      Installation::Open(client::DefaultRoot(ctx.root_flag), Access::kReadWrite, *ctx.clock);
  const Status s = inst.ok() ? fn(*inst) : inst.status();
  if (!s.ok()) {
    *exit_status = ReportFailure(ctx, s);
    return std::nullopt;
  }
  return std::move(*inst);
}

void RegisterClock(CLI::App& lab, CliContext& ctx, int* exit_status) {
  CLI::App* clock = lab.add_subcommand(
      "clock", "The lab clock: move the installation's time (lab catalogs only)");
  clock->require_subcommand(1);
  auto by = std::make_shared<std::string>();
  CLI::App* advance =
      clock->add_subcommand("advance", "Move the clock forward, e.g. 181d, 12h, 90m, 2w");
  advance->add_option("duration", *by, "How far: a number and s, m, h, d or w")->required();
  const auto run = [&ctx, exit_status](const std::function<Status(Installation&)>& fn) {
    const std::optional<Installation> inst = ApplyToStore(ctx, exit_status, fn);
    if (!inst) return;
    const TimePoint now = inst->Now();
    if (ctx.json) {
      *exit_status = PrintJson(ctx, {{"now", FormatIso8601(now)},
                                     {"offset_seconds", inst->record().lab_clock_offset_seconds}});
      return;
    }
    const std::int64_t offset = inst->record().lab_clock_offset_seconds;
    *ctx.out << fmt::format("Lab clock: {} (machine clock {}{})\n", FormatHuman(inst->ClockNow()),
                            offset < 0 ? "-" : "+", FormatDurationHuman(Seconds(std::abs(offset))));
    if (inst->ClockNow() < now) {
      *ctx.out << fmt::format("Trusted time: {} (licensing counts from it)\n", FormatHuman(now));
    }
    *exit_status = 0;
  };
  advance->callback([run, by] {
    run([&](Installation& inst) -> Status {
      LICET_ASSIGN_OR_RETURN(const Seconds d, ParseDuration(*by));
      return client::AdvanceLabClock(inst, d);
    });
  });
  auto back = std::make_shared<std::string>();
  CLI::App* set_back = clock->add_subcommand(
      "set-back",
      "Set the clock back, as a user changing the system clock would (the trusted time stays)");
  set_back->add_option("duration", *back, "How far back: a number and s, m, h, d or w")->required();
  set_back->callback([run, back] {
    run([&](Installation& inst) -> Status {
      LICET_ASSIGN_OR_RETURN(const Seconds d, ParseDuration(*back));
      return client::SetBackLabClock(inst, d);
    });
  });
  clock->add_subcommand("show", "Show the lab clock")->callback([run] {
    run([](Installation&) { return OkStatus(); });
  });
  clock->add_subcommand("reset", "Back to the machine clock (and reset the trusted-time mark)")
      ->callback([run] { run([](Installation& inst) { return client::ResetLabClock(inst); }); });
}

// One line per component: its weight, its hash now, the hash bound at activation, and whether it
// still matches.
nlohmann::json HardwareRows(const Installation& inst) {
  nlohmann::json rows = nlohmann::json::array();
  const std::optional<HardwareMatch>& match = inst.integrity().hardware;
  for (std::size_t i = 0; i < kHardwareComponentCount; ++i) {
    const auto c = static_cast<HardwareComponent>(i);
    const std::optional<std::uint32_t> now = inst.hardware().Hash(c);
    const bool changed =
        match && std::find(match->changed.begin(), match->changed.end(), c) != match->changed.end();
    rows.push_back({{"component", HardwareComponentName(c)},
                    {"description", HardwareComponentDescription(c)},
                    {"weight", HardwareWeight(c)},
                    {"hash", now ? fmt::format("{:08x}", *now) : "-"},
                    {"changed_since_activation", changed}});
  }
  return rows;
}

void RegisterHardware(CLI::App& lab, CliContext& ctx, int* exit_status) {
  CLI::App* hw = lab.add_subcommand(
      "hardware",
      "Simulate hardware changes (lab catalogs only): show, set COMPONENT VALUE, reset");
  hw->require_subcommand(1);
  const auto run = [&ctx, exit_status](const std::function<Status(Installation&)>& fn) {
    if (!ApplyToStore(ctx, exit_status, fn)) return;
    // Read again: the binding now, with the override applied.
    StatusOr<Installation> fresh =
        Installation::Open(client::DefaultRoot(ctx.root_flag), Access::kReadOnly, *ctx.clock);
    if (!fresh.ok()) {
      *exit_status = ReportFailure(ctx, fresh.status());
      return;
    }
    const nlohmann::json rows = HardwareRows(*fresh);
    const std::optional<HardwareMatch>& m = fresh->integrity().hardware;
    if (ctx.json) {
      nlohmann::json j = {{"binding", fresh->hardware().ToString()}, {"components", rows}};
      if (m) j["matched_weight"] = m->matched_weight, j["bound_weight"] = m->bound_weight;
      *exit_status = PrintJson(ctx, j);
      return;
    }
    *ctx.out << fmt::format("Hardware binding: {}\n", fresh->hardware().ToString());
    for (const nlohmann::json& r : rows) {
      *ctx.out << fmt::format("  {:<8} weight {}  {}{}\n", r["component"].get<std::string>(),
                              r["weight"].get<int>(), r["hash"].get<std::string>(),
                              r["changed_since_activation"].get<bool>() ? "  changed" : "");
    }
    if (m) {
      *ctx.out << fmt::format("Matches the activation: {} of {} (at least half keeps it)\n",
                              m->matched_weight, m->bound_weight);
    }
    *exit_status = 0;
  };
  auto component = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  CLI::App* set =
      hw->add_subcommand("set", "Give a component another value (empty: it can no longer be read)");
  set->add_option("component", *component, "machine, board, network, disk, cpu or host")
      ->required();
  set->add_option("value", *value, "The new raw value, e.g. a MAC address")->required();
  set->callback([run, component, value] {
    run([&](Installation& inst) -> Status {
      const std::optional<HardwareComponent> c = ParseHardwareComponent(*component);
      if (!c) {
        return UsageError(fmt::format("{} is not a hardware component", QuoteInput(*component)),
                          "licet lab hardware set {machine|board|network|disk|cpu|host} VALUE");
      }
      return client::SetLabHardware(inst, *c, *value);
    });
  });
  hw->add_subcommand("show", "Show the components and which changed since activation")
      ->callback([run] { run([](Installation&) { return OkStatus(); }); });
  hw->add_subcommand("reset", "Back to the machine's own hardware")->callback([run] {
    run([](Installation& inst) { return client::ResetLabHardware(inst); });
  });
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
      return fail(UsageError(fmt::format("{} is not a channel", QuoteInput(a->channel)),
                             "licet lab key --help"));
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
  RegisterHardware(*lab, ctx, exit_status);
}

}  // namespace licet::cli
