#include <fmt/format.h>

#include "cli_context.h"

namespace licet::cli {
namespace {

// Messages are built from fragments ("this installation is ..."); print them as sentences.
std::string Sentence(std::string_view text) {
  std::string out(text);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  if (!out.empty() && out.back() != '.' && out.back() != ')' && out.back() != '?')
    out.push_back('.');
  return out;
}

}  // namespace

int ReportFailure(const CliContext& ctx, const Status& status) {
  if (ctx.json) {
    *ctx.out << ErrorJson(status).dump(2) << "\n";
  } else {
    *ctx.err << fmt::format("Error: {} ({})\n{}\n", FormatCode(status.code()), status.info().symbol,
                            Sentence(status.message()));
    *ctx.err << (status.has_fix() && status.remedy().starts_with("licet ")
                     ? fmt::format("To fix it, run:\n    {}\n", status.remedy())
                     : fmt::format("Fix: {}\n", status.remedy()));
  }
  return ExitStatusFor(status.info().category);
}

int PrintJson(const CliContext& ctx, const nlohmann::json& json) {
  *ctx.out << json.dump(2) << "\n";
  return 0;
}

Status UsageError(std::string message, std::string help_command) {
  return Status(ErrorCode::kInvalidArgument, std::move(message),
                fmt::format("See {}", help_command));
}

}  // namespace licet::cli
