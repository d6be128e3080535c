#include "licet/core/error_code.h"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "licet/core/check.h"

namespace licet {
namespace {

constexpr ErrorInfo kRegistry[] = {
#define LICET_ERROR(name, value, symbol, category, message, remedy) \
  {ErrorCode::name, symbol, ErrorCategory::category, message, remedy},
#include "licet/core/error_codes.inc"
#undef LICET_ERROR
};

}  // namespace

const ErrorInfo* FindError(std::uint32_t value) {
  for (const ErrorInfo& info : kRegistry) {
    if (static_cast<std::uint32_t>(info.code) == value) return &info;
  }
  return nullptr;
}

const ErrorInfo& LookupError(ErrorCode code) {
  const ErrorInfo* info = FindError(static_cast<std::uint32_t>(code));
  return info != nullptr ? *info : *FindError(static_cast<std::uint32_t>(ErrorCode::kInternal));
}

std::span<const ErrorInfo> AllErrors() { return kRegistry; }

std::string FormatCode(ErrorCode code) {
  return fmt::format("0x{:08X}", static_cast<std::uint32_t>(code));
}

std::string_view CategoryName(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::kOk:
      return "ok";
    case ErrorCategory::kUsage:
      return "usage";
    case ErrorCategory::kInvalidArgument:
      return "invalid_argument";
    case ErrorCategory::kNotFound:
      return "not_found";
    case ErrorCategory::kAlreadyExists:
      return "already_exists";
    case ErrorCategory::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCategory::kResourceExhausted:
      return "resource_exhausted";
    case ErrorCategory::kUnauthenticated:
      return "unauthenticated";
    case ErrorCategory::kPermissionDenied:
      return "permission_denied";
    case ErrorCategory::kUnavailable:
      return "unavailable";
    case ErrorCategory::kDataLoss:
      return "data_loss";
    case ErrorCategory::kInternal:
      return "internal";
  }
  return "internal";
}

int ExitStatusFor(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::kOk:
      return 0;
    case ErrorCategory::kUsage:
      return 2;
    default:
      return 1;
  }
}

int HttpStatusFor(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::kOk:
      return 200;
    case ErrorCategory::kUsage:
    case ErrorCategory::kInvalidArgument:
      return 400;
    case ErrorCategory::kUnauthenticated:
      return 401;
    case ErrorCategory::kPermissionDenied:
      return 403;
    case ErrorCategory::kNotFound:
      return 404;
    case ErrorCategory::kAlreadyExists:
      return 409;
    case ErrorCategory::kFailedPrecondition:
      return 412;
    case ErrorCategory::kResourceExhausted:
      return 429;
    case ErrorCategory::kUnavailable:
      return 503;
    case ErrorCategory::kDataLoss:
    case ErrorCategory::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorRegistryMarkdown() {
  std::string out =
      "# Licet error codes\n\n"
      "Generated from `include/licet/core/error_codes.inc` by `licet errors --markdown`; do not "
      "edit by "
      "hand.\nWindows codes are reused where the meaning matches; `0xA1CE…` codes are Licet's "
      "own.\n"
      "Exit status of the CLI: 0 success, 2 usage error (category `usage`), 1 any other "
      "failure.\n\n"
      "| Code | Symbol | Category | HTTP | Meaning | Remedy |\n|---|---|---|---|---|---|\n";
  for (const ErrorInfo& info : kRegistry) {
    out += fmt::format("| {} | `{}` | {} | {} | {} | {} |\n", FormatCode(info.code), info.symbol,
                       CategoryName(info.category), HttpStatusFor(info.category), info.message,
                       info.remedy);
  }
  return out;
}

namespace core_internal {
void CheckFailed(const char* file, int line, const char* condition, const char* message) {
  std::fprintf(stderr, "licet: check failed at %s:%d: %s (%s)\n", file, line, condition, message);
  std::abort();
}
}  // namespace core_internal

}  // namespace licet
