#include "licet/core/status.h"

#include <fmt/format.h>

namespace licet {

Status::Status(ErrorCode code, std::string message, std::string fix)
    : code_(code), message_(std::move(message)), fix_(std::move(fix)) {}

std::string_view Status::message() const {
  return message_.empty() ? info().message : std::string_view(message_);
}

std::string_view Status::remedy() const {
  return fix_.empty() ? info().remedy : std::string_view(fix_);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return fmt::format("{} {}: {}", FormatCode(code_), info().symbol, message());
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, fmt::format("{}: {}", context, message()), fix_);
}

std::ostream& operator<<(std::ostream& os, const Status& status) { return os << status.ToString(); }

}  // namespace licet
