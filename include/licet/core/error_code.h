// File: error_code.h
// The registry of Licet error codes: each code's symbol, message, remedy and category, and the one
// place that turns a category into a CLI exit status or an HTTP status.
//
//   const licet::ErrorInfo& info = licet::LookupError(licet::ErrorCode::kNotSupported);
//   fmt::print("{} {}\n", licet::FormatCode(info.code), info.symbol);  // 0x80070032
//   ERROR_NOT_SUPPORTED
//
// Thread-safe: the registry is immutable static data.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace licet {

/// Canonical categories (after absl::StatusCode) from which exit and HTTP statuses derive.
enum class ErrorCategory {
  kOk,
  kUsage,  // the command line itself is wrong: exit status 2
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kResourceExhausted,
  kUnauthenticated,
  kPermissionDenied,
  kUnavailable,
  kDataLoss,
  kInternal,
};

/// Every code Licet can report. Values are the HRESULT-style codes users see.
enum class ErrorCode : std::uint32_t {
#define LICET_ERROR(name, value, symbol, category, message, remedy) name = value,
#include "licet/core/error_codes.inc"
#undef LICET_ERROR
};

/// One registry row.
struct ErrorInfo {
  ErrorCode code;
  std::string_view symbol;  // e.g. "SL_E_INVALID_PRODUCT_KEY"
  ErrorCategory category;
  std::string_view message;  // generic meaning; a Status adds this installation's specifics
  std::string_view remedy;   // generic fix; a Status may carry an exact command instead
};

/// Returns the registry row for `code`. Codes outside the registry (only reachable by casting a raw
/// number) map to the kInternal row.
[[nodiscard]] const ErrorInfo& LookupError(ErrorCode code);

/// Finds a code by its numeric value, e.g. parsed from "0xC004F050". Returns nullptr if unknown.
[[nodiscard]] const ErrorInfo* FindError(std::uint32_t value);

/// All rows in registry order.
[[nodiscard]] std::span<const ErrorInfo> AllErrors();

/// "0x80070032": upper-case hex, eight digits.
[[nodiscard]] std::string FormatCode(ErrorCode code);

/// Lower-case name of a category, e.g. "failed_precondition".
[[nodiscard]] std::string_view CategoryName(ErrorCategory category);

/// CLI exit status: 0 success, 2 usage error, 1 every other failure.
[[nodiscard]] int ExitStatusFor(ErrorCategory category);

/// HTTP status for the server's JSON errors (400, 404, 409, 412, 429, 401, 403, 503, 500).
[[nodiscard]] int HttpStatusFor(ErrorCategory category);

/// The registry as the Markdown table in docs/error-codes.md.
[[nodiscard]] std::string ErrorRegistryMarkdown();

}  // namespace licet
