#include "error_json.h"

namespace licet::client {

nlohmann::json ErrorJson(const Status& status) {
  return {{"error",
           {{"code", FormatCode(status.code())},
            {"symbol", status.info().symbol},
            {"category", CategoryName(status.info().category)},
            {"message", status.message()},
            {"remedy", status.remedy()}}}};
}

}  // namespace licet::client
