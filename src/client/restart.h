// `licet restart`: the reboot of the procedure. Applies what DISM /Set-Edition and slmgr /rearm
// staged, and logs event 100 when the evaluation has expired (Windows shuts down every hour).
#pragma once

#include <string>
#include <vector>

#include "installation.h"

namespace licet::client {

struct RestartResult {
  std::vector<std::string> applied;  // one line per applied change, for the user
};

/// Applies pending changes: a staged edition becomes the edition (features kept, not activated, a
/// new initial grace starts, the staged key is installed); a staged rearm renews the CMID and
/// restarts the evaluation or grace timer. Saves, logs events 1011/1021, then event 100 if due.
[[nodiscard]] StatusOr<RestartResult> Restart(Installation& inst);

/// slmgr /rearm: stages a rearm (applied at restart) and uses one rearm.
/// Errors: kRearmLimitExceeded (0xC004D307) when none are left.
[[nodiscard]] Status StageRearm(Installation& inst);

}  // namespace licet::client
