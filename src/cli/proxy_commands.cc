// `licet proxy export|import`: proxy (file) activation for air-gapped sites.
#include <fmt/format.h>

#include "commands.h"
#include "installation.h"
#include "proxy_activation.h"

namespace licet::cli {
namespace {

// One line per root; exit 1 when any root failed.
int Report(const CliContext& ctx, const std::vector<client::ProxyOutcome>& outcomes,
           std::string_view verb) {
  int failed = 0;
  nlohmann::json list = nlohmann::json::array();
  for (const client::ProxyOutcome& o : outcomes) {
    if (!o.status.ok()) ++failed;
    list.push_back(o.status.ok() ? nlohmann::json{{"root", o.root.string()}, {"result", "ok"}}
                                 : nlohmann::json{{"root", o.root.string()},
                                                  {"error", ErrorJson(o.status)["error"]}});
    if (!ctx.json) {
      *ctx.out << (o.status.ok() ? fmt::format("  {:<40} {}\n", o.root.string(), verb)
                                 : fmt::format("  {:<40} {} {}\n", o.root.string(),
                                               FormatCode(o.status.code()), o.status.message()));
    }
  }
  if (ctx.json) PrintJson(ctx, {{"results", list}, {"failed", failed}});
  return failed == 0 ? 0 : 1;
}

}  // namespace

void RegisterProxyCommands(CLI::App& app, CliContext& ctx, int* exit_status) {
  CLI::App* proxy = app.add_subcommand(
      "proxy", "Proxy activation by file for air-gapped sites (export IIDs, import CIDs)");
  proxy->require_subcommand(1);
  auto out = std::make_shared<std::string>();
  auto roots = std::make_shared<std::vector<std::string>>();
  CLI::App* exp = proxy->add_subcommand(
      "export", "Write the installation IDs of one or many roots to a request file");
  exp->add_option("--out", *out, "Request file to write")->required();
  exp->add_option("roots", *roots, "Installation roots (default: --root or the default root)");
  exp->callback([&ctx, exit_status, out, roots] {
    std::vector<std::filesystem::path> paths(roots->begin(), roots->end());
    if (paths.empty()) paths.push_back(client::DefaultRoot(ctx.root_flag));
    StatusOr<std::vector<client::ProxyOutcome>> r =
        client::ExportProxyRequest(paths, *out, *ctx.clock);
    if (!r.ok()) {
      *exit_status = ReportFailure(ctx, r.status());
      return;
    }
    if (!ctx.json)
      *ctx.out << fmt::format("Wrote {}. Take it to the vendor: licet-server proxy fulfil\n", *out);
    *exit_status = Report(ctx, *r, "exported");
  });
  auto response = std::make_shared<std::string>();
  CLI::App* imp = proxy->add_subcommand(
      "import", "Deposit every confirmation ID of a response file into its root");
  imp->add_option("response", *response, "Response file from licet-server proxy fulfil")
      ->required();
  imp->callback([&ctx, exit_status, response] {
    StatusOr<std::vector<client::ProxyOutcome>> r =
        client::ImportProxyResponse(*response, *ctx.clock);
    if (!r.ok()) {
      *exit_status = ReportFailure(ctx, r.status());
      return;
    }
    *exit_status = Report(ctx, *r, "activated");
  });
}

}  // namespace licet::cli
