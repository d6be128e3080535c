// `licet doctor`: says what is wrong with an installation and the exact command that fixes it.
#pragma once

#include <string>
#include <vector>

#include "installation.h"

namespace licet::client {

enum class Severity { kOk, kInfo, kWarning, kProblem };

struct Finding {
  Severity severity;
  std::string what;  // in the installation's terms
  std::string fix;   // the exact command, or empty when nothing is to be done
};

/// Runs every check. Never fails: an installation that cannot be opened is the caller's finding.
[[nodiscard]] std::vector<Finding> Diagnose(const Installation& inst);

[[nodiscard]] std::string_view SeverityName(Severity s);  // "ok", "info", "warning", "problem"

}  // namespace licet::client
