#include "api_json.h"

#include <nlohmann/json.hpp>

namespace licet::server {
namespace {

// The remedy an API client should read. The registry's own remedies for a bad argument or
// something not found speak to a command-line user (--help, licet catalog show); an HTTP client
// needs the API's description instead.
std::string_view ApiRemedy(const Status& s) {
  if (!s.has_fix() &&
      (s.code() == ErrorCode::kInvalidArgument || s.code() == ErrorCode::kNotFound)) {
    return "The routes and their JSON bodies are described in docs/api/openapi.yaml";
  }
  return s.remedy();
}

}  // namespace

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  return {.status = status, .content_type = "application/json", .body = body.dump()};
}

HttpResponse ErrorResponse(const Status& s) {
  return JsonResponse(HttpStatusFor(s.info().category), {{"error",
                                                          {{"code", FormatCode(s.code())},
                                                           {"symbol", s.info().symbol},
                                                           {"message", s.message()},
                                                           {"remedy", ApiRemedy(s)}}}});
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view QueryOf(std::string_view target) {
  const std::size_t mark = target.find('?');
  return mark == std::string_view::npos ? std::string_view() : target.substr(mark + 1);
}

}  // namespace licet::server
