// Builds the exact commands that error messages and `licet doctor` tell the administrator to run.
// When the installation is not at the default root, " --root DIR" is appended so the printed
// command works when pasted as is.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace licet::client {

/// "licet <args>" plus " --root <root>" when `root` differs from DefaultRoot("").
[[nodiscard]] std::string LicetCommand(std::string_view args, const std::filesystem::path& root);

/// The conversion command of the seed article, in Licet's form.
[[nodiscard]] std::string SetEditionCommand(std::string_view edition, std::string_view key,
                                            const std::filesystem::path& root);

}  // namespace licet::client
