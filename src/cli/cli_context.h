// What every `licet` command receives: where the store is, whether to answer in JSON, the clock and
// the streams. Output helpers put every failure in one shape: text on stderr, or under --json
// client::ErrorJson's {"error": {"code", "symbol", "category", "message", "remedy"}} on stdout.
#pragma once

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "error_json.h"
#include "licet/core/clock.h"
#include "licet/core/status.h"

namespace licet::cli {

struct CliContext {
  std::string root_flag;  // --root, empty when not given
  bool json = false;      // --json
  const Clock* clock = &SystemClock::Get();
  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
  bool interactive = false;  // stdin is a terminal
};

/// Prints `status` as a failure (text or JSON) and returns its exit status (1, or 2 for usage).
int ReportFailure(const CliContext& ctx, const Status& status);

/// The JSON error object for `status`.
using client::ErrorJson;

/// Prints `json` pretty on stdout; returns 0.
int PrintJson(const CliContext& ctx, const nlohmann::json& json);

/// Usage error helper: kInvalidArgument with `message` and the help command as remedy.
[[nodiscard]] Status UsageError(std::string message, std::string help_command);

}  // namespace licet::cli
