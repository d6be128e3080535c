#include "api_router.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "page_query.h"
#include "phone_page.h"

namespace licet::server {
namespace {

using nlohmann::json;

HttpResponse JsonResponse(int status, const json& body) {
  return {.status = status, .content_type = "application/json", .body = body.dump()};
}

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

// One page of a key's activations, and the link to the next page while there may be one.
HttpResponse ActivationPage(ServerStore& store, const std::string& key, std::string_view target) {
  StatusOr<PageQuery> page = ParsePageQuery(QueryOf(target));
  if (!page.ok()) return ErrorResponse(page.status());
  // One row more than the page shows whether another page follows.
  StatusOr<std::vector<ActivationRow>> rows =
      store.ListActivations(key, page->limit + 1, page->after);
  if (!rows.ok()) return ErrorResponse(rows.status());
  json next = nullptr;
  if (rows->size() > page->limit) {
    rows->pop_back();
    next = fmt::format("{}?after={}&limit={}", PathOf(target), rows->back().seq, page->limit);
  }
  return JsonResponse(200, {{"key", key}, {"activations", ActivationsJson(*rows)}, {"next", next}});
}

}  // namespace

json KeyJson(const KeyInfo& k) {
  return {{"key", k.key},
          {"channel", ChannelName(k.issue.channel)},
          {"activation_id", k.issue.activation_id},
          {"used", k.used},
          {"limit", k.issue.max_activations},
          {"total", k.total},
          {"total_limit", k.issue.max_total},
          {"blocked", k.blocked},
          {"released", k.released},
          {"machines", k.machines},
          {"machines_truncated", k.machines_truncated}};
}

json ActivationsJson(const std::vector<ActivationRow>& rows) {
  json list = json::array();
  for (const ActivationRow& r : rows) {
    list.push_back({{"seq", r.seq},
                    {"cmid", r.cmid},
                    {"hardware_id", r.hardware_id},
                    {"created_at", r.created_at}});
  }
  return list;
}

json ReleasedJson(const std::string& key, const ReleasedMachine& r) {
  return {{"key", key},
          {"released", r.hardware_id},
          {"activations_removed", r.activations},
          {"used", r.used},
          {"limit", r.limit}};
}

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

HttpResponse ApiRouter::Admin(const HttpRequest& req) {
  constexpr std::string_view kBearer = "Bearer ";
  if (!req.authorization.starts_with(kBearer)) {
    return ErrorResponse(Status(ErrorCode::kUnauthorized,
                                "the admin API needs an Authorization: Bearer <token> header"));
  }
  StatusOr<AdminRole> role = store_.CheckAdminToken(req.authorization.substr(kBearer.size()));
  if (!role.ok()) return ErrorResponse(role.status());
  const std::string_view path = PathOf(req.target);
  if (path == "/v1/admin/stats" && req.method == "GET") {
    StatusOr<ServerStats> s = store_.Stats();
    if (!s.ok()) return ErrorResponse(s.status());
    return JsonResponse(
        200,
        {{"keys", s->keys}, {"blocked_keys", s->blocked_keys}, {"activations", s->activations}});
  }
  constexpr std::string_view kKeys = "/v1/admin/keys/";
  constexpr std::string_view kMachines = "/machines/";  // .../keys/KEY/machines/MACHINE/release
  constexpr std::string_view kRelease = "/release";
  if (path.starts_with(kKeys)) {
    std::string rest(path.substr(kKeys.size()));
    if (rest.ends_with("/activations") && req.method == "GET") {
      rest.resize(rest.size() - 12);
      return ActivationPage(store_, rest, req.target);
    }
    if (const std::size_t at = rest.find(kMachines);
        at != std::string::npos && rest.size() >= at + kMachines.size() + kRelease.size() &&
        rest.ends_with(kRelease) && req.method == "POST") {
      if (*role != AdminRole::kAdmin)
        return ErrorResponse(
            Status(ErrorCode::kUnauthorized, "releasing a machine needs an admin token"));
      const std::string key = rest.substr(0, at);
      const std::string machine =
          rest.substr(at + kMachines.size(), rest.size() - at - kMachines.size() - kRelease.size());
      StatusOr<ReleasedMachine> r = store_.ReleaseMachine(key, machine);
      if (!r.ok()) return ErrorResponse(r.status());
      return JsonResponse(200, ReleasedJson(key, *r));
    }
    const bool block = rest.ends_with("/block");
    if (block) rest.resize(rest.size() - 6);
    if (block && req.method == "POST") {
      if (*role != AdminRole::kAdmin)
        return ErrorResponse(
            Status(ErrorCode::kUnauthorized, "blocking a key needs an admin token"));
      const Status s = store_.BlockKey(rest);
      return s.ok() ? JsonResponse(200, {{"blocked", rest}}) : ErrorResponse(s);
    }
    if (!block && req.method == "GET") {
      StatusOr<KeyInfo> k = store_.GetKey(rest, kDefaultPageLimit);
      if (!k.ok()) return ErrorResponse(k.status());
      return JsonResponse(200, KeyJson(*k));
    }
  }
  return ErrorResponse(
      Status(ErrorCode::kNotFound, fmt::format("no admin route {} {}", req.method, path)));
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
