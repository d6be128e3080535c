#include "windows_args.h"

#include <fmt/format.h>

#include "licet/core/ascii.h"

namespace licet::cli {

StatusOr<WindowsCommandLine> ParseWindowsArgs(const std::vector<std::string>& args) {
  WindowsCommandLine cl;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      cl.json = true;
    } else if (a == "--root") {
      if (i + 1 >= args.size())
        return Status(ErrorCode::kInvalidArgument, "--root needs a directory");
      cl.root_flag = args[++i];
    } else if (a.starts_with("--root=")) {
      cl.root_flag = a.substr(7);
    } else if (a.starts_with("--")) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("unknown flag {} (Licet flags here: --root DIR, --json)", a));
    } else if (a.size() > 1 && (a[0] == '/' || a[0] == '-')) {
      WindowsOption o;
      o.original = a;
      const size_t colon = a.find(':');
      o.name = AsciiLower(a.substr(1, colon == std::string::npos ? std::string::npos : colon - 1));
      if (colon != std::string::npos) o.value = a.substr(colon + 1);
      cl.options.push_back(std::move(o));
    } else {
      cl.words.push_back(a);
    }
  }
  return cl;
}

std::variant<WindowsCommandLine, int> BeginFrontEnd(CliContext& ctx,
                                                    const std::vector<std::string>& args,
                                                    std::string_view help) {
  StatusOr<WindowsCommandLine> cl = ParseWindowsArgs(args);
  if (!cl.ok()) return ReportFailure(ctx, cl.status());
  ctx.json = ctx.json || cl->json;
  if (!cl->root_flag.empty()) ctx.root_flag = cl->root_flag;
  if (cl->options.empty() || cl->options[0].name == "?" || cl->options[0].name == "help") {
    *ctx.out << help;
    return cl->options.empty() ? 2 : 0;
  }
  return std::move(cl).value();
}

}  // namespace licet::cli
