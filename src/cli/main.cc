// `licet`: the client CLI. Invoked through a symlink named slmgr, dism or slui (any case, with or
// without .exe/.vbs) it behaves as that front-end, so the seed article's lines run verbatim in a
// lab shell. Exit status: 0 success, 1 the operation failed, 2 usage error.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli_context.h"
#include "commands.h"
#include "frontends.h"
#include "licet/core/ascii.h"
#include "windows_args.h"

namespace licet::cli {
namespace {

using FrontEnd = int (*)(CliContext, const std::vector<std::string>&);

FrontEnd FindFrontEnd(std::string name) {
  name = AsciiLower(name);
  for (const char* suffix : {".exe", ".vbs", ".wsf"}) {
    if (name.ends_with(suffix)) name.resize(name.size() - 4);
  }
  if (name == "slmgr") return RunSlmgr;
  if (name == "dism") return RunDism;
  if (name == "slui") return RunSlui;
  return nullptr;
}

int RunModern(CliContext& ctx, int argc, char** argv) {
  CLI::App app{
      "Licet: software licensing and activation, modelled on Windows activation.\n"
      "Windows syntax: licet slmgr /dlv, licet dism /online /Get-TargetEditions, licet slui 0x2a "
      "CODE",
      "licet"};
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--root", ctx.root_flag,
                 "License store directory (default: $LICET_ROOT, else /var/lib/licet)");
  app.add_flag("--json", ctx.json, "Machine-readable output; failures as {\"error\": {...}}");
  app.set_version_flag("--version", "licet " LICET_VERSION);
  app.footer("Windows front-ends: licet slmgr /?   licet dism /?\nError codes: licet errors");
  int exit_status = 0;
  RegisterStoreCommands(app, ctx, &exit_status);
  RegisterLabCommands(app, ctx, &exit_status);
  RegisterCatalogCommands(app, ctx, &exit_status);
  RegisterAgentCommand(app, ctx, &exit_status);
  RegisterProxyCommands(app, ctx, &exit_status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (ctx.json) return ReportFailure(ctx, UsageError(e.what(), "licet --help"));
    app.exit(e);
    return 2;
  }
  return exit_status;
}

}  // namespace
}  // namespace licet::cli

int main(int argc, char** argv) {
  using namespace licet::cli;
  CliContext ctx;
  ctx.interactive = ::isatty(STDIN_FILENO) != 0;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (FrontEnd fe = FindFrontEnd(std::filesystem::path(argv[0]).filename().string()))
    return fe(ctx, args);
  // `licet [--root DIR] [--json] slmgr|dism|slui ...`
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--root") {
      ++i;
      continue;
    }
    if (args[i] == "--json" || args[i].starts_with("--root=")) continue;
    if (FrontEnd fe = FindFrontEnd(args[i])) {
      args.erase(args.begin() + static_cast<long>(i));
      return fe(ctx, args);
    }
    break;
  }
  return RunModern(ctx, argc, argv);
}
