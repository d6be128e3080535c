#include "admin_api.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api_json.h"
#include "api_router.h"
#include "licet/core/product_key.h"
#include "licet/core/quote.h"
#include "page_query.h"

namespace licet::server {
namespace {

using nlohmann::json;

constexpr std::string_view kKeysPrefix = "/v1/admin/keys/";

Status NoAdminRoute(std::string_view method, std::string_view path) {
  return Status(ErrorCode::kNotFound,
                fmt::format("no admin route {} {}", method, QuoteInput(path, 120)));
}

// One page of a key's activations, and the link to the next page while there may be one.
HttpResponse ActivationPageResponse(ServerStore& store, const std::string& key,
                                    std::string_view target) {
  StatusOr<PageQuery> query = ParsePageQuery(QueryOf(target));
  if (!query.ok()) return ErrorResponse(query.status());
  StatusOr<ServerStore::ActivationPage> page =
      store.ListActivationPage(key, query->limit, query->after);
  if (!page.ok()) return ErrorResponse(page.status());
  json next = nullptr;
  if (page->next_after) {
    next = fmt::format("{}{}/activations?after={}&limit={}", kKeysPrefix, key, *page->next_after,
                       query->limit);
  }
  return JsonResponse(200,
                      {{"key", key}, {"activations", ActivationsJson(page->rows)}, {"next", next}});
}

}  // namespace

StatusOr<AdminKeyRoute> ParseAdminKeyRoute(std::string_view rest) {
  const std::size_t slash = rest.find('/');
  const std::string_view key_text = rest.substr(0, slash);
  const std::string_view tail =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  AdminKeyRoute route;
  constexpr std::string_view kMachines = "/machines/";
  constexpr std::string_view kRelease = "/release";
  if (tail.empty()) {
    route.kind = AdminKeyRoute::Kind::kKey;
  } else if (tail == "/activations") {
    route.kind = AdminKeyRoute::Kind::kActivations;
  } else if (tail == "/block") {
    route.kind = AdminKeyRoute::Kind::kBlock;
  } else if (tail.starts_with(kMachines) && tail.ends_with(kRelease) &&
             tail.size() > kMachines.size() + kRelease.size()) {
    route.kind = AdminKeyRoute::Kind::kRelease;
    route.machine = std::string(
        tail.substr(kMachines.size(), tail.size() - kMachines.size() - kRelease.size()));
    if (route.machine.find('/') != std::string::npos) {
      return Status(ErrorCode::kNotFound, "no admin route with that path");
    }
  } else {
    return Status(ErrorCode::kNotFound, "no admin route with that path");
  }
  StatusOr<ProductKey> key = ProductKey::Parse(key_text);
  if (!key.ok()) {
    return Status(ErrorCode::kInvalidProductKey,
                  fmt::format("{} in the path is not a product key: {}", QuoteInput(key_text),
                              key.status().message()),
                  "Name the key as licet-server keys generate printed it, e.g. "
                  "/v1/admin/keys/BCDFG-HJKMP-QRTVW-XY234-6789B");
  }
  route.key = key->text();
  return route;
}

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

HttpResponse ApiRouter::Admin(const HttpRequest& req) {
  constexpr std::string_view kBearer = "Bearer ";
  if (!req.authorization.starts_with(kBearer)) {
    return ErrorResponse(Status(ErrorCode::kUnauthorized,
                                "the admin API needs an Authorization: Bearer <token> header"));
  }
  StatusOr<AdminRole> role = store_.CheckAdminToken(req.authorization.substr(kBearer.size()));
  if (!role.ok()) return ErrorResponse(role.status());
  const std::string_view path = PathOf(req.target);
  const bool get = req.method == "GET";
  // Only the activations listing takes parameters; elsewhere a query is a mistake to point out.
  const auto no_query = [&]() -> Status {
    if (QueryOf(req.target).empty()) return OkStatus();
    return Status(ErrorCode::kInvalidArgument, fmt::format("{} takes no query parameters (got {})",
                                                           path, QuoteInput(QueryOf(req.target))));
  };
  if (path == "/v1/admin/stats" && get) {
    if (const Status s = no_query(); !s.ok()) return ErrorResponse(s);
    StatusOr<ServerStats> s = store_.Stats();
    if (!s.ok()) return ErrorResponse(s.status());
    return JsonResponse(
        200,
        {{"keys", s->keys}, {"blocked_keys", s->blocked_keys}, {"activations", s->activations}});
  }
  if (!path.starts_with(kKeysPrefix)) return ErrorResponse(NoAdminRoute(req.method, path));
  StatusOr<AdminKeyRoute> route = ParseAdminKeyRoute(path.substr(kKeysPrefix.size()));
  if (!route.ok()) {
    return ErrorResponse(route.status().code() == ErrorCode::kNotFound
                             ? NoAdminRoute(req.method, path)
                             : route.status());
  }
  using Kind = AdminKeyRoute::Kind;
  const bool wants_post = route->kind == Kind::kBlock || route->kind == Kind::kRelease;
  if (req.method != (wants_post ? "POST" : "GET")) {
    return ErrorResponse(Status(ErrorCode::kInvalidArgument,
                                fmt::format("use {} {}", wants_post ? "POST" : "GET", path)));
  }
  if (route->kind != Kind::kActivations) {
    if (const Status s = no_query(); !s.ok()) return ErrorResponse(s);
  }
  if (wants_post && *role != AdminRole::kAdmin) {
    return ErrorResponse(
        Status(ErrorCode::kUnauthorized, route->kind == Kind::kBlock
                                             ? "blocking a key needs an admin token"
                                             : "releasing a machine needs an admin token"));
  }
  switch (route->kind) {
    case Kind::kKey: {
      StatusOr<KeyInfo> k = store_.GetKey(route->key, kDefaultPageLimit);
      if (!k.ok()) return ErrorResponse(k.status());
      return JsonResponse(200, KeyJson(*k));
    }
    case Kind::kActivations:
      return ActivationPageResponse(store_, route->key, req.target);
    case Kind::kBlock: {
      const Status s = store_.BlockKey(route->key);
      return s.ok() ? JsonResponse(200, {{"blocked", route->key}}) : ErrorResponse(s);
    }
    case Kind::kRelease: {
      StatusOr<ReleasedMachine> r = store_.ReleaseMachine(route->key, route->machine);
      if (!r.ok()) return ErrorResponse(r.status());
      return JsonResponse(200, ReleasedJson(route->key, *r));
    }
  }
  return ErrorResponse(NoAdminRoute(req.method, path));
}

}  // namespace licet::server
