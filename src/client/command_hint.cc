#include "command_hint.h"

#include <fmt/format.h>

#include "installation.h"

namespace licet::client {

std::string LicetCommand(std::string_view args, const std::filesystem::path& root) {
  if (std::filesystem::path(root).lexically_normal() ==
      std::filesystem::path(DefaultRoot("")).lexically_normal()) {
    return fmt::format("licet {}", args);
  }
  return fmt::format("licet {} --root {}", args, root.string());
}

std::string SetEditionCommand(std::string_view edition, std::string_view key,
                              const std::filesystem::path& root) {
  return LicetCommand(
      fmt::format("dism /online /Set-Edition:{} /ProductKey:{} /AcceptEula", edition, key), root);
}

}  // namespace licet::client
