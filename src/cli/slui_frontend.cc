// `licet slui` (or a symlink named slui). `slui 0x2a 0xC004F050` explains an error code, as
// Windows' slui does; `slui 4` runs the phone activation wizard (phone_wizard.cc).
#include <fmt/format.h>
#include <unistd.h>

#include <charconv>

#include "frontends.h"

namespace licet::cli {

int RunSlui(CliContext ctx, const std::vector<std::string>& args) {
  std::vector<std::string> words;
  bool qr = ::isatty(STDOUT_FILENO) != 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      ctx.json = true;
    } else if (a == "--root" && i + 1 < args.size()) {
      ctx.root_flag = args[++i];
    } else if (a.starts_with("--root=")) {
      ctx.root_flag = a.substr(7);
    } else if (a == "--qr" || a == "--no-qr") {
      qr = a == "--qr";
    } else {
      words.push_back(a);
    }
  }
  if (words.size() == 2 && (words[0] == "0x2a" || words[0] == "0x2A")) {
    std::string_view text = words[1];
    if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
    std::uint32_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    const ErrorInfo* info =
        ec == std::errc() && ptr == text.data() + text.size() ? FindError(value) : nullptr;
    if (info == nullptr) {
      return ReportFailure(
          ctx, Status(ErrorCode::kNotFound, fmt::format("{} is not a Licet error code", words[1]),
                      "licet errors   (lists every code)"));
    }
    if (ctx.json) {
      return PrintJson(ctx, {{"code", FormatCode(info->code)},
                             {"symbol", info->symbol},
                             {"message", info->message},
                             {"remedy", info->remedy}});
    }
    *ctx.out << fmt::format("{} ({})\n{}\nFix: {}\n", FormatCode(info->code), info->symbol,
                            info->message, info->remedy);
    return 0;
  }
  if (words.empty() || (words.size() == 1 && (words[0] == "/?" || words[0] == "-?" ||
                                              words[0] == "--help" || words[0] == "-h"))) {
    *ctx.out << "slui: activation wizards, as on Windows.\n"
                "  slui 4 [--qr|--no-qr]      Phone activation: choose a country, read the "
                "installation ID\n"
                "                             (and its QR code), type the confirmation ID group "
                "by group.\n"
                "                             Reads lines from standard input, so it also runs "
                "from a script.\n"
                "  slui 0x2a <error code>     Explain an error code (e.g. slui 0x2a 0xC004F050).\n"
                "Options: --root DIR (the installation), --json (errors as JSON).\n";
    return 0;
  }
  if (words.size() == 1 && words[0] == "4") return RunPhoneWizard(ctx, qr);
  return ReportFailure(ctx, UsageError("slui takes: slui 4 [--qr|--no-qr] (phone activation), or "
                                       "slui 0x2a <error code>",
                                       "licet errors"));
}

}  // namespace licet::cli
