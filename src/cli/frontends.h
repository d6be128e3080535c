// The Windows front-ends of `licet`: slmgr, DISM and slui, taking Windows syntax verbatim.
// Each returns the process exit status (0 success, 1 failure, 2 usage error).
#pragma once

#include <string>
#include <vector>

#include "cli_context.h"

namespace licet::cli {

int RunSlmgr(CliContext ctx, const std::vector<std::string>& args);
int RunDism(CliContext ctx, const std::vector<std::string>& args);
int RunSlui(CliContext ctx, const std::vector<std::string>& args);
/// `slui 4`: the phone activation wizard; `show_qr` draws the installation ID as a QR code too.
int RunPhoneWizard(const CliContext& ctx, bool show_qr);

}  // namespace licet::cli
