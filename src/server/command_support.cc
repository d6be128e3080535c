#include "command_support.h"

#include <fmt/format.h>

#include <iostream>

#include "error_json.h"

namespace licet::server {

int Fail(const Status& s) {
  std::cerr << fmt::format("Error: {} ({})\n{}\nFix: {}\n", FormatCode(s.code()), s.info().symbol,
                           s.message(), s.remedy());
  return ExitStatusFor(s.info().category);
}

int FailAs(bool json, const Status& s) {
  if (!json) return Fail(s);
  std::cout << client::ErrorJson(s).dump(2) << "\n";
  return ExitStatusFor(s.info().category);
}

StatusOr<std::unique_ptr<ServerStore>> OpenStore(const VendorData& data) {
  return OpenSqliteStore((data.dir / "licet.db").string());
}

}  // namespace licet::server
