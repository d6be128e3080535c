// Windows-style command lines, as slmgr and DISM take them: options start with '/' or '-', are
// case-insensitive, and carry a value after ':' (DISM: /Set-Edition:ServerStandard) or as the next
// word (slmgr: /ipk KEY). Licet's own --root DIR and --json may appear anywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli_context.h"
#include "licet/core/status.h"

namespace licet::cli {

struct WindowsOption {
  std::string name;                  // lower case, without the prefix: "set-edition"
  std::optional<std::string> value;  // the text after ':' if any (case kept)
  std::string original;              // as typed, for messages
};

struct WindowsCommandLine {
  std::vector<WindowsOption> options;
  std::vector<std::string> words;  // non-option words, in order
  std::string root_flag;           // --root DIR
  bool json = false;               // --json
};

/// Splits `args`. Errors: kInvalidArgument for "--root" without a directory or an unknown "--"
/// flag.
[[nodiscard]] StatusOr<WindowsCommandLine> ParseWindowsArgs(const std::vector<std::string>& args);

/// The start every Windows front-end shares: parses `args`, applies --root and --json to `ctx`, and
/// answers /? (help, exit 0), an empty command line (help, exit 2) and a malformed one (its error).
/// Returns the parsed line, or the exit status when the front-end has nothing more to do.
[[nodiscard]] std::variant<WindowsCommandLine, int> BeginFrontEnd(
    CliContext& ctx, const std::vector<std::string>& args, std::string_view help);

}  // namespace licet::cli
