#include "api_router.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api_json.h"
#include "phone_page.h"

namespace licet::server {

using nlohmann::json;

void ApiRouter::Handle(const HttpRequest& req, HttpResponder respond) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  if (PathOf(req.target) == "/v1/activations" && req.method == "POST") {
    // The hot path reads with JsonDocument and answers with JsonWriter's text: no nlohmann-json
    // document (allocations per member) on either side of an activation.
    const StatusOr<JsonDocument> body = JsonDocument::Parse(req.body);
    if (!body.ok()) {
      activations_failed_.fetch_add(1, std::memory_order_relaxed);
      return respond(ErrorResponse(
          Status(ErrorCode::kInvalidArgument,
                 fmt::format("the request body is not JSON ({})", body.status().message()))));
    }
    return activations_.ActivateAsync(body->root(), [this, respond = std::move(respond)](
                                                        StatusOr<std::string> result) {
      (result.ok() ? activations_ok_ : activations_failed_).fetch_add(1, std::memory_order_relaxed);
      respond(result.ok() ? HttpResponse{.status = 200,
                                         .content_type = "application/json",
                                         .body = std::move(*result)}
                          : ErrorResponse(result.status()));
    });
  }
  respond(HandleNow(req));
}

HttpResponse ApiRouter::HandleNow(const HttpRequest& req) {
  const std::string_view path = PathOf(req.target);
  if (path == "/healthz" && req.method == "GET") {
    const Status health = store_.Health();
    if (health.ok()) return JsonResponse(200, {{"status", "ok"}});
    HttpResponse failing = ErrorResponse(health);
    failing.status = 503;  // load balancers take the server out of rotation
    return failing;
  }
  if (path == "/phone" && req.method == "GET") {
    return HttpResponse{.status = 200,
                        .content_type = "text/html; charset=utf-8",
                        .body = PhonePage(activations_.product_name())};
  }
  if (path == "/metrics" && req.method == "GET") return Metrics();
  if (path == "/v1/activations") {
    return ErrorResponse(Status(ErrorCode::kInvalidArgument, "use POST /v1/activations"));
  }
  if (path == "/v1/host-activations") {
    if (req.method != "POST")
      return ErrorResponse(Status(ErrorCode::kInvalidArgument, "use POST /v1/host-activations"));
    const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded())
      return ErrorResponse(Status(ErrorCode::kInvalidArgument, "the request body is not JSON"));
    StatusOr<json> result = activations_.ActivateHost(body);
    (result.ok() ? activations_ok_ : activations_failed_).fetch_add(1, std::memory_order_relaxed);
    return result.ok() ? JsonResponse(200, *result) : ErrorResponse(result.status());
  }
  if (path == "/v1/phone-activations") {
    if (req.method != "POST")
      return ErrorResponse(Status(ErrorCode::kInvalidArgument, "use POST /v1/phone-activations"));
    const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded())
      return ErrorResponse(Status(ErrorCode::kInvalidArgument, "the request body is not JSON"));
    StatusOr<json> result = activations_.ConfirmPhone(body);
    (result.ok() ? activations_ok_ : activations_failed_).fetch_add(1, std::memory_order_relaxed);
    return result.ok() ? JsonResponse(200, *result) : ErrorResponse(result.status());
  }
  if (path.starts_with("/v1/admin/")) return Admin(req);
  return ErrorResponse(
      Status(ErrorCode::kNotFound, fmt::format("no route {} {}", req.method, path)));
}

HttpResponse ApiRouter::Metrics() {
  std::string out =
      "# HELP licet_http_requests_total HTTP requests received.\n# TYPE licet_http_requests_total "
      "counter\n";
  out += fmt::format("licet_http_requests_total {}\n", requests_.load());
  out +=
      "# HELP licet_activations_total Online activation requests by result.\n# TYPE "
      "licet_activations_total counter\n";
  out += fmt::format("licet_activations_total{{result=\"ok\"}} {}\n", activations_ok_.load());
  out +=
      fmt::format("licet_activations_total{{result=\"failed\"}} {}\n", activations_failed_.load());
  out +=
      "# HELP licet_store_healthy 1 while the store makes writes durable, 0 once a sync failed.\n"
      "# TYPE licet_store_healthy gauge\n";
  out += fmt::format("licet_store_healthy {}\n", store_.Health().ok() ? 1 : 0);
  const DurableWriteStats writes = store_.WriteStats();
  out +=
      "# HELP licet_commit_batch_activations Activation requests per group-commit transaction "
      "(refused and replayed ones included).\n"
      "# TYPE licet_commit_batch_activations summary\n";
  out += fmt::format(
      "licet_commit_batch_activations_sum {}\nlicet_commit_batch_activations_count {}\n",
      writes.activations, writes.batches);
  out +=
      "# HELP licet_log_sync_seconds Time the disk took to confirm the activation log's writes "
      "(one sync covers every batch committed before it began).\n"
      "# TYPE licet_log_sync_seconds summary\n";
  out += fmt::format("licet_log_sync_seconds_sum {:.6f}\nlicet_log_sync_seconds_count {}\n",
                     writes.sync_seconds, writes.syncs);
  if (signer_ != nullptr) {
    out +=
        "# HELP licet_token_signatures_total License token signatures by how their nonce was "
        "made: ahead of time in idle CPU time, or inline when none was ready.\n"
        "# TYPE licet_token_signatures_total counter\n";
    out += fmt::format("licet_token_signatures_total{{nonce=\"precomputed\"}} {}\n",
                       signer_->precomputed_signatures());
    out += fmt::format("licet_token_signatures_total{{nonce=\"inline\"}} {}\n",
                       signer_->inline_signatures());
  }
  return {.status = 200, .content_type = "text/plain; version=0.0.4", .body = std::move(out)};
}

}  // namespace licet::server
