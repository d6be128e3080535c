// `licet`'s own verbs (install, status, events, doctor, restart, backup, lab, catalog, errors),
// registered on a CLI11 app. Each Register* adds one group of subcommands; the callback stores the
// exit status in *exit_status.
#pragma once

#include <CLI/CLI.hpp>

#include "cli_context.h"

namespace licet::cli {

void RegisterStoreCommands(CLI::App& app, CliContext& ctx,
                           int* exit_status);  // install, status, events, doctor, restart, backup
void RegisterLabCommands(CLI::App& app, CliContext& ctx, int* exit_status);  // lab clock, lab key
void RegisterCatalogCommands(CLI::App& app, CliContext& ctx, int* exit_status);  // catalog, errors
void RegisterAgentCommand(CLI::App& app, CliContext& ctx, int* exit_status);     // agent
void RegisterProxyCommands(CLI::App& app, CliContext& ctx, int* exit_status);    // proxy

}  // namespace licet::cli
