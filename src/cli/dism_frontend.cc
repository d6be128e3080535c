// `licet dism` (or a symlink named dism): DISM's edition-servicing options, online or on an offline
// image (/Image:DIR works on DIR/var/lib/licet).
#include <fmt/format.h>
#include <unistd.h>

#include <set>

#include "edition_servicing.h"
#include "frontends.h"
#include "installation.h"
#include "key_installation.h"
#include "restart.h"
#include "windows_args.h"

namespace licet::cli {
namespace {

using client::Access;
using client::Installation;

constexpr std::string_view kDismHelp = R"(Deployment Image Servicing and Management tool (Licet)

DISM.exe {/Image:<path_to_image_directory> | /Online} [--root DIR] [--json] <servicing command>

Edition servicing commands:
  /Get-CurrentEdition     Displays the edition of the image.
  /Get-TargetEditions     Displays the editions the image can be converted to.
  /Set-Edition:<ID>       Converts the image to a higher edition.
      /ProductKey:<key>   The new edition's product key (required with /Online).
      /AcceptEula         Accepts the license terms (required with /Online).
  /Set-ProductKey:<key>   Installs a product key in an offline image (after /Set-Edition).

Generic options:
  /Quiet                  Only errors are shown; with /Online and without /NoRestart the
                          installation restarts by itself when the change needs it.
  /NoRestart              Never restart, never ask.

/Online services the installation at --root (else $LICET_ROOT, else /var/lib/licet); the change
completes at the next restart (licet restart). /Image:DIR services DIR/var/lib/licet at once.
)";

struct DismRequest {
  bool online = false;
  std::optional<std::string> image;
  std::string command;        // get-currentedition, get-targeteditions, set-edition, set-productkey
  std::string command_value;  // /Set-Edition:<value>, /Set-ProductKey:<value>
  std::string product_key;
  bool accept_eula = false, quiet = false, no_restart = false;
};

StatusOr<DismRequest> ParseRequest(const WindowsCommandLine& cl) {
  static const std::set<std::string> kCommands = {"get-currentedition", "get-targeteditions",
                                                  "set-edition", "set-productkey"};
  DismRequest req;
  for (const WindowsOption& o : cl.options) {
    if (o.name == "online") {
      req.online = true;
    } else if (o.name == "image") {
      if (!o.value || o.value->empty())
        return UsageError("/Image needs a directory: /Image:C:\\Mount or /Image:/mnt/image",
                          "licet dism /?");
      req.image = *o.value;
    } else if (kCommands.count(o.name) != 0) {
      if (!req.command.empty())
        return UsageError(fmt::format("DISM takes one servicing command, not /{} and {}",
                                      req.command, o.original),
                          "licet dism /?");
      req.command = o.name;
      req.command_value = o.value.value_or("");
    } else if (o.name == "productkey") {
      req.product_key = o.value.value_or("");
    } else if (o.name == "accepteula") {
      req.accept_eula = true;
    } else if (o.name == "quiet") {
      req.quiet = true;
    } else if (o.name == "norestart") {
      req.no_restart = true;
    } else if (o.name != "english") {
      return UsageError(fmt::format("DISM has no option {}", o.original), "licet dism /?");
    }
  }
  if (!cl.words.empty())
    return UsageError(fmt::format("unexpected word '{}' (options start with /)", cl.words[0]),
                      "licet dism /?");
  if (req.online == req.image.has_value())
    return UsageError("give exactly one of /Online or /Image:<dir>", "licet dism /?");
  if (req.command.empty())
    return UsageError("no servicing command given (e.g. /Get-CurrentEdition)", "licet dism /?");
  if (req.command == "set-productkey" && req.online) {
    return UsageError(
        "/Set-ProductKey works on offline images only; online, use licet slmgr /ipk <key>",
        "licet dism /?");
  }
  return req;
}

void Banner(const CliContext& ctx, const DismRequest& req, const Installation& inst) {
  if (ctx.json || req.quiet) return;
  *ctx.out << "\nDeployment Image Servicing and Management tool (Licet)\nVersion: " LICET_VERSION
              "\n\n";
  *ctx.out << fmt::format("{}: {} ({})\n\n", req.online ? "Image Version" : "Offline image",
                          inst.catalog().product().name, inst.catalog().product().version);
}

void ProgressLine(const CliContext& ctx, int pct, std::string_view step) {
  constexpr int kWidth = 50;
  const int filled = pct * kWidth / 100;
  *ctx.out << fmt::format("[{}{}] {:5.1f}%  {}\n", std::string(static_cast<size_t>(filled), '='),
                          std::string(static_cast<size_t>(kWidth - filled), ' '),
                          static_cast<double>(pct), step);
  ctx.out->flush();
}

int SetEdition(const CliContext& ctx, const DismRequest& req, Installation& inst) {
  client::SetEditionOptions opts{
      .edition = req.command_value,
      .product_key = req.product_key,
      .accept_eula = req.accept_eula,
      .mode = req.online ? client::ServicingMode::kOnline : client::ServicingMode::kOffline,
      .progress = {}};
  if (!ctx.json && !req.quiet) {
    *ctx.out << "Starting to update components...\n";
    opts.progress = [&](int pct, std::string_view step) { ProgressLine(ctx, pct, step); };
  }
  StatusOr<client::SetEditionResult> result = client::SetEdition(inst, opts);
  if (!result.ok()) return ReportFailure(ctx, result.status());
  bool restarted = false;
  if (req.online && !req.no_restart) {
    bool restart_now = req.quiet;  // DISM /Quiet without /NoRestart restarts by itself
    if (!req.quiet && !ctx.json && ctx.interactive) {
      *ctx.out << "Restart to complete this operation.\nDo you want to restart now? (Y/N) ";
      ctx.out->flush();
      std::string answer;
      std::getline(std::cin, answer);
      restart_now = !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
    }
    if (restart_now) {
      StatusOr<client::RestartResult> r = client::Restart(inst);
      if (!r.ok()) return ReportFailure(ctx, r.status());
      restarted = true;
    }
  }
  if (ctx.json) {
    return PrintJson(ctx, {{"from", result->from},
                           {"to", result->to},
                           {"backup_id", result->backup_id},
                           {"restart_required", result->restart_required && !restarted},
                           {"restarted", restarted}});
  }
  if (req.quiet) return 0;
  if (!result->key_notice.empty()) *ctx.out << result->key_notice << "\n";
  *ctx.out << fmt::format(
      "Finished updating components (snapshot: backup {}, undo with licet backup restore {}).\n\n",
      result->backup_id, result->backup_id);
  *ctx.out << "The operation completed successfully.\n";
  if (restarted) {
    *ctx.out << fmt::format("Restarted: the installation is now {}.\n", inst.record().edition);
  } else if (result->restart_required) {
    *ctx.out << fmt::format(
        "Restart to complete this operation: the edition stays {} until then.\n    licet restart\n",
        result->from);
  }
  return 0;
}

int Run(const CliContext& ctx, const DismRequest& req) {
  const std::filesystem::path root =
      req.image ? client::ImageStoreRoot(*req.image)
                : std::filesystem::path(client::DefaultRoot(ctx.root_flag));
  const bool writes = req.command == "set-edition" || req.command == "set-productkey";
  StatusOr<Installation> inst =
      Installation::Open(root, writes ? Access::kReadWrite : Access::kReadOnly, *ctx.clock);
  if (!inst.ok()) return ReportFailure(ctx, inst.status());
  Banner(ctx, req, *inst);
  if (req.command == "get-currentedition") {
    if (ctx.json)
      return PrintJson(
          ctx, {{"edition", inst->record().edition}, {"edition_name", inst->edition().name}});
    *ctx.out << fmt::format("Current edition is:\n\nCurrent Edition : {}\n",
                            inst->record().edition);
    if (inst->record().pending && inst->record().pending->edition) {
      *ctx.out << fmt::format("Pending Edition : {} (after restart)\n",
                              *inst->record().pending->edition);
    }
    *ctx.out << "\nThe operation completed successfully.\n";
    return 0;
  }
  if (req.command == "get-targeteditions") {
    const std::vector<const Edition*> targets = client::TargetEditions(*inst);
    if (ctx.json) {
      nlohmann::json list = nlohmann::json::array();
      for (const Edition* e : targets)
        list.push_back({{"edition", e->id}, {"edition_name", e->name}});
      return PrintJson(ctx, {{"edition", inst->record().edition}, {"target_editions", list}});
    }
    *ctx.out << "Editions that can be upgraded to:\n\n";
    for (const Edition* e : targets) *ctx.out << fmt::format("Target Edition : {}\n", e->id);
    if (targets.empty()) *ctx.out << "(none: this edition has no conversion target)\n";
    *ctx.out << "\nThe operation completed successfully.\n";
    return 0;
  }
  if (req.command == "set-edition") return SetEdition(ctx, req, *inst);
  StatusOr<ResolvedKey> key = client::SetProductKeyOffline(*inst, req.command_value);
  if (!key.ok()) return ReportFailure(ctx, key.status());
  if (ctx.json)
    return PrintJson(ctx, {{"partial_product_key", key->partial()},
                           {"channel", ChannelName(key->sku->channel)}});
  *ctx.out << fmt::format(
      "Installed product key {} in the image.\n\nThe operation completed successfully.\n",
      key->text);
  return 0;
}

}  // namespace

int RunDism(CliContext ctx, const std::vector<std::string>& args) {
  std::variant<WindowsCommandLine, int> begun = BeginFrontEnd(ctx, args, kDismHelp);
  if (const int* exit_status = std::get_if<int>(&begun)) return *exit_status;
  const WindowsCommandLine* cl = &std::get<WindowsCommandLine>(begun);
  StatusOr<DismRequest> req = ParseRequest(*cl);
  if (!req.ok()) return ReportFailure(ctx, req.status());
  return Run(ctx, *req);
}

}  // namespace licet::cli
