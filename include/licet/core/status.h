// File: status.h
// licet::Status and licet::StatusOr<T>: the one error model of Licet (no exceptions cross a
// component boundary). A Status carries a registry code (error_code.h), a message in the
// installation's own terms, and optionally the exact command that fixes this case (otherwise the
// registry's remedy).
//
//   licet::StatusOr<ProductKey> key = ProductKey::Parse(text);
//   if (!key.ok()) return key.status();
//
//   LICET_ASSIGN_OR_RETURN(auto store, Installation::Open(root));   // expands to several
//   statements LICET_RETURN_IF_ERROR(store.Save());
//
// Thread-compatible: distinct objects may be used from distinct threads.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <variant>

#include "licet/core/check.h"
#include "licet/core/error_code.h"

namespace licet {

class [[nodiscard]] Status {
 public:
  /// An OK status.
  Status() = default;
  /// A status with `code`; `message` says what happened here, `fix` (optional) the exact command.
  /// Out of line and cold: the compiler moves every path that builds an error (and its message)
  /// away from the success path's code, for a first license check pays for each page of code it
  /// touches (docs/sdk.md).
  [[gnu::cold]] Status(ErrorCode code, std::string message, std::string fix = {});

  [[nodiscard]] bool ok() const { return code_ == ErrorCode::kOk; }
  [[nodiscard]] ErrorCode code() const { return code_; }
  [[nodiscard]] const ErrorInfo& info() const { return LookupError(code_); }
  /// The specific message, or the registry's generic one when none was given.
  [[nodiscard]] std::string_view message() const;
  /// The exact fix for this case if one was given, else the registry's remedy.
  [[nodiscard]] std::string_view remedy() const;
  /// True when a case-specific fix was attached.
  [[nodiscard]] bool has_fix() const { return !fix_.empty(); }

  /// "0xC004F050 SL_E_INVALID_PRODUCT_KEY: <message>".
  [[nodiscard]] std::string ToString() const;

  /// Returns a copy with `context` put before the message ("while X: message").
  [[nodiscard]] Status WithContext(std::string_view context) const;
  /// Returns a copy whose fix is `fix`: a caller that knows which command fixes the case here
  /// (licet-server's, not licet's) replaces a lower layer's. Inline: only its callers pay for it.
  [[nodiscard]] Status WithFix(std::string fix) const {
    return Status(code_, message_, std::move(fix));
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string fix_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

/// OK status, for readability at return sites.
inline Status OkStatus() { return Status(); }

/// Either a value or a non-OK Status. Constructing from an OK Status is a programming error.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : rep_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  StatusOr(Status status) : rep_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    LICET_CHECK(!std::get<Status>(rep_).ok(), "StatusOr built from an OK Status");
  }

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(rep_); }
  [[nodiscard]] Status status() const& { return ok() ? Status() : std::get<Status>(rep_); }
  [[nodiscard]] Status status() && { return ok() ? Status() : std::get<Status>(std::move(rep_)); }

  /// Precondition: ok(). Checked: calling on an error aborts with the status.
  [[nodiscard]] const T& value() const& { return std::get<T>(CheckOk()); }
  [[nodiscard]] T& value() & { return std::get<T>(CheckOk()); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(CheckOk())); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  const std::variant<Status, T>& CheckOk() const {
    LICET_CHECK(ok(), std::get<Status>(rep_).ToString().c_str());
    return rep_;
  }
  std::variant<Status, T>& CheckOk() {
    LICET_CHECK(ok(), std::get<Status>(rep_).ToString().c_str());
    return rep_;
  }
  std::variant<Status, T> rep_;
};

}  // namespace licet

#define LICET_STATUS_CONCAT_INNER(a, b) a##b
#define LICET_STATUS_CONCAT(a, b) LICET_STATUS_CONCAT_INNER(a, b)

/// Returns from the enclosing function with the status of `expr` when it is not OK.
/// Expands to a do/while statement.
#define LICET_RETURN_IF_ERROR(expr)                        \
  do {                                                     \
    ::licet::Status licet_status_tmp_ = (expr);            \
    if (!licet_status_tmp_.ok()) return licet_status_tmp_; \
  } while (false)

/// Evaluates `expr` (a StatusOr); returns its status when not OK, otherwise declares/assigns `lhs`.
/// Expands to several statements, so it cannot be the body of an unbraced if.
#define LICET_ASSIGN_OR_RETURN(lhs, expr) \
  LICET_ASSIGN_OR_RETURN_IMPL(LICET_STATUS_CONCAT(licet_statusor_, __LINE__), lhs, expr)
#define LICET_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).status();    \
  lhs = std::move(tmp).value()
